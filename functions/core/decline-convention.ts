/**
 * The mayor declines to sign, with a reason the rectorat reads. Like signing,
 * one conditional transaction with its audit event; the mayor gets an
 * acknowledgement.
 */
import { declinedEmail } from '../../templates/email/declined.ts';
import { settledError } from './convention-errors.ts';
import { AppError } from './errors.ts';
import type { DeclineForm } from './inputs.ts';
import type { Convention, Decline } from './model.ts';
import type { Deps } from './ports.ts';
import { resolveSigningLink } from './signing-link.ts';

export async function declineConvention(
  deps: Pick<Deps, 'now' | 'conventions' | 'mailer' | 'contactEmail'>,
  input: { token: string; form: DeclineForm; ip: string; userAgent: string },
): Promise<Convention> {
  const { convention, linkHash } = await resolveSigningLink(deps, input.token);
  const settled = settledError(convention);
  if (settled) throw settled;
  if (convention.status !== 'sent') throw new AppError('LINK_INVALID', "Ce lien de signature n'est pas valide.");
  const decline: Decline = {
    reason: input.form.reason,
    declinedBy: input.form.declinedBy,
    declinedAt: deps.now().toISOString(),
    ip: input.ip,
    userAgent: input.userAgent,
  };
  const recorded = await deps.conventions.recordDecline(convention.id, linkHash, decline, {
    conventionId: convention.id,
    at: decline.declinedAt,
    type: 'declined',
    actor: decline.declinedBy,
    ip: input.ip,
    userAgent: input.userAgent,
    ...(convention.document ? { sha256Before: convention.document.sha256 } : {}),
    detail: decline.reason,
  });
  if (!recorded) {
    throw settledError(await deps.conventions.get(convention.id)) ?? new AppError('CONFLICT', 'La convention a changé entre-temps : rouvrez le lien.');
  }
  const declined: Convention = { ...convention, status: 'declined', decline };
  await deps.mailer.send({ to: [convention.mayor.email], ...declinedEmail({ convention: declined, contactEmail: deps.contactEmail }) });
  return declined;
}
