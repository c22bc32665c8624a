/**
 * The rectorat's daily digest, on working days at 08:00 Paris: what happened
 * the day before (signatures, declines with their reasons, addresses that
 * bounced, signing links the rectorat sent to another address), what falls due in the next 14 days, and where the campaign
 * stands, by status, by département and by académie, with the amounts. HTML,
 * plain text, and the day's lines as a CSV for Excel.
 *
 * A quiet day (no signature, no decline, no bounce, no change of address) still sends a short
 * digest, its subject saying « rien de nouveau »: when a digest that always
 * comes does not come, the rectorat knows something is wrong, whereas
 * silence on quiet days would make a broken sender look like a calm
 * campaign. It is one email a working day, easy to filter on its subject, and
 * it still carries the totals and what falls due. The CSV is attached only
 * when it has lines: an empty spreadsheet is noise.
 *
 * With `consoleUrl`, each convention it names links to its page in the
 * rectorat's console (<consoleUrl>/console/conventions/{id}: the commune's
 * name in HTML, the address on the next line in text), and each campaign of
 * the totals to its page (/console/campagnes/{year}).
 */
import type { UndeliverableAddress } from '../../functions/domain/model.ts';
import type { Convention, ConventionStatus, MayorAddressChange } from '../../functions/domain/model.ts';
import { dayOfWeek, parisDateOf } from '../../functions/domain/calendar.ts';
import { departementOf, type CampaignStats } from '../../functions/domain/campaign-stats.ts';
import { excelCsv, excelText, formatCsvAmount, type CsvCell } from '../export/csv.ts';
import { declinedText, mayorEmailChangedText } from '../format/audit-event.ts';
import { maskEmail } from '../format/email-address.ts';
import { formatEuros, formatFrenchDate, formatParisDateTime, formatShortDate, typeset } from '../format/french.ts';
import { html, raw } from '../pages/html.ts';
import { emailFrame } from './frame.ts';

export interface DueSoon {
  convention: Convention;
  kind: string;
  date: string;
}

/** A signing link the rectorat sent to another address. */
export interface AddressChanged {
  convention: Convention;
  change: MayorAddressChange;
}

export interface DigestInput {
  /** The (last) day the digest covers, 'YYYY-MM-DD' in Paris: yesterday. */
  day: string;
  /** The first day covered when it is more than one (a Monday covers the weekend); `day` by default. */
  from?: string;
  signed: Convention[];
  declined: Convention[];
  undeliverable: UndeliverableAddress[];
  /** The changes of a mayor's address over the days covered. */
  addressChanges?: AddressChanged[];
  dueSoon: DueSoon[];
  stats: CampaignStats;
  contactEmail: string;
  /** The public base URL (no trailing slash): the lines link to the console's pages. */
  consoleUrl?: string;
  /** The school years the totals cover, each linked to its console page. */
  campaigns?: string[];
}

/** A line of a section, and the convention it is about (linked to its console page). */
interface Line {
  text: string;
  convention?: Convention;
}

export interface DigestAttachment {
  filename: string;
  contentType: 'text/csv; charset=utf-8';
  content: Uint8Array;
}

export interface DigestEmail {
  subject: string;
  text: string;
  html: string;
  attachments: DigestAttachment[];
  /** Nothing was signed, declined, bounced or sent to another address. */
  quiet: boolean;
}

const WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];
const longDate = (date: string) => `${WEEKDAYS[dayOfWeek(date) - 1]} ${formatFrenchDate(date)}`;

/** Each status as the rectorat says it: singular (0 and 1, as French counts) and plural. */
export const STATUS_LABELS: Record<ConventionStatus, [string, string]> = {
  draft: ['à envoyer', 'à envoyer'],
  sending: ["en cours d'envoi", "en cours d'envoi"],
  sent: ['envoyée (signature attendue)', 'envoyées (signature attendue)'],
  signed: ['signée par la commune (à contresigner)', 'signées par la commune (à contresigner)'],
  declined: ['refusée', 'refusées'],
  executed: ['exécutoire', 'exécutoires'],
  expired: ['échue', 'échues'],
  cancelled: ['annulée', 'annulées'],
};

const KIND_LABELS: Record<string, string> = {
  unsigned: 'relance : convention non signée',
  'link-expiry': 'fin de validité du lien de signature',
  'end-date': 'fin de la convention',
  'avenant-window-open': 'ouverture de la période des avenants',
  'avenant-deadline': 'date limite des avenants',
};
const kindLabel = (kind: string) => KIND_LABELS[kind] ?? kind;

const plural = (count: number, one: string, many: string) => `${count} ${count < 2 ? one : many}`;
const commune = (convention: Convention) => `${convention.commune.name} (${departementOf(convention)})`;
const schoolsAndAmount = (convention: Convention) => `${plural(convention.schools.length, 'école', 'écoles')}, ${formatEuros(convention.amountCents)}`;

function signedLine(convention: Convention): string {
  const signature = convention.signature;
  const at = signature?.signedAt ?? convention.signedAt;
  const who = signature ? ` par ${signature.signerName} (${signature.capacity === 'delegation' ? `par délégation, ${signature.delegateFunction ?? ''}` : 'maire'})` : '';
  const dated = signature?.deliberation?.date ? ` du ${formatFrenchDate(signature.deliberation.date)}` : '';
  const deliberation = signature?.deliberation ? `, délibération n° ${signature.deliberation.number}${dated}` : '';
  return `${commune(convention)} – ${schoolsAndAmount(convention)} – signée${at ? ` le ${formatParisDateTime(at)}` : ''}${who}${deliberation}`;
}

// What happened is said as the history says the event recorded with it (templates/format/audit-event.ts):
// the decline and the change of address are on the convention, read with it, so no event is read here.
function declinedLine(convention: Convention): string {
  const decline = convention.decline;
  const when = decline ? ` le ${formatParisDateTime(decline.declinedAt)}` : '';
  return `${commune(convention)} – refusée${when} par ${decline?.declinedBy ?? 'la commune'} – ${declinedText({ reason: decline?.reason ?? '' })}`;
}

const undeliverableWhat = (entry: UndeliverableAddress) => (entry.reason === 'bounce' ? 'adresse rejetée' : 'courriel signalé comme indésirable');
const undeliverableLine = (entry: UndeliverableAddress) => `${entry.address} – ${undeliverableWhat(entry)} le ${formatParisDateTime(entry.at)} : ${entry.detail}`;
// The previous address masked, as the notice it received shows the new one: the digest goes to a list.
const maskedChange = ({ change }: AddressChanged) => ({ previous: maskEmail(change.previous), next: change.next });
const addressChangeWhat = (entry: AddressChanged) => `${maskedChange(entry).previous} → ${entry.change.next}`;
const addressChangeLine = (entry: AddressChanged) =>
  `${commune(entry.convention)} – convention ${entry.convention.id} – le ${formatParisDateTime(entry.change.at)}, par ${entry.change.actor} – ${mayorEmailChangedText({ addressChange: maskedChange(entry) })}`;
const dueLine = (due: DueSoon) => `${formatFrenchDate(due.date)} – ${commune(due.convention)} – ${kindLabel(due.kind)}`;

function statusSummary(stats: CampaignStats): string[] {
  return (Object.keys(STATUS_LABELS) as ConventionStatus[]).filter((status) => stats.byStatus[status] > 0).map((status) => plural(stats.byStatus[status], ...STATUS_LABELS[status]));
}

function csvLines(input: DigestInput): CsvCell[][] {
  const conventionCells = (convention: Convention): CsvCell[] => [
    convention.commune.name,
    excelText(convention.commune.siret),
    departementOf(convention),
    convention.schools.length,
    formatCsvAmount(convention.amountCents),
    convention.mayor.email,
  ];
  const shortDate = (instant: string | undefined) => (instant ? formatShortDate(parisDateOf(instant)) : '');
  // The reference last, so the columns a reader knows keep their place.
  const ref = (convention: Convention) => convention.reference ?? '';
  return [
    ['Rubrique', 'Date', 'Commune', 'SIRET', 'Département', "Nombre d'écoles", 'Montant (€)', 'Adresse', 'Détail', 'Référence'],
    ...input.signed.map((c) => ['Signature', shortDate(c.signature?.signedAt ?? c.signedAt), ...conventionCells(c), c.signature?.signerName ?? '', ref(c)]),
    ...input.declined.map((c) => ['Refus', shortDate(c.decline?.declinedAt), ...conventionCells(c), c.decline?.reason ?? '', ref(c)]),
    ...input.undeliverable.map((u) => ['Adresse en échec', shortDate(u.at), '', '', '', '', '', u.address, `${undeliverableWhat(u)} : ${u.detail}`, '']),
    ...(input.addressChanges ?? []).map((a) => ["Changement d'adresse", shortDate(a.change.at), ...conventionCells(a.convention), `${addressChangeWhat(a)}, par ${a.change.actor}`, ref(a.convention)]),
    ...input.dueSoon.map((d) => ['Échéance', formatShortDate(d.date), ...conventionCells(d.convention), kindLabel(d.kind), ref(d.convention)]),
  ];
}

export function digestEmail(input: DigestInput): DigestEmail {
  const { stats } = input;
  const from = input.from ?? input.day;
  const period = from === input.day ? `le ${longDate(input.day)}` : `du ${longDate(from)} au ${longDate(input.day)}`;
  const addressChanges = [...(input.addressChanges ?? [])].sort((a, b) => a.change.at.localeCompare(b.change.at));
  const quiet = input.signed.length + input.declined.length + input.undeliverable.length + addressChanges.length === 0;
  const dueSoon = [...input.dueSoon].sort((a, b) => a.date.localeCompare(b.date) || a.convention.commune.name.localeCompare(b.convention.commune.name, 'fr'));
  const news = [
    input.signed.length ? plural(input.signed.length, 'signature', 'signatures') : '',
    input.declined.length ? plural(input.declined.length, 'refus', 'refus') : '',
    input.undeliverable.length ? plural(input.undeliverable.length, 'adresse en échec', 'adresses en échec') : '',
    addressChanges.length ? plural(addressChanges.length, "changement d'adresse", "changements d'adresse") : '',
  ].filter(Boolean);
  const subject = typeset(`Conventions ENT-École, synthèse du ${formatFrenchDate(input.day)} : ${quiet ? 'rien de nouveau' : news.join(', ')}`);

  const about = (convention: Convention, line: string): Line => ({ text: line, convention });
  const sections: { title: string; lines: Line[]; empty?: string }[] = quiet
    ? []
    : [
        { title: `Signatures (${input.signed.length})`, lines: input.signed.map((c) => about(c, signedLine(c))) },
        { title: `Refus (${input.declined.length})`, lines: input.declined.map((c) => about(c, declinedLine(c))) },
        { title: `Adresses en échec (${input.undeliverable.length})`, lines: input.undeliverable.map((entry) => ({ text: undeliverableLine(entry) })) },
        { title: `Changements d'adresse (${addressChanges.length})`, lines: addressChanges.map((entry) => about(entry.convention, addressChangeLine(entry))) },
      ].filter((section) => section.lines.length > 0);
  sections.push({ title: 'Échéances des 14 prochains jours', lines: dueSoon.map((due) => about(due.convention, dueLine(due))), empty: 'Aucune échéance dans les 14 prochains jours.' });
  const consoleUrl = input.consoleUrl;
  const conventionUrl = (convention: Convention) => `${consoleUrl}/console/conventions/${convention.id}`;
  const campaignLinks = consoleUrl ? (input.campaigns ?? []).map((year) => ({ year, url: `${consoleUrl}/console/campagnes/${year}` })) : [];
  const textLines = (line: Line) => [`- ${typeset(line.text)}`, ...(consoleUrl && line.convention ? [`  ${conventionUrl(line.convention)}`] : [])];
  // The commune's name, which opens each line about a convention, links to the convention's console page.
  const htmlLine = (line: Line) => {
    const text = typeset(line.text);
    if (!consoleUrl || !line.convention) return html`${text}`;
    const name = typeset(commune(line.convention));
    const at = text.indexOf(name);
    if (at < 0) return html`${text} (<a href="${conventionUrl(line.convention)}">voir dans la console</a>)`;
    return html`${text.slice(0, at)}<a href="${conventionUrl(line.convention)}">${name}</a>${text.slice(at + name.length)}`;
  };
  const intro = quiet
    ? `Rien de nouveau ${period} : aucune signature, aucun refus, aucune adresse en échec. Paraphe fonctionne ; voici où en est la campagne.`
    : `Voici ce qui s'est passé ${period} sur les conventions ENT-École.`;
  const totals = [
    `${plural(stats.conventions, 'convention', 'conventions')}, ${plural(stats.schools, 'école', 'écoles')} : ${statusSummary(stats).join(', ') || 'aucune convention'}.`,
    `Montant attendu : ${formatEuros(stats.expectedCents)} ; montant signé : ${formatEuros(stats.signedCents)}.`,
  ].map(typeset);
  const areaLine = (name: string, area: CampaignStats['byAcademie'][number] | CampaignStats['byDepartement'][number]) =>
    typeset(`${name} : ${plural(area.signedConventions, 'signée', 'signées')} sur ${area.conventions}, ${formatEuros(area.signedCents)} signés sur ${formatEuros(area.expectedCents)} attendus`);
  // Each académie, then its départements: the order a reader of the rectorat scans.
  const departementsOf = (academie: string) => stats.byDepartement.filter((area) => (area.academie ?? 'Hors Occitanie') === academie);
  const areas = stats.byAcademie.flatMap((academie) => [
    `- ${areaLine(`Académie de ${academie.academie}`, academie)}`,
    ...departementsOf(academie.academie).map((area) => `  - ${areaLine(`Département ${area.departement || 'inconnu'}`, area)}`),
  ]);

  const text = [
    'Bonjour,',
    '',
    typeset(intro),
    '',
    ...sections.flatMap((section) => [`== ${typeset(section.title)}`, ...(section.lines.length ? section.lines.flatMap(textLines) : [section.empty ?? '']), '']),
    '== Où en est la campagne',
    ...totals,
    ...areas,
    ...campaignLinks.map(({ year, url }) => `${typeset(`Campagne ${year} dans la console :`)} ${url}`),
    '',
    ...(quiet && dueSoon.length === 0 ? [] : ['Le détail de ces lignes est dans le fichier CSV joint (à ouvrir avec Excel).', '']),
  ].join('\n');

  const cell = 'style="padding:4px 8px;border-bottom:1px solid #ddd;text-align:left"';
  const body = html`<p>Bonjour,</p><p>${typeset(intro)}</p>
${sections.map((section) => html`<h2 style="font-size:18px">${typeset(section.title)}</h2>${section.lines.length ? html`<ul>${section.lines.map((line) => html`<li>${htmlLine(line)}</li>`)}</ul>` : html`<p>${section.empty}</p>`}`)}
<h2 style="font-size:18px">Où en est la campagne</h2>${totals.map((line) => html`<p>${line}</p>`)}
${campaignLinks.length ? html`<p>${campaignLinks.map(({ year, url }, index) => html`${index ? ' – ' : ''}<a href="${url}">Campagne ${year} dans la console</a>`)}</p>` : ''}
<table style="border-collapse:collapse;font-size:14px"><thead><tr><th ${raw(cell)}>Département</th><th ${raw(cell)}>Académie</th><th ${raw(cell)}>Signées</th><th ${raw(cell)}>Conventions</th><th ${raw(cell)}>Signé</th><th ${raw(cell)}>Attendu</th></tr></thead><tbody>
${stats.byAcademie.map((academie) => html`${departementsOf(academie.academie).map((area) => html`<tr><td ${raw(cell)}>${area.departement}</td><td ${raw(cell)}>${academie.academie}</td><td ${raw(cell)}>${area.signedConventions}</td><td ${raw(cell)}>${area.conventions}</td><td ${raw(cell)}>${formatEuros(area.signedCents)}</td><td ${raw(cell)}>${formatEuros(area.expectedCents)}</td></tr>`)}<tr><th ${raw(cell)} colspan="2">Académie de ${academie.academie}</th><th ${raw(cell)}>${academie.signedConventions}</th><th ${raw(cell)}>${academie.conventions}</th><th ${raw(cell)}>${formatEuros(academie.signedCents)}</th><th ${raw(cell)}>${formatEuros(academie.expectedCents)}</th></tr>`)}
</tbody></table>`;

  const lines = csvLines({ ...input, addressChanges, dueSoon });
  return {
    subject,
    text,
    html: emailFrame(subject, body, input.contactEmail),
    attachments: lines.length > 1 ? [{ filename: `synthese-ent-ecole-${input.day}.csv`, contentType: 'text/csv; charset=utf-8', content: excelCsv(lines) }] : [],
    quiet,
  };
}
