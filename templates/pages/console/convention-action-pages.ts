/** The gestionnaire's forms on a convention: send the link again (optionally to a corrected address), cancel with a reason. */
import type { Convention } from '../../../functions/domain/model.ts';
import { html, type SafeHtml } from '../html.ts';
import { formAlert, inputField, type FormState } from './form-fields.ts';
import { consolePage, csrfField, type ConsoleUser } from './layout.ts';

function actionPage(convention: Convention, user: ConsoleUser, title: string, body: SafeHtml): string {
  return consolePage({
    title: `${title} – ${convention.commune.name}`,
    user,
    breadcrumb: [
      { label: 'Campagnes', href: '/console/campagnes' },
      { label: `Campagne ${convention.schoolYear}`, href: `/console/campagnes/${convention.schoolYear}` },
      { label: convention.commune.name, href: `/console/conventions/${convention.id}` },
      { label: title },
    ],
    body,
  });
}

const back = (convention: Convention) => html`<a class="fr-btn fr-btn--secondary" href="/console/conventions/${convention.id}">Revenir à la convention</a>`;

export function resendPage(input: { convention: Convention; user: ConsoleUser; form: FormState }): string {
  const { convention, form } = input;
  return actionPage(convention, input.user, 'Renvoyer le lien', html`<h1>Renvoyer le lien de signature à ${convention.commune.name}</h1>
<p>Un nouveau lien part par courriel au maire ; les liens envoyés jusqu'ici cessent de fonctionner. Actuellement : ${convention.mayor.email}.</p>
${formAlert(form, ['mayorEmail'])}
<form method="post" action="/console/conventions/${convention.id}/renvoyer">${csrfField(input.user)}
${inputField(form, { name: 'mayorEmail', label: 'Nouvelle adresse du maire (facultatif)', hint: "Laissez vide pour envoyer à l'adresse actuelle.", type: 'email' })}
<ul class="fr-btns-group fr-btns-group--inline"><li><button type="submit" class="fr-btn">Renvoyer le lien</button></li><li>${back(convention)}</li></ul></form>`);
}

export function cancelPage(input: { convention: Convention; user: ConsoleUser; form: FormState }): string {
  const { convention, form } = input;
  return actionPage(convention, input.user, 'Annuler la convention', html`<h1>Annuler la convention de ${convention.commune.name}</h1>
<div class="fr-alert fr-alert--warning fr-mb-3w"><p>L'annulation est définitive : la commune ne pourra plus signer cette convention, et ses liens cessent de fonctionner.</p></div>
${formAlert(form, ['reason'])}
<form method="post" action="/console/conventions/${convention.id}/annuler">${csrfField(input.user)}
${inputField(form, { name: 'reason', label: "Raison de l'annulation", hint: "Elle figure dans l'historique de la convention.", multiline: true, required: true })}
<ul class="fr-btns-group fr-btns-group--inline"><li><button type="submit" class="fr-btn">Annuler la convention</button></li><li>${back(convention)}</li></ul></form>`);
}
