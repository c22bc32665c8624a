import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createConventionRenderer, renderConventionPdf, schoolLine, type ConventionDocumentInput,
} from '../../templates/convention/render-convention.ts';
import { leBoulou2023, lespignan2025, lIsleJourdain60, oeuilly, saintJeanDeVedas } from '../fixtures/documents.ts';
import { normalize, overlappingWords, pdfFonts, pdfInfo, pdfText, pdfWords, qpdfCheck, savePdf } from '../support/read-pdf.ts';

async function render(input: ConventionDocumentInput): Promise<{ file: string; text: string; bytes: Uint8Array }> {
  const bytes = await renderConventionPdf(input);
  const file = savePdf(bytes, input.conventionId);
  return { file, bytes, text: normalize(pdfText(file)) };
}

/** What every convention must satisfy, whatever the commune. */
function expectSoundPdf(file: string): void {
  // Prepare
  const info = pdfInfo(file);
  const pages = Number(info.Pages);
  // Assess
  expect(qpdfCheck(file)).toMatchObject({ ok: true });
  expect(info['Page size']).toContain('595.28 x 841.89');
  const fonts = pdfFonts(file);
  expect(fonts.length).toBeGreaterThan(0);
  expect(fonts.every((f) => f.embedded && f.unicode)).toBe(true);
  for (let page = 1; page <= pages; page++) expect(normalize(pdfText(file, page))).toMatch(new RegExp(` ${page}/${pages}$`));
  const { pages: sizes, words } = pdfWords(file);
  expect(overlappingWords(words)).toEqual([]);
  for (const word of words) {
    const size = sizes[word.page - 1]!;
    expect(word.xMin, word.text).toBeGreaterThanOrEqual(40);
    expect(word.xMax, word.text).toBeLessThanOrEqual(size.width - 40);
    expect(word.yMin, word.text).toBeGreaterThanOrEqual(40);
    expect(word.yMax, word.text).toBeLessThanOrEqual(size.height - 30);
  }
}

describe('convention PDF, 2025-2026 model (seed 004, Lespignan)', () => {
  it('names both parties as the seed does', async () => {
    const { text } = await render(lespignan2025);
    expect(text).toContain('Convention de partenariat pour la mise à disposition d\'un environnement numérique de travail (ENT-École) Année scolaire 2025-2026');
    expect(text).toContain('LA RÉGION ACADÉMIQUE OCCITANIE');
    expect(text).toContain("Représentée par Carole Drucker-Godard, en sa qualité de Rectrice de la région académique Occitanie, Rectrice de l'académie de Montpellier, Chancelière des universités.");
    expect(text).toContain('COMMUNE DE LESPIGNAN SIRET : 21340135900012 Adresse : PLACE JEAN POVEDA, 34710 LESPIGNAN');
    expect(text).toContain('Représenté(e) par : Jean François GUIBBERT En sa qualité de : MAIRE');
  });

  it('states the fee, the count, the amount and the schools word for word (articles 4 and 9)', async () => {
    const { text } = await render(lespignan2025);
    expect(text).toContain('La participation des collectivités est fixée à 40 € TTC par école et par an.');
    expect(text).toContain('Pour l\'année scolaire 2025-2026, la liste des écoles inscrites');
    expect(text).toContain('2 école(s) pour cette année scolaire, pour un montant correspondant à 2 x 40 € soit 80 €');
    expect(text).toContain('LESPIGNAN - 34 - ECOLE MATERNELLE PUBLIQUE - 0341401N');
    expect(text).toContain('LESPIGNAN - 34 - ECOLE ELEMENTAIRE PUBLIQUE - 0341406U');
  });

  it('ends on the fixed date and carries the place and date of issue (article 10, signatures)', async () => {
    const { text } = await render(lespignan2025);
    expect(text).toContain('La présente convention prend effet à la date de signature et se termine au 5 septembre 2026.');
    expect(text).toContain('À Montpellier, le 28 mai 2025');
    expect(text).toMatch(/COMMUNE DE LESPIGNAN : .*Représenté\(e\) par : Jean François GUIBBERT/);
    expect(text).toContain('Article 11 - Modification et résiliation de la convention');
    expect(text).toContain('tribunal administratif de Montpellier');
  });

  it('is A4, valid, with every font embedded, page numbers n/N and the school year in the footer', async () => {
    const { file, text } = await render(lespignan2025);
    expectSoundPdf(file);
    expect(text).toContain('Convention de partenariat ENT-École — Année scolaire 2025-2026');
  });

  it('carries title, author, subject and language fr-FR, dated from the issue date', async () => {
    const { file, bytes } = await render(lespignan2025);
    const info = pdfInfo(file);
    expect(info.Title).toBe('Convention ENT-École 2025-2026 — Commune de Lespignan');
    expect(info.Author).toBe('Région académique Occitanie');
    expect(info.Subject).toContain('commune de Lespignan (SIRET 21340135900012)');
    expect(info.CreationDate).toMatch(/May 28 00:00:00 2025 UTC/);
    expect(Buffer.from(bytes).toString('latin1')).toContain('/Lang (fr-FR)');
  });

  it('gives the same bytes for the same convention, even from another renderer', async () => {
    const first = await renderConventionPdf(lespignan2025);
    const other = await (await createConventionRenderer()).render(lespignan2025);
    const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
    expect(sha(other)).toBe(sha(first));
    expect(sha(await renderConventionPdf({ ...lespignan2025, issueDate: '2025-05-29' }))).not.toBe(sha(first));
  });
});

describe('convention PDF, 2023-2024 model (seed 001, Le Boulou)', () => {
  it('uses the 2023-2024 wording, amount and school line with its name', async () => {
    const { file, text } = await render(leBoulou2023);
    expect(text).toContain('Année scolaire 2023-2024');
    expect(text).toContain('le 11 juillet 2023');
    expect(text).toContain('Représentée par Sophie BÉJEAN, en sa qualité de Rectrice');
    expect(text).toContain('COMMUNE DE LE BOULOU SIRET : 21660024700011 Adresse : AVENUE LEON JEAN GREGORY, 66160 LE BOULOU');
    expect(text).toContain('Représenté(e) par : François COMES');
    expect(text).toContain('La participation des collectivités est fixée à 45 € TTC par école et par an.');
    expect(text).toContain('La collectivité a inscrit 1 école(s) pour cette année scolaire, pour un montant correspondant à 1 x 45 € soit 45 €.');
    expect(text).toContain('LE BOULOU - 66 - ECOLE ELEMENTAIRE PUBLIQUE LA SUBERAIE - 0660713S');
    expect(text).toContain('se termine au 5 septembre 2024.');
    expect(text).toContain('À Montpellier, le 11 juillet 2023');
    expect(text).toContain('Convention de partenariat ENT-école — Académie de Montpellier — Année scolaire 2023-2024');
    expectSoundPdf(file);
  });
});

describe('choice of the text model', () => {
  it('a 2026-2027 campaign without a model of its own runs on the 2025-2026 text', async () => {
    const { text } = await render({ ...lespignan2025, schoolYear: '2026-2027', endDate: '2027-09-05' });
    expect(text).toContain('Année scolaire 2026-2027');
    expect(text).toContain('II - Articles');
    expect(text).toContain("Pour l'année scolaire 2026-2027, la liste des écoles");
    expect(text).toContain("Article 9 - Liste des écoles et coût pour la commune pour l'année scolaire 2026-2027");
  });

  it('a campaign naming the 2023-2024 model gets that text', async () => {
    const { text } = await render({ ...lespignan2025, model: '2023-2024' });
    expect(text).toContain('La collectivité a inscrit 2 école(s)');
    expect(text).not.toContain('II - Articles');
  });

  it('a school year older than every model is refused', async () => {
    await expect(renderConventionPdf({ ...lespignan2025, schoolYear: '2019-2020' })).rejects.toThrow(/aucun modèle/);
    await expect(renderConventionPdf({ ...lespignan2025, model: '2031-2032' })).rejects.toThrow(/modèle de convention inconnu/);
  });

  it('an amount that is not count × fee is refused rather than printed', async () => {
    await expect(renderConventionPdf({ ...lespignan2025, amountCents: 9000 })).rejects.toThrow(/montant/);
  });
});

describe('hard inputs', () => {
  it('a commune with 60 schools lists every UAI, breaks pages and numbers them n/N', async () => {
    const { file, text } = await render(lIsleJourdain60);
    for (const school of lIsleJourdain60.schools) {
      expect(text).toContain(normalize(schoolLine(lIsleJourdain60.commune.name, school)));
    }
    expect(text).toContain('60 école(s) pour cette année scolaire, pour un montant correspondant à 60 x 40 € soit 2 400 €');
    expect(text).toContain("COMMUNE DE L'ISLE-JOURDAIN");
    expect(Number(pdfInfo(file).Pages)).toBeGreaterThan(Number(pdfInfo(savePdf(await renderConventionPdf(lespignan2025))).Pages));
    expectSoundPdf(file);
  });

  it('a 120-character address and an accented, hyphenated name come back whole', async () => {
    expect(saintJeanDeVedas.commune.address).toHaveLength(120);
    const { file, text } = await render(saintJeanDeVedas);
    expect(text).toContain(`Adresse : ${saintJeanDeVedas.commune.address}`);
    expect(text).toContain('COMMUNE DE SAINT-JEAN-DE-VÉDAS');
    expect(text).toContain("SAINT-JEAN-DE-VÉDAS - 34 - ECOLE MATERNELLE PUBLIQUE LES P'TITS LOUPS - 0341234G");
    expect(text).toContain('3 x 40 € soit 120 €');
    expectSoundPdf(file);
  });

  it('ligatures and the Œ of Œuilly are drawn and extractable', async () => {
    const { file, text } = await render(oeuilly);
    expect(text).toContain('COMMUNE DE ŒUILLY');
    expect(text).toContain('Jean-Noël DUCŒUR');
    expect(text).toContain(normalize('ŒUILLY - 02 - ECOLE PRIMAIRE PUBLIQUE CŒUR DE VILLAGE ﬁdèle'));
    expectSoundPdf(file);
  });

  it('characters outside the campaign font subset are still drawn (extended subset)', async () => {
    const { file, text } = await render({ ...lespignan2025, mayor: { name: 'Γιώργος ΠΑΠΑΔΌΠΟΥΛΟΣ', title: 'Maire' } });
    expect(text).toContain('Γιώργος ΠΑΠΑΔΌΠΟΥΛΟΣ');
    expect(pdfFonts(file).every((f) => f.embedded)).toBe(true);
  });

  it('a page of the static articles is shared by the whole campaign but numbered per document', async () => {
    const renderer = await createConventionRenderer();
    const small = savePdf(await renderer.render(lespignan2025));
    const large = savePdf(await renderer.render({ ...lIsleJourdain60, schoolYear: '2025-2026', endDate: '2026-09-05' }));
    const [smallPages, largePages] = [Number(pdfInfo(small).Pages), Number(pdfInfo(large).Pages)];
    expect(normalize(pdfText(small, 2))).toMatch(new RegExp(` 2/${smallPages}$`));
    expect(normalize(pdfText(large, 2))).toMatch(new RegExp(` 2/${largePages}$`));
    expect(normalize(pdfText(small, 3)).replace(/ \d+\/\d+$/, '')).toBe(normalize(pdfText(large, 3)).replace(/ \d+\/\d+$/, ''));
  });
});

describe('font files', () => {
  it('ships the DejaVu fonts with the project', () => {
    expect(readFileSync(new URL('../../templates/fonts/DejaVuSans.ttf', import.meta.url)).length).toBeGreaterThan(100_000);
  });
});

describe("the convention's reference", () => {
  it('is printed at the top of the first page, overlapping nothing, for either text; absent when the convention has none', async () => {
    for (const fixture of [lespignan2025, leBoulou2023]) {
      const reference = `ENT-${fixture.schoolYear}-34-0042`;
      const { file, text } = await render({ ...fixture, conventionId: `${fixture.conventionId}-ref`, reference });
      expectSoundPdf(file);
      expect(normalize(pdfText(file, 1))).toContain(`Référence : ${reference}`);
      expect(pdfInfo(file).Keywords).toContain(reference);
      expect(text.match(/Référence :/g)).toHaveLength(1);
    }
    expect((await render(lespignan2025)).text).not.toContain('Référence :');
  });
});
