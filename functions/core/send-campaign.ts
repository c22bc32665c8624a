/**
 * The rectorat sends a campaign: every convention not yet sent gets its PDF
 * into the document store and its mayor an email with a personal link.
 *
 * Each convention is claimed first (a conditional write with a lease), so two
 * sends running at once never email a mayor twice; the email goes out before
 * the convention is marked sent, so a failed email leaves it to the next send.
 */
import { createConventionRenderer, type ConventionRenderer } from '../../templates/convention/render-convention.ts';
import { invitationEmail } from '../../templates/email/invitation.ts';
import { conventionDocumentInput } from './convention-document.ts';
import { sha256Hex } from './digest.ts';
import { conventionDocumentKey } from './document-keys.ts';
import { AppError, isLostClaim } from './errors.ts';
import { invitationTags } from './invitation-receipt.ts';
import type { Campaign, Convention } from './model.ts';
import type { Deps } from './ports.ts';
import { firstWakeUp } from './reminder-schedule.ts';
import { hashToken, linkExpiry, signingUrl } from './signing-link.ts';

/**
 * How long a claim holds a convention. It must outlast any invocation that
 * holds it (the send function's timeout is far shorter, checked by the infra
 * tests): a sender whose lease lapsed is dead, so a takeover never races it.
 */
export const SENDING_LEASE_MS = 5 * 60 * 1000;

export interface SendReport {
  sent: number;
  failed: { conventionId: string; commune: string; reason: string }[];
  skipped: number;
  /** Conventions left for the next call when this one ran out of time: send again until it is 0. */
  remaining: number;
}

type SendDeps = Pick<Deps, 'now' | 'newToken' | 'campaigns' | 'conventions' | 'documents' | 'mailer' | 'publicBaseUrl' | 'contactEmail'>;

function isDue(convention: Convention, now: Date): boolean {
  if (convention.status === 'draft') return true;
  return convention.status === 'sending' && Date.parse(convention.sendingLeaseUntil ?? '') < now.getTime();
}

/**
 * `hasTime` says whether another invitation fits in this invocation (Lambda's
 * remaining time): a campaign larger than one call goes out in batches, each
 * call resuming where the last stopped, since what is sent is never due again.
 */
export async function sendCampaign(
  deps: SendDeps,
  input: { schoolYear: string; actor: string; hasTime?: () => boolean; leaseMs?: number },
): Promise<SendReport> {
  const campaign = await deps.campaigns.get(input.schoolYear);
  if (!campaign) throw new AppError('NOT_FOUND', `Aucune campagne n'existe pour l'année scolaire ${input.schoolYear}.`);
  const conventions = await deps.conventions.listByCampaign(campaign.schoolYear);
  const report: SendReport = { sent: 0, failed: [], skipped: 0, remaining: 0 };
  const due = conventions.filter((convention) => isDue(convention, deps.now()));
  const leaseMs = input.leaseMs ?? SENDING_LEASE_MS;
  report.skipped = conventions.length - due.length;
  if (due.length === 0) return report;
  const renderer = await createConventionRenderer(campaign.model ? { model: campaign.model } : {});
  for (const [index, convention] of due.entries()) {
    if (input.hasTime && !input.hasTime()) {
      report.remaining = due.length - index;
      break;
    }
    const outcome = await sendInvitation(deps, campaign, renderer, convention, input.actor, leaseMs);
    if (outcome === 'sent') report.sent += 1;
    else if (outcome === 'busy') report.skipped += 1;
    else report.failed.push({ conventionId: convention.id, commune: convention.commune.name, reason: outcome.reason });
  }
  return report;
}

async function sendInvitation(
  deps: SendDeps,
  campaign: Campaign,
  renderer: ConventionRenderer,
  convention: Convention,
  actor: string,
  leaseMs: number,
): Promise<'sent' | 'busy' | { reason: string }> {
  const now = deps.now();
  const lease = new Date(now.getTime() + leaseMs).toISOString();
  const claimed = await deps.conventions.claimForSending(convention.id, now.toISOString(), lease);
  if (!claimed) return 'busy';

  const pdf = await renderer.render(conventionDocumentInput(campaign, convention));
  const document = { key: conventionDocumentKey(convention), sha256: sha256Hex(pdf) };
  await deps.documents.put(document.key, pdf, 'application/pdf');

  const token = deps.newToken();
  const link = { hash: hashToken(token), expiresAt: linkExpiry(now, campaign.linkValidityDays) };
  try {
    // Right before the email: only a sender still holding its claim emails the mayor.
    await deps.conventions.attachInvitation(convention.id, lease, document, link, convention.link?.hash);
  } catch (error) {
    if (isLostClaim(error)) return 'busy';
    throw error;
  }

  try {
    await deps.mailer.send({
      to: [convention.mayor.email],
      tags: invitationTags(convention.id, lease),
      ...invitationEmail({
        convention,
        signingUrl: signingUrl(deps.publicBaseUrl, token),
        linkExpiresAt: link.expiresAt,
        contactEmail: deps.contactEmail,
      }),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.name : 'Erreur inconnue';
    await deps.conventions.releaseSending(convention.id, lease, {
      conventionId: convention.id,
      at: deps.now().toISOString(),
      type: 'invitation_failed',
      actor,
      detail: `L'envoi du courriel a échoué (${reason}) ; il sera retenté au prochain envoi.`,
    });
    return { reason: `L'envoi du courriel a échoué (${reason}).` };
  }

  const sentAt = deps.now().toISOString();
  try {
    await deps.conventions.markSent(
      convention.id,
      lease,
      { conventionId: convention.id, at: sentAt, type: 'sent', actor, sha256After: document.sha256, detail: `Invitation envoyée à ${convention.mayor.email}` },
      firstWakeUp(campaign, convention, sentAt),
    );
  } catch (error) {
    // Another sender took the convention over after this one's lease lapsed: its record stands.
    if (!isLostClaim(error)) throw error;
  }
  return 'sent';
}
