import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderConventionPdf } from '../../templates/convention/render-convention.ts';
import { appendSignatureCertificate, type SignatureCertificate } from '../../templates/convention/signature-certificate.ts';
import { lespignan2025 } from '../fixtures/documents.ts';
import { normalize, pdfFonts, pdfInfo, pdfText, qpdfCheck, savePdf } from '../support/read-pdf.ts';

async function signed(overrides: Partial<SignatureCertificate> = {}): Promise<{ original: Uint8Array; certificate: SignatureCertificate; bytes: Uint8Array }> {
  const original = await renderConventionPdf(lespignan2025);
  const certificate: SignatureCertificate = {
    conventionId: lespignan2025.conventionId,
    communeName: 'Lespignan',
    schoolYear: '2025-2026',
    signerName: 'Jean François GUIBBERT',
    capacity: 'maire',
    deliberation: { number: '2025/048', date: '2025-06-16' },
    signedAt: '2025-11-23T09:05:00Z',
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0',
    documentSha256: createHash('sha256').update(original).digest('hex'),
    ...overrides,
  };
  return { original, certificate, bytes: await appendSignatureCertificate(original, certificate) };
}

describe('signature certificate page', () => {
  it('adds one page listing who signed, in what capacity, when in Paris time, from where, and the hash', async () => {
    const { original, certificate, bytes } = await signed();
    const before = Number(pdfInfo(savePdf(original)).Pages);
    const file = savePdf(bytes, 'signed');
    const pages = Number(pdfInfo(file).Pages);
    expect(pages).toBe(before + 1);
    const text = normalize(pdfText(file, pages));
    expect(text).toContain('Certificat de signature');
    expect(text).toContain('Convention : conv-2025-2026-21340135900012');
    expect(text).toContain('Collectivité : Commune de Lespignan');
    expect(text).toContain('Signataire : Jean François GUIBBERT');
    expect(text).toContain('Qualité : Maire');
    expect(text).toContain('Délibération du conseil municipal : N° 2025/048 du 16 juin 2025');
    expect(text).toContain('23 novembre 2025 à 10 h 05 (heure de Paris)');
    expect(text).toContain('Adresse IP : 203.0.113.7');
    expect(text).toContain(certificate.userAgent);
    expect(text).toContain(certificate.documentSha256);
    expect(normalize(pdfText(file, 1))).toContain('COMMUNE DE LESPIGNAN');
  });

  it("prints the audit trail's head at the signature, with its event number, where the verifier reads it back", async () => {
    const hash = 'ab'.repeat(32);
    const { bytes } = await signed({ auditHead: { seq: 7, hash } });
    const file = savePdf(bytes);
    const text = pdfText(file, Number(pdfInfo(file).Pages));
    expect(normalize(text)).toMatch(/Empreinte de la piste d['’]audit au moment de la signature : n° 7 — [0-9a-f]{64}/);
    const { printedHeads } = await import('../../templates/convention/signature-certificate.ts');
    expect(printedHeads(text)).toEqual([{ seq: 7, hash }]);
  });

  it('prints summer instants at UTC+2 and a delegate with their function', async () => {
    const { bytes } = await signed({ signedAt: '2026-07-01T21:30:00Z', capacity: 'delegation', signerName: 'Guillaume BENHAÏEM', delegateFunction: 'Directeur Général des Services' });
    const file = savePdf(bytes);
    const text = normalize(pdfText(file, Number(pdfInfo(file).Pages)));
    expect(text).toContain('1 juillet 2026 à 23 h 30 (heure de Paris)'.replace('1 juillet', '1er juillet'));
    expect(text).toContain('Qualité : Pour le Maire et par délégation, Directeur Général des Services');
  });

  it('is deterministic, valid, embedded, and dated from signedAt', async () => {
    const first = await signed();
    const second = await signed();
    expect(Buffer.compare(Buffer.from(first.bytes), Buffer.from(second.bytes))).toBe(0);
    const file = savePdf(first.bytes);
    expect(qpdfCheck(file).ok).toBe(true);
    expect(pdfFonts(file).every((f) => f.embedded)).toBe(true);
    expect(pdfInfo(file).ModDate).toMatch(/Nov 23 09:05:00 2025 UTC/);
    expect(pdfInfo(file).Title).toBe('Convention ENT-École 2025-2026 — Commune de Lespignan');
  });
});

describe('the address the signing link went to', () => {
  it('is printed on the certificate, with each change of it, the previous address masked', async () => {
    const { bytes } = await signed({
      linkSentTo: 'dgs@mairie-lespignan.example.org',
      addressChanges: [{ at: '2025-11-20T15:30:00Z', previous: 'maire.lespignan@example.org', next: 'dgs@mairie-lespignan.example.org' }],
    });
    const file = savePdf(bytes);
    const text = normalize(pdfText(file, Number(pdfInfo(file).Pages)));
    expect(text).toContain('Lien de signature envoyé à : dgs@mairie-lespignan.example.org');
    expect(text).toContain(
      "Changement d'adresse : Le 20 novembre 2025 à 16 h 30 (heure de Paris), à la demande du rectorat, le lien de signature a été envoyé à dgs@mairie-lespignan.example.org au lieu de m...@example.org, qui en a été avertie.",
    );
    expect(text).not.toContain('maire.lespignan@example.org');
  });

  it('is printed alone when it never changed, and not at all on a signature recorded before it was kept', async () => {
    const withAddress = savePdf((await signed({ linkSentTo: 'maire.lespignan@example.org' })).bytes);
    const text = normalize(pdfText(withAddress, Number(pdfInfo(withAddress).Pages)));
    expect(text).toContain('Lien de signature envoyé à : maire.lespignan@example.org');
    expect(text).not.toContain("Changement d'adresse");
    const before = savePdf((await signed()).bytes);
    expect(normalize(pdfText(before, Number(pdfInfo(before).Pages)))).not.toContain('Lien de signature envoyé à');
  });
});

describe("the commune's signature space of the signed copy", () => {
  it('prints « Pour le Maire et par délégation, <fonction> », the signer and the délibération under the commune\'s signature lines, as the seeds do', async () => {
    const { original, bytes } = await signed({ capacity: 'delegation', signerName: 'Guillaume BENHAÏEM', delegateFunction: 'Directeur Général des Services', deliberation: { number: '48/2023', date: '2023-09-25' } });
    const last = Number(pdfInfo(savePdf(original)).Pages);
    const file = savePdf(bytes, 'mention');
    expect(qpdfCheck(file).ok).toBe(true);
    const page = normalize(pdfText(file, last));
    expect(page).toContain('Pour le Maire et par délégation, Directeur Général des Services Guillaume BENHAÏEM Délibération N° 48/2023 du 25 septembre 2023');
    expect(page).toContain(`Signé électroniquement le 23 novembre 2025 (certificat de signature, page ${last + 1})`);
    // Under the commune's column, before the rectrice's: « Représenté(e) par … MAIRE » then the mention.
    expect(page.indexOf('Pour le Maire et par délégation')).toBeGreaterThan(page.indexOf('COMMUNE DE LESPIGNAN :'));
    expect(normalize(pdfText(savePdf(original), last))).not.toContain('par délégation');
  });

  it('prints « Le Maire » for the mayor, and nothing about a délibération when none was given', async () => {
    const { bytes } = await signed({ deliberation: undefined });
    const file = savePdf(bytes);
    const page = normalize(pdfText(file, Number(pdfInfo(file).Pages) - 1));
    expect(page).toContain('Le Maire Jean François GUIBBERT Signé électroniquement le 23 novembre 2025');
    expect(page).not.toContain('Délibération');
  });
});
