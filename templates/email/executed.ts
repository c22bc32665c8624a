/** The final document, to both parties, once the rectorat has countersigned. */
import type { Convention } from '../../functions/domain/model.ts';
import { formatEuros, formatFrenchDate, formatParisDateTime } from '../format/french.ts';
import { html } from '../pages/html.ts';
import { emailFrame, referenceLines } from './frame.ts';

export function executedEmail({ convention, contactEmail }: { convention: Convention; contactEmail: string }) {
  const commune = convention.commune.name;
  const when = convention.executedAt ? formatParisDateTime(convention.executedAt) : '';
  const by = convention.countersignature?.signerName ?? '';
  const subject = `Convention ENT-École ${convention.schoolYear} exécutoire – commune de ${commune}`;
  const reference = referenceLines(convention);
  const text = [
    'Madame, Monsieur le Maire,',
    '',
    `La convention ENT-École ${convention.schoolYear} de la commune de ${commune} a été contresignée par ${by} le ${when}\u00a0: elle est exécutoire.`,
    'Vous trouverez en pièce jointe le document final, signé par les deux parties.',
    '',
    `La région académique émettra un titre de perception de ${formatEuros(convention.amountCents)} TTC. La convention se termine le ${formatFrenchDate(convention.endDate)}.`,
    '',
    ...reference.text,
    `Une question\u00a0? Écrivez au rectorat\u00a0: ${contactEmail}`,
  ].join('\n');
  const body = html`<p>Madame, Monsieur le Maire,</p>
<p>La convention ENT-École ${convention.schoolYear} de la commune de <strong>${commune}</strong> a été contresignée par ${by} le ${when}\u00a0: elle est <strong>exécutoire</strong>. Vous trouverez en pièce jointe le document final, signé par les deux parties.</p>
<p>La région académique émettra un titre de perception de <strong>${formatEuros(convention.amountCents)}</strong> TTC. La convention se termine le ${formatFrenchDate(convention.endDate)}.</p>`;
  return { subject, text, html: emailFrame(subject, html`${body}${reference.html}`, contactEmail) };
}
