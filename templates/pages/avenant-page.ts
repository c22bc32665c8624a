/** GET /avenant/{token}: the change of the list of schools, the 15 October rule, and the form to sign. */
import type { FieldIssue } from '../../functions/domain/errors.ts';
import type { Avenant, Convention, School } from '../../functions/domain/model.ts';
import { schoolChange } from '../../functions/domain/avenant-rules.ts';
import { deadlineNotice } from '../email/avenant.ts';
import { formatEuros, formatParisDateTime } from '../format/french.ts';
import { html, page, raw, type SafeHtml } from './html.ts';
import { inputGroup } from './signing-page.ts';

const schoolItem = (school: School) => html`<li>UAI ${school.uai}${school.name ? ` – ${school.name}` : ''} (${school.type})</li>`;

function changeSummary(convention: Convention, avenant: Avenant): SafeHtml {
  const change = schoolChange(avenant.previousSchools, avenant.schools);
  return html`<div class="fr-card fr-mb-3w"><div class="fr-card__body"><div class="fr-card__content">
<h2 class="fr-card__title">Commune de ${convention.commune.name} – ${avenant.schoolYear}</h2>
<div class="fr-card__desc">
<p>Liste actuelle : ${avenant.previousSchools.length} école(s), ${formatEuros(avenant.previousSchools.length * avenant.feeCents)} TTC pour ${avenant.schoolYear}.</p>
<p>Liste demandée : ${avenant.schools.length} école(s), ${formatEuros(avenant.schools.length * avenant.feeCents)} TTC pour ${avenant.schoolYear}.</p>
${change.added.length ? html`<p class="fr-text--bold">Écoles ajoutées</p><ul>${change.added.map(schoolItem)}</ul>` : ''}
${change.removed.length ? html`<p class="fr-text--bold">Écoles retirées</p><ul>${change.removed.map(schoolItem)}</ul>` : ''}
${avenant.warnings.map((warning) => html`<p class="fr-text--sm">${warning}</p>`)}
</div></div></div></div>`;
}

export function avenantPage(input: { convention: Convention; avenant: Avenant; token: string; contactEmail: string; today: string; issues?: FieldIssue[]; values?: Record<string, string> }): string {
  const { convention, avenant, token, contactEmail, issues = [], values = {} } = input;
  const error = (field: string) => issues.find((issue) => issue.field === field)?.message;
  const checked = (field: string, value: string) => (values[field] === value ? raw(' checked') : '');
  const body = html`<h1>Avenant à la convention ENT-École ${avenant.schoolYear}</h1>
${issues.length ? html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><h2 class="fr-alert__title">L'avenant n'a pas été signé</h2><p>${issues.map((issue) => issue.message).join(' ')}</p></div>` : ''}
<div class="fr-alert fr-alert--warning fr-mb-3w"><p>${deadlineNotice(avenant.schoolYear, input.today)}</p></div>
${changeSummary(convention, avenant)}
<p><a class="fr-btn fr-btn--secondary" href="/avenant/${token}/document">Lire l'avenant (PDF)</a></p>
<p class="fr-text--sm">Empreinte SHA-256 de l'avenant\u00a0: <span class="paraphe-hash">${avenant.document.sha256}</span></p>
<section aria-labelledby="sign-title"><h2 id="sign-title">Signer l'avenant au nom de la commune</h2>
<form method="post" action="/avenant/${token}" novalidate>
${inputGroup({ id: 'signerName', label: 'Votre nom complet', value: values.signerName, error: error('signerName'), autocomplete: 'name' })}
<fieldset class="fr-fieldset" aria-labelledby="capacity-legend"><legend class="fr-fieldset__legend" id="capacity-legend">Vous signez en qualité de</legend>
<div class="fr-fieldset__element"><div class="fr-radio-group"><input type="radio" id="capacity-maire" name="capacity" value="maire"${checked('capacity', 'maire')}><label class="fr-label" for="capacity-maire">Maire</label></div></div>
<div class="fr-fieldset__element"><div class="fr-radio-group"><input type="radio" id="capacity-delegation" name="capacity" value="delegation"${checked('capacity', 'delegation')}><label class="fr-label" for="capacity-delegation">Par délégation du maire</label></div></div>
</fieldset>
${inputGroup({ id: 'delegateFunction', label: 'Votre fonction, si vous signez par délégation', value: values.delegateFunction, error: error('delegateFunction') })}
<div class="fr-checkbox-group fr-mb-3w"><input type="checkbox" id="consent" name="consent" value="on"${checked('consent', 'on')}><label class="fr-label" for="consent">J'ai lu l'avenant et je le signe au nom de la commune</label></div>
<button type="submit" class="fr-btn">Signer l'avenant</button>
</form></section>`;
  return page({ title: `Avenant ${avenant.schoolYear} – ${convention.commune.name}`, body, contactEmail });
}

export function avenantSignedPage(input: { convention: Convention; avenant: Avenant; token: string; contactEmail: string; justSigned: boolean }): string {
  const { convention, avenant, token, contactEmail } = input;
  const body = html`<h1>${input.justSigned ? 'Avenant signé, merci' : 'Cet avenant est déjà signé'}</h1>
<div class="fr-alert fr-alert--success fr-mb-3w" role="status"><p>L'avenant a été signé le ${formatParisDateTime(avenant.signedAt ?? '')}. ${avenant.outcome?.effect ?? ''}</p></div>
<p>La convention de la commune de ${convention.commune.name} compte désormais ${convention.schools.length} école(s) ; montant pour ${avenant.schoolYear}\u00a0: ${formatEuros(convention.amountCents)} TTC.</p>
${avenant.signedDocument
    ? html`<p><a class="fr-btn" href="/avenant/${token}/document">Télécharger l'avenant signé (PDF)</a></p>`
    : html`<p>La copie signée de l'avenant est en cours de préparation\u00a0: elle vous parviendra par courriel dans quelques minutes.</p>
<p><a class="fr-btn fr-btn--secondary" href="/avenant/${token}/document">Télécharger l'avenant (PDF, avant signature)</a></p>`}`;
  return page({ title: 'Avenant signé', body, contactEmail });
}

/** The part of the convention's page where a mayor asks for a change of the list of schools. */
export function avenantRequestForm(convention: Convention, token: string, issues: FieldIssue[] = [], value?: string): SafeHtml {
  const lines = value ?? convention.schools.map((school) => `${school.uai} ; ${school.type}${school.name ? ` ; ${school.name}` : ''}`).join('\n');
  const message = issues.map((issue) => issue.message).join(' ');
  return html`<section class="fr-mt-4w" aria-labelledby="avenant-title"><details${issues.length ? raw(' open') : ''}><summary><h2 id="avenant-title" class="fr-h6" style="display:inline">Modifier la liste des écoles (avenant)</h2></summary>
<form method="post" action="/sign/${token}/avenant" novalidate class="fr-mt-2w">
<div class="fr-input-group${message ? ' fr-input-group--error' : ''}"><label class="fr-label" for="schools">Nouvelle liste des écoles, une par ligne\u00a0: UAI ; type ; nom<span class="fr-hint-text">Type\u00a0: maternelle, élémentaire ou primaire. Par exemple\u00a0: 0341401N ; maternelle ; LES PINS</span></label>
<textarea class="fr-input" id="schools" name="schools" rows="5"${message ? raw(' aria-describedby="schools-error"') : ''}>${lines}</textarea>
${message ? html`<p class="fr-error-text" id="schools-error">${message}</p>` : ''}</div>
<button type="submit" class="fr-btn fr-btn--secondary">Préparer l'avenant</button>
</form></details></section>`;
}
