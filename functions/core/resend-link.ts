/**
 * The rectorat sends a mayor a new signing link, to the same address or to a
 * corrected one. The previous link dies in the same transaction.
 */
import { invitationEmail } from '../../templates/email/invitation.ts';
import { AppError } from './errors.ts';
import type { Convention } from './model.ts';
import type { Deps } from './ports.ts';
import { hashToken, linkExpiry, signingUrl } from './signing-link.ts';

type ResendDeps = Pick<Deps, 'now' | 'newToken' | 'campaigns' | 'conventions' | 'mailer' | 'publicBaseUrl' | 'contactEmail'>;

function notResendable(convention: Convention): AppError {
  if (convention.status === 'draft' || convention.status === 'sending') {
    return new AppError('CONFLICT', "Cette convention n'a pas encore été envoyée : envoyez la campagne.");
  }
  return new AppError('CONFLICT', `Cette convention n'attend plus de signature (statut « ${convention.status} ») : aucun lien n'est à renvoyer.`);
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
  const token = deps.newToken();
  const link = { hash: hashToken(token), expiresAt: linkExpiry(now, campaign.linkValidityDays) };
  const email = input.mayorEmail ?? convention.mayor.email;
  const changed = input.mayorEmail !== undefined && input.mayorEmail !== convention.mayor.email;
  const replaced = await deps.conventions.replaceLink(
    convention.id,
    convention.link.hash,
    link,
    {
      conventionId: convention.id,
      at: now.toISOString(),
      type: 'link_resent',
      actor: input.actor,
      detail: changed ? `Nouveau lien envoyé à une nouvelle adresse (${email}) ; l'ancien lien ne fonctionne plus.` : "Nouveau lien envoyé ; l'ancien ne fonctionne plus.",
    },
    changed ? email : undefined,
  );
  if (!replaced) {
    const current = await deps.conventions.get(convention.id);
    throw current ? notResendable(current) : new AppError('CONFLICT', 'La convention a changé entre-temps.');
  }
  const updated: Convention = { ...convention, link, mayor: { ...convention.mayor, email } };
  await deps.mailer.send({
    to: [email],
    ...invitationEmail({ convention: updated, signingUrl: signingUrl(deps.publicBaseUrl, token), linkExpiresAt: link.expiresAt, contactEmail: deps.contactEmail }),
  });
  return updated;
}
