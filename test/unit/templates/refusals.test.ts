/** The domain's refusals in the words mayors and clerks read: the same sentences the domain wrote before it held codes. */
import { describe, expect, it } from 'vitest';
import { REFUSAL_ERROR_CODES, type RefusalCode, type RuleRefusal } from '../../../functions/domain/refusals.ts';
import { refusalWords } from '../../../templates/format/refusals.ts';

describe('the words of a refusal', () => {
  it('say a commune or a school taken, next to the field that takes it', () => {
    expect(refusalWords({ code: 'commune-taken', communeName: 'Sérignan', siret: '21340300900016', schoolYear: '2026-2027' })).toEqual({
      message: 'La commune Sérignan a déjà une convention pour 2026-2027.',
      issues: [{ field: 'commune.siret', message: 'Une convention existe déjà pour le SIRET 21340300900016 dans cette campagne.' }],
    });
    expect(refusalWords({ code: 'schools-taken', schoolYear: '2026-2027', taken: [{ index: 2, uai: '0341406U', communeName: 'Sérignan' }] })).toEqual({
      message: "Une école figure déjà dans la convention d'une autre commune.",
      issues: [{ field: 'schools.2.uai', message: "L'école 0341406U figure déjà dans la convention de la commune Sérignan pour 2026-2027." }],
    });
  });

  it('ask for the délibération field by field, under the invalid input sentence', () => {
    expect(refusalWords({ code: 'deliberation-missing' })).toEqual({
      message: 'Certaines données sont invalides.',
      issues: [
        { field: 'deliberationNumber', message: 'Indiquez le numéro de la délibération par laquelle le conseil municipal autorise la signature (par exemple 2026/048).' },
        { field: 'deliberationDate', message: 'Indiquez la date de la séance du conseil municipal qui a voté cette délibération.' },
      ],
    });
    expect(refusalWords({ code: 'deliberation-after-today', date: '2026-10-06', today: '2026-10-05' }).issues).toEqual([
      { field: 'deliberationDate', message: "La date de la délibération ne peut pas être postérieure à aujourd'hui : le conseil municipal vote avant la signature." },
    ]);
  });

  it('name the parties of the convention texts', () => {
    expect(refusalWords({ code: 'text-of-other-party', text: '2023-2024', textParty: 'region-academique-occitanie', schoolYear: '2021-2022', party: 'academie-montpellier' }).issues).toEqual([
      {
        field: 'model',
        message: "Le texte de 2023-2024 nomme la Région académique Occitanie comme partie, mais les conventions de 2021-2022 nomment l'Académie de Montpellier : choisissez un texte de cette période.",
      },
    ]);
    expect(refusalWords({ code: 'no-text-for-year', schoolYear: '2021-2022', party: 'academie-montpellier', available: ['2023-2024', '2025-2026'] }).issues[0]!.message).toBe(
      "Aucun texte de convention ne convient à 2021-2022 (il doit nommer l'Académie de Montpellier) : textes disponibles 2023-2024, 2025-2026. Ajoutez le texte de cette année, ou nommez-en un avec « model ».",
    );
  });

  it('have a sentence for every code', () => {
    const one: Record<RefusalCode, RuleRefusal> = {
      'commune-taken': { code: 'commune-taken', communeName: 'Céret', siret: '21660049500015', schoolYear: '2026-2027' },
      'schools-taken': { code: 'schools-taken', schoolYear: '2026-2027', taken: [] },
      'already-signed': { code: 'already-signed' },
      'already-declined': { code: 'already-declined' },
      'deliberation-missing': { code: 'deliberation-missing' },
      'deliberation-after-today': { code: 'deliberation-after-today', date: '2026-10-06', today: '2026-10-05' },
      'text-unknown': { code: 'text-unknown', model: '2031-2032', available: ['2025-2026'] },
      'text-of-other-party': { code: 'text-of-other-party', text: '2023-2024', textParty: 'region-academique-occitanie', schoolYear: '2021-2022', party: 'academie-montpellier' },
      'no-text-for-year': { code: 'no-text-for-year', schoolYear: '2021-2022', party: 'academie-montpellier', available: [] },
    };
    expect(Object.keys(one).sort()).toEqual(Object.keys(REFUSAL_ERROR_CODES).sort());
    for (const refusal of Object.values(one)) expect(refusalWords(refusal).message).toMatch(/^[A-Z].*\.$/);
    expect(refusalWords(one['already-signed']!).message).toBe('Cette convention est déjà signée.');
    expect(refusalWords(one['already-declined']!).message).toBe('Le refus de cette convention est déjà enregistré.');
  });
});
