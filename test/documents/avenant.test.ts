import { describe, expect, it } from 'vitest';
import { renderAvenantPdf } from '../../templates/avenant/render-avenant.ts';
import { lespignanAvenant2026, manySchools } from '../fixtures/documents.ts';
import { normalize, overlappingWords, pdfFonts, pdfInfo, pdfText, pdfWords, qpdfCheck, savePdf } from '../support/read-pdf.ts';

describe('avenant PDF (change of the list of schools)', () => {
  it('names the convention it amends, the old and the new list, the count and the amount', async () => {
    // Act
    const file = savePdf(await renderAvenantPdf(lespignanAvenant2026), 'avenant');
    const text = normalize(pdfText(file));
    // Assess
    expect(text).toContain('Vu la convention de partenariat n° conv-2025-2026-21340135900012');
    expect(text).toContain("établie pour l'année scolaire 2025-2026");
    expect(text).toContain('Modification de la liste des écoles — Année scolaire 2026-2027');
    expect(text).toContain('COMMUNE DE LESPIGNAN SIRET : 21340135900012');
    expect(text).toContain('2 école(s), pour un montant de 80 € : – LESPIGNAN - 34 - ECOLE MATERNELLE PUBLIQUE - 0341401N – LESPIGNAN - 34 - ECOLE ELEMENTAIRE PUBLIQUE - 0341406U');
    expect(text).toContain('2 école(s) pour cette année scolaire, pour un montant correspondant à 2 x 40 € soit 80 €.');
    expect(text).toMatch(/Écoles ajoutées : – LESPIGNAN - 34 - ECOLE PRIMAIRE PUBLIQUE LES CIGALES - 0341999\w/);
    expect(text).toContain('Écoles retirées : – LESPIGNAN - 34 - ECOLE MATERNELLE PUBLIQUE - 0341401N');
    expect(text).toContain('À Lespignan, le 21 septembre 2026');
    expect(text).toContain('Représenté(e) par : Jean François GUIBBERT');
    expect(text).toContain('Carole Drucker-Godard');
  });

  it('states the 1 September – 15 October window of the school year and what a late avenant means', async () => {
    const text = normalize(pdfText(savePdf(await renderAvenantPdf(lespignanAvenant2026))));
    expect(text).toContain('entre le 1er septembre 2026 et le 15 octobre 2026');
    expect(text).toContain('Transmis après le 15 octobre 2026 : en cas de diminution du nombre d\'écoles, la participation financière reste calculée sur le nombre d\'écoles inscrites l\'année scolaire précédente');
    expect(text).toContain('les nouvelles écoles ne sont pas activées');
  });

  it('is valid, embedded, numbered, deterministic, with metadata, even for 60 schools', async () => {
    const input = { ...lespignanAvenant2026, schools: manySchools(60, '34'), amountCents: 60 * 4000 };
    const bytes = await renderAvenantPdf(input);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(await renderAvenantPdf(input)))).toBe(0);
    const file = savePdf(bytes, 'avenant-60');
    expect(qpdfCheck(file).ok).toBe(true);
    expect(pdfFonts(file).every((f) => f.embedded)).toBe(true);
    const info = pdfInfo(file);
    expect(info.Title).toBe('Avenant ENT-École 2026-2027 — Commune de Lespignan');
    const pages = Number(info.Pages);
    expect(pages).toBeGreaterThan(2);
    expect(normalize(pdfText(file, pages))).toMatch(new RegExp(` ${pages}/${pages}$`));
    expect(overlappingWords(pdfWords(file).words)).toEqual([]);
    expect(normalize(pdfText(file))).toContain('60 x 40 € soit 2 400 €');
  });

  it('refuses an amount that is not count × fee', async () => {
    await expect(renderAvenantPdf({ ...lespignanAvenant2026, amountCents: 12000 })).rejects.toThrow(/montant/);
  });
});
