/** The invitation a mayor receives: what to sign, for how much, and the personal link. */
import type { Convention } from '../../functions/domain/model.ts';
import { formatEuros, formatFrenchDate, formatParisDateTime } from '../format/french.ts';
import { html } from '../pages/html.ts';
import { emailFrame, referenceLines } from './frame.ts';

export interface InvitationInput {
  convention: Convention;
  signingUrl: string;
  linkExpiresAt: string;
  contactEmail: string;
}

export function invitationEmail({ convention, signingUrl, linkExpiresAt, contactEmail }: InvitationInput) {
  const commune = convention.commune.name;
  const count = convention.schools.length;
  const amount = formatEuros(convention.amountCents);
  const expires = formatParisDateTime(linkExpiresAt);
  const subject = `Convention ENT-École ${convention.schoolYear} à signer – commune de ${commune}`;
  const reference = referenceLines(convention);
  const text = [
    'Madame, Monsieur le Maire,',
    '',
    `La convention de partenariat ENT-École pour l'année scolaire ${convention.schoolYear} de la commune de ${commune} est prête à être signée.`,
    '',
    `Écoles inscrites : ${count}, pour un montant de ${count} × ${formatEuros(convention.feeCents)} = ${amount} TTC.`,
    `La convention prend effet à sa signature et se termine le ${formatFrenchDate(convention.endDate)}.`,
    '',
    ...reference.text,
    'Pour la lire et la signer, ouvrez ce lien personnel (ne le transmettez pas) :',
    signingUrl,
    '',
    `Ce lien est valable jusqu'au ${expires}.`,
    '',
    `Une question ? Écrivez au rectorat : ${contactEmail}`,
    '',
    'Région académique Occitanie – Conventions ENT-École',
  ].join('\n');
  const body = html`<p>Madame, Monsieur le Maire,</p>
<p>La convention de partenariat ENT-École pour l'année scolaire ${convention.schoolYear} de la commune de <strong>${commune}</strong> est prête à être signée.</p>
<p>Écoles inscrites : ${count}, pour un montant de ${count} × ${formatEuros(convention.feeCents)} = <strong>${amount}</strong> TTC.<br>La convention prend effet à sa signature et se termine le ${formatFrenchDate(convention.endDate)}.</p>
${reference.html}
<p><a href="${signingUrl}" style="display:inline-block;background:#000091;color:#ffffff;padding:12px 20px;text-decoration:none">Lire et signer la convention</a></p>
<p>Ce lien personnel est valable jusqu'au ${expires}. Ne le transmettez pas.</p>`;
  return { subject, text, html: emailFrame(subject, body, contactEmail) };
}
