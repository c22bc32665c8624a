/** The signataire's countersignature of a whole campaign: what it will seal, the form that starts it, then its job. */
import type { listConventions } from '../../../functions/domain/list-conventions.ts';
import type { Campaign } from '../../../functions/domain/model.ts';
import type { JobView } from '../../../functions/domain/jobs/job-view.ts';
import { formatEuros, formatInteger, formatParisDateTime } from '../../format/french.ts';
import { html } from '../html.ts';
import { importJobDetails } from './campaign-setup-pages.ts';
import { consolePage, csrfField, type ConsoleUser } from './layout.ts';

type ConventionListItem = ReturnType<typeof listConventions>['items'][number];

export function campaignCountersignPage(input: { campaign: Campaign; signed: { total: number; items: readonly ConventionListItem[] }; user: ConsoleUser }): string {
  const { campaign, signed } = input;
  const more = signed.total - signed.items.length;
  const body = html`<h1>Contresigner la campagne ${campaign.schoolYear}</h1>
${signed.total === 0
    ? html`<p>Aucune convention de la campagne n'attend la contresignature : aucune n'est signée par la commune sans être déjà contresignée.</p>`
    : html`<p>${formatInteger(signed.total)} convention${signed.total > 1 ? 's signées' : ' signée'} par la commune ${signed.total > 1 ? 'seront contresignées' : 'sera contresignée'} au nom de ${campaign.signatory.name}, ${campaign.signatory.title} : chaque document final est scellé, horodaté et envoyé aux deux parties.</p>
<div class="fr-table"><table tabindex="0"><caption>Les conventions qui seront contresignées</caption>
<thead><tr><th scope="col">Commune</th><th scope="col">Écoles</th><th scope="col">Montant</th></tr></thead>
<tbody>${signed.items.map((item) => html`<tr><td><a href="/console/conventions/${item.id}">${item.commune.name}</a></td><td>${item.schoolCount}</td><td>${formatEuros(item.amountCents)}</td></tr>`)}</tbody></table></div>
${more > 0 ? html`<p>Et ${formatInteger(more)} autre${more > 1 ? 's' : ''}, au-delà de cette liste.</p>` : ''}
<form method="post" action="/console/campagnes/${campaign.schoolYear}/contresigner">${csrfField(input.user)}<button type="submit" class="fr-btn">Contresigner les ${formatInteger(signed.total)} conventions signées</button></form>`}`;
  return consolePage({
    title: `Contresigner la campagne ${campaign.schoolYear}`,
    user: input.user,
    breadcrumb: [{ label: 'Campagnes', href: '/console/campagnes' }, { label: `Campagne ${campaign.schoolYear}`, href: `/console/campagnes/${campaign.schoolYear}` }, { label: 'Contresigner' }],
    body,
  });
}

const STATE_LABEL: Record<JobView['state'], string> = { running: 'En cours', done: 'Terminée', failed: 'Échouée' };
const STATE_BADGE: Record<JobView['state'], string> = { running: 'fr-badge--info', done: 'fr-badge--success', failed: 'fr-badge--error' };

/** GET /console/taches/{id}: where a job stands, and every failure with its reason; reload the page to follow it. */
export function jobPage(input: { job: JobView; user: ConsoleUser }): string {
  const { job } = input;
  const title = job.label ?? `Tâche ${job.kind}`;
  const body = html`<h1>${title}</h1>
<p><span class="fr-badge ${STATE_BADGE[job.state]}">${STATE_LABEL[job.state]}</span></p>
<p>${formatInteger(job.done)} sur ${formatInteger(job.total)} traitée${job.total > 1 ? 's' : ''}${job.failedCount ? html`, dont ${formatInteger(job.failedCount)} en échec` : ''}.</p>
<p>Commencée le ${formatParisDateTime(job.startedAt)}${job.finishedAt ? html`, terminée le ${formatParisDateTime(job.finishedAt)}` : ''}.</p>
${job.reason ? html`<div class="fr-alert fr-alert--warning fr-mb-3w"><p>${job.reason}</p></div>` : ''}
${job.state === 'running' ? html`<p><a class="fr-link" href="/console/taches/${job.id}">Actualiser</a></p>` : ''}
${job.kind === 'import-campaign' ? importJobDetails(job) : job.failed.length ? html`<div class="fr-table"><table tabindex="0"><caption>Échecs</caption><thead><tr><th scope="col">Objet</th><th scope="col">Raison</th><th scope="col">Date</th></tr></thead>
<tbody>${job.failed.map((failure) => html`<tr><td>${failure.item}</td><td>${failure.reason}</td><td>${formatParisDateTime(failure.at)}</td></tr>`)}</tbody></table></div>` : ''}`;
  return consolePage({ title, user: input.user, breadcrumb: [{ label: 'Campagnes', href: '/console/campagnes' }, { label: title }], body });
}
