/**
 * The municipal council votes the délibération that authorises the signature
 * before the mayor signs (every seed shows it). A campaign requires its number
 * and date to sign unless it says otherwise (`deliberationRequired: false`).
 */
import type { RuleRefusal } from './refusals.ts';

export type DeliberationRefusal = Extract<RuleRefusal, { code: 'deliberation-missing' | 'deliberation-after-today' }>;

/** What the signing form must fix about the délibération; empty when nothing. The signing use case phrases them, field by field. */
export function deliberationRefusals(input: { required: boolean; number?: string | undefined; date?: string | undefined; today: string }): DeliberationRefusal[] {
  const refusals: DeliberationRefusal[] = [];
  if (input.required && !input.number && !input.date) refusals.push({ code: 'deliberation-missing' });
  if (input.date && input.date > input.today) refusals.push({ code: 'deliberation-after-today', date: input.date, today: input.today });
  return refusals;
}
