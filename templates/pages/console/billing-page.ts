/**
 * GET /console/campagnes/{schoolYear}/facturation: the campaign's billing files, the conventions still to
 * invoice (those billing.csv?reste=1 lists: exécutoires, without a titre de perception), and for each the
 * form that records its titre (number and date), whose errors show next to their field.
 */
import { parisDateOf } from '../../../functions/domain/calendar.ts';
import { billedSchoolCount } from '../../../functions/domain/billing.ts';
import { departementOf } from '../../../functions/domain/campaign-stats.ts';
import type { billingView } from '../../../functions/domain/campaign-dashboard.ts';
import type { Campaign, Convention } from '../../../functions/domain/model.ts';
import { formatEuros, formatFrenchDate, formatInteger } from '../../format/french.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import type { FormState } from './form-fields.ts';
import { consolePage, csrfField, type ConsoleUser } from './layout.ts';

export type BillingView = ReturnType<typeof billingView> & { campaign: Campaign };

/** The refused form of one convention, shown again with its errors. */
export interface TitreForm {
  conventionId: string;
  form: FormState;
}

function titreField(convention: Convention, state: FormState | undefined, options: { name: 'number' | 'date'; label: string; hint: string; type: string }): SafeHtml {
  const id = `titre-${convention.id}-${options.name}`;
  const errors = (state?.issues ?? []).filter((issue) => issue.field === options.name).map((issue) => issue.message);
  const described = [`${id}-hint`, errors.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="fr-input-group${errors.length ? ' fr-input-group--error' : ''}"><label class="fr-label" for="${id}">${options.label}<span class="fr-sr-only"> (${convention.commune.name})</span><span class="fr-hint-text" id="${id}-hint">${options.hint}</span></label>
<input class="fr-input${errors.length ? ' fr-input--error' : ''}" type="${options.type}" id="${id}" name="${options.name}" value="${state?.values[options.name] ?? ''}" aria-describedby="${described}"${errors.length ? raw(' aria-invalid="true"') : ''} required>
${errors.length ? html`<p class="fr-error-text" id="${id}-error">${errors.join(' ')}</p>` : ''}</div>`;
}

function titreForm(convention: Convention, user: ConsoleUser, state: FormState | undefined): SafeHtml {
  const others = (state?.issues ?? []).filter((issue) => issue.field !== 'number' && issue.field !== 'date');
  return html`<form method="post" action="/console/conventions/${convention.id}/titre" novalidate>${csrfField(user)}
${state?.issues.length ? html`<div class="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert"><p>Le titre n'a pas été enregistré : corrigez les champs signalés.${others.map((issue) => ` ${issue.message}`).join('')}</p></div>` : ''}
${titreField(convention, state, { name: 'number', label: 'Numéro du titre', hint: 'Tel que le service financier l’a émis.', type: 'text' })}
${titreField(convention, state, { name: 'date', label: "Date d'émission", hint: 'Format AAAA-MM-JJ.', type: 'date' })}
<button type="submit" class="fr-btn fr-btn--sm">Enregistrer le titre<span class="fr-sr-only"> de ${convention.commune.name}</span></button></form>`;
}

export function billingPage(input: { view: BillingView; user: ConsoleUser; refused?: TitreForm; notice?: string }): string {
  const { campaign, toInvoice, invoiced } = input.view;
  const year = campaign.schoolYear;
  const manages = input.user.roles.includes('gestionnaire');
  const owed = toInvoice.reduce((sum, convention) => sum + convention.amountCents, 0);
  const body = html`<h1>Facturation de la campagne ${year}</h1>
${input.notice ? html`<div class="fr-alert fr-alert--success fr-mb-3w" role="status"><p>${input.notice}</p></div>` : ''}
<ul class="fr-btns-group fr-btns-group--inline-md fr-mb-3w" aria-label="Fichiers de facturation">
<li><a class="fr-btn fr-btn--secondary" href="/console/campagnes/${year}/billing.csv" download>Toutes les conventions exécutoires (billing.csv)</a></li>
<li><a class="fr-btn fr-btn--secondary" href="/console/campagnes/${year}/billing.csv?reste=1" download>Reste à facturer (sans titre de perception)</a></li></ul>
<p>${plural(toInvoice.length, 'convention exécutoire reste', 'conventions exécutoires restent')} à facturer, pour ${formatEuros(owed)} ; ${invoiced.count > 1 ? `${formatInteger(invoiced.count)} ont déjà leur` : `${formatInteger(invoiced.count)} a déjà son`} titre de perception (${formatEuros(invoiced.cents)}).</p>
${toInvoice.length
    ? html`<div class="fr-table"><table tabindex="0"><caption>Les conventions à facturer, par département puis commune</caption>
<thead><tr><th scope="col">Commune</th><th scope="col">Département</th><th scope="col">Écoles facturées</th><th scope="col">Montant</th><th scope="col">Contresignée le</th>${manages ? html`<th scope="col">Titre de perception</th>` : ''}</tr></thead>
<tbody>${toInvoice.map(
        (convention) => html`<tr><td><a href="/console/conventions/${convention.id}">${convention.commune.name}</a>${convention.reference ? html`<br>${convention.reference}` : ''}</td><td>${departementOf(convention)}</td><td>${formatInteger(billedSchoolCount(convention))}</td><td>${formatEuros(convention.amountCents)}</td><td>${convention.countersignature ? formatFrenchDate(parisDateOf(convention.countersignature.countersignedAt)) : ''}</td>${
          manages ? html`<td>${titreForm(convention, input.user, input.refused?.conventionId === convention.id ? input.refused.form : undefined)}</td>` : ''
        }</tr>`,
      )}</tbody></table></div>`
    : html`<p>Aucune convention exécutoire n'attend son titre de perception.</p>`}`;
  return consolePage({
    title: `Facturation ${year}`,
    user: input.user,
    breadcrumb: [{ label: 'Campagnes', href: '/console/campagnes' }, { label: `Campagne ${year}`, href: `/console/campagnes/${year}` }, { label: 'Facturation' }],
    body,
  });
}

function plural(count: number, one: string, many: string): string {
  return `${formatInteger(count)} ${count > 1 ? many : one}`;
}
