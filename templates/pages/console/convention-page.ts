/** GET /console/conventions/{id}: a convention, its dated history and, for a signataire, the countersignature. */
import type { ConventionWithHistory } from '../../../functions/domain/model.ts';
import { describeEvent } from '../../format/audit-event.ts';
import { formatParisDateTime } from '../../format/french.ts';
import { conventionSummary } from '../convention-summary.ts';
import { html } from '../html.ts';
import type { AvenantView } from '../../../functions/domain/model.ts';
import { avenantsSection } from './avenant-pages.ts';
import { consolePage, csrfField, type ConsoleUser } from './layout.ts';
import { EVENT_LABEL, STATUS_BADGE, STATUS_LABEL } from './labels.ts';

export function conventionPage(input: { found: ConventionWithHistory; avenants?: readonly AvenantView[]; user: ConsoleUser; notice?: string }): string {
  const { convention, history } = input.found;
  const canCountersign = input.user.roles.includes('signataire') && convention.status === 'signed';
  const manages = input.user.roles.includes('gestionnaire');
  // The statuses the core accepts (resend-link.ts, cancel-convention.ts): other buttons would only lead to a refusal.
  const canResend = manages && convention.status === 'sent';
  const canCancel = manages && ['draft', 'sent', 'declined'].includes(convention.status);
  const events = [...history].sort((a, b) => a.at.localeCompare(b.at));
  const body = html`<h1>Convention de ${convention.commune.name}, ${convention.schoolYear}</h1>
${input.notice ? html`<div class="fr-alert fr-alert--success fr-mb-3w" role="status"><p>${input.notice}</p></div>` : ''}
<p><span class="fr-badge ${STATUS_BADGE[convention.status]}">${STATUS_LABEL[convention.status]}</span></p>
${conventionSummary(convention)}
<p>Maire : ${convention.mayor.name} (${convention.mayor.title}), ${convention.mayor.email}</p>
<ul class="fr-btns-group fr-btns-group--inline-md fr-mb-3w" aria-label="Télécharger et agir">
<li><a class="fr-btn fr-btn--secondary" href="/console/conventions/${convention.id}/audit.json" download>Journal d'audit (audit.json)</a></li>
<li><a class="fr-btn fr-btn--secondary" href="/console/conventions/${convention.id}/evidence.zip" download>Dossier de preuve (evidence.zip)</a></li>
${canResend ? html`<li><a class="fr-btn fr-btn--secondary" href="/console/conventions/${convention.id}/renvoyer">Renvoyer le lien</a></li>` : ''}
${canCancel ? html`<li><a class="fr-btn fr-btn--tertiary" href="/console/conventions/${convention.id}/annuler">Annuler la convention</a></li>` : ''}</ul>
${canCountersign ? html`<section class="fr-mb-4w" aria-labelledby="countersign-title"><h2 id="countersign-title">Contresigner</h2><p>La commune a signé : la contresignature rend la convention exécutoire et envoie le document final aux deux parties.</p><form method="post" action="/console/conventions/${convention.id}/contresigner">${csrfField(input.user)}<button type="submit" class="fr-btn">Contresigner la convention</button></form></section>` : ''}
${avenantsSection({ convention, avenants: input.avenants ?? [], user: input.user })}
<section aria-labelledby="history-title"><h2 id="history-title">Historique</h2>
<div class="fr-table"><table tabindex="0"><caption>Historique de la convention, du plus ancien au plus récent</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Événement</th><th scope="col">Par</th><th scope="col">Détail</th></tr></thead>
<tbody>${events.map((event) => html`<tr><td>${formatParisDateTime(event.at)}</td><td>${EVENT_LABEL[event.type] ?? event.type}</td><td>${event.actor}</td><td>${describeEvent(event)}</td></tr>`)}</tbody></table></div></section>`;
  return consolePage({
    title: `Convention de ${convention.commune.name}`,
    user: input.user,
    breadcrumb: [{ label: 'Campagnes', href: '/console/campagnes' }, { label: `Campagne ${convention.schoolYear}`, href: `/console/campagnes/${convention.schoolYear}` }, { label: convention.commune.name }],
    body,
  });
}
