import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPdfSealer } from '../../functions/adapters/pdf-sealer.ts';
import { generateSealingP12 } from '../../infra/local/sealing-certificate.ts';
import { renderConventionPdf } from '../../templates/convention/render-convention.ts';
import { conventionDocumentInput } from '../../functions/core/convention-document.ts';
import { campaign2026, lespignan } from '../fixtures/seed-communes.ts';
import type { Convention } from '../../functions/core/model.ts';

const now = new Date('2026-11-23T10:00:00Z');
const sealer = createPdfSealer(async () => ({ p12: generateSealingP12('test', now), passphrase: 'test' }));
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

  it('gives the same bytes when the same PDF is sealed at the same recorded instant', async () => {
    expect(Buffer.from(await sealedConvention()).equals(Buffer.from(await sealedConvention()))).toBe(true);
  });
});

describe('the seal outside vitest', () => {
  it('works under plain Node ESM, as npm start and the Lambda bundles load it', () => {
    const script = join(import.meta.dirname, '..', 'fixtures', 'scripts', 'seal-under-node.ts');
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
    expect(run.stderr).not.toContain('is not a function');
    expect(run.stdout).toBe('%PDF-1.7 sealed');
  });
});
