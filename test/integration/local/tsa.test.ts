/**
 * The local RFC 3161 time-stamping authority (infra/local/tsa.ts) as OpenSSL's
 * own client sees it: a query made by `openssl ts -query`, the reply verified
 * by `openssl ts -verify` against the query and the local CA.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { LOCAL_TSA_POLICY } from '../../../infra/local/tsa.ts';

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
