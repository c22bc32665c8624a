/** GET /sign/{token}: the convention to read and the form to sign it, without JavaScript. */
import type { FieldIssue } from '../../functions/core/errors.ts';
import type { Convention } from '../../functions/core/model.ts';
import { formatFrenchDate, formatParisDateTime } from '../format/french.ts';
import { conventionSummary } from './convention-summary.ts';
import { html, page, raw } from './html.ts';

export interface SigningPageInput {
  convention: Convention;
  token: string;
  contactEmail: string;
  issues?: FieldIssue[];
  values?: Record<string, string>;
  /** The issues belong to the decline form. */
  declining?: boolean;
}

export function signingPage({ convention, token, contactEmail, issues = [], values = {}, declining = false }: SigningPageInput): string {
  const declineIssues = declining ? issues : [];
  const declineError = (field: string) => {
    const message = declineIssues.find((issue) => issue.field === field)?.message;
    return message ? html`<p class="error">${message}</p>` : '';
  };
  if (declining) issues = [];
  const errorOf = (field: string) => issues.find((issue) => issue.field === field)?.message;
  const fieldError = (field: string) => {
    const message = errorOf(field);
    return message ? html`<p class="error" id="${field}-error">${message}</p>` : '';
  };
  const described = (field: string) => (errorOf(field) ? raw(` aria-describedby="${field}-error" aria-invalid="true"`) : '');
  const checked = (field: string, value: string) => (values[field] === value ? raw(' checked') : '');
  const expires = convention.link ? formatParisDateTime(convention.link.expiresAt) : '';
  const body = html`<h1>Convention ENT-École ${convention.schoolYear} à signer</h1>
${declineIssues.length > 0 ? html`<div class="alert" role="alert"><p>Le refus n'a pas été enregistré : complétez le formulaire en bas de page.</p></div>` : ''}
${issues.length > 0 ? html`<div class="alert" role="alert"><p>La signature n'a pas été enregistrée : corrigez ${issues.length > 1 ? 'les points signalés' : 'le point signalé'} ci-dessous.</p></div>` : ''}
${conventionSummary(convention)}
<section><h2>Le document</h2>
<p><a class="button secondary" href="/sign/${token}/document">Lire la convention (PDF)</a></p>
<p>Empreinte SHA-256 du document : <span class="hash">${convention.document?.sha256 ?? ''}</span></p></section>
<section><h2>Signer au nom de la commune</h2>
<form method="post" action="/sign/${token}" novalidate>
<label for="signerName">Votre nom complet</label>
${fieldError('signerName')}
<input type="text" id="signerName" name="signerName" autocomplete="name" required value="${values.signerName ?? ''}"${described('signerName')}>
<fieldset${described('capacity')}><legend>Vous signez en qualité de</legend>
${fieldError('capacity')}
<div class="choice"><input type="radio" id="capacity-maire" name="capacity" value="maire"${checked('capacity', 'maire')}><label for="capacity-maire">Maire</label></div>
<div class="choice"><input type="radio" id="capacity-delegation" name="capacity" value="delegation"${checked('capacity', 'delegation')}><label for="capacity-delegation">Par délégation du maire</label></div>
</fieldset>
<label for="delegateFunction">Votre fonction, si vous signez par délégation (par exemple « Directeur Général des Services »)</label>
${fieldError('delegateFunction')}
<input type="text" id="delegateFunction" name="delegateFunction" value="${values.delegateFunction ?? ''}"${described('delegateFunction')}>
<label for="deliberationNumber">Numéro de la délibération du conseil municipal (facultatif)</label>
${fieldError('deliberationNumber')}
<input type="text" id="deliberationNumber" name="deliberationNumber" value="${values.deliberationNumber ?? ''}"${described('deliberationNumber')}>
<label for="deliberationDate">Date de la délibération (facultatif)</label>
${fieldError('deliberationDate')}
<input type="date" id="deliberationDate" name="deliberationDate" value="${values.deliberationDate ?? ''}"${described('deliberationDate')}>
${fieldError('consent')}
<div class="choice"><input type="checkbox" id="consent" name="consent" value="on"${checked('consent', 'on')}${described('consent')}><label for="consent">J'ai lu la convention et je la signe au nom de la commune</label></div>
<button type="submit">Signer la convention</button>
</form>
${expires ? html`<p>Ce lien est valable jusqu'au ${expires}.</p>` : ''}
</section>
<section><details${declineIssues.length ? raw(' open') : ''}><summary>Vous ne souhaitez pas signer ?</summary>
<form method="post" action="/sign/${token}/decline" novalidate>
<p>Indiquez pourquoi : le rectorat lira votre réponse et pourra vous recontacter.</p>
<label for="declinedBy">Votre nom complet</label>
${declineError('declinedBy')}
<input type="text" id="declinedBy" name="declinedBy" autocomplete="name" value="${values.declinedBy ?? ''}">
<label for="reason">Raison du refus</label>
${declineError('reason')}
<textarea id="reason" name="reason" rows="4">${values.reason ?? ''}</textarea>
<button type="submit" class="secondary">Refuser de signer</button>
</form></details></section>`;
  return page({ title: `Convention ${convention.schoolYear} – ${convention.commune.name}`, body, contactEmail });
}

/** After a refusal: what was recorded, and how to change one's mind. */
export function declinedPage(options: { convention: Convention; contactEmail: string; justDeclined: boolean }): string {
  const { convention, contactEmail, justDeclined } = options;
  const when = convention.decline ? formatParisDateTime(convention.decline.declinedAt) : '';
  const body = html`<h1>${justDeclined ? 'Votre refus est enregistré' : 'Le refus de cette convention est déjà enregistré'}</h1>
<div class="alert" role="status"><p>La commune de ${convention.commune.name} a refusé de signer la convention ENT-École ${convention.schoolYear} le ${when}${convention.decline ? `, pour la raison suivante : « ${convention.decline.reason} »` : ''}.</p></div>
<section><p>Le rectorat en est informé. Si vous changez d'avis, écrivez-lui pour recevoir un nouveau lien : <a href="mailto:${contactEmail}">${contactEmail}</a>.</p></section>`;
  return page({ title: 'Refus enregistré', body, contactEmail });
}

/** After signing, and on every later visit of the link: the signed copy to download. */
export function signedPage(options: { convention: Convention; token: string; contactEmail: string; justSigned: boolean }): string {
  const { convention, token, contactEmail, justSigned } = options;
  const signedOn = convention.signedAt ? formatParisDateTime(convention.signedAt) : '';
  const body = html`<h1>${justSigned ? 'Convention signée, merci' : 'Cette convention est déjà signée'}</h1>
<div class="success" role="status"><p>La convention ENT-École ${convention.schoolYear} de la commune de ${convention.commune.name} a été signée${convention.signature ? ` par ${convention.signature.signerName}` : ''} le ${signedOn}.</p></div>
${conventionSummary(convention)}
<section><h2>Et maintenant ?</h2>
${convention.status === 'executed'
    ? html`<p>La rectrice a contresigné la convention le ${formatParisDateTime(convention.executedAt ?? '')} : elle est exécutoire. La région académique émettra un titre de perception pour le montant indiqué. La convention prend fin le ${formatFrenchDate(convention.endDate)}.</p>
<p><a class="button" href="/sign/${token}/document">Télécharger la convention exécutoire (PDF)</a></p>`
    : html`<p>La copie signée vous a été envoyée par courriel. La rectrice contresignera la convention ; la région académique émettra ensuite un titre de perception pour le montant indiqué. La convention prend fin le ${formatFrenchDate(convention.endDate)}.</p>
<p><a class="button" href="/sign/${token}/document">Télécharger la convention signée (PDF)</a></p>`}
${convention.signedDocument ? html`<p>Empreinte SHA-256 du document signé : <span class="hash">${convention.signedDocument.sha256}</span></p>` : ''}
</section>`;
  return page({ title: 'Convention signée', body, contactEmail });
}

/** Any token that is wrong, expired or replaced: one neutral page, no hint why. */
export function invalidLinkPage(contactEmail: string): string {
  const body = html`<h1>Ce lien n'est pas valide</h1>
<section><p>Le lien que vous avez suivi ne permet pas, ou plus, d'accéder à une convention. Il a peut-être expiré ou été remplacé par un lien plus récent.</p>
<p>Pour recevoir un nouveau lien, écrivez au rectorat : <a href="mailto:${contactEmail}">${contactEmail}</a>, en indiquant le nom de votre commune.</p></section>`;
  return page({ title: 'Lien non valide', body, contactEmail });
}

export function unavailablePage(contactEmail: string): string {
  const body = html`<h1>Service momentanément indisponible</h1>
<section><p>Une erreur est survenue de notre côté ; rien n'a été perdu. Réessayez dans quelques minutes.</p>
<p>Si le problème persiste, écrivez au rectorat : <a href="mailto:${contactEmail}">${contactEmail}</a>.</p></section>`;
  return page({ title: 'Service indisponible', body, contactEmail });
}
