/**
 * The mayor declines to sign, with a reason the rectorat reads. Like signing,
 * one conditional transaction with its audit event and the job that sends
 * the mayor an acknowledgement, once.
 */
import { declinedEmail } from '../../templates/email/declined.ts';
import { settledError } from '../domain/convention-errors.ts';
import { AppError } from '../domain/errors.ts';
import type { DeclineForm } from './input/inputs.ts';
import { emailOnce } from './jobs/email-once.ts';
import { newJob, type Job } from '../domain/jobs/job.ts';
import type { JobDeps } from './jobs/run-job.ts';
import type { Convention, Decline } from '../domain/model.ts';
import type { Deps } from './ports.ts';
import { resolveSigningLink } from './signing-link.ts';

export async function declineConvention(
  deps: Pick<Deps, 'now' | 'newId' | 'conventions'>,
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
    reason: decline.reason,
  }, newJob({ id: deps.newId(), kind: 'decline-acknowledgement', payload: { conventionId: convention.id }, at: decline.declinedAt, label: convention.commune.name }));
  if (!recorded) {
    throw settledError(await deps.conventions.get(convention.id)) ?? new AppError('CONFLICT', 'La convention a changé entre-temps : rouvrez le lien.');
  }
  return { ...convention, status: 'declined', decline };
}

/** The `decline-acknowledgement` job: one email to the mayor, with the decline as recorded. */
export async function sendDeclineAcknowledgement(deps: JobDeps, job: Job): Promise<{ tally: string }> {
  const { conventionId } = job.payload as { conventionId: string };
  const convention = await deps.conventions.get(conventionId);
  if (!convention?.decline) return { tally: 'skipped' };
  // A new link and a signature since: the acknowledgement still says what was declined, and when.
  await emailOnce(deps, job, () => ({ to: [convention.mayor.email], ...declinedEmail({ convention: { ...convention, status: 'declined' }, contactEmail: deps.contactEmail }) }));
  return { tally: 'sent' };
}
