/**
 * `npm run cli -- import <file.csv> --campaign 2025-2026`: imports a campaign's
 * communes into the running local stack, with a progress bar, and prints the
 * report (every refused row with its line and reason). The same import is
 * POST /admin/campaigns/{schoolYear}/imports on the API.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { isAppError } from '../../functions/core/errors.ts';
import { importCampaign } from '../../functions/core/import-campaign.ts';
import { applyEnvironment, handlerEnvironment } from './environment.ts';
import { readRunningStack } from './paths.ts';

const USAGE = 'Usage: npm run cli -- import <file.csv> --campaign <2025-2026>';

function progressBar(done: number, total: number): void {
  if (!process.stderr.isTTY && done !== total) return;
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} communes`);
  if (done === total) process.stderr.write('\n');
}

const [command, file, ...rest] = process.argv.slice(2);
const campaignAt = rest.indexOf('--campaign');
const schoolYear = campaignAt >= 0 ? rest[campaignAt + 1] : undefined;
if (command !== 'import' || !file || !schoolYear) {
  console.error(USAGE);
  process.exit(2);
}

applyEnvironment(handlerEnvironment(readRunningStack()));
const deps = composeDeps(loadConfig(process.env));
try {
  const report = await importCampaign(deps, { schoolYear, file: readFileSync(resolve(file)), actor: 'cli', onProgress: progressBar });
  console.log(`${report.imported} commune(s) importée(s), ${report.unchanged} inchangée(s), ${report.rejected.length} ligne(s) refusée(s).`);
  for (const row of report.rejected) console.log(`  ligne ${row.line}${row.commune ? ` (${row.commune})` : ''} : ${row.reason}`);
  process.exit(report.rejected.length > 0 ? 1 : 0);
} catch (error) {
  if (isAppError(error)) {
    console.error(error.message);
    for (const issue of error.issues) console.error(`  ${issue.field} : ${issue.message}`);
    process.exit(1);
  }
  throw error;
}
