/** What is billed: the conventions a titre de perception is issued for, and the count their amount pays for. */
import type { Convention } from './model.ts';

export function isBillable(convention: Convention): boolean {
  return convention.status === 'executed' || (convention.status === 'expired' && convention.countersignature !== undefined);
}

/** The count amountCents pays for; the list's length when the amount is not a whole number of fees. */
export function billedSchoolCount(convention: Convention): number {
  const { amountCents, feeCents } = convention;
  return feeCents > 0 && amountCents % feeCents === 0 ? amountCents / feeCents : convention.schools.length;
}
