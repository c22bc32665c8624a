/**
 * The rectorat sends a mayor a new signing link, to the same address or to
 * another one. Every earlier link (the invitation's, the reminders') dies in
 * the same transaction: `resend` is the one explicit way to revoke them. When the
 * address changes, that transaction also records the change (on the
 * convention and in its history, both addresses in full: the trail is the
 * evidence of where the link went) and writes the job that tells the
 * previous address, masked and without any link, that the link went
 * elsewhere: a mailbox that held a link always learns why it died.
 */
import { addressChangedEmail } from '../../templates/email/address-changed.ts';
import { invitationEmail } from '../../templates/email/invitation.ts';
import { AppError } from '../domain/errors.ts';
import { emailOnce } from './jobs/email-once.ts';
import { newJob, type Job } from '../domain/jobs/job.ts';
import type { JobDeps } from './jobs/run-job.ts';
import type { Convention, MayorAddressChange, NewConventionEvent } from '../domain/model.ts';
import type { Deps, NewMayorAddress } from './ports.ts';
import { hashToken, linkExpiry, replaceAllLinks, signingUrl } from './signing-link.ts';

type ResendDeps = Pick<Deps, 'now' | 'newId' | 'newToken' | 'campaigns' | 'conventions' | 'mailer' | 'publicBaseUrl' | 'contactEmail'>;

function notResendable(convention: Convention): AppError {
  if (convention.status === 'draft' || convention.status === 'sending') {
    return new AppError('CONFLICT', "Cette convention n'a pas encore été envoyée : envoyez la campagne.");
  }
  return new AppError('CONFLICT', `Cette convention n'attend plus de signature (statut « ${convention.status} ») : aucun lien n'est à renvoyer.`);
}

/** What the notice job needs, all of it: it reads nothing else. */
interface AddressChangeNoticePayload {
  conventionId: string;
  communeName: string;
  schoolYear: string;
  previous: string;
  next: string;
  at: string;
}

/** The address the new link goes to; with a change record when it is another mailbox, not a new spelling of the same. */
function newAddressOf(deps: Pick<Deps, 'newId'>, convention: Convention, email: string, at: string, actor: string): NewMayorAddress | undefined {
  const previous = convention.mayor.email;
  if (email === previous) return undefined;
  if (email.toLowerCase() === previous.toLowerCase()) return { email };
  const record: MayorAddressChange = { at, previous, next: email, actor };
  const event: NewConventionEvent = {
    conventionId: convention.id,
    at,
    type: 'mayor_email_changed',
    actor,
    addressChange: { previous, next: email },
  };
  const payload: AddressChangeNoticePayload = { conventionId: convention.id, communeName: convention.commune.name, schoolYear: convention.schoolYear, previous, next: email, at };
  const notice = newJob({ id: deps.newId(), kind: 'address-change-notice', payload: { ...payload }, at, label: `Avis de changement d'adresse – ${convention.commune.name}` });
  return { email, change: { record, event, notice } };
}

export async function resendLink(
  deps: ResendDeps,
  input: { id: string; actor: string; mayorEmail?: string },
): Promise<Convention> {
  const convention = await deps.conventions.get(input.id);
  if (!convention) throw new AppError('NOT_FOUND', `Aucune convention ne porte l'identifiant ${input.id}.`);
  if (convention.status !== 'sent' || !convention.link) throw notResendable(convention);
  const campaign = await deps.campaigns.get(convention.schoolYear);
  if (!campaign) throw new Error(`Campaign ${convention.schoolYear} missing for convention ${convention.id}`);

  const now = deps.now();
  const at = now.toISOString();
  const token = deps.newToken();
  const link = { hash: hashToken(token), expiresAt: linkExpiry(now, campaign.linkValidityDays) };
  const email = input.mayorEmail ?? convention.mayor.email;
  const newAddress = newAddressOf(deps, convention, email, at, input.actor);
  const event: NewConventionEvent = {
    conventionId: convention.id,
    at,
    type: 'link_resent',
    actor: input.actor,
    cause: 'resend',
    ...(newAddress?.change ? { newAddress: email } : {}),
  };
  // A reminder may add its link between the read above and this write: read again and revoke that one too.
  let current = convention;
  for (let attempt = 1; !(await deps.conventions.changeLinks(current.id, replaceAllLinks(current, link), event, newAddress)); attempt += 1) {
    const reread = await deps.conventions.get(convention.id);
    if (reread && (reread.status !== 'sent' || !reread.link)) throw notResendable(reread);
    if (!reread || reread.mayor.email !== convention.mayor.email || attempt === 3) {
      throw new AppError('CONFLICT', "La convention a changé pendant l'envoi du nouveau lien : réessayez.");
    }
    current = reread;
  }
  const change = newAddress?.change?.record;
  const updated: Convention = {
    ...current,
    link,
    links: { [link.hash]: link.expiresAt },
    mayor: { ...current.mayor, email },
    ...(change ? { addressChanges: [...(current.addressChanges ?? []), change] } : {}),
  };
  await deps.mailer.send({
    to: [email],
    ...invitationEmail({ convention: updated, signingUrl: signingUrl(deps.publicBaseUrl, token), linkExpiresAt: link.expiresAt, contactEmail: deps.contactEmail }),
  });
  return updated;
}

/**
 * The `address-change-notice` job: one email to the previous address, the new one masked, no link. An address
 * SES refuses outright is often why it was replaced: the notice then ends there, with nothing for the rectorat
 * to act on (an address that bounced is skipped by the mailer, as every email to it is).
 */
export async function sendAddressChangeNotice(deps: JobDeps, job: Job): Promise<{ tally: string }> {
  const { communeName, schoolYear, previous, next, at } = job.payload as unknown as AddressChangeNoticePayload;
  try {
    await emailOnce(deps, job, () => ({ to: [previous], ...addressChangedEmail({ communeName, schoolYear, at, next, contactEmail: deps.contactEmail }) }));
  } catch (error) {
    if ((error as { name?: string }).name === 'MessageRejected') return { tally: 'refused' };
    throw error;
  }
  return { tally: 'sent' };
}
