/**
 * The notice to the mayor's previous address when the rectorat sends the
 * signing link to another one: what happened, when, and to which address,
 * masked. No link: the one this address had is dead, and the new one is not
 * its to see.
 */
import { maskEmail } from '../format/email-address.ts';
import { formatParisDateTime, typeset } from '../format/french.ts';
import { html } from '../pages/html.ts';
import { emailFrame } from './frame.ts';

export interface AddressChangeNotice {
  communeName: string;
  schoolYear: string;
  /** When the new link was sent (ISO-8601 UTC). */
  at: string;
  /** The new address, shown masked. */
  next: string;
  contactEmail: string;
}

export function addressChangedEmail(notice: AddressChangeNotice) {
  const { communeName, schoolYear, contactEmail } = notice;
  const when = formatParisDateTime(notice.at);
  const masked = maskEmail(notice.next);
  const subject = typeset(`Convention ENT-École ${schoolYear} – commune de ${communeName} : lien de signature envoyé à une autre adresse`);
  const lines = [
    `À la demande du rectorat, le lien de signature de la convention ENT-École de la commune de ${communeName} pour l'année scolaire ${schoolYear} a été envoyé le ${when} à une autre adresse (${masked}).`,
    "Le lien que vous aviez reçu à cette adresse-ci ne fonctionne plus, et vous ne recevrez plus de courriel au sujet de cette convention.",
    "Si ce changement vous surprend, ou si vous pensez qu'il s'agit d'une erreur, écrivez au rectorat.",
  ].map(typeset);
  const text = ['Madame, Monsieur,', '', ...lines.flatMap((line) => [line, '']), typeset(`Une question ? Écrivez au rectorat : ${contactEmail}`)].join('\n');
  const body = html`<p>Madame, Monsieur,</p>
${lines.map((line) => html`<p>${line}</p>`)}`;
  return { subject, text, html: emailFrame(subject, body, contactEmail) };
}
