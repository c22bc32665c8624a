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
 *
 * The rules return data (outcomes, limits, warnings); templates/format/avenant-phrases.ts says them in French.
 */
import { avenantWindow, parisDateOf } from './calendar.ts';
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

export interface AvenantDecision {
  timing: Exclude<AvenantTiming, 'before-window'>;
  schoolYear: string;
  /** The convention's list once the avenant is signed: the activated schools. */
  schools: School[];
  /** Added schools that are not activated (late increase). */
  refused: School[];
  /** Schools that leave the list. */
  removed: School[];
  /** The count and amount billed for this school year. */
  billedCount: number;
  amountCents: number;
}

export function avenantOutcome(input: {
  previous: readonly School[];
  requested: readonly School[];
  feeCents: number;
  timing: Exclude<AvenantTiming, 'before-window'>;
  schoolYear: string;
}): AvenantDecision {
  const { previous, requested, feeCents, timing, schoolYear } = input;
  const change = schoolChange(previous, requested);
  if (timing === 'in-window') {
    return { timing, schoolYear, schools: [...requested], refused: [], removed: change.removed, billedCount: requested.length, amountCents: requested.length * feeCents };
  }
  return { timing, schoolYear, schools: change.kept, refused: change.added, removed: change.removed, billedCount: previous.length, amountCents: previous.length * feeCents };
}

/**
 * What a signed avenant did to the convention, as its audit event keeps it: the decision without the full
 * list of schools (the avenant holds it), and the count before, which a late decrease keeps billing.
 */
export interface AvenantEffect {
  timing: AvenantDecision['timing'];
  schoolYear: string;
  billedCount: number;
  amountCents: number;
  /** UAIs of the added schools refused (late increase), not activated. */
  refused: string[];
  /** UAIs of the schools that left the list. */
  removed: string[];
  /** The convention's count of schools before the avenant. */
  previousCount: number;
}

export function avenantEffectOf(decision: AvenantDecision, previousCount: number): AvenantEffect {
  return {
    timing: decision.timing,
    schoolYear: decision.schoolYear,
    billedCount: decision.billedCount,
    amountCents: decision.amountCents,
    refused: decision.refused.map((school) => school.uai),
    removed: decision.removed.map((school) => school.uai),
    previousCount,
  };
}

/** A school whose département is not the commune's. */
export interface DepartementMismatch {
  uai: string;
  schoolDepartement: string;
  communeDepartement: string;
}

/** Schools whose département is not the commune's (from its SIRET: 21 + département): a warning, not a refusal. */
export function departementMismatches(siret: string, schools: readonly School[]): DepartementMismatch[] {
  const communeDepartement = siret.slice(2, 4);
  return schools
    .filter((school) => uaiDepartement(school.uai) !== communeDepartement)
    .map((school) => ({ uai: school.uai, schoolDepartement: uaiDepartement(school.uai), communeDepartement }));
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
export type PreparationWarning =
  | { kind: 'before-window'; opens: string; closes: string }
  | { kind: 'late-increase-refused'; closes: string; refused: string[] }
  | { kind: 'late-decrease-ignored'; closes: string; schoolYear: string; billedCount: number; amountCents: number };

export function preparationWarnings(input: { instant: string; previous: readonly School[]; requested: readonly School[]; feeCents: number; schoolYear: string }): PreparationWarning[] {
  const timing = avenantTiming(input.instant, input.schoolYear);
  const { opens, closes } = avenantWindow(input.schoolYear);
  if (timing === 'before-window') return [{ kind: 'before-window', opens, closes }];
  if (timing === 'in-window') return [];
  const outcome = avenantOutcome({ ...input, timing });
  const warnings: PreparationWarning[] = [];
  if (outcome.refused.length > 0) warnings.push({ kind: 'late-increase-refused', closes, refused: outcome.refused.map((school) => school.uai) });
  if (outcome.schools.length < input.previous.length) {
    warnings.push({ kind: 'late-decrease-ignored', closes, schoolYear: input.schoolYear, billedCount: outcome.billedCount, amountCents: outcome.amountCents });
  }
  return warnings;
}
