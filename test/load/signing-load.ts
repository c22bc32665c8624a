/**
 * Load, issue 8: 1,000 signing-page views and 200 signatures (plus racing
 * duplicates) from 50 concurrent clients on the local stack, with autocannon
 * on loopback, each phase bounded in count and time, beside a baseline (the
 * lightest route, static-assets, loaded the same way in the same run).
 *   npm run load   (LOAD_CONVENTIONS, LOAD_VIEWS, SES_MAX_SEND_RATE change it)
 * The jobs worker runs beside the gateway, on the table's stream, as `npm
 * start` runs it: the invitations go out in ONE send request followed to its
 * job's end, and each signature's `seal-signed` job seals, stores and emails
 * the signed copy after the 200; the checks wait for those jobs.
 * SES_MAX_SEND_RATE is 100/s here unless set (this is not about SES's rate;
 * the output says which rate ran).
 * Checks: no 5xx, every convention signed exactly once (one 'signed' event)
 * and its signed copy sealed once, one signed-copy email per mayor, no job
 * failed or dead-lettered. Exits non-zero otherwise.
 */
process.env.SES_MAX_SEND_RATE ??= '100'; // read once at the handlers' first import: set before the stack starts

import { createHash } from 'node:crypto';
import autocannon from 'autocannon';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { startWorkers, type Workers } from '../../infra/local/workers.ts';
import { campaignBody, conventionBody, signingPathOf, startLocalStack, type LocalStack } from './local-stack.ts';
import { isMetricLine, takeStdoutLines } from '../support/metric-lines.ts';

const CONVENTIONS = Number(process.env.LOAD_CONVENTIONS ?? 200);
const VIEWS = Number(process.env.LOAD_VIEWS ?? 1000);
const CONNECTIONS = 50;
/** Links signed three times at once (the original and two duplicates). */
const RACED_LINKS = 10;
const DUPLICATES_PER_RACED_LINK = 2;
const PHASE_LIMIT_MS = 10 * 60 * 1000;
const REQUEST_TIMEOUT_S = 120;
const SCHOOL_YEAR = '2026-2027';
/** How long the send job and the seal jobs may take before the run gives up on them. */
const JOBS_LIMIT_MS = 10 * 60 * 1000;
const POLL_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface PhaseResult {
  label: string;
  total: number;
  seconds: number;
  statuses: Map<number, number>;
  latencies: number[];
  errors: number;
  timeouts: number;
  stopped: boolean;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** A mayor's address, the same for every request of one link: 10.x.y.z from the link's token. */
function clientAddressOf(path: string): string {
  const [a, b, c] = createHash('sha256').update(path.split('/')[2] ?? path).digest();
  return `10.${a}.${b}.${c}`;
}

/** One autocannon run over a fixed list of requests, one each, stopped if it outlasts PHASE_LIMIT_MS. */
async function load(label: string, url: string, requests: { method: 'GET' | 'POST'; path: string; body?: string }[]): Promise<PhaseResult> {
  let next = 0;
  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  const started = performance.now();
  const instance = autocannon({
    url,
    connections: Math.min(CONNECTIONS, requests.length),
    amount: requests.length,
    timeout: REQUEST_TIMEOUT_S,
    requests: [
      {
        setupRequest: (request) => {
          const planned = requests[next++ % requests.length]!;
          return {
            ...request,
            method: planned.method,
            path: planned.path,
            headers: {
              ...request.headers,
              'user-agent': 'paraphe-load',
              // Each mayor from an address of their own, as in AWS (the per-client limit counts per address).
              'x-forwarded-for': clientAddressOf(planned.path),
              ...(planned.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
            },
            ...(planned.body ? { body: planned.body } : {}),
          };
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    latencies.push(responseTime);
  });
  let stopped = false;
  const guard = setTimeout(() => {
    stopped = true;
    instance.stop();
  }, PHASE_LIMIT_MS);
  const result = await instance;
  clearTimeout(guard);
  return {
    label,
    total: requests.length,
    seconds: (performance.now() - started) / 1000,
    statuses,
    latencies: latencies.sort((a, b) => a - b),
    errors: result.errors,
    timeouts: result.timeouts,
    stopped,
  };
}

function report(phase: PhaseResult): void {
  const { latencies: l } = phase;
  const statuses = [...phase.statuses].sort((a, b) => a[0] - b[0]).map(([status, count]) => `${status}×${count}`).join(' ');
  console.log(
    `${phase.label}: ${l.length}/${phase.total} answered in ${phase.seconds.toFixed(1)} s (${(l.length / phase.seconds).toFixed(1)} req/s), ` +
      `latency p50 ${percentile(l, 50).toFixed(0)} ms, p90 ${percentile(l, 90).toFixed(0)} ms, p99 ${percentile(l, 99).toFixed(0)} ms, max ${(l.at(-1) ?? NaN).toFixed(0)} ms; ` +
      `status ${statuses || 'none'}; errors ${phase.errors}, timeouts ${phase.timeouts}${phase.stopped ? ', STOPPED at the time limit' : ''}`,
  );
}

const serverErrors = (phase: PhaseResult): number => [...phase.statuses].filter(([status]) => status >= 500).reduce((n, [, count]) => n + count, 0);

async function setUp(stack: LocalStack): Promise<{ ids: string[]; paths: string[]; emails: string[] }> {
  const created = await stack.admin('POST', '/admin/campaigns', campaignBody(SCHOOL_YEAR));
  if (created.status !== 201) throw new Error(`campaign: ${created.status} ${JSON.stringify(created.json)}`);
  let started = performance.now();
  const ids: string[] = [];
  const emails: string[] = [];
  for (let i = 0; i < CONVENTIONS; i += 1) {
    const body = conventionBody(i, 'load');
    const added = await stack.admin('POST', `/admin/campaigns/${SCHOOL_YEAR}/conventions`, body);
    if (added.status !== 201) throw new Error(`convention ${i}: ${added.status} ${JSON.stringify(added.json)}`);
    ids.push(added.json.id);
    emails.push(body.mayor.email);
  }
  console.log(`set-up: campaign and ${CONVENTIONS} conventions added in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // ONE send request: 202 with the job, which sends every invitation; followed to its end.
  started = performance.now();
  const send = await stack.admin('POST', `/admin/campaigns/${SCHOOL_YEAR}/send`);
  if (send.status !== 202) throw new Error(`send: ${send.status} ${JSON.stringify(send.json)}`);
  const answeredS = (performance.now() - started) / 1000;
  const deadline = Date.now() + JOBS_LIMIT_MS;
  let job: { state: string; done: number; total: number; failedCount: number; tally: Record<string, number>; failed: { item: string; reason: string }[] };
  for (;;) {
    const { status, json } = await stack.admin('GET', `/admin/jobs/${send.json.jobId}`);
    if (status !== 200) throw new Error(`GET /admin/jobs/${send.json.jobId}: ${status} ${JSON.stringify(json)}`);
    job = json;
    if (job.state !== 'running') break;
    if (Date.now() > deadline) throw new Error(`send job still running after ${JOBS_LIMIT_MS / 1000} s: ${job.done + job.failedCount}/${job.total}`);
    await sleep(POLL_MS);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `send: one request answered 202 in ${answeredS.toFixed(1)} s; job ${job.state} after ${seconds.toFixed(1)} s, ${job.done}/${job.total} done, ` +
      `tally ${JSON.stringify(job.tally)}, failedCount ${job.failedCount} (${(CONVENTIONS / seconds).toFixed(1)} invitations/s at SES_MAX_SEND_RATE=${process.env.SES_MAX_SEND_RATE}/s)`,
  );
  if (job.state !== 'done' || job.failedCount !== 0 || job.tally.sent !== CONVENTIONS) {
    throw new Error(`send job ${job.state}, ${job.tally.sent ?? 0} of ${CONVENTIONS} sent: ${job.failed.slice(0, 3).map((f) => `${f.item}: ${f.reason}`).join(' | ')}`);
  }

  const inbox = await stack.inbox();
  const paths = emails.map((address) => {
    const invitations = inbox.filter((email) => email.destination.to.some((to) => to.includes(address)));
    if (invitations.length !== 1) throw new Error(`${address}: ${invitations.length} invitations`);
    const path = signingPathOf(invitations[0]!);
    if (!path) throw new Error(`${address}: no link in the invitation`);
    return path;
  });
  console.log(`inbox: ${paths.length} invitations, one link each`);
  return { ids, paths, emails };
}

async function main(): Promise<number> {
  const gatewayErrors: string[] = [];
  const stack = await startLocalStack({ log: (line) => (/→ 5\d\d/.test(line) ? gatewayErrors.push(line) : undefined) });
  const failures: string[] = [];
  const workerLog: string[] = [];
  let workers: Workers | undefined;
  // The handlers' CloudWatch metric lines (EMF, one per worker invocation) stay out of the output.
  const restoreStdout = takeStdoutLines(isMetricLine);
  try {
    // The jobs worker on the table's stream, with the stack's settings; wake-jobs every 5 s rather than every minute.
    workers = await startWorkers({ root: PROJECT_ROOT, dynamodbEndpoint: stack.settings.dynamodbEndpoint, tableName: stack.settings.tableName, wakeEveryMs: 5_000, log: (line) => workerLog.push(line) });
    console.log(`local stack on ${stack.url} (DynamoDB Local, s3rver, aws-ses-v2-local on loopback) with the jobs worker; ${CONNECTIONS} connections; SES_MAX_SEND_RATE=${process.env.SES_MAX_SEND_RATE}/s`);
    const { ids, paths, emails } = await setUp(stack);

    // Baseline: the same number of requests on the lightest route, same connections, same process.
    await fetch(`${stack.url}/dsfr/1.14.4/favicon/favicon.svg`).then((r) => r.arrayBuffer());
    const baseline = await load('baseline GET /dsfr (static-assets)', stack.url, Array.from({ length: VIEWS }, () => ({ method: 'GET' as const, path: '/dsfr/1.14.4/favicon/favicon.svg' })));
    report(baseline);

    const views = await load(
      `page views GET /sign/{token} (${VIEWS} over ${paths.length} links)`,
      stack.url,
      Array.from({ length: VIEWS }, (_, i) => ({ method: 'GET' as const, path: paths[i % paths.length]! })),
    );
    report(views);
    if (views.statuses.get(200) !== VIEWS) failures.push(`page views: ${views.statuses.get(200) ?? 0} of ${VIEWS} answered 200`);

    // One signature per link; the first RACED_LINKS links also get duplicates right behind the original, so they race.
    const signatures: { method: 'POST'; path: string; body: string }[] = [];
    paths.forEach((path, i) => {
      const body = new URLSearchParams({ signerName: `Maire ${i}`, capacity: 'maire', consent: 'on', deliberationNumber: '2026/048', deliberationDate: '2026-06-08' }).toString();
      signatures.push({ method: 'POST', path, body });
      if (i < RACED_LINKS) for (let d = 0; d < DUPLICATES_PER_RACED_LINK; d += 1) signatures.push({ method: 'POST', path, body });
    });
    const signing = await load(
      `signatures POST /sign/{token} (${paths.length} + ${RACED_LINKS * DUPLICATES_PER_RACED_LINK} racing duplicates)`,
      stack.url,
      signatures,
    );
    report(signing);
    const won = signing.statuses.get(200) ?? 0;
    const refused = signing.statuses.get(409) ?? 0;
    console.log(`signatures: ${won} accepted (200), ${refused} refused as already signed (409); expected ${paths.length} and ${RACED_LINKS * DUPLICATES_PER_RACED_LINK}`);

    for (const phase of [baseline, views, signing]) {
      const count = serverErrors(phase);
      if (count > 0) failures.push(`${phase.label}: ${count} 5xx`);
      if (phase.errors > 0 || phase.timeouts > 0) failures.push(`${phase.label}: ${phase.errors} errors, ${phase.timeouts} timeouts`);
      if (phase.stopped) failures.push(`${phase.label}: stopped at the time limit`);
    }
    if (won !== paths.length) failures.push(`${won} signatures accepted for ${paths.length} links`);

    // The seal-signed jobs: each signature's signed copy sealed, stored and emailed by the worker. Waited for, then checked.
    const sealStart = performance.now();
    let pending = [...ids];
    const sealDeadline = Date.now() + JOBS_LIMIT_MS;
    while (pending.length > 0 && Date.now() < sealDeadline) {
      const still: string[] = [];
      for (const id of pending) {
        const view = await stack.admin('GET', `/admin/conventions/${id}`);
        if (view.status === 200 && view.json.status === 'signed' && !view.json.signedDocument) still.push(id);
      }
      pending = still;
      if (pending.length > 0) await sleep(POLL_MS);
    }
    console.log(
      `seal jobs: ${ids.length - pending.length}/${ids.length} signed copies sealed ${((performance.now() - sealStart) / 1000).toFixed(1)} s after the last signature's answer` +
        `${pending.length > 0 ? `; ${pending.length} STILL UNSEALED after ${JOBS_LIMIT_MS / 1000} s` : ''}`,
    );
    // The last signed-copy email may be taken by SES an instant before its job records the copy: the worker is let go idle.
    await sleep(2 * POLL_MS);

    // Every convention signed exactly once and sealed once, through the admin API.
    let signedOnce = 0;
    let sealedOnce = 0;
    let lost = 0;
    let doubled = 0;
    for (const id of ids) {
      const { status, json } = await stack.admin('GET', `/admin/conventions/${id}`);
      const history = status === 200 ? (json.history as { type: string }[]) : [];
      const signedEvents = history.filter((event) => event.type === 'signed').length;
      const sealedEvents = history.filter((event) => event.type === 'document_sealed').length;
      if (status === 200 && json.status === 'signed' && signedEvents === 1) signedOnce += 1;
      else failures.push(`convention ${id}: status ${status} ${json.status}, ${signedEvents} 'signed' events`);
      if (status === 200 && json.signedDocument && sealedEvents === 1) sealedOnce += 1;
      else failures.push(`convention ${id}: signed copy ${json.signedDocument ? 'stored' : 'MISSING'}, ${sealedEvents} 'document_sealed' events`);
      if (signedEvents === 0) lost += 1;
      if (signedEvents > 1) doubled += 1;
    }
    // One signed-copy email per mayor.
    const inbox = await stack.inbox();
    let confirmedOnce = 0;
    let doubledEmails = 0;
    for (const address of emails) {
      const confirmations = inbox.filter((email) => email.destination.to.some((to) => to.includes(address)) && /signée – commune/.test(email.subject)).length;
      if (confirmations === 1) confirmedOnce += 1;
      else failures.push(`${address}: ${confirmations} signed-copy emails`);
      if (confirmations > 1) doubledEmails += 1;
    }
    const deadLetters = workers.deadLetters();
    if (deadLetters.length > 0) failures.push(`${deadLetters.length} batch(es) dead-lettered: ${deadLetters[0]!.reason}`);
    console.log(
      `checks: ${signedOnce}/${ids.length} conventions signed exactly once (one 'signed' event), ${sealedOnce}/${ids.length} signed copies sealed once (one 'document_sealed' event), ` +
        `${confirmedOnce}/${emails.length} mayors with exactly one signed-copy email; ${deadLetters.length} dead-lettered batches`,
    );
    console.log(
      `load: views p50 ${percentile(views.latencies, 50).toFixed(0)} ms p99 ${percentile(views.latencies, 99).toFixed(0)} ms (baseline p50 ${percentile(baseline.latencies, 50).toFixed(0)} ms), ` +
        `signatures p50 ${percentile(signing.latencies, 50).toFixed(0)} ms p99 ${percentile(signing.latencies, 99).toFixed(0)} ms, ` +
        `5xx ${serverErrors(views) + serverErrors(signing)}, lost ${lost}, doubled ${doubled} (signed-copy emails doubled ${doubledEmails})`,
    );
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
  } finally {
    await workers?.stop();
    await stack.stop();
    restoreStdout();
  }
  for (const line of workerLog.slice(0, 5)) console.log(`worker: ${line.split('\n')[0]}`);
  for (const line of gatewayErrors.slice(0, 5)) console.log(`gateway: ${line.split('\n')[0]}`);
  for (const failure of failures.slice(0, 20)) console.log(`FAIL ${failure}`);
  if (failures.length > 20) console.log(`FAIL … and ${failures.length - 20} more`);
  console.log(failures.length === 0 ? 'load: PASS' : `load: FAIL (${failures.length})`);
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
