/**
 * `npm run bench`: runs every `*.bench.ts` module in this folder, in name
 * order, each in a process of its own (handler modules read their
 * environment once per process, and each bench has its own stack). Each
 * module exports `run(): Promise<void>` and prints its figures beside a
 * baseline measured in the same run (the machines are shared).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [flag, one] = process.argv.slice(2);

if (flag === '--one' && one) {
  const mod = (await import(pathToFileURL(join(here, one)).href)) as { run: () => Promise<void> };
  await mod.run();
  process.exit(0);
}

const only = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();

let failed = 0;
for (const file of modules) {
  console.log(`\n== ${file.replace('.bench.ts', '')}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--one', file], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.log(`${file}: failed (exit ${result.status ?? result.signal})`);
    failed += 1;
  }
}
process.exit(failed > 0 ? 1 : 0);
