/** Escaping and the page frame shared by every page a mayor sees. */
import { DSFR_BASE_PATH } from './dsfr-assets.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

/** A tagged template that escapes every interpolated value unless it is marked safe with `raw`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}
export const raw = (value: string): SafeHtml => new SafeHtml(value);

type Interpolation = string | number | SafeHtml | undefined | null | false | Interpolation[];

function render(value: Interpolation): string {
  if (value === undefined || value === null || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (value instanceof SafeHtml) return value.value;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  return raw(strings.reduce((out, part, index) => out + part + (index < values.length ? render(values[index]!) : ''), ''));
}

const STYLE = '.paraphe-hash{font-family:monospace;word-break:break-all;font-size:.875rem}';

/**
 * The frame of every page a mayor sees, in the French State's design system
 * (served by Paraphe: see dsfr-assets.ts). No script: everything works
 * without JavaScript.
 */
export function page(options: { title: string; body: SafeHtml; contactEmail: string }): string {
  const dsfr = DSFR_BASE_PATH;
  return `<!doctype html>${html`<html lang="fr" data-fr-scheme="light"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="format-detection" content="telephone=no"><title>${options.title} – Conventions ENT-École</title>
<link rel="stylesheet" href="${dsfr}/dsfr.min.css"><link rel="icon" href="${dsfr}/favicon/favicon.svg" type="image/svg+xml"><style>${raw(STYLE)}</style></head>
<body><div class="fr-skiplinks"><nav class="fr-container" role="navigation" aria-label="Accès rapide"><ul class="fr-skiplinks__list"><li><a class="fr-link" href="#contenu">Contenu</a></li></ul></nav></div>
<header role="banner" class="fr-header"><div class="fr-header__body"><div class="fr-container"><div class="fr-header__body-row"><div class="fr-header__brand"><div class="fr-header__brand-top"><div class="fr-header__logo"><p class="fr-logo">Région<br>académique<br>Occitanie</p></div></div><div class="fr-header__service"><p class="fr-header__service-title">Conventions ENT-École</p><p class="fr-header__service-tagline">Signature des conventions de partenariat avec les communes</p></div></div></div></div></div></header>
<main role="main" id="contenu" class="fr-container fr-py-4w">${options.body}</main>
<footer class="fr-footer" role="contentinfo"><div class="fr-container"><div class="fr-footer__body"><div class="fr-footer__content"><p class="fr-footer__content-desc">Une question\u00a0? Écrivez au rectorat\u00a0: <a href="mailto:${options.contactEmail}">${options.contactEmail}</a>.</p></div></div></div></footer>
</body></html>`}`;
}
