/**
 * The local gateway runs each function as Lambda does: in an execution
 * environment of its own (a worker thread), reused while warm, stopped for
 * good at the function's timeout, refused more heap than its memory size.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_ADMIN_AUDIENCE } from '../../../infra/admin-auth.ts';
import type { FunctionSpec } from '../../../infra/functions.ts';
import { startGateway, type Gateway } from '../../../infra/local/gateway.ts';
import { PROJECT_ROOT } from '../../../infra/local/paths.ts';

const fixture = (name: string, path: string, limits: Pick<FunctionSpec, 'timeoutSeconds' | 'memoryMb'>): FunctionSpec => ({
  name,
  entry: 'test/fixtures/handlers/lambda-limits.ts',
  routes: [{ method: 'GET', path, auth: 'public' }],
  ...limits,
});
const specs = [
  fixture('quick', '/quick', { timeoutSeconds: 1, memoryMb: 128 }),
  fixture('patient', '/patient', { timeoutSeconds: 3, memoryMb: 256 }),
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
const directory = mkdtempSync(join(tmpdir(), 'paraphe-limits-'));
const newFile = (name: string) => {
  const file = join(directory, name);
  writeFileSync(file, '');
  return file;
};

let gateway: Gateway;
/** The same functions behind an API whose integration timeout (1.5 s) is shorter than `patient`'s own (3 s). */
let impatient: Gateway;
beforeAll(async () => {
  gateway = await startGateway({ root: PROJECT_ROOT, port: 0, adminAuth: { issuer: inject('servers').oidcIssuer, audience: [DEFAULT_ADMIN_AUDIENCE] }, specs });
  impatient = await startGateway({ root: PROJECT_ROOT, port: 0, adminAuth: { issuer: inject('servers').oidcIssuer, audience: [DEFAULT_ADMIN_AUDIENCE] }, specs, integrationTimeoutMs: 1_500 });
});
afterAll(async () => Promise.all([gateway?.close(), impatient?.close()]));

const get = async (path: string, through = gateway) => {
  const response = await fetch(`${through.url}${path}`);
  return { status: response.status, text: await response.text() };
};

describe('an execution environment', () => {
  it('loads the handler once and serves the next invocation warm, with the context of its own function', async () => {
    const first = JSON.parse((await get('/quick')).text);
    const second = JSON.parse((await get('/quick')).text);
    expect(second.threadId).toBe(first.threadId);
    expect(second.invocations).toBe(first.invocations + 1);
    expect(second.memoryLimitInMB).toBe('128');
    expect(second.remainingMs).toBeGreaterThan(0);
    expect(second.remainingMs).toBeLessThanOrEqual(1_000);
  });

  it('runs one invocation at a time: a second one while the first is busy gets a new environment', async () => {
    const [a, b] = await Promise.all([get('/patient?mode=slow&ms=400'), get('/patient?mode=slow&ms=400')]);
    expect(JSON.parse(a.text).threadId).not.toBe(JSON.parse(b.text).threadId);
  });
});

describe("a function's timeout", () => {
  it('stops the handler for good: it writes nothing more, and the API answers 500 as for any function error', async () => {
    const file = newFile('quick.log');
    const answer = await get(`/quick?mode=write-forever&file=${encodeURIComponent(file)}`);
    expect(answer).toEqual({ status: 500, text: JSON.stringify({ message: 'Internal Server Error' }) });
    await sleep(200);
    const written = lines(file);
    expect(written).toBeGreaterThan(3);
    await sleep(600);
    expect(lines(file)).toBe(written);
  });

  it("past API Gateway's integration timeout answers 503, while the function runs on until its own timeout stops it", async () => {
    const file = newFile('patient.log');
    expect((await get('/patient', impatient)).status).toBe(200); // warm: its cold start is not what is timed here
    const started = Date.now();
    const answer = await get(`/patient?mode=write-forever&file=${encodeURIComponent(file)}`, impatient);
    expect(answer).toEqual({ status: 503, text: JSON.stringify({ message: 'Service Unavailable' }) });
    expect(Date.now() - started).toBeLessThan(2_900);
    const atAnswer = lines(file);
    await sleep(800);
    expect(lines(file)).toBeGreaterThan(atAnswer);
    await sleep(Math.max(0, 4_500 - (Date.now() - started)));
    const stopped = lines(file);
    await sleep(500);
    expect(lines(file)).toBe(stopped);
  });
});

describe("a function's memory", () => {
  it('fails the invocation that outgrows it, and the next one runs in a fresh environment', async () => {
    const before = JSON.parse((await get('/quick')).text);
    expect((await get('/quick?mode=oom')).status).toBe(500);
    const after = await get('/quick');
    expect(after.status).toBe(200);
    expect(JSON.parse(after.text).threadId).not.toBe(before.threadId);
    expect(JSON.parse(after.text).invocations).toBe(1);
  });
});

describe("Lambda's 6 MB payload", () => {
  it('fails a response over it (500), as Lambda refuses to return it', async () => {
    expect(await get('/patient?mode=big')).toEqual({ status: 500, text: JSON.stringify({ message: 'Internal Server Error' }) });
    expect((await get('/patient')).status).toBe(200);
  });
});
