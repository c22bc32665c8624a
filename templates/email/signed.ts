/** The acknowledgement a mayor receives with the signed copy attached. */
import type { Convention } from '../../functions/domain/model.ts';
import { formatEuros, formatFrenchDate, formatParisDateTime } from '../format/french.ts';
import { html } from '../pages/html.ts';
import { emailFrame, referenceLines } from './frame.ts';

export function signedEmail({ convention, contactEmail }: { convention: Convention; contactEmail: string }) {
  const commune = convention.commune.name;
  const signedOn = convention.signedAt ? formatParisDateTime(convention.signedAt) : '';
  const signer = convention.signature?.signerName ?? '';
  const subject = `Convention ENT-École ${convention.schoolYear} signée – commune de ${commune}`;
  const reference = referenceLines(convention);
  const text = [
    'Madame, Monsieur le Maire,',
    '',
    `La convention ENT-École ${convention.schoolYear} de la commune de ${commune} a été signée par ${signer} le ${signedOn}.`,
    'Vous trouverez la copie signée en pièce jointe.',
    '',
    `La rectrice va la contresigner ; la région académique émettra ensuite un titre de perception de ${formatEuros(convention.amountCents)} TTC.`,
    `La convention se termine le ${formatFrenchDate(convention.endDate)}.`,
    '',
    ...reference.text,
    `Une question ? Écrivez au rectorat : ${contactEmail}`,
  ].join('\n');
  const body = html`<p>Madame, Monsieur le Maire,</p>
<p>La convention ENT-École ${convention.schoolYear} de la commune de <strong>${commune}</strong> a été signée par ${signer} le ${signedOn}. Vous trouverez la copie signée en pièce jointe.</p>
<p>La rectrice va la contresigner ; la région académique émettra ensuite un titre de perception de <strong>${formatEuros(convention.amountCents)}</strong> TTC. La convention se termine le ${formatFrenchDate(convention.endDate)}.</p>`;
  return { subject, text, html: emailFrame(subject, html`${body}${reference.html}`, contactEmail) };
}
