/**
 * `npm run cli -- import <file.csv> --campaign 2025-2026`: imports a campaign's
 * communes into the running local stack through its API, as any client
 * would: the file in the request when it fits the API's payload limit, a
 * presigned upload otherwise (up to 20 MB); then it follows the job with a
 * progress bar and prints every refused row with its line and reason.
 * `API_URL` and `TOKEN` point it at another deployment.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { machineToken } from './oidc.ts';
import { readRunningStack } from './paths.ts';

const USAGE = 'Usage: npm run cli -- import <file.csv> --campaign <2025-2026>';

/**
 * A body above this goes through a presigned upload: Lambda takes 6 MB per synchronous invocation and
 * API Gateway passes a CSV base64-encoded (4/3 larger), so 4 MB of file is the most a request can carry.
 */
export const DIRECT_UPLOAD_MAX_BYTES = 4 * 1024 * 1024;

function progressBar(done: number, total: number, final: boolean): void {
  if (!process.stderr.isTTY && !final) return;
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} communes`);
  if (final) process.stderr.write('\n');
}

const [command, file, ...rest] = process.argv.slice(2);
const campaignAt = rest.indexOf('--campaign');
const schoolYear = campaignAt >= 0 ? rest[campaignAt + 1] : undefined;
if (command !== 'import' || !file || !schoolYear) {
  console.error(USAGE);
  process.exit(2);
}

const api = process.env.API_URL ?? readRunningStack().gatewayUrl;
const token = process.env.TOKEN ?? (await machineToken(readRunningStack().oidcIssuer, ['gestionnaire']));
const auth = { authorization: `Bearer ${token}` };

async function call(method: string, path: string, init: { body?: BodyInit; headers?: Record<string, string> } = {}): Promise<any> {
  const response = await fetch(`${api}${path}`, { method, headers: { ...auth, ...init.headers }, ...(init.body !== undefined ? { body: init.body } : {}) });
  const body = await response.json().catch(() => ({}));
  if (response.status >= 400) {
    console.error(body?.error?.message ?? `${method} ${path}: ${response.status}`);
    for (const field of body?.error?.fields ?? []) console.error(`  ${field.field} : ${field.message}`);
    process.exit(1);
  }
  return body;
}

const bytes = readFileSync(resolve(file));
const base = `/admin/campaigns/${schoolYear}/imports`;
let started: { jobId: string };
if (bytes.length <= DIRECT_UPLOAD_MAX_BYTES) {
  started = await call('POST', base, { body: bytes, headers: { 'content-type': 'text/csv' } });
} else {
  const upload = await call('POST', `${base}/uploads`, { body: JSON.stringify({ size: bytes.length, md5: createHash('md5').update(bytes).digest('base64') }), headers: { 'content-type': 'application/json' } });
  const put = await fetch(upload.uploadUrl, { method: 'PUT', body: bytes, headers: upload.headers });
  if (!put.ok) {
    console.error(`Le dépôt du fichier a échoué (${put.status}).`);
    process.exit(1);
  }
  started = await call('POST', base, { body: JSON.stringify({ key: upload.key }), headers: { 'content-type': 'application/json' } });
}

let job;
for (;;) {
  job = await call('GET', `/admin/jobs/${started.jobId}`);
  progressBar(job.done + job.failedCount, job.total, job.state !== 'running');
  if (job.state !== 'running') break;
  await new Promise((wait) => setTimeout(wait, 500));
}
if (job.state === 'failed') {
  console.error(`L'importation a échoué : ${job.reason ?? job.failed[0]?.reason ?? 'raison inconnue'}`);
  process.exit(1);
}
const refusedLines = job.failed.flatMap((failure: { lines?: number[]; line?: number }) => failure.lines ?? (failure.line ? [failure.line] : []));
console.log(`${job.tally.imported ?? 0} commune(s) importée(s), ${job.tally.unchanged ?? 0} inchangée(s), ${refusedLines.length} ligne(s) refusée(s).`);
for (const failure of job.failed) {
  const where = failure.lines?.length > 1 ? `lignes ${failure.lines.join(', ')}` : `ligne ${failure.line}`;
  console.log(`  ${where} (${failure.item}) : ${failure.reason}`);
}
process.exit(job.failed.length > 0 ? 1 : 0);
