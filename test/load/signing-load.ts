/**
 * Load, issue 8: 1,000 signing-page views and 200 signatures (plus racing
 * duplicates) from 50 concurrent clients on the local stack, with autocannon
 * on loopback, each phase bounded in count and time, beside a baseline (the
 * lightest route, static-assets, loaded the same way in the same run).
 *   npx tsx test/load/signing-load.ts
 * Checks: no 5xx, every convention signed exactly once (one 'signed' event),
 * one confirmation email per mayor. Exits non-zero otherwise.
 */
import autocannon from 'autocannon';
import { campaignBody, conventionBody, signingPathOf, startLocalStack, type LocalStack } from './local-stack.ts';

const CONVENTIONS = Number(process.env.LOAD_CONVENTIONS ?? 200);
const VIEWS = Number(process.env.LOAD_VIEWS ?? 1000);
const CONNECTIONS = 50;
/** Links signed three times at once (the original and two duplicates). */
const RACED_LINKS = 10;
const DUPLICATES_PER_RACED_LINK = 2;
const PHASE_LIMIT_MS = 10 * 60 * 1000;
const REQUEST_TIMEOUT_S = 120;
const SCHOOL_YEAR = '2026-2027';
const LAMBDA_TIMEOUT_S = 29;

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
            headers: { ...request.headers, 'user-agent': 'paraphe-load', ...(planned.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
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

  // Sends in batches: each call stops before the function's timeout (202 while some remain) and the next resumes.
  let sent = 0;
  for (let call = 1; call <= 5 && sent < CONVENTIONS; call += 1) {
    started = performance.now();
    const result = await stack.admin('POST', `/admin/campaigns/${SCHOOL_YEAR}/send`);
    const seconds = (performance.now() - started) / 1000;
    if (result.status !== 200 && result.status !== 202) throw new Error(`send: ${result.status} ${JSON.stringify(result.json)}`);
    sent += result.json.sent;
    console.log(
      `send call ${call}: ${JSON.stringify({ sent: result.json.sent, failed: result.json.failed.length, skipped: result.json.skipped, remaining: result.json.remaining })} in ${seconds.toFixed(1)} s ` +
        `(${((seconds * 1000) / Math.max(1, result.json.sent)).toFixed(0)} ms per convention)` +
        `${seconds > LAMBDA_TIMEOUT_S ? `: LONGER than the function's ${LAMBDA_TIMEOUT_S} s timeout, Lambda would cut it` : ''}`,
    );
  }
  if (sent !== CONVENTIONS) throw new Error(`only ${sent} of ${CONVENTIONS} invitations sent`);

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
  try {
    console.log(`local stack on ${stack.url} (DynamoDB Local, s3rver, aws-ses-v2-local on loopback); ${CONNECTIONS} connections`);
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
      const body = new URLSearchParams({ signerName: `Maire ${i}`, capacity: 'maire', consent: 'on' }).toString();
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

    // Every convention signed exactly once, through the admin API.
    let signedOnce = 0;
    let lost = 0;
    let doubled = 0;
    for (const id of ids) {
      const { status, json } = await stack.admin('GET', `/admin/conventions/${id}`);
      const signedEvents = status === 200 ? (json.history as { type: string }[]).filter((event) => event.type === 'signed').length : 0;
      if (status === 200 && json.status === 'signed' && signedEvents === 1) signedOnce += 1;
      else failures.push(`convention ${id}: status ${status} ${json.status}, ${signedEvents} 'signed' events`);
      if (signedEvents === 0) lost += 1;
      if (signedEvents > 1) doubled += 1;
    }
    // One confirmation per mayor.
    const inbox = await stack.inbox();
    let confirmedOnce = 0;
    let doubledEmails = 0;
    for (const address of emails) {
      const confirmations = inbox.filter((email) => email.destination.to.some((to) => to.includes(address)) && /signée – commune/.test(email.subject)).length;
      if (confirmations === 1) confirmedOnce += 1;
      else failures.push(`${address}: ${confirmations} confirmations`);
      if (confirmations > 1) doubledEmails += 1;
    }
    console.log(`checks: ${signedOnce}/${ids.length} conventions signed exactly once (one 'signed' event), ${confirmedOnce}/${emails.length} mayors with exactly one confirmation`);
    console.log(
      `load: views p50 ${percentile(views.latencies, 50).toFixed(0)} ms p99 ${percentile(views.latencies, 99).toFixed(0)} ms (baseline p50 ${percentile(baseline.latencies, 50).toFixed(0)} ms), ` +
        `signatures p50 ${percentile(signing.latencies, 50).toFixed(0)} ms p99 ${percentile(signing.latencies, 99).toFixed(0)} ms, ` +
        `5xx ${serverErrors(views) + serverErrors(signing)}, lost ${lost}, doubled ${doubled} (confirmation emails doubled ${doubledEmails})`,
    );
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
  } finally {
    await stack.stop();
  }
  for (const line of gatewayErrors.slice(0, 5)) console.log(`gateway: ${line.split('\n')[0]}`);
  for (const failure of failures.slice(0, 20)) console.log(`FAIL ${failure}`);
  if (failures.length > 20) console.log(`FAIL … and ${failures.length - 20} more`);
  console.log(failures.length === 0 ? 'load: PASS' : `load: FAIL (${failures.length})`);
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
