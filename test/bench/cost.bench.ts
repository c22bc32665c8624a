/**
 * What one signed convention costs in AWS (eu-west-3), issue 8: a life cycle
 * run on the local stack through the real handlers (created, invitation sent
 * and its SES Send event received, 3 reminders, page viewed twice, PDF downloaded, signed, countersigned),
 * with every request the handlers make counted on the way to DynamoDB Local,
 * s3rver and aws-ses-v2-local (DynamoDB capacity units as DynamoDB Local
 * reports them: transactions 2 WRU per item and KB), and the Lambda durations
 * measured in the same run, beside the lightest handler (static-assets)
 * measured the same way. Priced with the list prices below.
 * Last line: `cost: $<x> per signed convention (target < $0.001)`.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { reminderDueKey } from '../../functions/adapters/dynamodb/keys.ts';
import { invitationTags } from '../../functions/core/invitation-receipt.ts';
import { functionSpecs } from '../../infra/functions.ts';
import { lambdaContext, loadHandler } from '../../infra/local/gateway.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { fireSchedule } from '../../infra/local/scheduler.ts';
import { sesSendEvent } from '../support/ses-events.ts';
import { campaignBody, conventionBody, signingPathOf, startLocalStack, type Counts, type LocalStack } from '../load/local-stack.ts';

/**
 * List prices, USD, eu-west-3 (Paris), first tier, as of 2026-11 (written 2026-11-23).
 * Only the Lambda Arm rates could be checked in this run (aws.amazon.com/lambda/pricing, quoted for
 * US East; AWS lists the same Arm rate in Paris); the others are from the AWS pricing pages for
 * Europe (Paris) as remembered: APPROXIMATE, check them in the AWS Pricing Calculator before quoting.
 */
const PRICES = {
  /** aws.amazon.com/lambda/pricing, Arm, first 7.5 billion GB-s a month. */
  lambdaPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1e6,
  /** aws.amazon.com/dynamodb/pricing/on-demand, Europe (Paris), after the November 2024 reduction: approximate. */
  dynamoPerWru: 0.7625 / 1e6,
  dynamoPerRru: 0.1525 / 1e6,
  /** aws.amazon.com/s3/pricing, S3 Standard, Europe (Paris): approximate. */
  s3PerPut: 0.0053 / 1000,
  s3PerGet: 0.00042 / 1000,
  s3PerGbMonth: 0.024,
  /** aws.amazon.com/ses/pricing: $0.10 per 1,000 emails (per recipient), $0.12 per GB of attachments. */
  sesPerEmail: 0.1 / 1000,
  sesPerAttachmentGb: 0.12,
  /** aws.amazon.com/api-gateway/pricing, HTTP APIs, Europe (Paris), first 300 million: approximate ($1.00 in us-east-1). */
  httpApiPerRequest: 1.11 / 1e6,
  /** aws.amazon.com/xray/pricing: $5.00 per million traces recorded (the functions run with tracing: ACTIVE). */
  xrayPerTrace: 5 / 1e6,
} as const;
const PRICES_NOTE = 'prices: Lambda Arm per aws.amazon.com/lambda/pricing; DynamoDB, S3, API Gateway eu-west-3 rates APPROXIMATE (2026-11)';
const COMMERCIAL_EUR = 1;
const TARGET_USD = 0.001;
/** Object Lock retention of the documents bucket (infra/README.md default). */
const RETENTION_MONTHS = 120;

const CONVENTIONS = Number(process.env.BENCH_COST_CONVENTIONS ?? 6);
const SCHOOL_YEAR = '2026-2027';
const specOf = (name: string) => functionSpecs.find((spec) => spec.name === name)!;

interface Phase {
  label: string;
  /** Function billed, its memory, invocations and measured handler ms per convention. */
  fn: string;
  invocations: number;
  ms: number;
  /** HTTP API requests per convention (0 for the scheduled sweep). */
  httpRequests: number;
  counts: Counts;
  /** Emails (recipients) per convention, from the SES requests. */
  recipients: number;
}

/** SES bills each recipient: the raw emails carry them in one "a, b" To header. */
const recipientsOf = (emails: { destination: { to: string[] } }[]): number =>
  emails.reduce((n, email) => n + email.destination.to.flatMap((to) => to.split(',')).filter((to) => to.includes('@')).length, 0);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
};

/** Handler durations of the gateway lines for one route since `from`. */
function gatewayMs(stack: LocalStack, from: number, route: string): number[] {
  return stack.gatewayLog
    .slice(from)
    .map((line) => /^(\w+ \S+) → (\d+) \((\d+) ms\)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && match[1] === route)
    .map((match) => Number(match[3]));
}

function sum(map: Map<string, number>, prefix: string, filter: (key: string) => boolean = () => true): number {
  let total = 0;
  for (const [key, value] of map) if (key.startsWith(prefix) && filter(key)) total += value;
  return total;
}

/** Runs `act` without the sweep's metric lines (CloudWatch EMF on stdout) in the bench output. */
async function quietly<T>(act: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && args[0].startsWith('{"_aws"'))) log(...args);
  };
  try {
    return await act();
  } finally {
    console.log = log;
  }
}

async function expectStatus(response: Promise<Response> | Response, expected: number, what: string): Promise<Response> {
  const resolved = await response;
  if (resolved.status !== expected) throw new Error(`${what}: ${resolved.status} ${(await resolved.text()).slice(0, 300)}`);
  return resolved;
}

export async function run(): Promise<void> {
  const stack = await startLocalStack({ count: true });
  const phases: Phase[] = [];
  const phase = async (label: string, fn: string, httpRequests: number, act: () => Promise<{ invocations: number; ms: number }>) => {
    stack.resetCounts();
    const before = recipientsOf(await stack.inbox());
    const { invocations, ms } = await act();
    const after = recipientsOf(await stack.inbox());
    const scale = (map: Map<string, number>) => new Map([...map].map(([key, value]) => [key, value / CONVENTIONS]));
    const { calls, capacity, bytes } = stack.counts;
    phases.push({ label, fn, invocations, ms, httpRequests, counts: { calls: scale(calls), capacity: scale(capacity), bytes: scale(bytes) }, recipients: (after - before) / CONVENTIONS });
  };
  try {
    await expectStatus(fetch(`${stack.url}/admin/campaigns`, { method: 'POST', headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(campaignBody(SCHOOL_YEAR)) }), 201, 'campaign');

    // Baseline: the lightest handler of the catalogue, through the same gateway, warm.
    const assetPath = '/dsfr/1.14.4/favicon/favicon.svg';
    for (let i = 0; i < 3; i += 1) await fetch(`${stack.url}${assetPath}`).then((r) => r.arrayBuffer());
    const baselineFrom = stack.gatewayLog.length;
    for (let i = 0; i < 10; i += 1) await fetch(`${stack.url}${assetPath}`).then((r) => r.arrayBuffer());
    const baselineMs = median(gatewayMs(stack, baselineFrom, 'GET /dsfr/{version}/{file+}'));

    // Warm-up convention (not counted): loads every handler once, so cold starts stay out of the medians.
    const ids: string[] = [];
    const warm = conventionBody(999, 'warm');
    const warmAdded = await stack.admin('POST', `/admin/campaigns/${SCHOOL_YEAR}/conventions`, warm);
    await stack.admin('POST', `/admin/campaigns/${SCHOOL_YEAR}/send`);
    const warmPath = signingPathOf((await stack.inbox()).find((email) => email.destination.to.includes(warm.mayor.email))!)!;
    await fetch(`${stack.url}${warmPath}`).then((r) => r.text());
    await fetch(`${stack.url}${warmPath}/document`).then((r) => r.arrayBuffer());
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    await expectStatus(fetch(`${stack.url}${warmPath}`, { method: 'POST', headers: form, body: 'signerName=Maire+Chauffe&capacity=maire&consent=on' }), 200, 'warm sign').then((r) => r.text());
    const warmCountersigned = await stack.admin('POST', `/admin/conventions/${warmAdded.json.id}/countersign`);
    if (warmCountersigned.status !== 200) throw new Error(`warm countersign: ${JSON.stringify(warmCountersigned.json)}`);

    const mark = () => stack.gatewayLog.length;
    await phase('created (add-convention)', 'add-convention', 1, async () => {
      const from = mark();
      for (let i = 0; i < CONVENTIONS; i += 1) {
        const added = await stack.admin('POST', `/admin/campaigns/${SCHOOL_YEAR}/conventions`, conventionBody(i, 'cost'));
        if (added.status !== 201) throw new Error(`convention: ${JSON.stringify(added.json)}`);
        ids.push(added.json.id);
      }
      return { invocations: 1, ms: median(gatewayMs(stack, from, 'POST /admin/campaigns/{schoolYear}/conventions')) };
    });
    await phase(`invitation (send-campaign, ${CONVENTIONS} in one call)`, 'send-campaign', 1 / CONVENTIONS, async () => {
      const from = mark();
      const sent = await stack.admin('POST', `/admin/campaigns/${SCHOOL_YEAR}/send`);
      if (sent.json.sent !== CONVENTIONS) throw new Error(`send: ${JSON.stringify(sent.json)}`);
      const [ms] = gatewayMs(stack, from, 'POST /admin/campaigns/{schoolYear}/send');
      return { invocations: 1 / CONVENTIONS, ms: ms! / CONVENTIONS };
    });

    // SES's Send event of each invitation reaches ses-events (the rule lets only invitations' through);
    // the sender recorded it already, the usual case: one read. Built as SES publishes it (the local SES publishes none).
    const receipts = await loadHandler(PROJECT_ROOT, specOf('ses-events'));
    await phase('invitation receipt (ses-events, SES Send event)', 'ses-events', 0, async () => {
      const durations: number[] = [];
      for (const id of ids) {
        const event = sesSendEvent({ to: 'maire@example.org', tags: invitationTags(id, new Date().toISOString()), at: new Date() });
        const started = performance.now();
        const outcome = (await quietly(() => receipts(event, lambdaContext('ses-events')))) as { confirmed: number };
        durations.push(performance.now() - started);
        if (outcome.confirmed !== 0) throw new Error(`receipt: ${JSON.stringify(outcome)}`);
      }
      return { invocations: 1, ms: median(durations) };
    });

    // Three reminder sweeps, each on the due date the previous one left (all conventions share it).
    const db = createDocumentClient({ region: 'eu-west-3', endpoint: stack.settings.dynamodbEndpoint });
    const sweep = specOf('send-reminders');
    await quietly(() => fireSchedule(PROJECT_ROOT, sweep, new Date('2026-01-05T08:00:00.000Z'))); // loads the handler; nothing due then
    for (let round = 1; round <= 3; round += 1) {
      const { Item } = await db.send(new GetCommand({ TableName: stack.settings.tableName, Key: reminderDueKey(ids[0]!) }));
      if (!Item) throw new Error('no reminder due');
      const at = new Date(`${String(Item.dueDate)}T08:00:00.000Z`);
      await phase(`reminder ${round} (send-reminders on ${String(Item.dueDate)})`, 'send-reminders', 0, async () => {
        const started = performance.now();
        const report = (await quietly(() => fireSchedule(PROJECT_ROOT, sweep, at))) as { emails: number };
        const ms = performance.now() - started;
        if (report.emails < CONVENTIONS) throw new Error(`sweep: ${JSON.stringify(report)}`);
        return { invocations: 1 / CONVENTIONS, ms: ms / CONVENTIONS };
      });
    }

    // The live link of each mayor: the last email with a link (reminders rotate it).
    const emails = await stack.inbox();
    const paths = Array.from({ length: CONVENTIONS }, (_, i) => {
      const address = conventionBody(i, 'cost').mayor.email;
      const last = emails.filter((email) => email.destination.to.includes(address) && signingPathOf(email)).at(-1);
      return signingPathOf(last!)!;
    });

    await phase('page viewed ×2 (signing-page)', 'signing-page', 2, async () => {
      const from = mark();
      for (const path of paths) {
        for (let view = 0; view < 2; view += 1) await expectStatus(fetch(`${stack.url}${path}`), 200, 'view').then((r) => r.text());
      }
      return { invocations: 2, ms: median(gatewayMs(stack, from, 'GET /sign/{token}')) };
    });
    await phase('PDF downloaded (signing-page)', 'signing-page', 1, async () => {
      const from = mark();
      for (const path of paths) await expectStatus(fetch(`${stack.url}${path}/document?telecharger=1`), 200, 'document').then((r) => r.arrayBuffer());
      return { invocations: 1, ms: median(gatewayMs(stack, from, 'GET /sign/{token}/document')) };
    });
    await phase('signed (sign-convention)', 'sign-convention', 1, async () => {
      const from = mark();
      for (const [i, path] of paths.entries()) {
        await expectStatus(
          fetch(`${stack.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ signerName: `Maire ${i}`, capacity: 'maire', consent: 'on' }).toString() }),
          200,
          'sign',
        ).then((r) => r.text());
      }
      return { invocations: 1, ms: median(gatewayMs(stack, from, 'POST /sign/{token}')) };
    });
    await phase('countersigned (countersign-convention)', 'countersign-convention', 1, async () => {
      const from = mark();
      for (const id of ids) {
        const done = await stack.admin('POST', `/admin/conventions/${id}/countersign`);
        if (done.status !== 200) throw new Error(`countersign: ${JSON.stringify(done.json)}`);
      }
      return { invocations: 1, ms: median(gatewayMs(stack, from, 'POST /admin/conventions/{id}/countersign')) };
    });
    db.destroy();

    print(phases, baselineMs);
  } finally {
    await stack.stop();
  }
}

function print(phases: Phase[], baselineMs: number): void {
  const rows = phases.map((p) => {
    const memoryGb = (specOf(p.fn).memoryMb ?? 512) / 1024;
    // Lambda bills each invocation's duration rounded up to the ms: ms here is per invocation share.
    const gbSeconds = memoryGb * (p.ms / 1000) * (p.invocations >= 1 ? p.invocations : 1);
    const { calls, capacity, bytes } = p.counts;
    const wru = sum(capacity, 'dynamodb ', (key) => /Put|Update|Delete|TransactWrite|BatchWrite/.test(key));
    const rru = sum(capacity, 'dynamodb ', (key) => /Get|Query|Scan|BatchGet|TransactGet/.test(key));
    const puts = sum(calls, 's3 PUT');
    const gets = sum(calls, 's3 GET') + sum(calls, 's3 HEAD');
    const ddbCalls = sum(calls, 'dynamodb ');
    const attachmentGb = sum(bytes, 'ses ') / 2 ** 30;
    const lambdaRequests = p.invocations;
    const cost = {
      lambda: gbSeconds * PRICES.lambdaPerGbSecond + lambdaRequests * PRICES.lambdaPerRequest,
      dynamodb: wru * PRICES.dynamoPerWru + rru * PRICES.dynamoPerRru,
      s3: puts * PRICES.s3PerPut + gets * PRICES.s3PerGet,
      ses: p.recipients * PRICES.sesPerEmail + attachmentGb * PRICES.sesPerAttachmentGb,
      api: p.httpRequests * PRICES.httpApiPerRequest,
    };
    return { p, gbSeconds, wru, rru, ddbCalls, puts, gets, cost, s3Bytes: sum(bytes, 's3 PUT'), total: Object.values(cost).reduce((a, b) => a + b, 0) };
  });

  console.log(`per signed convention (${CONVENTIONS} conventions measured, figures per convention; handler ms measured here on x86, not Lambda Arm):`);
  console.log(`baseline: static-assets (lightest handler) ${baselineMs.toFixed(0)} ms through the same gateway`);
  console.log(
    `${'step'.padEnd(46)} ${'ms'.padStart(6)} ${'GB-s'.padStart(8)} ${'ddb'.padStart(5)} ${'WRU'.padStart(6)} ${'RRU'.padStart(6)} ${'S3 put/get'.padStart(10)} ${'mail'.padStart(5)} ${'$'.padStart(11)}`,
  );
  for (const row of rows) {
    console.log(
      `${row.p.label.padEnd(46)} ${row.p.ms.toFixed(0).padStart(6)} ${row.gbSeconds.toFixed(4).padStart(8)} ${row.ddbCalls.toFixed(1).padStart(5)} ${row.wru.toFixed(1).padStart(6)} ${row.rru.toFixed(1).padStart(6)} ${`${row.puts.toFixed(1)}/${row.gets.toFixed(1)}`.padStart(10)} ${row.p.recipients.toFixed(1).padStart(5)} ${row.total.toFixed(7).padStart(11)}`,
    );
  }
  const total = (key: keyof (typeof rows)[number]['cost']) => rows.reduce((n, row) => n + row.cost[key], 0);
  const byService = { lambda: total('lambda'), dynamodb: total('dynamodb'), s3: total('s3'), ses: total('ses'), api: total('api') };
  const grand = Object.values(byService).reduce((a, b) => a + b, 0);
  console.log(
    `by service: Lambda $${byService.lambda.toFixed(7)}, DynamoDB $${byService.dynamodb.toFixed(7)}, S3 requests $${byService.s3.toFixed(7)}, ` +
      `SES $${byService.ses.toFixed(7)}, API Gateway $${byService.api.toFixed(7)}`,
  );
  const operations = new Map<string, number>();
  for (const row of rows) for (const [key, value] of row.p.counts.calls) operations.set(key, (operations.get(key) ?? 0) + value);
  console.log(`requests per convention: ${[...operations].sort().map(([key, value]) => `${key} ${value.toFixed(1)}`).join(', ')}`);

  const lambdaMs = rows.reduce((n, row) => n + row.p.ms * Math.max(row.p.invocations, 1), 0);
  const slower = grand + byService.lambda * 2;
  console.log(`sensitivity: Lambda on Arm 3× slower than measured here (${(lambdaMs * 3).toFixed(0)} ms of handlers): $${slower.toFixed(7)}`);
  const storedBytes = rows.reduce((n, row) => n + row.s3Bytes, 0);
  const storage = (storedBytes / 2 ** 30) * PRICES.s3PerGbMonth * RETENTION_MONTHS;
  const traces = rows.reduce((n, row) => n + row.p.httpRequests, 0) + 3 / CONVENTIONS;
  console.log(
    `not in the target (issue 8 counts requests): S3 storage of ${(storedBytes / 1024).toFixed(0)} KB of PDF for ${RETENTION_MONTHS} months of Object Lock $${storage.toFixed(5)}; ` +
      `X-Ray at most $${(traces * PRICES.xrayPerTrace).toFixed(6)} (every request traced); CloudWatch Logs and Secrets Manager (per cold start) not counted`,
  );
  console.log(PRICES_NOTE);
  console.log(`commercial signing services: about €${COMMERCIAL_EUR} or more per signature, ${(COMMERCIAL_EUR / grand).toFixed(0)}× this (taking €1 ≈ $1)`);
  console.log(`cost: $${grand.toFixed(6)} per signed convention (target < $${TARGET_USD})${grand < TARGET_USD ? '' : ' OVER TARGET'}`);
}
