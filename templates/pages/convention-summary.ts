import type { Convention } from '../../functions/core/model.ts';
import { departementOfUai, formatEuros, formatFrenchDate } from '../format/french.ts';
import { html, type SafeHtml } from './html.ts';

const TYPE_LABEL = { maternelle: 'École maternelle publique', elementaire: 'École élémentaire publique', primaire: 'École primaire publique' };

/** What the mayor signs for: commune, schools, amount, end date. */
export function conventionSummary(convention: Convention): SafeHtml {
  const count = convention.schools.length;
  return html`<section><h2>Commune de ${convention.commune.name}</h2><dl>
<dt>Année scolaire</dt><dd>${convention.schoolYear}</dd>
<dt>SIRET</dt><dd>${convention.commune.siret}</dd>
<dt>Écoles inscrites (${count})</dt><dd><ul>${convention.schools.map(
    (school) => html`<li>${TYPE_LABEL[school.type]}${school.name ? ` ${school.name}` : ''} (${departementOfUai(school.uai)}) – ${school.uai}</li>`,
  )}</ul></dd>
<dt>Montant</dt><dd>${count} × ${formatEuros(convention.feeCents)} = <strong>${formatEuros(convention.amountCents)}</strong> TTC pour l'année scolaire</dd>
<dt>Fin de la convention</dt><dd>${formatFrenchDate(convention.endDate)}</dd>
</dl></section>`;
}
