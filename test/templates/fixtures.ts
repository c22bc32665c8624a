/** Seed communes (the real communes of docs/domain.md) and hard inputs for the document templates. */
import { uaiCheckLetter } from '../../functions/core/identifiers.ts';
import type { ConventionDocumentInput, SchoolType } from '../../templates/convention/render-convention.ts';

const RECTRICE_TITLE =
  "Rectrice de la région académique Occitanie, Rectrice de l'académie de Montpellier, Chancelière des universités";

/** Seed 004_…: the 2025-2026 convention of Lespignan (Hérault). */
export const lespignan2025: ConventionDocumentInput = {
  conventionId: 'conv-2025-2026-21340135900012',
  schoolYear: '2025-2026',
  feeCents: 4000,
  amountCents: 8000,
  endDate: '2026-09-05',
  issuePlace: 'Montpellier',
  issueDate: '2025-05-28',
  rectorat: { name: 'Carole Drucker-Godard', title: RECTRICE_TITLE },
  commune: { name: 'Lespignan', siret: '21340135900012', address: 'PLACE JEAN POVEDA, 34710 LESPIGNAN' },
  mayor: { name: 'Jean François GUIBBERT', title: 'Maire' },
  schools: [
    { uai: '0341401N', type: 'maternelle', name: '' },
    { uai: '0341406U', type: 'elementaire', name: '' },
  ],
};

/** Seed 001_…: the 2023-2024 convention of Le Boulou (Pyrénées-Orientales). */
export const leBoulou2023: ConventionDocumentInput = {
  conventionId: 'conv-2023-2024-21660024700011',
  schoolYear: '2023-2024',
  feeCents: 4500,
  amountCents: 4500,
  endDate: '2024-09-05',
  issuePlace: 'Montpellier',
  issueDate: '2023-07-11',
  rectorat: { name: 'Sophie BÉJEAN', title: RECTRICE_TITLE },
  commune: { name: 'Le Boulou', siret: '21660024700011', address: 'AVENUE LEON JEAN GREGORY, 66160 LE BOULOU' },
  mayor: { name: 'François COMES', title: 'Maire' },
  schools: [{ uai: '0660713S', type: 'elementaire', name: 'LA SUBERAIE' }],
};

/** A valid UAI: 7 digits then the check letter (docs/domain.md). */
export function uai(digits: string): string {
  return digits + uaiCheckLetter(digits);
}

const TYPES: SchoolType[] = ['maternelle', 'elementaire', 'primaire'];

/** `count` schools in département `dept` ("31"), numbered from 0310001. */
export function manySchools(count: number, dept = '31'): ConventionDocumentInput['schools'] {
  return Array.from({ length: count }, (_, i) => ({
    uai: uai(`0${dept}${String(1001 + i).padStart(4, '0')}`),
    type: TYPES[i % 3]!,
    name: i % 4 === 0 ? '' : `JEAN-JAURÈS N° ${i + 1}`,
  }));
}

/** A large commune with 60 schools and a hyphenated, apostrophed name (Gers). */
export const lIsleJourdain60: ConventionDocumentInput = {
  ...lespignan2025,
  conventionId: 'conv-2026-2027-21320160200015',
  schoolYear: '2026-2027',
  amountCents: 60 * 4000,
  endDate: '2027-09-05',
  issueDate: '2026-05-20',
  commune: { name: "L'Isle-Jourdain", siret: '21320160200015', address: "HÔTEL DE VILLE, 2 PLACE DE L'HÔTEL DE VILLE, 32600 L'ISLE-JOURDAIN" },
  mayor: { name: 'Francis IDRAC', title: 'Maire' },
  schools: manySchools(60, '32'),
};

/** Accents in the name, a 120-character address, a delegate as signatory title. */
export const saintJeanDeVedas: ConventionDocumentInput = {
  ...lespignan2025,
  conventionId: 'conv-2025-2026-21340270400011',
  commune: {
    name: 'Saint-Jean-de-Védas',
    siret: '21340270400011',
    // 120 characters
    address: 'HÔTEL DE VILLE, 4 RUE DE LA MAIRIE, BÂTIMENT B, ESC. C, SERVICE DES AFFAIRES SCOLAIRES, CS 10, 34430 SAINT-JEAN-DE-VÉDAS',
  },
  mayor: { name: 'François RIO', title: 'Maire' },
  amountCents: 3 * 4000,
  schools: [
    { uai: uai('0341234'), type: 'maternelle', name: "LES P'TITS LOUPS" },
    { uai: uai('0341235'), type: 'elementaire', name: 'JULES FERRY' },
    { uai: uai('0341236'), type: 'primaire', name: '' },
  ],
};

/** The Œ ligature (Aisne, outside Occitanie, but names are names) and an ﬁ ligature in a school name. */
export const oeuilly: ConventionDocumentInput = {
  ...lespignan2025,
  conventionId: 'conv-2025-2026-21020563300010',
  commune: { name: 'Œuilly', siret: '21020563300010', address: '1 RUE DE L’ÉGLISE, 02160 ŒUILLY' },
  mayor: { name: 'Jean-Noël DUCŒUR', title: 'Maire' },
  amountCents: 4000,
  schools: [{ uai: uai('0021001'), type: 'primaire', name: 'CŒUR DE VILLAGE ﬁdèle' }],
};

const SYNTHETIC_NAMES = ["L'Isle-Jourdain", 'Saint-Jean-de-Védas', 'Lespignan', 'Le Boulou', 'Castelnau-le-Lez', 'Pézilla-la-Rivière', 'Œuilly', 'Montréal'];
const DEPTS = ['09', '11', '12', '30', '31', '32', '34', '46', '48', '65', '66', '81', '82'];

/** The i-th commune of a synthetic campaign: 1 to 6 schools, every 500th has 60. Deterministic. */
export function syntheticCommune(i: number, base: ConventionDocumentInput = lespignan2025): ConventionDocumentInput {
  const dept = DEPTS[i % DEPTS.length]!;
  const count = i % 500 === 499 ? 60 : 1 + ((i * 7) % 6);
  const name = `${SYNTHETIC_NAMES[i % SYNTHETIC_NAMES.length]!} ${i}`;
  return {
    ...base,
    conventionId: `conv-${base.schoolYear}-${String(i).padStart(6, '0')}`,
    amountCents: count * base.feeCents,
    commune: { name, siret: String(21000000000000 + i * 17), address: `${i} PLACE DE LA MAIRIE, ${dept}${String(i % 1000).padStart(3, '0')} ${name.toUpperCase()}` },
    mayor: { name: `Marie-Hélène DUPONT-${i}`, title: 'Maire' },
    schools: manySchools(count, dept).map((s, k) => ({ ...s, uai: uai(`0${dept}${String((i * 61 + k) % 10000).padStart(4, '0')}`) })),
  };
}

/** Lespignan adds an école primaire for 2026-2027 and keeps its two schools. */
export const lespignanAvenant2026 = {
  avenantId: 'av-2026-2027-21340135900012',
  conventionId: lespignan2025.conventionId,
  conventionSchoolYear: '2025-2026',
  schoolYear: '2026-2027',
  feeCents: 4000,
  previousAmountCents: 8000,
  amountCents: 8000,
  issuePlace: 'Lespignan',
  issueDate: '2026-09-21',
  rectorat: lespignan2025.rectorat,
  commune: lespignan2025.commune,
  mayor: lespignan2025.mayor,
  previousSchools: lespignan2025.schools,
  schools: [
    { uai: '0341406U', type: 'elementaire' as const, name: '' },
    { uai: uai('0341999'), type: 'primaire' as const, name: 'LES CIGALES' },
  ],
};
