/**
 * Budgets of issue 8: bundle size per function (at most 300 KB, the PDF
 * functions excepted) and module initialisation time of each bundle in a
 * fresh Node, beside a bare handler bundled and loaded the same way in the
 * same run. Bundled with esbuild's API and the options of
 * infra/paraphe-function.ts (minified ESM for node22, source maps,
 * @aws-sdk/* external, the require banner). In Lambda the SDK comes from the
 * runtime; here the bundles sit under .local/ so Node resolves it from the
 * project's node_modules.
 * Last line: `bundles: <n> functions, largest non-PDF <name> <KB> KB (budget 300 KB), init median <ms> ms vs bare <ms> ms`.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { functionSpecs, type FunctionSpec } from '../../infra/functions.ts';
import { RUNTIME_ASSETS } from '../../infra/paraphe-function.ts';
import { ensureSealingP12, LOCAL_SEALING_PASSPHRASE } from '../../infra/local/sealing-certificate.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';

const BUDGET_KB = 300;
const SPAWNS = Number(process.env.BENCH_INIT_SPAWNS ?? 5);
const SPAWN_TIMEOUT_MS = 30_000;

/** The same string as ESM_REQUIRE_BANNER in infra/paraphe-function.ts (not exported there). */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

const BARE_HANDLER = 'export const handler = async () => ({ statusCode: 200 });\n';

/** The PDF functions: they read or write documents, or seal them. */
const isPdfFunction = (spec: FunctionSpec): boolean => spec.bucket !== undefined || spec.sealsDocuments === true;

/** Bytes in the bundle per package (node_modules) or project folder, largest first. */
type Contributors = [string, number][];

async function bundle(entry: string, outfile: string): Promise<{ bytes: number; contributors: Contributors }> {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    external: ['@aws-sdk/*'],
    logLevel: 'error',
    metafile: true,
  });
  const byOrigin = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const origin = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
      byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + bytesInOutput);
    }
  }
  return { bytes: statSync(outfile).size, contributors: [...byOrigin].sort((a, b) => b[1] - a[1]) };
}

/** What CDK's afterBundling hook copies beside index.mjs (fonts, models, DSFR), so imports that read them work. */
function copyRuntimeAssets(outDir: string): void {
  for (const { from, files, to } of RUNTIME_ASSETS) {
    const pattern = new RegExp(`^${files.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    const source = join(PROJECT_ROOT, from);
    const target = join(outDir, to);
    mkdirSync(target, { recursive: true });
    for (const entry of readdirSync(source, { withFileTypes: true })) {
      if (entry.isFile() && pattern.test(entry.name)) copyFileSync(join(source, entry.name), join(target, entry.name));
    }
  }
}

/** One fresh Node: the time of `await import(bundle)`, in ms. */
function initOnce(file: string, env: Record<string, string>): Promise<number> {
  const script = [
    `const t0 = performance.now();`,
    `await import(${JSON.stringify(pathToFileURL(file).href)});`,
    `process.stdout.write(String(performance.now() - t0));`,
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), SPAWN_TIMEOUT_MS);
    child.stdout.on('data', (data: Buffer) => (out += data.toString()));
    child.stderr.on('data', (data: Buffer) => (err += data.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const ms = Number(out);
      if (code === 0 && Number.isFinite(ms)) resolve(ms);
      else reject(new Error(`import of ${file} failed (exit ${code}): ${err.trim().split('\n').slice(0, 5).join(' | ')}`));
    });
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Median of SPAWNS fresh imports, interleaved with the bare handler's so both see the same noise. */
async function initMedians(file: string, bare: string, env: Record<string, string>): Promise<{ ms: number; bareMs: number }> {
  const ours: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < SPAWNS; i += 1) {
    ours.push(await initOnce(file, env));
    baseline.push(await initOnce(bare, env));
  }
  return { ms: median(ours), bareMs: median(baseline) };
}

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);

export async function run(): Promise<void> {
  const dir = join(PROJECT_ROOT, '.local', 'bench-bundles');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const p12 = join(dir, 'sealing.p12');
  ensureSealingP12(p12, new Date());
  const env = {
    TABLE_NAME: 'paraphe-bench',
    BUCKET_NAME: 'paraphe-bench',
    SENDER_EMAIL: 'conventions-ent@paraphe.example.org',
    PUBLIC_BASE_URL: 'https://paraphe.example.org',
    RECTORAT_CONTACT_EMAIL: 'ent-ecole@rectorat.example.org',
    AWS_REGION: 'eu-west-3',
    SEALING_P12_PATH: p12,
    SEALING_P12_PASSPHRASE: LOCAL_SEALING_PASSPHRASE,
    // Never called: the bench measures cold starts, not seals.
    TSA_URL: 'http://127.0.0.1:9/',
  };

  const bareEntry = join(dir, 'bare-handler.mjs');
  writeFileSync(bareEntry, BARE_HANDLER);
  const bareFile = join(dir, 'bare', 'index.mjs');
  const { bytes: bareBytes } = await bundle(bareEntry, bareFile);
  // A first import of each kind warms the disk cache before anything is timed.
  await initOnce(bareFile, env);

  const rows: { spec: FunctionSpec; bytes: number; contributors: Contributors; ms: number; bareMs: number; pdf: boolean }[] = [];
  console.log(`bare handler: ${kb(bareBytes)} KB`);
  console.log(`${'function'.padEnd(24)} ${'bundle'.padStart(10)}  init, median of ${SPAWNS} fresh node processes, beside the bare handler's`);
  for (const spec of functionSpecs) {
    const file = join(dir, spec.name, 'index.mjs');
    const { bytes, contributors } = await bundle(join(PROJECT_ROOT, spec.entry), file);
    copyRuntimeAssets(join(dir, spec.name));
    await initOnce(file, env);
    const { ms, bareMs } = await initMedians(file, bareFile, env);
    const pdf = isPdfFunction(spec);
    rows.push({ spec, bytes, contributors, ms, bareMs, pdf });
    const verdict = pdf ? '(PDF, exempt)' : bytes > BUDGET_KB * 1024 ? `OVER BUDGET (${BUDGET_KB} KB)` : 'ok';
    console.log(
      `${spec.name.padEnd(24)} ${kb(bytes).padStart(7)} KB  ${ms.toFixed(1).padStart(6)} ms vs bare ${bareMs.toFixed(1)} ms (+${(ms - bareMs).toFixed(1)})  ${verdict}`,
    );
  }

  const over = rows.filter((row) => !row.pdf && row.bytes > BUDGET_KB * 1024);
  for (const row of over) {
    const top = row.contributors.slice(0, 3).map(([origin, bytes]) => `${origin} ${kb(bytes)} KB`).join(', ');
    console.log(`over the ${BUDGET_KB} KB budget: ${row.spec.name}, largest parts: ${top}`);
  }
  const largest = rows.filter((row) => !row.pdf).sort((a, b) => b.bytes - a.bytes)[0]!;
  const initMedian = median(rows.map((row) => row.ms));
  const bareMedian = median(rows.map((row) => row.bareMs));
  console.log(
    `bundles: ${rows.length} functions, largest non-PDF ${largest.spec.name} ${kb(largest.bytes)} KB (budget ${BUDGET_KB} KB), ` +
      `init median ${initMedian.toFixed(1)} ms vs bare ${bareMedian.toFixed(1)} ms`,
  );
}
