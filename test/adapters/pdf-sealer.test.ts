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

async function sealedConvention(): Promise<Uint8Array> {
  const convention = {
    ...lespignan,
    id: 'c-seal',
    schoolYear: '2026-2027',
    feeCents: 4000,
    amountCents: 8000,
    endDate: '2027-09-05',
    status: 'signed',
    createdAt: now.toISOString(),
  } as Convention;
  const pdf = await renderConventionPdf(conventionDocumentInput({ ...campaign2026, linkValidityDays: 60, createdAt: now.toISOString() }, convention));
  return sealer.seal(pdf, { reason: 'Convention signée', location: 'Montpellier', contactInfo: 'ent-ecole@rectorat.example.org', signingTime: now });
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
