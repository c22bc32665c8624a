/** The 2017-2022 text (seed 000_…, Pézilla-la-Rivière, 2021-2022, transcribed word for word), drawn for a campaign that pins it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConventionModel } from '../../templates/convention/models.ts';
import { createConventionRenderer, type ConventionDocumentInput } from '../../templates/convention/render-convention.ts';
import { normalize, pdfInfo, pdfText, savePdf } from '../support/read-pdf.ts';

const text = parseConventionModel(readFileSync(new URL('../../templates/convention/models/2021-2022.json', import.meta.url), 'utf8'));

const pezilla2021: ConventionDocumentInput = {
  conventionId: 'conv-2021-2022-pezilla',
  schoolYear: '2021-2022',
  feeCents: 5000,
  amountCents: 10000,
  endDate: '2022-09-01',
  issuePlace: 'Montpellier',
  issueDate: '2021-09-20',
  rectorat: { name: 'Sophie Béjean', title: "Rectrice de la région académique Occitanie, Recteur de l'académie de Montpellier, Chancelière des universités" },
  commune: { name: 'PEZILLA LA RIVIERE', siret: '21660140100015', address: 'Hôtel de ville - 31 Bis Avenue du Canigou - 66370 PEZILLA LA RIVIERE' },
  mayor: { name: 'Jean-Paul BILLES', title: 'Maire' },
  schools: [{ uai: '0660446B', type: 'maternelle', name: 'MARIE MELIES' }, { uai: '0660710N', type: 'elementaire', name: 'SARDA GARRIGA' }],
};

describe('the 2021-2022 text', () => {
  it("names l'Académie de Montpellier and says every fixed sentence of the seed word for word", async () => {
    const file = savePdf(await (await createConventionRenderer({ text })).render(pezilla2021), 'convention-2021');
    // Read as one text: the page footers that cut a paragraph taken out.
    const drawn = normalize(pdfText(file)).replace(/ ?Convention de partenariat ENT-école — Académie de Montpellier — Année scolaire 2021-2022 \d+\/\d+ ?/g, ' ');
    expect(drawn).toContain("L'ACADEMIE DE MONTPELLIER");
    // Every paragraph of the model without a placeholder is drawn as written.
    const fixed = [...text.front, ...text.articles].flatMap((item) => (typeof item === 'string' ? [item] : 'text' in item ? [item.text] : [])).filter((sentence) => !sentence.includes('{{'));
    expect(fixed.length).toBeGreaterThan(40);
    for (const sentence of fixed) {
      expect(drawn).toContain(normalize(sentence));
    }
    // Sentences of the seed, as it prints them.
    expect(drawn).toContain("Le pôle d'assistance académique de la Direction des Systèmes d'Informations et de l'Innovation (DSII) du rectorat de Montpellier prend en charge l'assistance de niveau 2 (expertise, analyse, traitement des dysfonctionnements liés à l'hébergement, envoi éventuel sur l'assistance de niveau 3).");
    expect(drawn).toContain("Les sommes perçues par le Rectorat de l'académie de Montpellier au titre de la présente convention ne pourront faire l'objet de remboursement.");
    expect(drawn).toContain("celles-ci n'étant sollicitées que pour un coût réduit fixé à 50 euros TTC par école et par an.");
    expect(drawn).toContain("Au titre de l'année scolaire 2021-2022, 2 école(s) est/sont inscrite(s) à l'ENT-école pour un montant correspondant à 100 € TTC (2 écoles x 50 € TTC).");
    expect(drawn).toContain('La présente convention prend effet à la date de signature et se termine au 1er septembre 2022.');
  });

  it('lists the schools in its annex, after the signatures, on a page of its own', async () => {
    const file = savePdf(await (await createConventionRenderer({ text })).render(pezilla2021));
    const annex = normalize(pdfText(file, Number(pdfInfo(file).Pages)));
    expect(annex).toContain("ANNEXE 1 - Liste des écoles inscrites à l'ENT-école pour l'année scolaire 2021-2022");
    expect(annex).toContain('0660446B');
    expect(annex).not.toContain('A Montpellier, le');
  });
});
