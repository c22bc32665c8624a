/**
 * The rules of the avenant (DOMAIN.md; 2017 model, Art. 6 and 8), by the day,
 * in Europe/Paris, the signed avenant reaches the rectorat:
 * - before 1 September: the window is not open, nothing can be signed yet;
 * - from 1 September to 15 October included: the new list is the list, and
 *   its count sets the fee of this school year and of the following ones;
 * - after 15 October: an increase is refused (the new schools are not
 *   activated) and a decrease is ignored for this year's billing (billed on
 *   the previous count); the removals take effect for the following years.
 * A swap late in the year is both: the added schools are refused, the
 * removed ones leave the list, and this year is billed on the previous count.
 */
import { avenantWindow, parisDateOf } from './calendar.ts';
import { formatEuros, formatFrenchDate } from '../../templates/format/french.ts';
import { uaiDepartement } from './identifiers.ts';
import type { School } from './model.ts';

export type AvenantTiming = 'before-window' | 'in-window' | 'late';

export function avenantTiming(instant: string, schoolYear: string): AvenantTiming {
  const day = parisDateOf(instant);
  const { opens, closes } = avenantWindow(schoolYear);
  if (day < opens) return 'before-window';
  return day <= closes ? 'in-window' : 'late';
}

export interface SchoolChange {
  added: School[];
  removed: School[];
  kept: School[];
}

export function schoolChange(previous: readonly School[], requested: readonly School[]): SchoolChange {
  const before = new Set(previous.map((school) => school.uai));
  const after = new Set(requested.map((school) => school.uai));
  return {
    added: requested.filter((school) => !before.has(school.uai)),
    removed: previous.filter((school) => !after.has(school.uai)),
    kept: previous.filter((school) => after.has(school.uai)),
  };
}

export interface AvenantOutcome {
  timing: Exclude<AvenantTiming, 'before-window'>;
  /** The convention's list once the avenant is signed: the activated schools. */
  schools: School[];
  /** Added schools that are not activated (late increase). */
  refused: School[];
  /** The count and amount billed for this school year. */
  billedCount: number;
  amountCents: number;
  /** The count that sets the fee of the following school years. */
  followingYearsCount: number;
  /** In French, for the page, the email, the history and the billing export. */
  effect: string;
}

export function avenantOutcome(input: {
  previous: readonly School[];
  requested: readonly School[];
  feeCents: number;
  timing: Exclude<AvenantTiming, 'before-window'>;
  schoolYear: string;
}): AvenantOutcome {
  const { previous, requested, feeCents, timing } = input;
  const change = schoolChange(previous, requested);
  if (timing === 'in-window') {
    return {
      timing,
      schools: [...requested],
      refused: [],
      billedCount: requested.length,
      amountCents: requested.length * feeCents,
      followingYearsCount: requested.length,
      effect: `Avenant reçu dans les délais : ${requested.length} école(s) pour ${input.schoolYear} et les années suivantes, soit ${formatEuros(requested.length * feeCents)} par an.`,
    };
  }
  const parts = [`Avenant reçu après le ${formatFrenchDate(avenantWindow(input.schoolYear).closes)}`];
  if (change.added.length > 0) parts.push(`${change.added.length} école(s) ajoutée(s) refusée(s), non activée(s) (${change.added.map((school) => school.uai).join(', ')})`);
  if (change.removed.length > 0) parts.push(`retrait de ${change.removed.length} école(s) non pris en compte pour ${input.schoolYear} (facturé sur ${previous.length} école(s)), effectif les années suivantes`);
  return {
    timing,
    schools: change.kept,
    refused: change.added,
    billedCount: previous.length,
    amountCents: previous.length * feeCents,
    followingYearsCount: change.kept.length,
    effect: `${parts.join(' ; ')}.`,
  };
}

/** What the mayor must know before signing, on the page and in the email. */
export function lateRuleNotice(schoolYear: string): string {
  return `Après le ${formatFrenchDate(avenantWindow(schoolYear).closes)}, une hausse du nombre d'écoles est refusée (les nouvelles écoles ne sont pas activées) et une baisse n'est pas prise en compte pour l'année en cours (facturation sur le nombre précédent).`;
}

/** Schools whose département is not the commune's (from its SIRET: 21 + département): a warning, not a refusal. */
export function departementWarnings(siret: string, schools: readonly School[]): string[] {
  const departement = siret.slice(2, 4);
  return schools
    .filter((school) => uaiDepartement(school.uai) !== departement)
    .map((school) => `L'école ${school.uai} est dans le département ${uaiDepartement(school.uai)}, la commune dans le ${departement} : vérifiez qu'il ne s'agit pas d'une erreur (regroupement intercommunal ?).`);
}
