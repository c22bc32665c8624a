/** GET /console/campagnes/{schoolYear}: a campaign's figures and its conventions, filtered by status, département and text. */
import type { CampaignConventionsView } from '../../../functions/domain/list-conventions.ts';
import { CONVENTION_STATUSES } from '../../../functions/domain/campaign-stats.ts';
import { formatEuros, formatInteger } from '../../format/french.ts';
import { html, raw } from '../html.ts';
import { consolePage, type ConsoleUser } from './layout.ts';
import { OCCITANIE_DEPARTEMENTS, STATUS_BADGE, STATUS_LABEL } from './labels.ts';

export interface ConventionFilters {
  status?: string;
  departement?: string;
  q?: string;
}

export function conventionsPage(input: { view: CampaignConventionsView; filters: ConventionFilters; user: ConsoleUser }): string {
  const { campaign, stats, list } = input.view;
  const { filters } = input;
  const selected = (value: string, current: string | undefined) => (value === current ? raw(' selected') : '');
  const query = (cursor: number) => new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, value]) => value)), cursor: String(cursor) }).toString();
  const body = html`<h1>Campagne ${campaign.schoolYear}</h1>
<ul class="fr-tags-group fr-mb-3w" aria-label="Chiffres de la campagne">
<li><p class="fr-tag">${formatInteger(stats.conventions)} conventions</p></li>
<li><p class="fr-tag">${formatInteger(stats.signedConventions)} signées par la commune</p></li>
<li><p class="fr-tag">${formatInteger(stats.byStatus.executed)} exécutoires</p></li>
<li><p class="fr-tag">Attendu : ${formatEuros(stats.expectedCents)}</p></li>
<li><p class="fr-tag">Signé : ${formatEuros(stats.signedCents)}</p></li></ul>
<ul class="fr-btns-group fr-btns-group--inline-md fr-mb-3w" aria-label="Télécharger et agir">
<li><a class="fr-btn" href="/console/campagnes/${campaign.schoolYear}/tableau-de-bord">Tableau de bord</a></li>
<li><a class="fr-btn fr-btn--secondary" href="/console/campagnes/${campaign.schoolYear}/facturation">Facturation et titres</a></li>
<li><a class="fr-btn fr-btn--secondary" href="/console/campagnes/${campaign.schoolYear}/billing.csv" download>Facturation (billing.csv)</a></li>
<li><a class="fr-btn fr-btn--secondary" href="/console/campagnes/${campaign.schoolYear}/billing.csv?reste=1" download>Reste à facturer (sans titre de perception)</a></li>
${input.user.roles.includes('gestionnaire') ? html`<li><a class="fr-btn fr-btn--secondary" href="/console/campagnes/${campaign.schoolYear}/importer">Importer des communes</a></li>
<li><a class="fr-btn fr-btn--secondary" href="/console/campagnes/${campaign.schoolYear}/ajouter">Ajouter une commune</a></li>
<li><a class="fr-btn" href="/console/campagnes/${campaign.schoolYear}/envoyer">Envoyer la campagne (${formatInteger(stats.byStatus.draft)} en brouillon)</a></li>` : ''}
${input.user.roles.includes('signataire') ? html`<li><a class="fr-btn" href="/console/campagnes/${campaign.schoolYear}/contresigner">Contresigner les conventions signées (${formatInteger(stats.byStatus.signed)})</a></li>` : ''}</ul>
<form method="get" action="/console/campagnes/${campaign.schoolYear}" class="fr-mb-3w"><fieldset class="fr-fieldset"><legend class="fr-fieldset__legend">Filtrer les conventions</legend>
<div class="fr-fieldset__element fr-col-12 fr-col-md-4"><div class="fr-select-group"><label class="fr-label" for="status">Statut</label><select class="fr-select" id="status" name="status"><option value="">Tous les statuts</option>${CONVENTION_STATUSES.map((status) => html`<option value="${status}"${selected(status, filters.status)}>${STATUS_LABEL[status]}</option>`)}</select></div></div>
<div class="fr-fieldset__element fr-col-12 fr-col-md-4"><div class="fr-select-group"><label class="fr-label" for="departement">Département</label><select class="fr-select" id="departement" name="departement"><option value="">Tous les départements</option>${OCCITANIE_DEPARTEMENTS.map((code) => html`<option value="${code}"${selected(code, filters.departement)}>${code}</option>`)}</select></div></div>
<div class="fr-fieldset__element fr-col-12 fr-col-md-4"><div class="fr-input-group"><label class="fr-label" for="q">Commune, SIRET, maire ou UAI</label><input class="fr-input" id="q" name="q" value="${filters.q ?? ''}"></div></div>
<div class="fr-fieldset__element"><button type="submit" class="fr-btn">Filtrer</button></div></fieldset></form>
<div class="fr-table"><table tabindex="0"><caption>${formatInteger(list.total)} convention${list.total > 1 ? 's' : ''}${list.total ? ` (de ${list.items.length ? 1 : 0} à ${list.items.length})` : ''}</caption>
<thead><tr><th scope="col">Commune</th><th scope="col">Écoles</th><th scope="col">Montant</th><th scope="col">Statut</th></tr></thead>
<tbody>${list.items.map(
    (item) => html`<tr><td><a href="/console/conventions/${item.id}">${item.commune.name}</a></td><td>${item.schoolCount}</td><td>${formatEuros(item.amountCents)}</td><td><p class="fr-badge fr-badge--sm ${STATUS_BADGE[item.status]}">${STATUS_LABEL[item.status]}</p></td></tr>`,
  )}</tbody></table></div>
${list.nextCursor !== undefined ? html`<p><a class="fr-link fr-link--icon-right" href="/console/campagnes/${campaign.schoolYear}?${query(list.nextCursor)}">Conventions suivantes</a></p>` : ''}
<h2>Par département</h2>
<div class="fr-table"><table tabindex="0"><caption>La campagne par département (toutes les conventions)</caption>
<thead><tr><th scope="col">Département</th><th scope="col">Académie</th><th scope="col">Conventions</th><th scope="col">Signées par la commune</th><th scope="col">Attendu</th><th scope="col">Signé</th></tr></thead>
<tbody>${stats.byDepartement.map(
    (row) => html`<tr><td>${row.departement}</td><td>${row.academie ?? 'Hors Occitanie'}</td><td>${formatInteger(row.conventions)}</td><td>${formatInteger(row.signedConventions)}</td><td>${formatEuros(row.expectedCents)}</td><td>${formatEuros(row.signedCents)}</td></tr>`,
  )}</tbody></table></div>`;
  return consolePage({ title: `Campagne ${campaign.schoolYear}`, user: input.user, breadcrumb: [{ label: 'Campagnes', href: '/console/campagnes' }, { label: `Campagne ${campaign.schoolYear}` }], body });
}
