/**
 * Avenants in the console: the gestionnaire prepares one (the new list of schools, one per line, as the
 * mayor types it), reads its warnings (the 15 October rule, a school of another département, the avenant
 * it replaces); a convention's page lists its avenants with their status and proof file, and offers the
 * signataire the countersignature of a signed one.
 */
import { avenantTiming } from '../../../functions/domain/avenant-rules.ts';
import { lateRuleNotice } from '../../format/avenant-phrases.ts';
import { avenantWindow } from '../../../functions/domain/calendar.ts';
import type { Avenant, AvenantStatus, Convention, School } from '../../../functions/domain/model.ts';
import { formatEuros, formatFrenchDate, formatInteger, formatParisDateTime } from '../../format/french.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import type { FormState } from './form-fields.ts';
import { consolePage, csrfField, type ConsoleUser } from './layout.ts';

export const AVENANT_STATUS_LABEL: Record<AvenantStatus, string> = {
  sent: 'Envoyé au maire, à signer',
  signed: 'Signé par la commune, à contresigner',
  executed: 'Contresigné',
  replaced: 'Remplacé par un avenant plus récent',
};
const AVENANT_STATUS_BADGE: Record<AvenantStatus, string> = { sent: 'fr-badge--info', signed: 'fr-badge--success', executed: 'fr-badge--success', replaced: 'fr-badge--warning' };

const TYPE_WORD: Record<School['type'], string> = { maternelle: 'maternelle', elementaire: 'élémentaire', primaire: 'primaire' };

/** The convention's list as the form's lines: "UAI ; type ; nom". */
export const schoolLines = (schools: readonly School[]): string => schools.map((school) => [school.uai, TYPE_WORD[school.type], school.name].filter(Boolean).join(' ; ')).join('\n');

function crumbs(convention: Convention, last: string) {
  return [
    { label: 'Campagnes', href: '/console/campagnes' },
    { label: `Campagne ${convention.schoolYear}`, href: `/console/campagnes/${convention.schoolYear}` },
    { label: convention.commune.name, href: `/console/conventions/${convention.id}` },
    { label: last },
  ];
}

/** The list's errors, each with its line: "schools.2.uai" is line 3. */
function schoolErrors(form: FormState): string[] {
  return form.issues
    .filter((issue) => issue.field === 'schools' || issue.field.startsWith('schools.'))
    .map((issue) => {
      const line = /^schools\.(\d+)/.exec(issue.field)?.[1];
      return line === undefined ? issue.message : `Ligne ${Number(line) + 1} : ${issue.message}`;
    });
}

/** The 15 October rule as it stands today for the convention's school year. */
function timingNotice(convention: Convention, now: string): SafeHtml {
  const { opens, closes } = avenantWindow(convention.schoolYear);
  const timing = avenantTiming(now, convention.schoolYear);
  const text =
    timing === 'before-window'
      ? `La période des avenants de ${convention.schoolYear} ouvre le ${formatFrenchDate(opens)} : l'avenant ne pourra être signé qu'à partir de cette date. ${lateRuleNotice(convention.schoolYear)}`
      : timing === 'in-window'
        ? `Signé et reçu au plus tard le ${formatFrenchDate(closes)}, l'avenant fixe la nouvelle liste et son montant pour ${convention.schoolYear}. ${lateRuleNotice(convention.schoolYear)}`
        : `Le ${formatFrenchDate(closes)} est passé : ${lateRuleNotice(convention.schoolYear)}`;
  return html`<div class="fr-alert fr-alert--${timing === 'late' ? 'warning' : 'info'} fr-mb-3w"><h2 class="fr-alert__title">La règle du 15 octobre</h2><p>${text}</p></div>`;
}

export function avenantFormPage(input: { convention: Convention; user: ConsoleUser; form: FormState; now: string }): string {
  const { convention, form } = input;
  const errors = schoolErrors(form);
  const others = form.issues.filter((issue) => !(issue.field === 'schools' || issue.field.startsWith('schools.')));
  const value = form.values.schools ?? schoolLines(convention.schools);
  const described = ['schools-hint', errors.length ? 'schools-error' : ''].filter(Boolean).join(' ');
  const body = html`<h1>Préparer un avenant pour ${convention.commune.name}</h1>
<p>L'avenant remplace la liste des écoles de la convention ${convention.reference ?? convention.id} (${formatInteger(convention.schools.length)} école${convention.schools.length > 1 ? 's' : ''}, ${formatEuros(convention.amountCents)}). Il part par courriel au maire, qui le signe comme la convention ; un avenant encore non signé est remplacé par celui-ci.</p>
${timingNotice(convention, input.now)}
${form.issues.length ? html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><p>L'avenant n'a pas été préparé : corrigez la liste des écoles.</p>${others.length ? html`<ul>${others.map((issue) => html`<li>${issue.message}</li>`)}</ul>` : ''}</div>` : ''}
<form method="post" action="/console/conventions/${convention.id}/avenant" novalidate>${csrfField(input.user)}
<div class="fr-input-group${errors.length ? ' fr-input-group--error' : ''}"><label class="fr-label" for="schools">Nouvelle liste des écoles<span class="fr-hint-text" id="schools-hint">Une école par ligne : UAI ; type (maternelle, élémentaire ou primaire) ; nom. Par exemple : 0341401N ; maternelle ; ECOLE DU VILLAGE.</span></label>
<textarea class="fr-input${errors.length ? ' fr-input--error' : ''}" id="schools" name="schools" rows="8" aria-describedby="${described}"${errors.length ? raw(' aria-invalid="true"') : ''} required>${value}</textarea>
${errors.length ? html`<div class="fr-error-text" id="schools-error"><ul>${errors.map((error) => html`<li>${error}</li>`)}</ul></div>` : ''}</div>
<ul class="fr-btns-group fr-btns-group--inline"><li><button type="submit" class="fr-btn">Préparer et envoyer l'avenant</button></li><li><a class="fr-btn fr-btn--secondary" href="/console/conventions/${convention.id}">Revenir à la convention</a></li></ul></form>`;
  return consolePage({ title: `Préparer un avenant – ${convention.commune.name}`, user: input.user, breadcrumb: crumbs(convention, 'Préparer un avenant'), body });
}

/** After the 201: the avenant as sent to the mayor, and what the rectorat must know of it. */
export function avenantPreparedPage(input: { convention: Convention; avenant: Avenant; user: ConsoleUser }): string {
  const { convention, avenant } = input;
  const body = html`<h1>Avenant préparé pour ${convention.commune.name}</h1>
<div class="fr-alert fr-alert--success fr-mb-3w" role="status"><p>L'avenant ${avenant.id} est envoyé au maire (${convention.mayor.email}) : ${formatInteger(avenant.previousSchools.length)} école(s) avant, ${formatInteger(avenant.schools.length)} demandée(s).</p></div>
${avenant.warnings.length ? html`<div class="fr-alert fr-alert--warning fr-mb-3w"><h2 class="fr-alert__title">À savoir</h2><ul>${avenant.warnings.map((warning) => html`<li>${warning}</li>`)}</ul></div>` : ''}
<p><a class="fr-link" href="/console/conventions/${convention.id}">Revenir à la convention</a></p>`;
  return consolePage({ title: `Avenant préparé – ${convention.commune.name}`, user: input.user, breadcrumb: crumbs(convention, 'Avenant préparé'), body });
}

/** On a convention's page: its avenants, oldest first, each with its status, proof file and, for a signataire, the countersignature. */
export function avenantsSection(input: { convention: Convention; avenants: readonly Omit<Avenant, 'link'>[]; user: ConsoleUser }): SafeHtml {
  const { convention, avenants, user } = input;
  const canPrepare = user.roles.includes('gestionnaire') && (convention.status === 'signed' || convention.status === 'executed');
  const countersigns = user.roles.includes('signataire');
  return html`<section class="fr-mb-4w" aria-labelledby="avenants-title"><h2 id="avenants-title">Avenants</h2>
${canPrepare ? html`<p><a class="fr-btn fr-btn--secondary" href="/console/conventions/${convention.id}/avenant">Préparer un avenant</a></p>` : ''}
${avenants.length
    ? html`<div class="fr-table"><table tabindex="0"><caption>Les avenants de la convention, du plus ancien au plus récent</caption>
<thead><tr><th scope="col">Préparé le</th><th scope="col">Écoles</th><th scope="col">Statut</th><th scope="col">Effet</th><th scope="col">Documents et actions</th></tr></thead>
<tbody>${avenants.map(
        (avenant) => html`<tr><td>${formatParisDateTime(avenant.createdAt)}<br>par ${avenant.requestedBy === 'maire' ? 'le maire' : avenant.actor}</td><td>${formatInteger(avenant.previousSchools.length)} → ${formatInteger(avenant.schools.length)}</td><td><p class="fr-badge fr-badge--sm ${AVENANT_STATUS_BADGE[avenant.status]}">${AVENANT_STATUS_LABEL[avenant.status]}</p></td><td>${avenant.outcome?.effect ?? ''}</td><td>
<a class="fr-link" href="/console/conventions/${convention.id}/avenants/${avenant.id}/evidence.zip" download>Dossier de preuve<span class="fr-sr-only"> de l'avenant du ${formatParisDateTime(avenant.createdAt)}</span></a>
${countersigns && avenant.status === 'signed' ? html`<form method="post" action="/console/conventions/${convention.id}/avenants/${avenant.id}/contresigner" class="fr-mt-1w">${csrfField(user)}<button type="submit" class="fr-btn fr-btn--sm">Contresigner l'avenant<span class="fr-sr-only"> du ${formatParisDateTime(avenant.createdAt)}</span></button></form>` : ''}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p>Aucun avenant.</p>`}</section>`;
}
