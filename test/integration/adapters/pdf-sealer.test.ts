import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef } from 'pdf-lib';
import { describe, expect, inject, it, vi } from 'vitest';
import { createPdfSealer } from '../../../functions/adapters/pdf-sealer.ts';
import { signingKeyFromP12 } from '../../../functions/adapters/cades-signer.ts';
import { CertificateRevokedError, createValidationDataSource, ValidationDataUnavailableError } from '../../../functions/adapters/validation-data.ts';
import { checkLongTerm } from '../../../infra/verify/long-term.ts';
import { checkSeal } from '../../../infra/verify/seal-signature.ts';
import { startTsa } from '../../../infra/local/tsa.ts';
import { createTsaClient, TimestampUnavailableError, tokenCertificates } from '../../../functions/adapters/tsa-client.ts';
import { freePort } from '../../../infra/local/servers.ts';
import { printedCms, sealCms, sealTimestamp, verifiedTimestamp } from '../../support/seal-evidence.ts';
import { generateSealingP12 } from '../../../infra/local/sealing-certificate.ts';
import { renderConventionPdf } from '../../../templates/convention/render-convention.ts';
import { conventionDocumentInput } from '../../../functions/use-cases/convention-document.ts';
import { campaign2026, lespignan } from '../../fixtures/seed-communes.ts';
import type { Convention } from '../../../functions/domain/model.ts';

const now = new Date('2026-11-23T10:00:00Z');
const servers = inject('servers');
const localCa = { certificate: servers.caCertificate, key: servers.caKey, crlUrl: servers.crlUrl };
const sealer = createPdfSealer(async () => ({ p12: generateSealingP12('test', now, localCa), passphrase: 'test' }), createTsaClient(servers.tsaUrl));
const dir = mkdtempSync(join(tmpdir(), 'paraphe-seal-'));

async function sealedConvention(communeName = lespignan.commune.name, by = sealer): Promise<Uint8Array> {
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
  return by.seal(pdf, {
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

/** The streams of the DSS dictionary's /Certs and /CRLs, decoded (DER), and whether it hangs off the catalog. */
async function dssOf(pdf: Uint8Array): Promise<{ certs: Buffer[]; crls: Buffer[] } | undefined> {
  const document = await PDFDocument.load(pdf, { updateMetadata: false });
  const dss = document.catalog.lookupMaybe(PDFName.of('DSS'), PDFDict);
  if (!dss) return undefined;
  const decoded = (key: string) =>
    (dss.lookupMaybe(PDFName.of(key), PDFArray)?.asArray() ?? []).map((ref) => Buffer.from(decodePDFRawStream(document.context.lookup(ref as PDFRef) as PDFRawStream).decode()));
  return { certs: decoded('Certs'), crls: decoded('CRLs') };
}

const opensslOn = (der: Buffer, args: string[]) => {
  const file = join(dir, `der-${Math.random().toString(16).slice(2)}.der`);
  writeFileSync(file, der);
  const run = spawnSync('openssl', [...args, '-inform', 'DER', '-in', file], { encoding: 'utf8' });
  return run.stdout + run.stderr;
};

/** The seal's B-LT line of `npm run verify`, for a sealed PDF. */
async function longTermLine(pdf: Uint8Array) {
  const seal = await checkSeal(pdf);
  if (seal.kind !== 'valid' || seal.timestamp.kind !== 'valid') throw new Error(`seal not valid: ${JSON.stringify(seal)}`);
  return checkLongTerm('x.pdf', pdf, seal.signerCertificate, seal.timestamp.tsaCertificate, seal.timestamp.genTime);
}

describe('the seal’s validation data (PAdES B-LT)', () => {
  it('are in a DSS dictionary inside the signed revision: the chains of the seal and of the TSA, and the CA’s CRL, which OpenSSL verifies; pdfsig still reports the whole document signed', async () => {
    const sealed = await sealedConvention();
    const path = join(dir, 'b-lt.pdf');
    writeFileSync(path, sealed);
    const report = pdfsig(path);
    expect(report).toContain('Signature is Valid');
    expect(report).toContain('Total document signed');
    const dss = await dssOf(sealed);
    expect(dss).toBeDefined();
    const subjects = dss!.certs.map((der) => opensslOn(der, ['x509', '-noout', '-subject']));
    expect(subjects.some((subject) => subject.includes('cachet local'))).toBe(true);
    expect(subjects.some((subject) => subject.includes('horodatage local'))).toBe(true);
    expect(subjects.some((subject) => subject.includes('AC de test locale'))).toBe(true);
    expect(dss!.crls).toHaveLength(1);
    const crl = opensslOn(dss!.crls[0]!, ['crl', '-noout', '-text', '-CAfile', servers.caCertificate]);
    expect(crl).toContain('verify OK');
    expect(crl).toContain('No Revoked Certificates');
    // The DSS lies in the bytes the signature covers: one signature, and nothing after it.
    const text = Buffer.from(sealed).toString('latin1');
    expect(text.indexOf('/DSS')).toBeGreaterThan(0);
    expect(text.indexOf('/DSS')).toBeLessThan(text.lastIndexOf('/ByteRange'));
    expect((text.match(/%%EOF/g) ?? []).length).toBe(1);
  });

  it('let `npm run verify` validate the seal at its time-stamp’s instant, with the clock twenty years on, after every certificate has expired', async () => {
    const sealed = await sealedConvention();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2046-12-01T00:00:00Z'));
    try {
      const line = await longTermLine(sealed);
      expect(line.status).toBe('ok');
      expect(line.text).toContain('PAdES B-LT');
      expect(line.text).toContain('AC de test locale');
    } finally {
      vi.useRealTimers();
    }
  });

  it('are required by `npm run verify`: a seal whose DSS lacks the CRLs is refused, saying so', async () => {
    const withoutCrls = createPdfSealer(async () => ({ p12: generateSealingP12('test', now, localCa), passphrase: 'test' }), createTsaClient(servers.tsaUrl), {
      collect: async (chains) => ({ certificates: chains, crls: [] }),
    });
    const line = await longTermLine(await sealedConvention(undefined, withoutCrls));
    expect(line.status).toBe('fail');
    expect(line.text).toMatch(/aucune CRL de « .*AC de test locale/);
  });

  it('stop the seal when the CRL cannot be fetched: it fails, to be retried, and gives no PDF', async () => {
    const unreachable = createPdfSealer(async () => ({ p12: generateSealingP12('test', now, localCa), passphrase: 'test' }), createTsaClient(servers.tsaUrl), createValidationDataSource({
      fetch: async () => {
        throw new Error('connect ECONNREFUSED');
      },
    }));
    await expect(sealedConvention(undefined, unreachable)).rejects.toBeInstanceOf(ValidationDataUnavailableError);
  });

  it('refuse a revoked sealing certificate: once the CA’s CRL lists it, no seal is made; one made before still validates at its own instant', async () => {
    const ownDir = mkdtempSync(join(tmpdir(), 'paraphe-revoke-'));
    const ownTsa = await startTsa({ dir: join(ownDir, 'tsa'), port: 0 });
    try {
      const ca = { certificate: ownTsa.caCertificate, key: ownTsa.caKey, crlUrl: ownTsa.crlUrl };
      const p12 = generateSealingP12('test', now, ca);
      const sealerOf = () => createPdfSealer(async () => ({ p12, passphrase: 'test' }), createTsaClient(ownTsa.url));
      const before = await sealedConvention(undefined, sealerOf());
      const certificatePem = join(ownDir, 'sealing.pem');
      const der = Buffer.from(signingKeyFromP12(p12, 'test').certificates[0]!);
      writeFileSync(certificatePem, `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`);
      ownTsa.revoke(certificatePem);
      await expect(sealedConvention(undefined, sealerOf())).rejects.toBeInstanceOf(CertificateRevokedError);
      await expect(sealedConvention(undefined, sealerOf())).rejects.toThrow(/est révoqué depuis le .* aucun cachet n’est apposé/);
      expect((await longTermLine(before)).status).toBe('ok');
    } finally {
      await ownTsa.close();
    }
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
    const script = join(import.meta.dirname, '..', '..', 'fixtures', 'scripts', 'seal-under-node.ts');
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

  it("reads the certificates a token carries as the token holds them: the TSA's own, byte for byte", async () => {
    const token = await createTsaClient(servers.tsaUrl).timestamp(Buffer.from('chain'));
    const carried = tokenCertificates(token);
    const tsaDer = new Uint8Array(new X509Certificate(readFileSync(servers.tsaCertificate)).raw);
    expect(carried.some((der) => Buffer.from(der).equals(tsaDer))).toBe(true);
    // The same certificates pkijs finds in the token, in the same order.
    const signedData = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(token).buffer).content });
    const fromPkijs = (signedData.certificates ?? []).map((certificate) => Buffer.from((certificate as pkijs.Certificate).toSchema().toBER()));
    expect(carried.map((der) => Buffer.from(der))).toEqual(fromPkijs);
    expect(() => tokenCertificates(Buffer.from('not a token'))).toThrow();
  });
});
