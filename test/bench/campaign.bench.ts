/**
 * A whole campaign on a private local stack, through the API and the job
 * worker, as the rectorat runs it: one spreadsheet of Occitanie's size (by
 * default 4,454 communes holding 8,907 schools, plus one commune of 210
 * schools, one row per school), ONE import request followed to its job's
 * end, ONE send request followed to its job's end; then every convention
 * must have exactly one invitation in the SES server's store.
 *
 *   npm run bench -- campaign                      (the full size: ~6 minutes of sends at 14/s)
 *   CAMPAIGN_COMMUNES=200 npm run bench -- campaign (a quick run; schools scale with it)
 *
 * Environment: CAMPAIGN_COMMUNES (4454), CAMPAIGN_SCHOOLS (8907 × communes / 4454),
 * CAMPAIGN_LARGE_COMMUNE (210 schools; 0 for none), SES_MAX_SEND_RATE (14),
 * CAMPAIGN_WAKE_MS (60000: wake-jobs' schedule, every minute as in AWS).
 * For what-if runs only (the figures then say so): CAMPAIGN_PARALLELIZATION_FACTOR and
 * CAMPAIGN_BATCH_SIZE override run-jobs' event source mapping (infra/functions.ts: 4 and 10).
 *
 * Send seconds run from the send request to the send job's `finishedAt` (the
 * last invitation recorded as sent), not to the last email: that is what the
 * rectorat waits for. The last email's time is printed on the detail line.
 * Achieved rate = invitations / send seconds; ratio = achieved / configured.
 *
 * Baseline, same run, same machine: the same invitation emails sent bare to the
 * SES server (no pacing, no PDF, no DynamoDB, 4 at a time as the worker's 4
 * lanes), and the PDF rendering time of one convention, so a reader sees
 * whether the machine or the pacing sets the send time.
 * Lines: `campaign: <N> communes, import <s> s, send <s> s at <r>/s configured, ratio <x>`,
 * then `baseline: …` and `detail: …`.
 */
process.env.SES_MAX_SEND_RATE ??= '14'; // read once at the handlers' first import: set before the stack starts

import { createSesMailer } from '../../functions/adapters/ses-mailer.ts';
import { functionSpecs, type FunctionSpec } from '../../infra/functions.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { startWorkers } from '../../infra/local/workers.ts';
import { createConventionRenderer } from '../../templates/convention/render-convention.ts';
import { campaignSpreadsheet } from '../fixtures/campaign-spreadsheet.ts';
import { campaignBody, startLocalStack, type LocalStack, type SentEmail } from '../load/local-stack.ts';
import { syntheticCommune } from '../fixtures/documents.ts';
import { isMetricLine, takeStdoutLines } from '../support/metric-lines.ts';

const FULL_COMMUNES = 4_454;
const FULL_SCHOOLS = 8_907;
const COMMUNES = Number(process.env.CAMPAIGN_COMMUNES ?? FULL_COMMUNES);
const SCHOOLS = Number(process.env.CAMPAIGN_SCHOOLS ?? Math.round((FULL_SCHOOLS * COMMUNES) / FULL_COMMUNES));
const LARGE = Number(process.env.CAMPAIGN_LARGE_COMMUNE ?? 210);
const WAKE_MS = Number(process.env.CAMPAIGN_WAKE_MS ?? 60_000);
const RATE = Number(process.env.SES_MAX_SEND_RATE);
const SCHOOL_YEAR = '2026-2027';
const POLL_MS = 2_000;
const BASELINE_CONCURRENCY = 4;
/** As infra/local/cli.ts (which runs when imported): above 4 MB of file, a request cannot carry it (6 MB Lambda payload, base64). */
const DIRECT_UPLOAD_MAX_BYTES = 4 * 1024 * 1024;

/** run-jobs' mapping as the catalogue says, unless a what-if run overrides it. */
const specs: FunctionSpec[] = functionSpecs.map((spec) =>
  spec.name === 'run-jobs' && spec.streamSource
    ? {
        ...spec,
        streamSource: {
          ...spec.streamSource,
          parallelizationFactor: Number(process.env.CAMPAIGN_PARALLELIZATION_FACTOR ?? spec.streamSource.parallelizationFactor),
          batchSize: Number(process.env.CAMPAIGN_BATCH_SIZE ?? spec.streamSource.batchSize),
        },
      }
    : spec,
);
const mapping = specs.find((spec) => spec.name === 'run-jobs')!.streamSource!;
const mappingNote =
  process.env.CAMPAIGN_PARALLELIZATION_FACTOR || process.env.CAMPAIGN_BATCH_SIZE
    ? ` (WHAT-IF: run-jobs parallelizationFactor ${mapping.parallelizationFactor}, batchSize ${mapping.batchSize})`
    : '';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => (ms / 1000).toFixed(1);

interface JobView {
  kind: string;
  state: 'running' | 'done' | 'failed';
  done: number;
  total: number;
  failedCount: number;
  tally: Record<string, number>;
  failed: { item: string; reason: string; line?: number }[];
  startedAt: string;
  finishedAt?: string;
  reason?: string;
}

async function call(stack: LocalStack, method: string, path: string, body?: { json?: unknown; csv?: Uint8Array }): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${stack.adminToken}` };
  let payload: BodyInit | undefined;
  if (body?.csv) (headers['content-type'] = 'text/csv'), (payload = Buffer.from(body.csv));
  else if (body?.json !== undefined) (headers['content-type'] = 'application/json'), (payload = JSON.stringify(body.json));
  const response = await fetch(`${stack.url}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}), signal: AbortSignal.timeout(120_000) });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, json };
}

/** Follows a job to its end, printing its progress now and then; the job's own finishedAt is the end. */
async function follow(stack: LocalStack, jobId: string, what: string): Promise<JobView> {
  let lastPrint = 0;
  for (;;) {
    const { status, json } = await call(stack, 'GET', `/admin/jobs/${jobId}`);
    if (status !== 200) throw new Error(`GET /admin/jobs/${jobId}: ${status} ${JSON.stringify(json).slice(0, 300)}`);
    const job = json as JobView;
    if (job.state !== 'running') return job;
    if (Date.now() - lastPrint > 30_000) {
      console.log(`  ${what}: ${job.done + job.failedCount}/${job.total}`);
      lastPrint = Date.now();
    }
    await sleep(POLL_MS);
  }
}

async function sesStore(stack: LocalStack): Promise<SentEmail[]> {
  return stack.inbox();
}

async function clearSesStore(stack: LocalStack): Promise<void> {
  const response = await fetch(`${stack.settings.sesInboxUrl}/clear-store`, { method: 'POST', signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`clear-store: ${response.status}`);
}

/** The same emails, bare: straight to the SES server through the SES adapter, `concurrency` at a time. */
async function bareSendRate(stack: LocalStack, emails: SentEmail[]): Promise<{ count: number; ms: number }> {
  const mailer = createSesMailer({ region: 'eu-west-3', endpoint: stack.settings.sesEndpoint }, 'conventions-ent@paraphe.example.org');
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: BASELINE_CONCURRENCY }, async () => {
      while (next < emails.length) {
        const email = emails[next++]!;
        await mailer.send({ to: email.destination.to, subject: email.subject, text: email.body.text ?? '', html: email.body.html ?? '' });
      }
    }),
  );
  return { count: emails.length, ms: performance.now() - start };
}

/** Milliseconds to render one convention's PDF on this machine (warm renderer, as in a running worker). */
async function pdfMs(count = 40): Promise<number> {
  const renderer = await createConventionRenderer();
  for (let i = 0; i < 5; i += 1) await renderer.render(syntheticCommune(i));
  const start = performance.now();
  for (let i = 0; i < count; i += 1) await renderer.render(syntheticCommune(1000 + i));
  return (performance.now() - start) / count;
}

export async function run(): Promise<void> {
  const sheet = campaignSpreadsheet({ communes: COMMUNES, schools: SCHOOLS, ...(LARGE > 0 ? { largeCommuneSchools: LARGE } : {}) });
  const bytes = new TextEncoder().encode(sheet.csv);
  console.log(`spreadsheet: ${sheet.communes.length} communes, ${sheet.schools} schools, ${(bytes.length / 2 ** 20).toFixed(2)} MiB; SES_MAX_SEND_RATE=${RATE}`);

  // The handlers' CloudWatch metric lines (EMF, one per worker invocation) are counted, not printed.
  let metricLines = 0;
  const jobMetrics: Record<string, number> = {};
  const restoreStdout = takeStdoutLines((text) => {
    if (!isMetricLine(text)) return false;
    metricLines += 1;
    try {
      const line = JSON.parse(text) as Record<string, unknown>;
      for (const name of ['JobsWaiting', 'JobsFailed', 'JobRecordsReturned']) if (typeof line[name] === 'number') jobMetrics[name] = (jobMetrics[name] ?? 0) + (line[name] as number);
    } catch {
      // not a metric after all
    }
    return true;
  });
  const stack = await startLocalStack();
  const workerLog: string[] = [];
  const workers = await startWorkers({
    root: PROJECT_ROOT,
    dynamodbEndpoint: stack.settings.dynamodbEndpoint,
    tableName: stack.settings.tableName,
    specs,
    wakeEveryMs: WAKE_MS,
    log: (line) => workerLog.push(line),
  });
  const problems: string[] = [];
  try {
    const created = await call(stack, 'POST', '/admin/campaigns', { json: campaignBody(SCHOOL_YEAR) });
    if (created.status !== 201) throw new Error(`POST /admin/campaigns: ${created.status} ${JSON.stringify(created.json)}`);

    // ONE import request: the file in the body when a request can carry it, else through a presigned upload (as the CLI does).
    const importBase = `/admin/campaigns/${SCHOOL_YEAR}/imports`;
    const importStart = Date.now();
    let started;
    if (bytes.length <= DIRECT_UPLOAD_MAX_BYTES) started = await call(stack, 'POST', importBase, { csv: bytes });
    else {
      const upload = await call(stack, 'POST', `${importBase}/uploads`, { json: { size: bytes.length } });
      if (upload.status !== 200 && upload.status !== 201) throw new Error(`POST …/imports/uploads: ${upload.status} ${JSON.stringify(upload.json)}`);
      const put = await fetch(upload.json.uploadUrl, { method: 'PUT', body: Buffer.from(bytes), headers: upload.json.headers });
      if (!put.ok) throw new Error(`presigned PUT: ${put.status}`);
      started = await call(stack, 'POST', importBase, { json: { key: upload.json.key } });
    }
    if (started.status !== 202) throw new Error(`POST ${importBase}: ${started.status} ${JSON.stringify(started.json)}`);
    const imported = await follow(stack, started.json.jobId, 'import');
    const importMs = Date.parse(imported.finishedAt ?? new Date().toISOString()) - importStart;
    console.log(`  import job: ${imported.state}, ${imported.done}/${imported.total} done, tally ${JSON.stringify(imported.tally)}, failedCount ${imported.failedCount}`);
    if (imported.state !== 'done' || imported.failedCount !== 0) {
      const reasons = [...new Set(imported.failed.map((failure) => `${failure.item}: ${failure.reason}`))];
      problems.push(`import job ${imported.state}, failedCount ${imported.failedCount}: ${reasons.slice(0, 3).join(' | ')}${reasons.length > 3 ? ` (+${reasons.length - 3})` : ''}`);
    }

    // ONE send request.
    await clearSesStore(stack);
    const sendStart = Date.now();
    const send = await call(stack, 'POST', `/admin/campaigns/${SCHOOL_YEAR}/send`);
    if (send.status !== 202) throw new Error(`POST …/send: ${send.status} ${JSON.stringify(send.json)}`);
    const sent = await follow(stack, send.json.jobId, 'send');
    const sendMs = Date.parse(sent.finishedAt ?? new Date().toISOString()) - sendStart;
    console.log(`  send job: ${sent.state}, ${sent.done}/${sent.total} done, tally ${JSON.stringify(sent.tally)}, failedCount ${sent.failedCount}`);
    if (sent.state !== 'done' || sent.failedCount !== 0) problems.push(`send job ${sent.state}, failedCount ${sent.failedCount}: ${sent.failed.slice(0, 3).map((f) => f.reason).join(' | ')}`);

    // Every convention exactly one invitation: mayors' addresses are distinct, so one email per address.
    const store = await sesStore(stack);
    const invitations = store.filter((email) => email.subject.startsWith('Convention ENT-École'));
    const perAddress = new Map<string, number>();
    for (const email of invitations) for (const to of email.destination.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    const stats = await call(stack, 'GET', `/admin/campaigns/${SCHOOL_YEAR}/stats`);
    const conventions = Object.values((stats.json?.byStatus ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
    const sentConventions = stats.json?.byStatus?.sent ?? 0;
    const twice = [...perAddress].filter(([, n]) => n > 1);
    const importedEmails = new Set(sheet.communes.map((commune) => commune.mayorEmail));
    const missing = conventions - [...perAddress.keys()].filter((to) => importedEmails.has(to)).length;
    if (invitations.length !== store.length) problems.push(`${store.length - invitations.length} email(s) other than invitations in the store`);
    if (twice.length > 0) problems.push(`${twice.length} mayor(s) got more than one invitation (${twice[0]![0]} got ${twice[0]![1]})`);
    if (missing !== 0 || sentConventions !== conventions) problems.push(`${conventions} conventions, ${sentConventions} sent, ${perAddress.size} mayors emailed`);
    if (conventions !== sheet.communes.length) problems.push(`${sheet.communes.length} communes in the file, ${conventions} conventions in the campaign`);

    // Client side: one import request and one send request, no 5xx anywhere.
    const requests = (pattern: RegExp) => stack.gatewayLog.filter((line) => pattern.test(line)).length;
    const importRequests = requests(/^POST \/admin\/campaigns\/[^/]+\/imports( |$)/);
    const sendRequests = requests(/^POST \/admin\/campaigns\/[^/]+\/send( |$)/);
    const errors = stack.gatewayLog.filter((line) => /→ 5\d\d/.test(line));
    if (importRequests !== 1 || sendRequests !== 1) problems.push(`${importRequests} import and ${sendRequests} send requests (one each expected)`);
    if (errors.length > 0) problems.push(`${errors.length} 5xx answer(s): ${errors[0]}`);
    if (workers.deadLetters().length > 0) problems.push(`${workers.deadLetters().length} batch(es) dead-lettered: ${workers.deadLetters()[0]!.reason}`);

    const achieved = invitations.length / (sendMs / 1000);
    console.log(
      `campaign: ${sheet.communes.length} communes, import ${seconds(importMs)} s, send ${seconds(sendMs)} s at ${RATE}/s configured, ratio ${(achieved / RATE).toFixed(2)}${mappingNote}`,
    );

    // Where the send time went: SES keeps each email's time in whole seconds.
    const times = invitations.map((email) => email.at * 1000).sort((a, b) => a - b);
    if (times.length > 10) {
      const tenth = times[Math.floor(times.length * 0.1)]!;
      const ninetieth = times[Math.floor(times.length * 0.9)]!;
      const steady = (Math.floor(times.length * 0.9) - Math.floor(times.length * 0.1)) / Math.max(1, (ninetieth - tenth) / 1000);
      console.log(
        `detail: ${invitations.length} invitations; first email ${seconds(times[0]! - sendStart)} s after the request, last ${seconds(times.at(-1)! - sendStart)} s, ` +
          `job finished ${seconds(sendMs)} s; steady rate ${steady.toFixed(1)}/s (10th to 90th percentile email); ideal ${seconds((invitations.length / RATE) * 1000)} s (the pacer's slot is ${(1000 / RATE).toFixed(1)} ms); worker invocations ${metricLines} (jobs put back to wait ${jobMetrics.JobsWaiting ?? 0}, records returned to the stream ${jobMetrics.JobRecordsReturned ?? 0}), worker log lines ${workerLog.length}`,
      );
    }

    // Baseline, same run: the same emails bare, then one PDF.
    await clearSesStore(stack);
    const bare = await bareSendRate(stack, invitations);
    await clearSesStore(stack);
    const pdf = await pdfMs();
    console.log(
      `baseline: ${bare.count} raw emails to the SES server in ${seconds(bare.ms)} s (${(bare.count / (bare.ms / 1000)).toFixed(0)}/s, no pacing, no PDF, ${BASELINE_CONCURRENCY} at a time); ` +
        `PDF ${pdf.toFixed(0)} ms per convention (one core): the machine could render ${(1000 / pdf).toFixed(0)}/s`,
    );
    for (const line of workerLog.slice(0, 10)) console.log(`  worker: ${line}`);
  } finally {
    await workers.stop();
    await stack.stop();
    restoreStdout();
  }
  if (problems.length > 0) throw new Error(`campaign bench: ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
}
