import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { describe, expect, inject, it } from 'vitest';
import { createPdfSealer } from '../../functions/adapters/pdf-sealer.ts';
import { createTsaClient, TimestampUnavailableError } from '../../functions/adapters/tsa-client.ts';
import { freePort } from '../../infra/local/servers.ts';
import { printedCms, sealCms, sealTimestamp, verifiedTimestamp } from '../support/seal-evidence.ts';
import { generateSealingP12 } from '../../infra/local/sealing-certificate.ts';
import { renderConventionPdf } from '../../templates/convention/render-convention.ts';
import { conventionDocumentInput } from '../../functions/core/convention-document.ts';
import { campaign2026, lespignan } from '../fixtures/seed-communes.ts';
import type { Convention } from '../../functions/core/model.ts';

const now = new Date('2026-11-23T10:00:00Z');
const servers = inject('servers');
const localCa = { certificate: servers.caCertificate, key: servers.caKey };
const sealer = createPdfSealer(async () => ({ p12: generateSealingP12('test', now, localCa), passphrase: 'test' }), createTsaClient(servers.tsaUrl));
const dir = mkdtempSync(join(tmpdir(), 'paraphe-seal-'));

async function sealedConvention(communeName = lespignan.commune.name): Promise<Uint8Array> {
  const convention = {
    ...lespignan,
    commune: { ...lespignan.commune, name: communeName },
    id: 'c-seal',
    schoolYear: '2026-2027',
    feeCents: 4000,
    amountCents: 8000,
    endDate: '2027-09-05',
    status: 'signed',
    createdAt: now.toISOString(),
  } as Convention;
  const pdf = await renderConventionPdf(conventionDocumentInput({ ...campaign2026, linkValidityDays: 60, createdAt: now.toISOString() }, convention));
  return sealer.seal(pdf, {
    // As the jobs that seal a signature, a countersignature or an avenant phrase it.
    reason: communeName === lespignan.commune.name ? 'Convention signée' : `Convention ENT-École 2026-2027 signée pour la commune de ${communeName}`,
    location: communeName === lespignan.commune.name ? 'Montpellier' : communeName,
    contactInfo: 'ent-ecole@rectorat.example.org',
    signingTime: now,
  });
}

/** The signature dictionaries of a PDF as qpdf reads them: text strings decoded (qpdf writes them « u:… »). */
function signatureDictionaries(path: string): Record<string, unknown>[] {
  const run = spawnSync('qpdf', ['--json=2', '--json-key=qpdf', path], { encoding: 'utf8' });
  const objects = (JSON.parse(run.stdout) as { qpdf: [unknown, Record<string, { value?: Record<string, unknown> }>] }).qpdf[1];
  return Object.values(objects)
    .map((object) => object.value)
    .filter((value): value is Record<string, unknown> => typeof value === 'object' && value !== null && value['/Type'] === '/Sig');
}

const pdfsig = (path: string) => spawnSync('pdfsig', [path], { encoding: 'utf8' }).stdout;

describe('the platform seal', () => {
  it('is a PAdES signature that poppler reports valid and covering the whole document', async () => {
    const path = join(dir, 'sealed.pdf');
    writeFileSync(path, await sealedConvention());
    const report = pdfsig(path);
    expect(report).toContain('Signature is Valid');
    expect(report).toContain('Total document signed');
    expect(report).toContain('ETSI.CAdES.detached');
    expect(execFileSync('qpdf', ['--check', path], { encoding: 'utf8' })).toContain('No syntax or stream encoding errors');
  });

  it('shows as invalid once one byte of the signed content is changed', async () => {
    const sealed = Buffer.from(await sealedConvention());
    // Change one letter of the document's metadata, inside the signed range, keeping the file parseable.
    const tampered = Buffer.from(sealed);
    const at = tampered.indexOf('Paraphe');
    expect(at).toBeGreaterThan(0);
    tampered[at] = tampered[at]! ^ 0x01;
    const path = join(dir, 'tampered.pdf');
    writeFileSync(path, tampered);
    const report = pdfsig(path);
    expect(report).not.toContain('Signature is Valid');
    expect(report).toMatch(/Signature is Invalid|Digest Mismatch/i);
  });

  it.each([
    ['a closing parenthesis', 'Saint-Jean (Haute-Garonne))'],
    ['an opening parenthesis', 'Saint-Jean ((Haute-Garonne'],
    ['a backslash', 'Saint\\Jean\\'],
    ['a /ByteRange of its own', 'Le /ByteRange [0 /********** /********** /**********]'],
    ['a forged byte range', 'Evil) /ByteRange [0 10 20 30] /X ('],
    ['a character outside Latin-1', 'Œuilly'],
    ['a typographic apostrophe', 'L’Isle-Jourdain'],
    ['plain ASCII with a quote', "L'Isle-en-Dodon"],
  ])('holds whatever the commune is called: %s', async (_, name) => {
    const path = join(dir, `named-${Buffer.from(name).toString('hex').slice(0, 40)}.pdf`);
    writeFileSync(path, await sealedConvention(name));
    const report = pdfsig(path);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Total document signed');
    expect(report).not.toMatch(/Digest Mismatch/i);
    const [signature, ...others] = signatureDictionaries(path);
    expect(others).toEqual([]);
    expect(signature).toMatchObject({
      '/Reason': `u:Convention ENT-École 2026-2027 signée pour la commune de ${name}`,
      '/Location': `u:${name}`,
      '/Name': 'u:Paraphe – Région académique Occitanie',
      '/ContactInfo': 'u:ent-ecole@rectorat.example.org',
    });
    const check = spawnSync('qpdf', ['--check', path], { encoding: 'utf8' });
    expect(check.stdout + check.stderr).not.toMatch(/WARNING|duplicated key/i);
  });

  it('is PAdES B-T: its SignerInfo carries a signature time-stamp token over its signature value, which OpenSSL verifies up to the local CA', async () => {
    const sealed = await sealedConvention();
    const printed = printedCms(sealed);
    expect(printed).toContain('id-smime-aa-timeStampToken (1.2.840.113549.1.9.16.2.14)');
    // The signed attributes PAdES asks for, and no signing-time (the claimed time is the dictionary's /M).
    expect(printed).toContain('id-smime-aa-signingCertificateV2 (1.2.840.113549.1.9.16.2.47)');
    expect(printed).toContain('messageDigest (1.2.840.113549.1.9.4)');
    expect(printed).not.toContain('signingTime (1.2.840.113549.1.9.5)');
    const verified = verifiedTimestamp(sealed, servers);
    expect(verified.output).toContain('Verification: OK');
    expect(verified.ok).toBe(true);
  });

  it('is refused by OpenSSL when the token stamps something else than its signature value', async () => {
    const sealed = await sealedConvention();
    const { token } = sealTimestamp(sealed);
    const file = join(dir, 'token.der');
    writeFileSync(file, token!);
    const other = spawnSync('openssl', ['ts', '-verify', '-digest', '00'.repeat(32), '-token_in', '-in', file, '-CAfile', servers.caCertificate], { encoding: 'utf8' });
    expect(other.status).not.toBe(0);
  });

  it('verifies with OpenSSL over the signed byte ranges (its signed attributes in DER order)', async () => {
    const sealed = Buffer.from(await sealedConvention());
    const ranges = sealed.toString('latin1').match(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/)!.slice(1).map(Number) as [number, number, number, number];
    const content = join(dir, 'signed-ranges.bin');
    writeFileSync(content, Buffer.concat([sealed.subarray(ranges[0], ranges[0] + ranges[1]), sealed.subarray(ranges[2], ranges[2] + ranges[3])]));
    const cms = join(dir, 'seal.p7s');
    writeFileSync(cms, sealCms(sealed));
    // The sealing certificate chains up to the local CA that issued the TSA's: the CMS carries both certificates.
    const run = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', cms, '-content', content, '-CAfile', servers.caCertificate, '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
    expect(run.stderr).toContain('Verification successful');
  });

  it('differs from one seal to the next (each token has its own time and serial): a seal is made once and stored once', async () => {
    const [first, second] = [await sealedConvention(), await sealedConvention()];
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
    expect(sealTimestamp(first).token!.equals(sealTimestamp(second).token!)).toBe(false);
  });

  it('fails with TimestampUnavailableError, and gives no PDF, when the TSA cannot be reached', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/`;
    const unstamped = createPdfSealer(async () => ({ p12: generateSealingP12('test', now), passphrase: 'test' }), createTsaClient(closed));
    const pdf = await renderConventionPdf(conventionDocumentInput({ ...campaign2026, linkValidityDays: 60, createdAt: now.toISOString() }, { ...lespignan, id: 'c-x', schoolYear: '2026-2027', feeCents: 4000, amountCents: 8000, endDate: '2027-09-05', status: 'signed', createdAt: now.toISOString() } as Convention));
    await expect(unstamped.seal(pdf, { reason: 'Convention signée', location: 'Montpellier', contactInfo: 'ent-ecole@rectorat.example.org', signingTime: now })).rejects.toBeInstanceOf(TimestampUnavailableError);
  });

  it('refuses a reply that is not a granted token over what it asked', async () => {
    const client = createTsaClient(servers.tsaUrl, async () => new Response(Buffer.from('30053003020102', 'hex'), { status: 200 }));
    await expect(client.timestamp(Buffer.from('signature'))).rejects.toThrow(/a refusé \(statut 2\)/);
    const elsewhere = createTsaClient(servers.tsaUrl, async (url, init) => {
      // The real TSA's answer to another query: another imprint and another nonce.
      const other = await fetch(url, { ...init, body: new Uint8Array(await createQueryFor(Buffer.from('other'))) });
      return other;
    });
    await expect(elsewhere.timestamp(Buffer.from('signature'))).rejects.toThrow(/une autre empreinte/);
  });
});

/** A query of the client's own making for other data, captured on its way out. */
async function createQueryFor(data: Buffer): Promise<Buffer> {
  let query: Buffer | undefined;
  await createTsaClient('http://unused.invalid/', async (_url, init) => {
    query = Buffer.from(init!.body as Buffer);
    throw new Error('captured');
  })
    .timestamp(data)
    .catch(() => undefined);
  return query!;
}

describe('the seal outside vitest', () => {
  it('works under plain Node ESM, as npm start and the Lambda bundles load it', () => {
    const script = join(import.meta.dirname, '..', 'fixtures', 'scripts', 'seal-under-node.ts');
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
    expect(run.stderr).not.toContain('is not a function');
    expect(run.stdout).toBe('%PDF-1.7 sealed');
  });
});

describe('the time-stamp client', () => {
  it('asks with a nonce in minimal DER every time, which a strict TSA (OpenSSL) always accepts', async () => {
    const client = createTsaClient(servers.tsaUrl);
    // A leading zero byte (1 nonce in 128 before) made OpenSSL answer "bad request": 300 tries see it with 90% odds.
    for (let i = 0; i < 300; i += 1) {
      const query = await createQueryFor(Buffer.from(`try ${i}`));
      const parsed = pkijs.TimeStampReq.fromBER(new Uint8Array(query).buffer);
      const nonce = parsed.nonce!.valueBlock.valueHexView;
      expect(nonce.length).toBe(8);
      expect(nonce[0]).toBeGreaterThan(0);
      expect(nonce[0]).toBeLessThan(0x80);
    }
    expect((await client.timestamp(Buffer.from('signature'))).length).toBeGreaterThan(1000);
  });
});
