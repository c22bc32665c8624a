import type { Convention } from '../../functions/domain/model.ts';
import { departementOfUai } from '../../functions/domain/identifiers.ts';
import { formatEuros, formatFrenchDate } from '../format/french.ts';
import { html, type SafeHtml } from './html.ts';

const TYPE_LABEL = { maternelle: 'École maternelle publique', elementaire: 'École élémentaire publique', primaire: 'École primaire publique' };

/** What the mayor signs for: commune, schools, amount, end date. */
export function conventionSummary(convention: Convention): SafeHtml {
  const count = convention.schools.length;
  return html`<div class="fr-card fr-mb-3w"><div class="fr-card__body"><div class="fr-card__content">
<h2 class="fr-card__title">Commune de ${convention.commune.name}</h2>
<dl class="fr-card__desc">
${convention.reference ? html`<dt class="fr-text--bold">Référence</dt><dd>${convention.reference}</dd>` : ''}
<dt class="fr-text--bold">Année scolaire</dt><dd>${convention.schoolYear}</dd>
<dt class="fr-text--bold">SIRET</dt><dd>${convention.commune.siret}</dd>
<dt class="fr-text--bold">Écoles inscrites (${count})</dt><dd><ul>${convention.schools.map(
    (school) => html`<li>${TYPE_LABEL[school.type]}${school.name ? ` ${school.name}` : ''}, département ${departementOfUai(school.uai)} – UAI ${school.uai}</li>`,
  )}</ul></dd>
<dt class="fr-text--bold">Montant</dt><dd>${count} × ${formatEuros(convention.feeCents)} = <strong>${formatEuros(convention.amountCents)}</strong> TTC pour l'année scolaire</dd>
<dt class="fr-text--bold">Fin de la convention</dt><dd>${formatFrenchDate(convention.endDate)}</dd>
</dl></div></div></div>`;
}
