/** DSFR form fields of the console, each with the French error of its field next to it. */
import type { FieldIssue } from '../../../functions/domain/errors.ts';
import { html, raw, type SafeHtml } from '../html.ts';

/** What a refused form shows again: the values typed and the errors by field name. */
export interface FormState {
  values: Record<string, string>;
  issues: readonly FieldIssue[];
}

export const emptyForm = (values: Record<string, string> = {}): FormState => ({ values, issues: [] });

/** The errors of one field, by its name in the schema ("signatory.name"). */
const errorsOf = (state: FormState, name: string): string[] => state.issues.filter((issue) => issue.field === name).map((issue) => issue.message);

const fieldId = (name: string) => name.replace(/\./g, '-');

/** The errors no field of the form shows (a whole body's error), above the form. */
export function formAlert(state: FormState, shown: readonly string[]): SafeHtml | string {
  if (state.issues.length === 0) return '';
  const others = state.issues.filter((issue) => !shown.includes(issue.field));
  return html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><p>Le formulaire n'est pas valide : corrigez les champs signalés.</p>${others.length ? html`<ul>${others.map((issue) => html`<li>${issue.field} : ${issue.message}</li>`)}</ul>` : ''}</div>`;
}

export function inputField(state: FormState, options: { name: string; label: string; hint?: string; type?: string; multiline?: boolean; required?: boolean }): SafeHtml {
  const id = fieldId(options.name);
  const errors = errorsOf(state, options.name);
  const described = [options.hint ? `${id}-hint` : '', errors.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  const attributes = raw(`${described ? ` aria-describedby="${described}"` : ''}${errors.length ? ' aria-invalid="true"' : ''}${options.required ? ' required' : ''}`);
  const value = state.values[options.name] ?? '';
  const control = options.multiline
    ? html`<textarea class="fr-input${errors.length ? ' fr-input--error' : ''}" id="${id}" name="${options.name}" rows="4"${attributes}>${value}</textarea>`
    : html`<input class="fr-input${errors.length ? ' fr-input--error' : ''}" type="${options.type ?? 'text'}" id="${id}" name="${options.name}" value="${value}"${attributes}>`;
  return html`<div class="fr-input-group${errors.length ? ' fr-input-group--error' : ''}"><label class="fr-label" for="${id}">${options.label}${options.hint ? html`<span class="fr-hint-text" id="${id}-hint">${options.hint}</span>` : ''}</label>${control}${
    errors.length ? html`<p class="fr-error-text" id="${id}-error">${errors.join(' ')}</p>` : ''
  }</div>`;
}

export function radioField(state: FormState, options: { name: string; legend: string; choices: { value: string; label: string }[]; fallback: string }): SafeHtml {
  const id = fieldId(options.name);
  const errors = errorsOf(state, options.name);
  const current = state.values[options.name] ?? options.fallback;
  return html`<fieldset class="fr-fieldset${errors.length ? ' fr-fieldset--error' : ''}" id="${id}"${errors.length ? raw(` aria-labelledby="${id}-legend ${id}-error"`) : raw(` aria-labelledby="${id}-legend"`)}><legend class="fr-fieldset__legend" id="${id}-legend">${options.legend}</legend>${options.choices.map(
    (choice) => html`<div class="fr-fieldset__element"><div class="fr-radio-group"><input type="radio" id="${id}-${choice.value}" name="${options.name}" value="${choice.value}"${choice.value === current ? raw(' checked') : ''}><label class="fr-label" for="${id}-${choice.value}">${choice.label}</label></div></div>`,
  )}${errors.length ? html`<div class="fr-messages-group" id="${id}-error"><p class="fr-message fr-message--error">${errors.join(' ')}</p></div>` : ''}</fieldset>`;
}
