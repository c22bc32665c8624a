/**
 * SES's own word that an invitation went out. Each invitation carries, as SES
 * message tags, its convention and the claim of the sender; SES publishes a
 * "Send" event with those tags once it accepted the email. When the sender
 * died between SES accepting the email and recording it, that event records
 * it instead, under the same claim, before the claim's lease lapses and a
 * later send would email the mayor a second time.
 */
import { isLostClaim } from './errors.ts';
import type { ConventionEvent } from './model.ts';
import type { Deps } from './ports.ts';
import { firstWakeUp } from './reminder-schedule.ts';

/** SES tag names and values allow letters, digits, '_' and '-' only: the lease goes as epoch milliseconds. */
export function invitationTags(conventionId: string, leaseUntil: string): Record<string, string> {
  return { paraphe_purpose: 'invitation', paraphe_convention: conventionId, paraphe_claim: String(Date.parse(leaseUntil)) };
}

/** The convention and claim an SES event's tags name, when they are an invitation's. */
export function invitationOfTags(tags: Record<string, string[]> | undefined): { conventionId: string; leaseUntil: string } | undefined {
  const value = (name: string) => tags?.[name]?.[0];
  const claim = Number(value('paraphe_claim'));
  const conventionId = value('paraphe_convention');
  if (value('paraphe_purpose') !== 'invitation' || !conventionId || !Number.isSafeInteger(claim)) return undefined;
  return { conventionId, leaseUntil: new Date(claim).toISOString() };
}

/**
 * Records the invitation as sent, at the instant SES accepted it, if the
 * convention is still held by that very claim; 'already' when the sender
 * recorded it (the usual case) or the claim was lost to another sender.
 */
export async function confirmInvitation(
  deps: Pick<Deps, 'campaigns' | 'conventions'>,
  input: { conventionId: string; leaseUntil: string; at: string },
): Promise<'recorded' | 'already'> {
  const convention = await deps.conventions.get(input.conventionId);
  if (!convention || convention.status !== 'sending' || convention.sendingLeaseUntil !== input.leaseUntil) return 'already';
  const campaign = await deps.campaigns.get(convention.schoolYear);
  if (!campaign) return 'already';
  const event: ConventionEvent = {
    conventionId: convention.id,
    at: input.at,
    type: 'sent',
    actor: 'ses',
    ...(convention.document ? { sha256After: convention.document.sha256 } : {}),
    detail: `Invitation envoyée à ${convention.mayor.email} (constatée par l'événement d'envoi de SES)`,
  };
  try {
    await deps.conventions.markSent(convention.id, input.leaseUntil, event, firstWakeUp(campaign, convention, input.at));
    return 'recorded';
  } catch (error) {
    // The sender recorded it meanwhile, or lost its claim: either way nothing is left to do.
    if (isLostClaim(error)) return 'already';
    throw error;
  }
}
