/** GET /console/nouvelle-campagne: the form that opens a campaign; then what its creation warned about. */
import type { Campaign } from '../../../functions/domain/model.ts';
import { formatEuros, formatFrenchDate } from '../../format/french.ts';
import { html } from '../html.ts';
import { formAlert, inputField, radioField, type FormState } from './form-fields.ts';
import { consolePage, csrfField, type ConsoleUser } from './layout.ts';

export const CAMPAIGN_FIELDS = ['schoolYear', 'fee', 'endDate', 'issuePlace', 'issueDate', 'signatory.name', 'signatory.title', 'linkValidityDays', 'model', 'deliberationRequired'] as const;

const crumbs = (last: string) => [{ label: 'Campagnes', href: '/console/campagnes' }, { label: last }];

export function campaignFormPage(input: { user: ConsoleUser; form: FormState }): string {
  const { form } = input;
  const body = html`<h1>Ouvrir une campagne</h1>
${formAlert(form, CAMPAIGN_FIELDS)}
<form method="post" action="/console/nouvelle-campagne" novalidate>${csrfField(input.user)}
${inputField(form, { name: 'schoolYear', label: 'Année scolaire', hint: 'Par exemple 2027-2028.', required: true })}
${inputField(form, { name: 'fee', label: 'Montant par école, en euros', hint: 'Par exemple 40 ou 40,50.', required: true })}
${inputField(form, { name: 'endDate', label: 'Fin des conventions', hint: 'Format AAAA-MM-JJ.', type: 'date', required: true })}
${inputField(form, { name: 'issuePlace', label: "Lieu d'émission", hint: 'Par exemple Montpellier.', required: true })}
${inputField(form, { name: 'issueDate', label: "Date d'émission", hint: 'Format AAAA-MM-JJ.', type: 'date', required: true })}
${inputField(form, { name: 'signatory.name', label: 'Nom du signataire', required: true })}
${inputField(form, { name: 'signatory.title', label: 'Qualité du signataire', hint: 'Par exemple Rectrice de la région académique Occitanie.', required: true })}
${inputField(form, { name: 'linkValidityDays', label: 'Validité des liens de signature, en jours', hint: '60 si vide.', type: 'number' })}
${inputField(form, { name: 'model', label: 'Texte de convention (année scolaire du modèle)', hint: 'Le plus récent si vide.' })}
${radioField(form, { name: 'deliberationRequired', legend: 'La délibération du conseil municipal (numéro et date) est-elle exigée pour signer ?', fallback: 'true', choices: [{ value: 'true', label: 'Oui' }, { value: 'false', label: 'Non' }] })}
<button type="submit" class="fr-btn">Ouvrir la campagne</button></form>`;
  return consolePage({ title: 'Ouvrir une campagne', user: input.user, breadcrumb: crumbs('Nouvelle campagne'), body });
}

/** After the 201: the campaign as opened, and the warnings of its text and fee, to check before sending. */
export function campaignCreatedPage(input: { user: ConsoleUser; campaign: Campaign; warnings: readonly string[] }): string {
  const { campaign } = input;
  const body = html`<h1>Campagne ${campaign.schoolYear} ouverte</h1>
<div class="fr-alert fr-alert--success fr-mb-3w" role="status"><p>La campagne ${campaign.schoolYear} est ouverte, sur le texte de ${campaign.model}.</p></div>
${input.warnings.length ? html`<div class="fr-alert fr-alert--warning fr-mb-3w"><h2 class="fr-alert__title">À vérifier avant l'envoi</h2><ul>${input.warnings.map((warning) => html`<li>${warning}</li>`)}</ul></div>` : ''}
<ul><li>Montant par école : ${formatEuros(campaign.feeCents)}</li><li>Fin des conventions : ${formatFrenchDate(campaign.endDate)}</li><li>Signataire : ${campaign.signatory.name}, ${campaign.signatory.title}</li></ul>
<p><a class="fr-link" href="/console/campagnes/${campaign.schoolYear}">Voir la campagne ${campaign.schoolYear}</a></p>`;
  return consolePage({ title: `Campagne ${campaign.schoolYear} ouverte`, user: input.user, breadcrumb: crumbs(`Campagne ${campaign.schoolYear}`), body });
}
