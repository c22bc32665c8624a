/**
 * The rules of the avenant (docs/domain.md; 2017 model, Art. 6 and 8), by the day,
 * in Europe/Paris, the signed avenant reaches the rectorat:
 * - before 1 September: the window is not open, nothing can be signed yet;
 * - from 1 September to 15 October included: the new list is the list, and
 *   its count sets the fee of the convention's school year;
 * - after 15 October: an increase is refused (the new schools are not
 *   activated) and a decrease is ignored for this year's billing (billed on
 *   the previous count); the removed schools leave the list.
 * A swap late in the year is both: the added schools are refused, the
 * removed ones leave the list, and this year is billed on the previous count.
 *
 * The 2017 model's "and the following years" held for a convention of four
 * school years. A Paraphe convention covers one school year and ends on its
 * end date; each following year is a new convention, voted and signed with
 * its own list. So an avenant sets this convention's list and amount, and
 * promises nothing about a following year that no code could keep.
 *
 * Every limit is known when the avenant is prepared, and checked then
 * (avenantLimits), not only when the mayor signs: the convention's end date,
 * and a link that would die before the window opens. The 15 October rule is
 * announced to the rectorat then (preparationWarnings), as the mayor reads it
 * on the page.
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
      effect: `Avenant reçu dans les délais : ${requested.length} école(s) pour ${input.schoolYear}, soit ${formatEuros(requested.length * feeCents)}.`,
    };
  }
  const parts = [`Avenant reçu après le ${formatFrenchDate(avenantWindow(input.schoolYear).closes)}`];
  if (change.added.length > 0) parts.push(`${change.added.length} école(s) ajoutée(s) refusée(s), non activée(s) (${change.added.map((school) => school.uai).join(', ')})`);
  if (change.removed.length > 0) parts.push(`retrait de ${change.removed.length} école(s) non pris en compte dans la facturation de ${input.schoolYear} (facturé sur ${previous.length} école(s))`);
  return {
    timing,
    schools: change.kept,
    refused: change.added,
    billedCount: previous.length,
    amountCents: previous.length * feeCents,
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

/** A Paraphe convention ends on its end date (Paris): from that day on, no avenant can change it. */
export function isPastEndDate(instant: string, endDate: string): boolean {
  return parisDateOf(instant) >= endDate;
}

/** Why an avenant cannot be prepared or signed, as data; the use cases phrase it. */
export type AvenantLimit =
  | { kind: 'convention-ended'; endDate: string }
  | { kind: 'link-dies-before-window'; linkExpiresAt: string; opens: string };

/**
 * The limits of an avenant prepared at `instant` whose link expires at `linkExpiresAt`: the first broken
 * one, or undefined. Checked again at the signature (the end date may pass meanwhile).
 */
export function avenantLimit(input: { instant: string; endDate: string; schoolYear: string; linkExpiresAt: string }): AvenantLimit | undefined {
  if (isPastEndDate(input.instant, input.endDate)) return { kind: 'convention-ended', endDate: input.endDate };
  const { opens } = avenantWindow(input.schoolYear);
  // The link must still work on the first day the avenant can be signed.
  if (parisDateOf(input.linkExpiresAt) <= opens && parisDateOf(input.instant) < opens) {
    return { kind: 'link-dies-before-window', linkExpiresAt: input.linkExpiresAt, opens };
  }
  return undefined;
}

/**
 * What the rectorat must know when it prepares an avenant at `instant`, from the 15 October rule as it
 * will apply if the mayor signs at once: added schools refused, a decrease not applied this year; before
 * the window, the day signing opens.
 */
export function preparationWarnings(input: { instant: string; previous: readonly School[]; requested: readonly School[]; feeCents: number; schoolYear: string }): string[] {
  const timing = avenantTiming(input.instant, input.schoolYear);
  const { opens, closes } = avenantWindow(input.schoolYear);
  if (timing === 'before-window') {
    return [`L'avenant ne pourra être signé qu'à partir du ${formatFrenchDate(opens)}, et doit parvenir au rectorat au plus tard le ${formatFrenchDate(closes)} pour prendre effet pleinement.`];
  }
  if (timing === 'in-window') return [];
  const outcome = avenantOutcome({ ...input, timing });
  const warnings: string[] = [];
  if (outcome.refused.length > 0) {
    warnings.push(`Le ${formatFrenchDate(closes)} est passé : ${outcome.refused.length} école(s) ajoutée(s) (${outcome.refused.map((school) => school.uai).join(', ')}) seront refusées à la signature et ne seront pas activées.`);
  }
  if (outcome.schools.length < input.previous.length) {
    warnings.push(`Le ${formatFrenchDate(closes)} est passé : la baisse ne sera pas appliquée pour ${input.schoolYear}, facturée sur ${outcome.billedCount} école(s) (${formatEuros(outcome.amountCents)}).`);
  }
  return warnings;
}
