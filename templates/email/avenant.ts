/** The avenant emails: one to sign (with the 15 October rule), one with the signed avenant and its effect. */
import { lateRuleNotice } from '../format/avenant-phrases.ts';
import { avenantWindow } from '../../functions/domain/calendar.ts';
import type { Avenant, Convention } from '../../functions/domain/model.ts';
import { formatEuros, formatFrenchDate, typeset } from '../format/french.ts';
import { html } from '../pages/html.ts';
import { emailFrame, referenceLines } from './frame.ts';

export function deadlineNotice(schoolYear: string, today: string): string {
  const { closes } = avenantWindow(schoolYear);
  return today > closes
    ? typeset(`Attention : le ${formatFrenchDate(closes)} est passé. ${lateRuleNotice(schoolYear)}`)
    : typeset(`Pour compter dès cette année, l'avenant signé doit parvenir au rectorat au plus tard le ${formatFrenchDate(closes)}. ${lateRuleNotice(schoolYear)}`);
}

export function avenantEmail(input: { convention: Convention; avenant: Avenant; signingUrl: string; contactEmail: string; today: string }) {
  const { convention, avenant } = input;
  const commune = convention.commune.name;
  const subject = typeset(`Avenant à la convention ENT-École ${avenant.schoolYear} à signer – commune de ${commune}`);
  const list = avenant.schools.map((school) => `${school.uai}${school.name ? ` ${school.name}` : ''}`).join(', ');
  const lines = [
    typeset(`Le rectorat a préparé un avenant à la convention ENT-École ${avenant.schoolYear} de la commune de ${commune} : ${avenant.previousSchools.length} école(s) deviennent ${avenant.schools.length} (${list}), soit ${formatEuros(avenant.schools.length * avenant.feeCents)} TTC pour ${avenant.schoolYear}.`),
    deadlineNotice(avenant.schoolYear, input.today),
  ];
  const reference = referenceLines(convention);
  const text = ['Madame, Monsieur le Maire,', '', ...lines, '', ...reference.text, 'Pour lire et signer l’avenant (lien personnel, ne le transmettez pas) :', input.signingUrl, '', `Une question ? Écrivez au rectorat : ${input.contactEmail}`].join('\n');
  const body = html`<p>Madame, Monsieur le Maire,</p>${lines.map((line) => html`<p>${line}</p>`)}${reference.html}
<p><a href="${input.signingUrl}" style="display:inline-block;background:#000091;color:#ffffff;padding:12px 20px;text-decoration:none">Lire et signer l'avenant</a></p>`;
  return { subject, text, html: emailFrame(subject, body, input.contactEmail) };
}

export function signedAvenantEmail(input: { convention: Convention; avenant: Avenant; contactEmail: string }) {
  const { convention, avenant } = input;
  const subject = typeset(`Avenant à la convention ENT-École ${avenant.schoolYear} signé – commune de ${convention.commune.name}`);
  const effect = typeset(avenant.outcome?.effect ?? '');
  const text = ['Madame, Monsieur le Maire,', '', typeset(`L'avenant à la convention de la commune de ${convention.commune.name} est signé ; vous le trouverez en pièce jointe.`), effect, typeset(`Montant pour ${avenant.schoolYear} : ${formatEuros(convention.amountCents)} TTC.`), '', `Une question ? Écrivez au rectorat : ${input.contactEmail}`].join('\n');
  const body = html`<p>Madame, Monsieur le Maire,</p><p>${typeset(`L'avenant à la convention de la commune de ${convention.commune.name} est signé ; vous le trouverez en pièce jointe.`)}</p><p>${effect}</p><p>${typeset(`Montant pour ${avenant.schoolYear} : ${formatEuros(convention.amountCents)} TTC.`)}</p>`;
  return { subject, text, html: emailFrame(subject, body, input.contactEmail) };
}

export function executedAvenantEmail(input: { convention: Convention; avenant: Avenant; contactEmail: string }) {
  const { convention, avenant } = input;
  const subject = typeset(`Avenant à la convention ENT-École ${avenant.schoolYear} contresigné – commune de ${convention.commune.name}`);
  const line = typeset(`La rectrice a contresigné l'avenant à la convention de la commune de ${convention.commune.name} ; il est exécutoire. Vous le trouverez en pièce jointe.`);
  const text = ['Madame, Monsieur le Maire,', '', line, typeset(avenant.outcome?.effect ?? ''), '', `Une question ? Écrivez au rectorat : ${input.contactEmail}`].join('\n');
  const body = html`<p>Madame, Monsieur le Maire,</p><p>${line}</p><p>${typeset(avenant.outcome?.effect ?? '')}</p>`;
  return { subject, text, html: emailFrame(subject, body, input.contactEmail) };
}
