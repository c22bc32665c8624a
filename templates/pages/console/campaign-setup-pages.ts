/**
 * The gestionnaire's pages that fill and send a campaign: import the communes from a CSV file, add one commune,
 * send the invitations; and what an import's job page shows of the rows it refused.
 */
import { refusedRows } from '../../../functions/domain/import-refusals.ts';
import type { JobView } from '../../../functions/domain/jobs/job-view.ts';
import type { listConventions } from '../../../functions/domain/list-conventions.ts';
import type { Campaign, Convention } from '../../../functions/domain/model.ts';
import { formatEuros, formatFrenchDate, formatInteger } from '../../format/french.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import { formAlert, inputField, type FormState } from './form-fields.ts';
import { consolePage, csrfField, type ConsoleUser } from './layout.ts';

type ConventionListItem = ReturnType<typeof listConventions>['items'][number];

const crumbs = (schoolYear: string, last: string) => [
  { label: 'Campagnes', href: '/console/campagnes' },
  { label: `Campagne ${schoolYear}`, href: `/console/campagnes/${schoolYear}` },
  { label: last },
];

/** "4 Mo", "2,5 Mo". */
export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '').replace('.', ',')} Mo`;

export const IMPORT_FILE_FIELD = 'fichier';

/** A column of the import file as the page lists it (the parser's list, given by the console). */
export interface ImportColumn {
  label: string;
  required: boolean;
}

/** GET /console/campagnes/{schoolYear}/importer: the file, what it must hold, and where a file too large for this page goes. */
export function importPage(input: { campaign: Campaign; user: ConsoleUser; form: FormState; maxBytes: number; columns: readonly ImportColumn[] }): string {
  const { campaign, form, columns } = input;
  const errors = form.issues.filter((issue) => issue.field === IMPORT_FILE_FIELD).map((issue) => issue.message);
  const body = html`<h1>Importer des communes dans la campagne ${campaign.schoolYear}</h1>
<p>Le fichier est un tableau CSV (UTF-8 ou Windows-1252, séparé par « ; » ou « , »), enregistré depuis Excel ou LibreOffice : <strong>une ligne par école</strong>, sous une ligne d'en-tête qui nomme les colonnes. Les lignes d'une même commune (même SIRET) répètent ses informations.</p>
<ul>
<li>Colonnes obligatoires : ${columns.filter((column) => column.required).map((column) => column.label).join(', ')}.</li>
<li>Colonnes facultatives : ${columns.filter((column) => !column.required).map((column) => column.label).join(', ')} (la date de fin de la campagne si vide).</li>
</ul>
<p>Chaque commune est importée entière ou pas du tout : une ligne refusée écarte sa commune, et la page de suivi donne chaque ligne refusée avec sa raison. Importer à nouveau le même fichier ne change rien ; les conventions importées restent en brouillon jusqu'à l'envoi de la campagne.</p>
<div class="fr-callout fr-mb-3w"><p class="fr-callout__text">Cette page accepte un fichier d'au plus ${megabytes(input.maxBytes)} (la limite d'une requête à la console, 6 Mo une fois encodée). Un fichier plus gros, jusqu'à 20 Mo, passe par l'API d'administration : demandez une adresse de dépôt (<code>POST /admin/campaigns/${campaign.schoolYear}/imports/uploads</code>), déposez-y le fichier, puis lancez l'importation avec sa clé (<code>POST /admin/campaigns/${campaign.schoolYear}/imports</code>).</p></div>
${formAlert(form, [IMPORT_FILE_FIELD])}
<form method="post" action="/console/campagnes/${campaign.schoolYear}/importer" enctype="multipart/form-data">${csrfField(input.user)}
<div class="fr-upload-group${errors.length ? ' fr-upload-group--error' : ''} fr-mb-3w"><label class="fr-label" for="${IMPORT_FILE_FIELD}">Fichier CSV des communes<span class="fr-hint-text" id="${IMPORT_FILE_FIELD}-hint">Au plus ${megabytes(input.maxBytes)}, au format CSV.</span></label>
<input class="fr-upload" type="file" id="${IMPORT_FILE_FIELD}" name="${IMPORT_FILE_FIELD}" accept=".csv,text/csv" required aria-describedby="${IMPORT_FILE_FIELD}-hint${errors.length ? ` ${IMPORT_FILE_FIELD}-error` : ''}"${errors.length ? raw(' aria-invalid="true"') : ''}>
${errors.length ? html`<p class="fr-error-text" id="${IMPORT_FILE_FIELD}-error">${errors.join(' ')}</p>` : ''}</div>
<button type="submit" class="fr-btn">Importer le fichier</button></form>`;
  return consolePage({ title: `Importer des communes – campagne ${campaign.schoolYear}`, user: input.user, breadcrumb: crumbs(campaign.schoolYear, 'Importer des communes'), body });
}

export const CONVENTION_FIELDS = ['commune.name', 'commune.siret', 'commune.address', 'mayor.name', 'mayor.title', 'mayor.email', 'schools', 'endDate'] as const;

/** GET /console/campagnes/{schoolYear}/ajouter: one commune's convention, its schools one a line. */
export function addConventionPage(input: { campaign: Campaign; user: ConsoleUser; form: FormState }): string {
  const { campaign, form } = input;
  const body = html`<h1>Ajouter une commune à la campagne ${campaign.schoolYear}</h1>
<p>La convention est créée en brouillon, au tarif de la campagne (${formatEuros(campaign.feeCents)} par école) ; elle part au maire avec l'envoi de la campagne.</p>
${formAlert(form, CONVENTION_FIELDS)}
<form method="post" action="/console/campagnes/${campaign.schoolYear}/ajouter" novalidate>${csrfField(input.user)}
<fieldset class="fr-fieldset"><legend class="fr-fieldset__legend">La commune</legend><div class="fr-fieldset__element">
${inputField(form, { name: 'commune.name', label: 'Nom de la commune', required: true })}
${inputField(form, { name: 'commune.siret', label: 'SIRET de la commune', hint: '14 chiffres, par exemple 21340135900012.', required: true })}
${inputField(form, { name: 'commune.address', label: 'Adresse de la mairie', hint: 'Par exemple PLACE JEAN POVEDA, 34710 LESPIGNAN.', required: true })}
</div></fieldset>
<fieldset class="fr-fieldset"><legend class="fr-fieldset__legend">Le maire</legend><div class="fr-fieldset__element">
${inputField(form, { name: 'mayor.name', label: 'Nom du maire', required: true })}
${inputField(form, { name: 'mayor.title', label: 'Qualité', hint: 'Maire si vide.' })}
${inputField(form, { name: 'mayor.email', label: 'Courriel du maire', hint: 'Le lien de signature y est envoyé.', type: 'email', required: true })}
</div></fieldset>
${inputField(form, { name: 'schools', label: 'Écoles', hint: 'Une école par ligne : UAI ; type (maternelle, élémentaire ou primaire) ; nom. Par exemple « 0341401N;maternelle;Les Pins ».', multiline: true, required: true })}
${inputField(form, { name: 'endDate', label: 'Date de fin propre à cette convention (facultatif)', hint: `Format AAAA-MM-JJ ; celle de la campagne si vide (${formatFrenchDate(campaign.endDate)}).`, type: 'date' })}
<button type="submit" class="fr-btn">Ajouter la commune</button></form>`;
  return consolePage({ title: `Ajouter une commune – campagne ${campaign.schoolYear}`, user: input.user, breadcrumb: crumbs(campaign.schoolYear, 'Ajouter une commune'), body });
}

/** After the 201: the convention as added, and where to go next. */
export function conventionAddedPage(input: { convention: Convention; user: ConsoleUser }): string {
  const { convention } = input;
  const body = html`<h1>Convention de ${convention.commune.name} ajoutée</h1>
<div class="fr-alert fr-alert--success fr-mb-3w" role="status"><p>La convention de ${convention.commune.name} (${convention.reference ?? convention.id}) est ajoutée en brouillon à la campagne ${convention.schoolYear} : ${formatInteger(convention.schools.length)} école${convention.schools.length > 1 ? 's' : ''}, ${formatEuros(convention.amountCents)}.</p></div>
<ul class="fr-btns-group fr-btns-group--inline-md">
<li><a class="fr-btn fr-btn--secondary" href="/console/conventions/${convention.id}">Voir la convention</a></li>
<li><a class="fr-btn fr-btn--secondary" href="/console/campagnes/${convention.schoolYear}/ajouter">Ajouter une autre commune</a></li>
<li><a class="fr-btn" href="/console/campagnes/${convention.schoolYear}/envoyer">Envoyer la campagne</a></li></ul>`;
  return consolePage({ title: `Convention de ${convention.commune.name} ajoutée`, user: input.user, breadcrumb: crumbs(convention.schoolYear, 'Commune ajoutée'), body });
}

/** GET /console/campagnes/{schoolYear}/envoyer: how many drafts the send will email, and which; its form starts the job. */
export function sendPage(input: { campaign: Campaign; drafts: { total: number; items: readonly ConventionListItem[] }; user: ConsoleUser }): string {
  const { campaign, drafts } = input;
  const more = drafts.total - drafts.items.length;
  const plural = drafts.total > 1;
  const body = html`<h1>Envoyer la campagne ${campaign.schoolYear}</h1>
${drafts.total === 0
    ? html`<p>Aucune convention de la campagne n'est en brouillon : il n'y a rien à envoyer. Importez ou ajoutez d'abord des communes.</p>`
    : html`<p>${formatInteger(drafts.total)} convention${plural ? 's' : ''} en brouillon ${plural ? 'seront envoyées' : 'sera envoyée'} : chaque maire reçoit par courriel la convention et un lien personnel pour la signer, valable ${formatInteger(campaign.linkValidityDays)} jours. Les conventions déjà envoyées ne le sont pas à nouveau.</p>
<div class="fr-table"><table tabindex="0"><caption>Les conventions qui seront envoyées</caption>
<thead><tr><th scope="col">Commune</th><th scope="col">Courriel du maire</th><th scope="col">Écoles</th><th scope="col">Montant</th></tr></thead>
<tbody>${drafts.items.map((item) => html`<tr><td><a href="/console/conventions/${item.id}">${item.commune.name}</a></td><td>${item.mayor.email}</td><td>${item.schoolCount}</td><td>${formatEuros(item.amountCents)}</td></tr>`)}</tbody></table></div>
${more > 0 ? html`<p>Et ${formatInteger(more)} autre${more > 1 ? 's' : ''}, au-delà de cette liste.</p>` : ''}
<form method="post" action="/console/campagnes/${campaign.schoolYear}/envoyer">${csrfField(input.user)}<button type="submit" class="fr-btn">Envoyer ${plural ? `les ${formatInteger(drafts.total)} conventions` : 'la convention'}</button></form>`}`;
  return consolePage({ title: `Envoyer la campagne ${campaign.schoolYear}`, user: input.user, breadcrumb: crumbs(campaign.schoolYear, 'Envoyer'), body });
}

const TALLY_LABEL: Record<string, [string, string]> = { imported: ['commune importée', 'communes importées'], unchanged: ['commune inchangée (déjà importée)', 'communes inchangées (déjà importées)'] };

/** On an import's job page: the communes imported, then every refused row with its line and reason, and refus.csv. */
export function importJobDetails(job: JobView): SafeHtml {
  const rows = refusedRows(job);
  const tally = Object.entries(TALLY_LABEL).map(([key, [one, many]]) => `${formatInteger(job.tally[key] ?? 0)} ${(job.tally[key] ?? 0) > 1 ? many : one}`);
  return html`<p>${tally.join(', ')}.</p>
${rows.length
    ? html`<h2>Lignes refusées</h2>
<p>${rows.length > 1 ? `${formatInteger(rows.length)} lignes refusées : corrigez-les` : '1 ligne refusée : corrigez-la'} dans le fichier, puis importez-le à nouveau (les communes déjà importées restent inchangées).</p>
<p><a class="fr-link" href="/console/taches/${job.id}/refus.csv" download>Télécharger les lignes refusées (refus.csv)</a></p>
<div class="fr-table"><table tabindex="0"><caption>Les lignes refusées du fichier</caption><thead><tr><th scope="col">Ligne</th><th scope="col">Commune</th><th scope="col">Raison</th></tr></thead>
<tbody>${rows.map((row) => html`<tr><td>${row.line ?? '–'}</td><td>${row.commune ?? '–'}</td><td>${row.reason}</td></tr>`)}</tbody></table></div>`
    : job.state === 'done' ? html`<p>Aucune ligne refusée.</p>` : ''}`;
}
