/** The acknowledgement a mayor receives after declining. */
import type { Convention } from '../../functions/domain/model.ts';
import { formatParisDateTime } from '../format/french.ts';
import { html } from '../pages/html.ts';
import { emailFrame } from './frame.ts';

export function declinedEmail({ convention, contactEmail }: { convention: Convention; contactEmail: string }) {
  const commune = convention.commune.name;
  const when = convention.decline ? formatParisDateTime(convention.decline.declinedAt) : '';
  const reason = convention.decline?.reason ?? '';
  const subject = `Refus de la convention ENT-École ${convention.schoolYear} enregistré – commune de ${commune}`;
  const text = [
    'Madame, Monsieur le Maire,',
    '',
    `Le refus de signer la convention ENT-École ${convention.schoolYear} de la commune de ${commune} a été enregistré le ${when}.`,
    `Raison indiquée\u00a0: ${reason}`,
    '',
    'Le rectorat en a connaissance et reviendra vers vous si besoin. Si vous avez changé d’avis, écrivez-lui pour recevoir un nouveau lien.',
    '',
    `Une question\u00a0? Écrivez au rectorat\u00a0: ${contactEmail}`,
  ].join('\n');
  const body = html`<p>Madame, Monsieur le Maire,</p>
<p>Le refus de signer la convention ENT-École ${convention.schoolYear} de la commune de <strong>${commune}</strong> a été enregistré le ${when}.</p>
<p>Raison indiquée\u00a0: «\u00a0${reason}\u00a0»</p>
<p>Le rectorat en a connaissance et reviendra vers vous si besoin. Si vous avez changé d’avis, écrivez-lui pour recevoir un nouveau lien.</p>`;
  return { subject, text, html: emailFrame(subject, body, contactEmail) };
}
