/**
 * GET /console/campagnes/{schoolYear}/tableau-de-bord: where a campaign stands. Its conventions by status,
 * by académie and by département with the amounts expected and signed; its jobs still running; what falls
 * due in the next 14 days; the mayors' addresses SES reported as undeliverable, each with the way to
 * send the link to a corrected address.
 */
import { addDays } from '../../../functions/domain/calendar.ts';
import { DUE_HORIZON_DAYS, type CampaignDashboard, type Deadline, type DueSoon } from '../../../functions/domain/campaign-dashboard.ts';
import { CONVENTION_STATUSES, departementOf, type StatsTotals } from '../../../functions/domain/campaign-stats.ts';
import { formatEuros, formatFrenchDate, formatInteger, formatParisDateTime } from '../../format/french.ts';
import { html, type SafeHtml } from '../html.ts';
import { jobsTable } from './jobs-page.ts';
import { consolePage, type ConsoleUser } from './layout.ts';
import { STATUS_BADGE, STATUS_LABEL } from './labels.ts';

const DUE_LABEL: Record<DueSoon['kind'], string> = {
  unsigned: 'Relance du maire : convention non signée',
  'avenant-window-open': "Message au maire : ouverture de la période des avenants",
  'avenant-deadline': 'Rappel au maire : date limite des avenants (15 octobre)',
  'end-date': 'Rappel au maire : fin prochaine de la convention',
  'link-expiry': 'Fin de validité du lien de signature',
};

const plural = (count: number, one: string, many: string) => `${formatInteger(count)} ${count > 1 ? many : one}`;

function deadlineLabel(deadline: Deadline): string {
  if (deadline.kind === 'convention-end') return 'Fin de la convention : sans signature, elle arrive à échéance';
  const concerned = plural(deadline.conventions ?? 0, 'convention signée concernée', 'conventions signées concernées');
  return deadline.kind === 'avenant-window-opens' ? `Ouverture de la période des avenants (${concerned})` : `Date limite des avenants, le 15 octobre (${concerned})`;
}

const conventionLink = (convention: { id: string; commune: { name: string } }) => html`<a href="/console/conventions/${convention.id}">${convention.commune.name}</a>`;

function figuresTable(caption: string, head: string, rows: { name: string; totals: StatsTotals }[]): SafeHtml {
  return html`<div class="fr-table"><table tabindex="0"><caption>${caption}</caption>
<thead><tr><th scope="col">${head}</th><th scope="col">Conventions</th><th scope="col">Écoles</th><th scope="col">Signées par la commune</th><th scope="col">Exécutoires</th><th scope="col">Montant attendu</th><th scope="col">Montant signé</th></tr></thead>
<tbody>${rows.map(
    ({ name, totals }) =>
      html`<tr><th scope="row">${name}</th><td>${formatInteger(totals.conventions)}</td><td>${formatInteger(totals.schools)}</td><td>${formatInteger(totals.signedConventions)}</td><td>${formatInteger(totals.byStatus.executed)}</td><td>${formatEuros(totals.expectedCents)}</td><td>${formatEuros(totals.signedCents)}</td></tr>`,
  )}</tbody></table></div>`;
}

export function dashboardPage(input: { dashboard: CampaignDashboard; user: ConsoleUser }): string {
  const { campaign, stats, today } = input.dashboard;
  const year = campaign.schoolYear;
  const manages = input.user.roles.includes('gestionnaire');
  const due = [
    ...input.dashboard.dueSoon.map((item) => ({ date: item.date, convention: item.convention, what: DUE_LABEL[item.kind] })),
    ...input.dashboard.deadlines.map((item) => ({ date: item.date, convention: item.convention, what: deadlineLabel(item) })),
  ].sort((a, b) => a.date.localeCompare(b.date) || (a.convention?.commune.name ?? '').localeCompare(b.convention?.commune.name ?? '', 'fr'));
  const running = input.dashboard.runningJobs;
  const undeliverable = input.dashboard.undeliverable;

  const body = html`<h1>Tableau de bord de la campagne ${year}</h1>
<p>Au ${formatFrenchDate(today)}. <a class="fr-link" href="/console/campagnes/${year}">Voir la liste des conventions</a></p>
<ul class="fr-tags-group fr-mb-3w" aria-label="Chiffres de la campagne">
<li><p class="fr-tag">${plural(stats.conventions, 'convention', 'conventions')}</p></li>
<li><p class="fr-tag">${plural(stats.schools, 'école', 'écoles')}</p></li>
<li><p class="fr-tag">Montant attendu : ${formatEuros(stats.expectedCents)}</p></li>
<li><p class="fr-tag">Montant signé : ${formatEuros(stats.signedCents)}</p></li></ul>

<section class="fr-mb-4w" aria-labelledby="statuts"><h2 id="statuts">Par statut</h2>
<div class="fr-table"><table tabindex="0"><caption>Les conventions de la campagne par statut</caption>
<thead><tr><th scope="col">Statut</th><th scope="col">Conventions</th></tr></thead>
<tbody>${CONVENTION_STATUSES.map(
    (status) => html`<tr><th scope="row"><a href="/console/campagnes/${year}?status=${status}"><span class="fr-badge fr-badge--sm ${STATUS_BADGE[status]}">${STATUS_LABEL[status]}</span></a></th><td>${formatInteger(stats.byStatus[status])}</td></tr>`,
  )}</tbody></table></div></section>

<section class="fr-mb-4w" aria-labelledby="academies"><h2 id="academies">Par académie</h2>
${figuresTable('La campagne par académie', 'Académie', stats.byAcademie.map((row) => ({ name: row.academie === 'Hors Occitanie' ? 'Hors Occitanie' : `Académie de ${row.academie}`, totals: row })))}</section>

<section class="fr-mb-4w" aria-labelledby="departements"><h2 id="departements">Par département</h2>
${figuresTable('La campagne par département', 'Département', stats.byDepartement.map((row) => ({ name: `${row.departement || 'inconnu'} (${row.academie ?? 'Hors Occitanie'})`, totals: row })))}</section>

<section class="fr-mb-4w" aria-labelledby="taches"><h2 id="taches">Tâches en cours</h2>
${running.length ? jobsTable(running, `Les tâches de la campagne ${year} en cours`) : html`<p>Aucune tâche de la campagne n'est en cours.</p>`}
<p><a class="fr-link" href="/console/taches">Toutes les tâches</a></p></section>

<section class="fr-mb-4w" aria-labelledby="echeances"><h2 id="echeances">Échéances des 14 prochains jours</h2>
${due.length
    ? html`<div class="fr-table"><table tabindex="0"><caption>Ce qui arrive à échéance d'ici le ${formatFrenchDate(addDays(today, DUE_HORIZON_DAYS))}, le plus proche d'abord</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Commune</th><th scope="col">Échéance</th></tr></thead>
<tbody>${due.map((item) => html`<tr><td>${formatFrenchDate(item.date)}</td><td>${item.convention ? conventionLink(item.convention) : html`Campagne ${year}`}</td><td>${item.what}</td></tr>`)}</tbody></table></div>`
    : html`<p>Aucune échéance dans les 14 prochains jours.</p>`}</section>

<section class="fr-mb-4w" aria-labelledby="adresses"><h2 id="adresses">Adresses en échec</h2>
${undeliverable.length
    ? html`<p>Les courriels à ces adresses ont été rejetés ou signalés comme indésirables : Paraphe ne leur écrit plus. Renvoyez le lien à une adresse corrigée.</p>
<div class="fr-table"><table tabindex="0"><caption>Les adresses de maires en échec</caption>
<thead><tr><th scope="col">Commune</th><th scope="col">Adresse</th><th scope="col">Motif</th><th scope="col">Signalée le</th><th scope="col">Action</th></tr></thead>
<tbody>${undeliverable.map(
        ({ convention, entry }) =>
          html`<tr><td>${conventionLink(convention)} (${departementOf(convention)})</td><td>${entry.address}</td><td>${entry.reason === 'bounce' ? 'Adresse rejetée' : 'Signalé comme indésirable'} : ${entry.detail}</td><td>${formatParisDateTime(entry.at)}</td><td>${
            manages && convention.status === 'sent'
              ? html`<a class="fr-link" href="/console/conventions/${convention.id}/renvoyer">Corriger l'adresse et renvoyer le lien<span class="fr-sr-only"> à ${convention.commune.name}</span></a>`
              : html`<a class="fr-link" href="/console/conventions/${convention.id}">Voir la convention<span class="fr-sr-only"> de ${convention.commune.name}</span></a>`
          }</td></tr>`,
      )}</tbody></table></div>`
    : html`<p>Aucune adresse de maire de la campagne n'est en échec.</p>`}</section>`;
  return consolePage({
    title: `Tableau de bord ${year}`,
    user: input.user,
    breadcrumb: [{ label: 'Campagnes', href: '/console/campagnes' }, { label: `Campagne ${year}`, href: `/console/campagnes/${year}` }, { label: 'Tableau de bord' }],
    body,
  });
}
