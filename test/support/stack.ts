/**
 * A private Paraphe for one test file: its own table and bucket on the shared
 * local servers, the real handlers behind the local gateway, and helpers to
 * call the API and read the inbox.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { applyEnvironment, handlerEnvironment, type LocalStackSettings } from '../../infra/local/environment.ts';
import { startGateway } from '../../infra/local/gateway.ts';
import { createInProcessRuntime, createLambdaRuntime } from '../../infra/local/lambda-runtime.ts';
import { DEFAULT_ADMIN_AUDIENCE } from '../../infra/admin-auth.ts';
import { ensureConsoleSecret } from '../../infra/local/console-secret.ts';
import { machineToken } from '../../infra/local/oidc.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { ensureBucket, ensureTable } from '../../infra/local/resources.ts';
import { startWorkers, type Workers } from '../../infra/local/workers.ts';
import type { SentEmail } from './sent-email.ts';

export type { SentEmail } from './sent-email.ts';

export interface TestStack {
  settings: LocalStackSettings;
  url: string;
  /** A token of the local OpenID provider with both roles. */
  adminToken: string;
  /** A token the local OpenID provider issues with exactly these roles (its machine client, client credentials). */
  tokenWithRoles(roles: string[]): Promise<string>;
  request(method: string, path: string, options?: { body?: unknown; form?: Record<string, string>; token?: string | null; headers?: Record<string, string> }): Promise<Response>;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  inbox(to: string): Promise<SentEmail[]>;
  workers: Workers;
  /** Polls GET /admin/jobs/{id} until the job is no longer running; its view. */
  waitForJob(jobId: string, timeoutMs?: number): Promise<any>;
  /** POST …/send, then waits for the job (with `workers: false`, runs it here first with drainJobs and the stack's own deps): its view. */
  sendCampaign(schoolYear: string): Promise<any>;
  close(): Promise<void>;
}

export interface TestStackOptions {
  /**
   * false: no stream worker and no wake-jobs timer, for tests that run jobs
   * themselves (runJob, drainJobs) with wrapped ports or a fixed clock, so that
   * the real worker never races them. `workers` is then a no-op,
   * `sendCampaign` runs its job in the test's process (drainJobs) and
   * `waitForJob` waits for jobs the test runs.
   */
  workers?: boolean;
  /**
   * Where the functions run: 'in-process' (default here, for the suite's speed: each worker-thread
   * environment loads its own SDK and templates, about a second of CPU per function and per concurrent
   * request) or 'worker-threads' (Lambda's isolation, timeout and memory, as `npm start`; test/local
   * proves them). PARAPHE_LAMBDA_RUNTIME sets it for a whole run.
   */
  runtime?: 'in-process' | 'worker-threads';
  /** Another TSA_URL than the shared local TSA (a proxy in front of it, to cut the line). */
  tsaUrl?: string;
}

/** Workers that do nothing: the stack was started with `workers: false`. */
const noWorkers: Workers = { mappings: [], deadLetters: () => [], wake: async () => undefined, stop: async () => undefined };

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const servers = inject('servers');
  // The SES server is shared by the whole run: a file reads only what was sent since its stack started (the
  // server's `since`, epoch seconds), not the run's thousands of emails with their PDFs at every look.
  const since = Math.floor(Date.now() / 1000) - 1;
  /** This stack's view of the SES server's store: what it has read so far, and the second it reads from next. */
  let inboxCursor = since;
  const inboxSeen = new Map<string, SentEmail>();
  const suffix = randomBytes(4).toString('hex');
  const secrets = mkdtempSync(join(tmpdir(), 'paraphe-secrets-'));
  const settings: LocalStackSettings = {
    ...servers,
    sesInboxUrl: servers.sesEndpoint,
    gatewayUrl: '',
    tableName: `paraphe-test-${suffix}`,
    bucketName: `paraphe-test-${suffix}`,
    sealingP12Path: servers.sealingP12,
    consoleSecretPath: ensureConsoleSecret(join(secrets, 'console-secret.json')),
    tsaUrl: options.tsaUrl ?? servers.tsaUrl,
  };
  await ensureTable(settings.dynamodbEndpoint, settings.tableName);
  await ensureBucket(settings.s3Endpoint, settings.bucketName);
  const isolation = options.runtime ?? (process.env.PARAPHE_LAMBDA_RUNTIME === 'worker-threads' ? 'worker-threads' : 'in-process');
  const runtime = isolation === 'worker-threads' ? createLambdaRuntime({ root: PROJECT_ROOT }) : createInProcessRuntime({ root: PROJECT_ROOT });
  const gateway = await startGateway({ root: PROJECT_ROOT, port: 0, adminAuth: { issuer: servers.oidcIssuer, audience: [DEFAULT_ADMIN_AUDIENCE] }, runtime, ...(process.env.DEBUG_GATEWAY ? { log: (line: string) => console.log(`[api] ${line}`) } : {}) });
  settings.gatewayUrl = gateway.url;
  // Handlers read their environment at first import, which happens at the first request.
  applyEnvironment(handlerEnvironment(settings));
  const workers =
    options.workers === false
      ? noWorkers
      : await startWorkers({
          root: PROJECT_ROOT,
          dynamodbEndpoint: settings.dynamodbEndpoint,
          tableName: settings.tableName,
          runtime,
          wakeEveryMs: 1_000,
          retryBaseMs: 100,
        });

  const tokenWithRoles = (roles: string[]) => machineToken(servers.oidcIssuer, roles);
  const adminToken = await tokenWithRoles(['gestionnaire', 'signataire']);

  const request: TestStack['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? adminToken : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | Blob | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.body instanceof Uint8Array) {
      headers['content-type'] ??= 'application/octet-stream';
      body = new Blob([Buffer.from(options.body)]);
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    return fetch(`${gateway.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' });
  };

  const admin: TestStack['admin'] = async (method, path, body) => {
    const response = await request(method, path, body === undefined ? {} : { body });
    return { status: response.status, json: await response.json() };
  };

  const waitForJob: TestStack['waitForJob'] = async (jobId, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    const waits = pollWaits();
    for (;;) {
      const { status, json } = await admin('GET', `/admin/jobs/${jobId}`);
      if (status !== 200) throw new Error(`job ${jobId}: ${status} ${JSON.stringify(json)}`);
      if (json.state !== 'running') return json;
      if (process.env.DEBUG_JOBS) console.log(JSON.stringify(json).slice(0, 300));
      if (Date.now() > deadline) throw new Error(`job ${jobId} still running: ${JSON.stringify(json)}`);
      await new Promise((resolve) => setTimeout(resolve, waits.next().value));
    }
  };

  return {
    settings,
    url: gateway.url,
    adminToken,
    tokenWithRoles,
    request,
    workers,
    waitForJob,
    async sendCampaign(schoolYear) {
      const started = await admin('POST', `/admin/campaigns/${schoolYear}/send`);
      if (started.status !== 202) throw new Error(`send: ${started.status} ${JSON.stringify(started.json)}`);
      if (options.workers === false) {
        const { drainJobs } = await import('./run-jobs-inline.ts');
        const { composeDeps } = await import('../../functions/adapters/composition.ts');
        const { loadConfig } = await import('../../functions/adapters/config.ts');
        await drainJobs(composeDeps(loadConfig(process.env)), started.json.jobId);
      }
      return waitForJob(started.json.jobId);
    },
    admin,
    async inbox(to) {
      // Only what was sent since the last look (its second included) crosses the wire: the store keeps every
      // email of the run with its PDFs, and a file looks at its inbox hundreds of times.
      const response = await fetch(`${servers.sesEndpoint}/store?since=${inboxCursor}`);
      const { emails } = (await response.json()) as { emails: SentEmail[] };
      for (const email of emails) if (!inboxSeen.has(email.messageId)) inboxSeen.set(email.messageId, email);
      inboxCursor = Math.max(inboxCursor, ...emails.map((email) => email.at));
      // The store's order is the sending order; `at` (seconds) keeps it across two looks that overlapped.
      return [...inboxSeen.values()].filter((email) => email.destination.to.some((address) => address.includes(to))).sort((a, b) => a.at - b.at);
    },
    close: async () => {
      await Promise.all([workers.stop(), runtime.close()]);
      await gateway.close();
    },
  };
}

/** A unique, valid mayor address for one test, so parallel files never read each other's mail. */
export const mayorEmail = (label: string) => `maire.${label}.${randomBytes(3).toString('hex')}@example.org`;

/** Creates the campaign if needed, adds one convention, sends the campaign and returns the signing path from the email. */
export async function sentConvention(
  stack: TestStack,
  campaign: { schoolYear: string },
  convention: { mayor: { email: string } },
): Promise<{ id: string; path: string; email: string }> {
  const created = await stack.admin('POST', '/admin/campaigns', campaign);
  if (created.status !== 201 && created.status !== 409) throw new Error(`campaign: ${JSON.stringify(created.json)}`);
  const added = await stack.admin('POST', `/admin/campaigns/${campaign.schoolYear}/conventions`, convention);
  if (added.status !== 201) throw new Error(`convention: ${JSON.stringify(added.json)}`);
  await stack.sendCampaign(campaign.schoolYear);
  const [invitation] = await stack.inbox(convention.mayor.email);
  const link = /https?:\/\/\S+\/sign\/[A-Za-z0-9_-]+/.exec(invitation?.body.text ?? '')?.[0];
  if (!link) throw new Error('no invitation link');
  return { id: added.json.id, path: new URL(link).pathname, email: convention.mayor.email };
}

/** Polls until `read` gives a value (the effect of a job), for at most a minute. */
export async function eventually<T>(read: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const wait = pollWaits();
  for (const deadline = Date.now() + timeoutMs; ; await new Promise((resume) => setTimeout(resume, wait.next().value))) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('The awaited effect never came');
  }
}

/**
 * The waits between two looks at an effect still to come: 50 ms, then half as long again each time, up to
 * half a second. A quick effect is seen at once; a slow one (a job sealing PDFs on a loaded machine) is not
 * asked about ten times a second, each look a request to the gateway and reads on DynamoDB Local.
 */
export function* pollWaits(): Generator<number, never> {
  for (let ms = 50; ; ms = Math.min(500, Math.round(ms * 1.5))) yield ms;
}
