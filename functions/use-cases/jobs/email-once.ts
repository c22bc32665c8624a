/**
 * One email per job, ever. The job claims its email before SES is called;
 * the claim is recorded as sent once SES took it. A try that finds the claim
 * held cannot know whether SES took the email (the try may have died just
 * after): it waits for the claim to lapse, by which time SES's Send event,
 * tagged with the job's id, has recorded it in the usual case.
 */
import type { OutgoingEmail } from '../ports.ts';
import { RetryLater, type Job } from '../../domain/jobs/job.ts';
import type { JobDeps } from './run-job.ts';
import type { NewEventOf } from '../../domain/model.ts';

/** Longer than any invocation of the worker (checked by the infra tests), so a live try never races a takeover. */
export const EMAIL_LEASE_MS = 5 * 60 * 1000;

/** SES message tag names and values: letters, digits, '_' and '-'. */
export const JOB_TAG = 'paraphe_job';

export type EmailClaim = { state: 'claimed'; leaseUntil: string } | { state: 'sent'; sentAt: string };

/** Claims the job's email, or says it is already out; a held claim is a wait, not a failure. */
export async function claimJobEmail(deps: Pick<JobDeps, 'now' | 'jobs'> & { mailer?: JobDeps['mailer'] }, job: Job): Promise<EmailClaim> {
  // The turn under SES's rate first: the claim then lasts the send, not a wait in line.
  await deps.mailer?.whenReady?.();
  const now = deps.now();
  const leaseUntil = new Date(now.getTime() + EMAIL_LEASE_MS).toISOString();
  const claim = await deps.jobs.claimEmail(job.id, now.toISOString(), leaseUntil);
  if (claim.claimed) return { state: 'claimed', leaseUntil };
  if (claim.sentAt) return { state: 'sent', sentAt: claim.sentAt };
  const waitMs = Math.max(1_000, Date.parse(claim.heldUntil ?? '') - now.getTime() + 5_000);
  throw new RetryLater('Un essai précédent de ce courriel est peut-être parti : vérification avant tout nouvel envoi.', waitMs, false);
}

/**
 * Whether SES certainly did not take the email: it answered with a refusal (a 4xx, throttling included), or
 * the connection was refused before any byte left. A timeout, a reset or a 5xx may hide an email SES took.
 */
export function certainlyNotSent(error: unknown): boolean {
  const { $metadata, code, message, name } = (error ?? {}) as { $metadata?: { httpStatusCode?: number }; code?: string; message?: string; name?: string };
  // SES's own refusals, by name, whatever the transport reported.
  if (/^(Throttling|MessageRejected|MailFromDomainNotVerified|ConfigurationSetDoesNotExist|AccountSendingPaused)/.test(name ?? '') || /Maximum sending rate exceeded/i.test(message ?? '')) return true;
  const status = $metadata?.httpStatusCode;
  if (status !== undefined) return status >= 400 && status < 500;
  return code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message ?? '');
}

/**
 * Sends under a claim: tagged with the job, recorded once SES took it. A definite refusal releases the
 * claim (the next try sends); an ambiguous failure keeps it, so the next try waits for the lease or for
 * SES's Send event rather than email the mayor twice.
 */
export async function sendClaimedEmail(deps: Pick<JobDeps, 'now' | 'jobs' | 'mailer'>, job: Job, claim: { leaseUntil: string }, email: OutgoingEmail): Promise<string> {
  try {
    await deps.mailer.send({ ...email, tags: { ...email.tags, [JOB_TAG]: job.id } });
  } catch (error) {
    if (certainlyNotSent(error)) await deps.jobs.releaseEmail(job.id, claim.leaseUntil);
    throw error;
  }
  const sentAt = deps.now().toISOString();
  await deps.jobs.recordEmailSent(job.id, sentAt);
  return sentAt;
}

/** A job whose only effect is one email: claimed, sent, recorded. */
export async function emailOnce(deps: Pick<JobDeps, 'now' | 'jobs' | 'mailer'>, job: Job, email: () => OutgoingEmail | Promise<OutgoingEmail>): Promise<void> {
  const claim = await claimJobEmail(deps, job);
  if (claim.state === 'sent') return;
  await sendClaimedEmail(deps, job, claim, await email());
}

/**
 * The last steps of a job that delivers a sealed document: its one email (unless SES already took it), then
 * the conditional write that records the document and ends the job. Not recorded: another delivery of this
 * job recorded it and ended the job.
 */
export async function emailThenRecord(
  deps: Pick<JobDeps, 'now' | 'jobs' | 'mailer'>,
  job: Job,
  email: () => OutgoingEmail,
  record: (at: string) => Promise<boolean>,
): Promise<{ ended: true } | { tally: string }> {
  const claim = await claimJobEmail(deps, job);
  if (claim.state === 'claimed') await sendClaimedEmail(deps, job, claim, email());
  return (await record(deps.now().toISOString())) ? { ended: true } : { tally: 'skipped' };
}

/**
 * The audit event of a document a job sealed and sent to the mayor's address `sentTo`: the executed copy goes
 * to the rectorat too. With `avenantId`, the document is that avenant's.
 */
export const sealedEvent = (input: { conventionId: string; avenantId?: string; at: string; before: string; after: string; document: 'signed' | 'executed'; sentTo: string }): NewEventOf<'document_sealed'> => ({
  conventionId: input.conventionId,
  ...(input.avenantId ? { avenantId: input.avenantId } : {}),
  at: input.at,
  type: 'document_sealed',
  actor: 'Paraphe',
  sha256Before: input.before,
  sha256After: input.after,
  document: input.document,
  sentTo: input.sentTo,
  // The executed copy goes to both parties (countersign-convention.ts, countersign-avenant.ts).
  rectoratCopy: input.document === 'executed',
});
