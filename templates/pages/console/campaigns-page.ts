/** GET /console/campagnes: every campaign, the latest first. */
import type { Campaign } from '../../../functions/domain/model.ts';
import { formatEuros, formatFrenchDate } from '../../format/french.ts';
import { html } from '../html.ts';
import { consolePage, type ConsoleUser } from './layout.ts';

export function campaignsPage(input: { campaigns: Campaign[]; user: ConsoleUser }): string {
  const body = input.campaigns.length
    ? html`<div class="fr-table"><table tabindex="0"><caption>Campagnes par année scolaire</caption>
<thead><tr><th scope="col">Année scolaire</th><th scope="col">Tarif par école</th><th scope="col">Fin des conventions</th><th scope="col">Signataire</th></tr></thead>
<tbody>${input.campaigns.map(
        (campaign) => html`<tr><td><a href="/console/campagnes/${campaign.schoolYear}">Campagne ${campaign.schoolYear}</a></td><td>${formatEuros(campaign.feeCents)}</td><td>${formatFrenchDate(campaign.endDate)}</td><td>${campaign.signatory.name}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p>Aucune campagne n'est encore ouverte.</p>`;
  const open = input.user.roles.includes('gestionnaire') ? html`<p><a class="fr-btn" href="/console/nouvelle-campagne">Ouvrir une campagne</a></p>` : '';
  const jobs = html`<p><a class="fr-link" href="/console/taches">Les tâches en cours et récentes</a></p>`;
  return consolePage({ title: 'Campagnes', user: input.user, body: html`<h1>Campagnes</h1>${open}${body}${jobs}` });
}
