/** GET /sign/{token}: the convention to read and the forms to sign or decline it, without JavaScript. */
import type { FieldIssue } from '../../functions/domain/errors.ts';
import type { Convention } from '../../functions/domain/model.ts';
import { formatFrenchDate, formatParisDateTime } from '../format/french.ts';
import { avenantRequestForm } from './avenant-page.ts';
import { conventionSummary } from './convention-summary.ts';
import { html, page, raw, type SafeHtml } from './html.ts';

export interface SigningPageInput {
  convention: Convention;
  token: string;
  /** When the link in hand expires (a convention has several live links, each with its own expiry). */
  linkExpiresAt: string;
  contactEmail: string;
  issues?: FieldIssue[];
  values?: Record<string, string>;
  /** The issues belong to the decline form. */
  declining?: boolean;
}

/** A DSFR text input with its label, hint and error message. */
export function inputGroup(options: {
  id: string;
  label: string;
  hint?: string;
  value: string | undefined;
  error: string | undefined;
  type?: 'text' | 'date';
  autocomplete?: string;
  multiline?: boolean;
}): SafeHtml {
  const { id, error } = options;
  const described = error ? raw(` aria-describedby="${id}-error" aria-invalid="true"`) : '';
  const control = options.multiline
    ? html`<textarea class="fr-input${error ? ' fr-input--error' : ''}" id="${id}" name="${id}" rows="4"${described}>${options.value ?? ''}</textarea>`
    : html`<input class="fr-input${error ? ' fr-input--error' : ''}" type="${options.type ?? 'text'}" id="${id}" name="${id}"${options.autocomplete ? raw(` autocomplete="${options.autocomplete}"`) : ''} value="${options.value ?? ''}"${described}>`;
  return html`<div class="fr-input-group${error ? ' fr-input-group--error' : ''}">
<label class="fr-label" for="${id}">${options.label}${options.hint ? html`<span class="fr-hint-text">${options.hint}</span>` : ''}</label>
${control}
${error ? html`<p class="fr-error-text" id="${id}-error">${error}</p>` : ''}
</div>`;
}

export function signingPage({ convention, token, linkExpiresAt, contactEmail, issues = [], values = {}, declining = false }: SigningPageInput): string {
  const signIssues = declining ? [] : issues;
  const declineIssues = declining ? issues : [];
  const signError = (field: string) => signIssues.find((issue) => issue.field === field)?.message;
  const declineError = (field: string) => declineIssues.find((issue) => issue.field === field)?.message;
  const checked = (field: string, value: string) => (values[field] === value ? raw(' checked') : '');
  const expires = formatParisDateTime(linkExpiresAt);
  // An issue no field shows (the form could not be read) is said in the alert itself.
  const unplaced = (list: FieldIssue[], fields: string[]) => list.filter((issue) => !fields.includes(issue.field)).map((issue) => ` ${issue.message}`).join('');
  const signUnplaced = unplaced(signIssues, ['signerName', 'capacity', 'delegateFunction', 'deliberationNumber', 'deliberationDate', 'consent']);
  const declineUnplaced = unplaced(declineIssues, ['declinedBy', 'reason']);
  const capacityError = signError('capacity');
  const consentError = signError('consent');
  const optional = convention.deliberationRequired === false ? ' (facultatif)' : '';

  const body = html`<h1>Convention ENT-École ${convention.schoolYear} à signer</h1>
${signIssues.length > 0 ? html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><h2 class="fr-alert__title">La signature n'a pas été enregistrée</h2><p>Corrigez ${signIssues.length > 1 ? 'les points signalés' : 'le point signalé'} ci-dessous.${signUnplaced}</p></div>` : ''}
${declineIssues.length > 0 ? html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><h2 class="fr-alert__title">Le refus n'a pas été enregistré</h2><p>Complétez le formulaire en bas de page.${declineUnplaced}</p></div>` : ''}
${conventionSummary(convention)}
<section class="fr-mb-4w" aria-labelledby="document-title"><h2 id="document-title">Le document</h2>
<ul class="fr-btns-group fr-btns-group--inline-md"><li><a class="fr-btn fr-btn--secondary" href="/sign/${token}/document">Lire la convention (PDF)</a></li><li><a class="fr-btn fr-btn--tertiary" href="/sign/${token}/document?telecharger=1" download>Télécharger la convention (PDF)</a></li></ul>
<p class="fr-text--sm">Empreinte SHA-256 du document\u00a0: <span class="paraphe-hash">${convention.document?.sha256 ?? ''}</span></p></section>
<section class="fr-mb-4w" aria-labelledby="sign-title"><h2 id="sign-title">Signer au nom de la commune</h2>
<form method="post" action="/sign/${token}" novalidate>
${inputGroup({ id: 'signerName', label: 'Votre nom complet', value: values.signerName, error: signError('signerName'), autocomplete: 'name' })}
<fieldset class="fr-fieldset${capacityError ? ' fr-fieldset--error' : ''}" id="capacity"${capacityError ? raw(' aria-labelledby="capacity-legend capacity-error"') : raw(' aria-labelledby="capacity-legend"')}>
<legend class="fr-fieldset__legend" id="capacity-legend">Vous signez en qualité de</legend>
<div class="fr-fieldset__element"><div class="fr-radio-group"><input type="radio" id="capacity-maire" name="capacity" value="maire"${checked('capacity', 'maire')}><label class="fr-label" for="capacity-maire">Maire</label></div></div>
<div class="fr-fieldset__element"><div class="fr-radio-group"><input type="radio" id="capacity-delegation" name="capacity" value="delegation"${checked('capacity', 'delegation')}><label class="fr-label" for="capacity-delegation">Par délégation du maire</label></div></div>
${capacityError ? html`<div class="fr-messages-group" id="capacity-error"><p class="fr-message fr-message--error">${capacityError}</p></div>` : ''}
</fieldset>
${inputGroup({ id: 'delegateFunction', label: 'Votre fonction, si vous signez par délégation', hint: 'Par exemple\u00a0: Directeur Général des Services', value: values.delegateFunction, error: signError('delegateFunction') })}
${inputGroup({ id: 'deliberationNumber', label: `Numéro de la délibération du conseil municipal qui autorise la signature${optional}`, hint: 'Par exemple\u00a0: 2026/048', value: values.deliberationNumber, error: signError('deliberationNumber') })}
${inputGroup({ id: 'deliberationDate', label: `Date de la délibération${optional}`, type: 'date', value: values.deliberationDate, error: signError('deliberationDate') })}
<div class="fr-checkbox-group${consentError ? ' fr-checkbox-group--error' : ''} fr-mb-3w"><input type="checkbox" id="consent" name="consent" value="on"${checked('consent', 'on')}${consentError ? raw(' aria-describedby="consent-error"') : ''}><label class="fr-label" for="consent">J'ai lu la convention et je la signe au nom de la commune</label>
${consentError ? html`<p class="fr-error-text" id="consent-error">${consentError}</p>` : ''}</div>
<button type="submit" class="fr-btn">Signer la convention</button>
</form>
${expires ? html`<p class="fr-text--sm fr-mt-2w">Ce lien est valable jusqu'au ${expires}.</p>` : ''}
</section>
<section aria-labelledby="decline-title"><details${declineIssues.length ? raw(' open') : ''}><summary><h2 id="decline-title" class="fr-h6" style="display:inline">Vous ne souhaitez pas signer\u00a0?</h2></summary>
<form method="post" action="/sign/${token}/decline" novalidate class="fr-mt-2w">
<p>Indiquez pourquoi\u00a0: le rectorat lira votre réponse et pourra vous recontacter.</p>
${inputGroup({ id: 'declinedBy', label: 'Votre nom complet', value: values.declinedBy, error: declineError('declinedBy'), autocomplete: 'name' })}
${inputGroup({ id: 'reason', label: 'Raison du refus', value: values.reason, error: declineError('reason'), multiline: true })}
<button type="submit" class="fr-btn fr-btn--secondary">Refuser de signer</button>
</form></details></section>`;
  return page({ title: `Convention ${convention.schoolYear} – ${convention.commune.name}`, body, contactEmail });
}

/** After signing, and on every later visit of the link: the signed (or executed) copy to download. */
export function signedPage(options: {
  convention: Convention;
  token: string;
  contactEmail: string;
  justSigned: boolean;
  avenantIssues?: FieldIssue[];
  avenantValue?: string;
}): string {
  const { convention, token, contactEmail, justSigned } = options;
  const signedOn = convention.signedAt ? formatParisDateTime(convention.signedAt) : '';
  const executed = convention.status === 'executed';
  // The signed copy is sealed by a job after the signature: until it is recorded, the original is what can be downloaded.
  const preparing = !convention.signedDocument;
  const body = html`<h1>${justSigned ? 'Convention signée, merci' : 'Cette convention est déjà signée'}</h1>
<div class="fr-alert fr-alert--success fr-mb-3w" role="status"><p>La convention ENT-École ${convention.schoolYear} de la commune de ${convention.commune.name} a été signée${convention.signature ? ` par ${convention.signature.signerName}` : ''} le ${signedOn}.</p></div>
${conventionSummary(convention)}
<section aria-labelledby="next-title"><h2 id="next-title">Et maintenant\u00a0?</h2>
${executed
    ? html`<p>La rectrice a contresigné la convention le ${formatParisDateTime(convention.executedAt ?? '')}\u00a0: elle est exécutoire. La région académique émettra un titre de perception pour le montant indiqué. La convention prend fin le ${formatFrenchDate(convention.endDate)}.</p>`
    : html`<p>${preparing ? 'La copie signée est en cours de préparation\u00a0: elle vous parviendra par courriel dans quelques minutes.' : 'La copie signée vous a été envoyée par courriel.'} La rectrice contresignera la convention\u00a0; la région académique émettra ensuite un titre de perception pour le montant indiqué. La convention prend fin le ${formatFrenchDate(convention.endDate)}.</p>`}
${executed && !convention.executedDocument ? html`<p>La convention exécutoire est en cours de préparation\u00a0: elle vous parviendra par courriel dans quelques minutes.</p>` : ''}
<p><a class="fr-btn" href="/sign/${token}/document">${executed && convention.executedDocument ? 'Télécharger la convention exécutoire (PDF)' : preparing ? 'Télécharger la convention (PDF, avant signature)' : 'Télécharger la convention signée (PDF)'}</a></p>
${convention.signedDocument ? html`<p class="fr-text--sm">Empreinte SHA-256 du document signé\u00a0: <span class="paraphe-hash">${convention.signedDocument.sha256}</span></p>` : ''}
</section>
${avenantRequestForm(convention, token, options.avenantIssues, options.avenantValue)}`;
  return page({ title: 'Convention signée', body, contactEmail });
}

/** After a refusal: what was recorded, and how to change one's mind. */
export function declinedPage(options: { convention: Convention; contactEmail: string; justDeclined: boolean }): string {
  const { convention, contactEmail, justDeclined } = options;
  const when = convention.decline ? formatParisDateTime(convention.decline.declinedAt) : '';
  const body = html`<h1>${justDeclined ? 'Votre refus est enregistré' : 'Le refus de cette convention est déjà enregistré'}</h1>
<div class="fr-alert fr-alert--info fr-mb-3w" role="status"><p>La commune de ${convention.commune.name} a refusé de signer la convention ENT-École ${convention.schoolYear} le ${when}${convention.decline ? `, pour la raison suivante\u00a0: «\u00a0${convention.decline.reason}\u00a0»` : ''}.</p></div>
<p>Le rectorat en est informé. Si vous changez d'avis, écrivez-lui pour recevoir un nouveau lien\u00a0: <a href="mailto:${contactEmail}">${contactEmail}</a>.</p>`;
  return page({ title: 'Refus enregistré', body, contactEmail });
}

/** Any token that is wrong, expired or replaced: one neutral page, no hint why. */
export function invalidLinkPage(contactEmail: string): string {
  const body = html`<h1>Ce lien n'est pas valide</h1>
<p>Le lien que vous avez suivi ne permet pas, ou plus, d'accéder à une convention. Il a peut-être expiré ou été remplacé par un lien plus récent.</p>
<p>Pour recevoir un nouveau lien, écrivez au rectorat\u00a0: <a href="mailto:${contactEmail}">${contactEmail}</a>, en indiquant le nom de votre commune.</p>`;
  return page({ title: 'Lien non valide', body, contactEmail });
}

export function unavailablePage(contactEmail: string): string {
  const body = html`<h1>Service momentanément indisponible</h1>
<p>Une erreur est survenue de notre côté\u00a0; rien n'a été perdu. Réessayez dans quelques minutes.</p>
<p>Si le problème persiste, écrivez au rectorat\u00a0: <a href="mailto:${contactEmail}">${contactEmail}</a>.</p>`;
  return page({ title: 'Service indisponible', body, contactEmail });
}
