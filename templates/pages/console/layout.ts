/** The frame of the rectorat's console: DSFR, French, no script; every form carries the session's CSRF token. */
import { DSFR_BASE_PATH } from '../dsfr-assets.ts';
import { html, raw, type SafeHtml } from '../html.ts';

/** Who is logged in, as the pages need it. */
export interface ConsoleUser {
  name: string;
  roles: readonly string[];
  csrf: string;
}

export const csrfField = (user: ConsoleUser): SafeHtml => html`<input type="hidden" name="csrf" value="${user.csrf}">`;

/**
 * DSFR's table without its script scrolls on the <table> itself (`.fr-table > table { overflow: auto }`), but the
 * nearest positioned box is the `.fr-table` wrapper: a `.fr-sr-only` text in a cell (absolutely positioned) takes
 * its place from the wrapper, escapes the table's scrolling and widens the page (about 520 px at 360 px wide).
 * Positioning the table keeps such texts inside what scrolls. Inline, as html.ts does: the pages' CSP allows it.
 */
const STYLE = '.fr-table>table{position:relative}';

const ROLE_LABEL: Record<string, string> = { gestionnaire: 'gestionnaire', signataire: 'signataire' };

export function consolePage(options: { title: string; body: SafeHtml; user?: ConsoleUser; breadcrumb?: { label: string; href?: string }[] }): string {
  const { user } = options;
  const crumbs = options.breadcrumb ?? [];
  return `<!doctype html>${html`<html lang="fr" data-fr-scheme="light"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${options.title} – Console ENT-École</title>
<link rel="stylesheet" href="${DSFR_BASE_PATH}/dsfr.min.css"><link rel="icon" href="${DSFR_BASE_PATH}/favicon/favicon.svg" type="image/svg+xml"><style>${raw(STYLE)}</style></head>
<body><div class="fr-skiplinks"><nav class="fr-container" role="navigation" aria-label="Accès rapide"><ul class="fr-skiplinks__list"><li><a class="fr-link" href="#contenu">Contenu</a></li></ul></nav></div>
<header role="banner" class="fr-header"><div class="fr-header__body"><div class="fr-container"><div class="fr-header__body-row"><div class="fr-header__brand"><div class="fr-header__brand-top"><div class="fr-header__logo"><p class="fr-logo">Région<br>académique<br>Occitanie</p></div></div><div class="fr-header__service"><a href="/console/campagnes" title="Accueil – Console ENT-École"><p class="fr-header__service-title">Console ENT-École</p></a><p class="fr-header__service-tagline">Conventions de partenariat avec les communes</p></div></div>
</div></div></div></header>
${user ? html`<div class="fr-container fr-mt-2w"><form method="post" action="/console/deconnexion" class="fr-grid-row fr-grid-row--middle">${csrfField(user)}<p class="fr-mb-0 fr-mr-2w">${user.name} (${user.roles.map((role) => ROLE_LABEL[role] ?? role).join(', ') || 'aucun rôle'})</p><button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm">Se déconnecter</button></form></div>` : ''}
<main role="main" id="contenu" class="fr-container fr-py-4w">
${crumbs.length ? html`<nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :"><ol class="fr-breadcrumb__list">${crumbs.map((crumb) => html`<li>${crumb.href ? html`<a class="fr-breadcrumb__link" href="${crumb.href}">${crumb.label}</a>` : html`<a class="fr-breadcrumb__link" aria-current="page">${crumb.label}</a>`}</li>`)}</ol></nav>` : ''}
${options.body}</main>
<footer class="fr-footer" role="contentinfo"><div class="fr-container"><div class="fr-footer__body"><div class="fr-footer__content"><p class="fr-footer__content-desc">Console du rectorat – Région académique Occitanie.</p></div></div></div></footer>
</body></html>`}`;
}

/** An error as a page: what happened, in French, and where to go. */
export function consoleErrorPage(options: { title: string; message: string; fields?: { field: string; message: string }[]; user?: ConsoleUser }): string {
  return consolePage({
    title: options.title,
    ...(options.user ? { user: options.user } : {}),
    body: html`<h1>${options.title}</h1><div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><p>${options.message}</p>${
      options.fields?.length ? html`<ul>${options.fields.map((issue) => html`<li>${issue.field} : ${issue.message}</li>`)}</ul>` : ''
    }</div><p><a class="fr-link" href="/console/campagnes">Revenir aux campagnes</a></p>`,
  });
}
