/**
 * The local RFC 3161 time-stamping authority (infra/local/tsa.ts) as OpenSSL's
 * own client sees it: a query made by `openssl ts -query`, the reply verified
 * by `openssl ts -verify` against the query and the local CA.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { typeScriptEntryArgs } from '../../../infra/local/child-process.ts';
import { LOCAL_TSA_POLICY, startTsaProcess } from '../../../infra/local/tsa.ts';
import { eventually } from '../../support/stack.ts';

const servers = inject('servers');
const dir = mkdtempSync(join(tmpdir(), 'paraphe-tsa-test-'));
const openssl = (...args: string[]) => spawnSync('openssl', args, { encoding: 'utf8' });

async function post(body: Uint8Array, contentType = 'application/timestamp-query'): Promise<Response> {
  return fetch(servers.tsaUrl, { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) });
}

describe('the local time-stamping authority', () => {
  it('has a certificate for time-stamping only (extendedKeyUsage timeStamping, critical) issued by the local CA', () => {
    const text = openssl('x509', '-in', servers.tsaCertificate, '-noout', '-text').stdout;
    expect(text).toMatch(/X509v3 Extended Key Usage: critical\s+Time Stamping/);
    expect(openssl('verify', '-CAfile', servers.caCertificate, '-purpose', 'timestampsign', servers.tsaCertificate).stdout).toContain(': OK');
  });

  it('answers a SHA-256 query with a granted token that OpenSSL verifies: imprint, nonce, policy, accuracy, its certificate', async () => {
    const data = join(dir, 'data.bin');
    writeFileSync(data, 'la valeur de signature du cachet');
    const query = join(dir, 'query.tsq');
    expect(openssl('ts', '-query', '-data', data, '-sha256', '-cert', '-out', query).status).toBe(0);
    const response = await post(readFileSync(query));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/timestamp-reply');
    const reply = join(dir, 'reply.tsr');
    writeFileSync(reply, Buffer.from(await response.arrayBuffer()));
    const printed = openssl('ts', '-reply', '-in', reply, '-text').stdout;
    expect(printed).toContain('Status: Granted.');
    expect(printed).toContain(`Policy OID: ${LOCAL_TSA_POLICY}`);
    expect(printed).toMatch(/Accuracy: 0x01 seconds/);
    expect(printed).toMatch(/Nonce: 0x[0-9A-F]+/);
    const verified = openssl('ts', '-verify', '-queryfile', query, '-in', reply, '-CAfile', servers.caCertificate);
    expect(verified.stdout).toContain('Verification: OK');
  });

  it('gives each token its own serial number', async () => {
    const query = join(dir, 'query.tsq');
    const serials = [];
    for (let i = 0; i < 2; i += 1) {
      const reply = join(dir, `serial-${i}.tsr`);
      writeFileSync(reply, Buffer.from(await (await post(readFileSync(query))).arrayBuffer()));
      serials.push(/Serial number: (0x[0-9A-F]+)/.exec(openssl('ts', '-reply', '-in', reply, '-text').stdout)?.[1]);
    }
    expect(serials[0]).toBeDefined();
    expect(serials[0]).not.toBe(serials[1]);
  });

  it('refuses what is not a time-stamp query: another media type over HTTP, a bad query with a rejection (RFC 3161, 2.4.2)', async () => {
    expect((await post(Buffer.from('{}'), 'application/json')).status).toBe(415);
    const reply = join(dir, 'rejected.tsr');
    writeFileSync(reply, Buffer.from(await (await post(Buffer.from('not DER'))).arrayBuffer()));
    const printed = openssl('ts', '-reply', '-in', reply, '-text').stdout;
    expect(printed).toContain('Status: Rejected.');
    expect(printed).toMatch(/Failure info:\s+(unrecognized or unsupported algorithm identifier|bad request|the data submitted has the wrong format)/);
  });
});

/** Whether a process of that pid is running (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the local time-stamping authority, as a process of its own', () => {
  it('answers from a process apart from the one that starts it, and stops when closed', async () => {
    const tsa = await startTsaProcess({ dir: join(dir, 'own'), port: 0 });
    expect(tsa.pid).not.toBe(process.pid);
    expect(alive(tsa.pid)).toBe(true);
    const ca = await fetch(`${tsa.url}ca.pem`);
    expect(await ca.text()).toBe(readFileSync(tsa.caCertificate, 'utf8'));
    await tsa.close();
    expect(alive(tsa.pid)).toBe(false);
  });

  it('stops when the process that started it is gone, killed without a word', async () => {
    const script = join(import.meta.dirname, '../../fixtures/scripts/tsa-parent.ts');
    const parent = spawn(process.execPath, [...typeScriptEntryArgs(), script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) => parent.stdout.once('data', (data: Buffer) => resolve(data.toString())));
    const { pid, url } = JSON.parse(line) as { pid: number; url: string };
    expect((await fetch(`${url}ca.pem`)).status).toBe(200);
    parent.kill('SIGKILL');
    await eventually(async () => !alive(pid), 10_000);
  });
});
