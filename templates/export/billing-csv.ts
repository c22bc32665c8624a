/**
 * What the finance service needs to issue the titres de perception: one line
 * per executed convention, exact to the cent, as a CSV a French Excel opens
 * by double-click (UTF-8 with BOM, « ; », CRLF, decimal comma).
 *
 * - Executed conventions only, and those executed before reaching their end
 *   date (status 'expired' with a countersignature): the export of a past
 *   year still lists what was invoiced.
 * - The school count is the count billed: after an avenant sent late, a
 *   decrease is billed at last year's count (docs/domain.md), so the list of
 *   schools can be shorter than what amountCents pays for; count × fee =
 *   amount on every line.
 * - The SIRET is written ="21340135900012": as a bare number Excel shows
 *   2,13401E+13 and a copied cell loses the digits; the formula form shows and
 *   copies the 14 digits.
 * - Text cells starting with = + - @ get a leading apostrophe, so a commune
 *   name from an import cannot run as a formula (CSV injection).
 * - What a titre de perception needs beside the amount: the commune's postal
 *   address, the convention's reference, the délibération that authorised
 *   the signature (number and date), and, once recorded, the titre's number
 *   and date. `toInvoiceOnly` keeps the lines without a titre (`?reste=1`).
 */
import { parisDateOf } from '../../functions/domain/calendar.ts';
import { billedSchoolCount, isBillable } from '../../functions/domain/billing.ts';
import { academieOf, departementOf } from '../../functions/domain/campaign-stats.ts';
import type { Convention } from '../../functions/domain/model.ts';
import { formatShortDate } from '../format/french.ts';
import { excelCsv, excelText, formatCsvAmount, type CsvCell } from './csv.ts';

/** A UTC instant → "28/05/2025", the day it was in Paris. */
const parisShortDate = (instant: string | undefined) => (instant ? formatShortDate(parisDateOf(instant)) : '');

export const BILLING_HEADER = [
  'Commune',
  'SIRET',
  'Département',
  'Académie',
  'Année scolaire',
  "Nombre d'écoles",
  'Participation par école (€)',
  'Montant (€)',
  'Date de signature (commune)',
  'Date de contresignature (rectorat)',
  'Avenant (effet)',
  'Adresse',
  'Référence',
  'Délibération (n°)',
  'Délibération (date)',
  'Titre de perception (n°)',
  'Titre de perception (date)',
] as const;

/** The avenants' effects: the caller's text when given, else those the convention records. */
function avenantEffect(convention: Convention, effects: ReadonlyMap<string, string> | undefined): string {
  const given = effects?.get(convention.id);
  if (given !== undefined) return given;
  // Read structurally: the field comes with the avenants and may be absent from older records.
  const recorded = (convention as { avenants?: { effect?: string }[] }).avenants ?? [];
  return recorded.map((avenant) => avenant.effect ?? '').filter(Boolean).join(' / ');
}

/** billing.csv of a campaign: sorted by département then commune, and a Total line. */
export function billingCsv(
  conventions: readonly Convention[],
  avenantEffects?: ReadonlyMap<string, string>,
  { toInvoiceOnly = false }: { toInvoiceOnly?: boolean } = {},
): Uint8Array {
  const lines = conventions
    .filter(isBillable)
    .filter((convention) => !toInvoiceOnly || convention.titre === undefined)
    .map((convention) => ({ convention, departement: departementOf(convention) }))
    .sort(
      (a, b) =>
        a.departement.localeCompare(b.departement, 'fr', { numeric: true }) ||
        a.convention.commune.name.localeCompare(b.convention.commune.name, 'fr', { sensitivity: 'base' }) ||
        a.convention.commune.siret.localeCompare(b.convention.commune.siret),
    );
  let schools = 0;
  let amountCents = 0;
  const rows: CsvCell[][] = lines.map(({ convention, departement }) => {
    const count = billedSchoolCount(convention);
    schools += count;
    amountCents += convention.amountCents;
    return [
      convention.commune.name,
      excelText(convention.commune.siret),
      departement,
      academieOf(departement) ?? '',
      convention.schoolYear,
      count,
      formatCsvAmount(convention.feeCents),
      formatCsvAmount(convention.amountCents),
      parisShortDate(convention.signature?.signedAt ?? convention.signedAt),
      parisShortDate(convention.countersignature?.countersignedAt ?? convention.executedAt),
      avenantEffect(convention, avenantEffects),
      convention.commune.address,
      convention.reference ?? '',
      convention.signature?.deliberation?.number ?? '',
      convention.signature?.deliberation ? formatShortDate(convention.signature.deliberation.date) : '',
      convention.titre?.number ?? '',
      convention.titre ? formatShortDate(convention.titre.date) : '',
    ];
  });
  const total: CsvCell[] = BILLING_HEADER.map(() => '');
  total[0] = 'Total';
  total[BILLING_HEADER.indexOf("Nombre d'écoles")] = schools;
  total[BILLING_HEADER.indexOf('Montant (€)')] = formatCsvAmount(amountCents);
  return excelCsv([[...BILLING_HEADER], ...rows, total]);
}

/** "facturation-ent-ecole-2025-2026.csv". */
export const billingCsvFilename = (schoolYear: string) => `facturation-ent-ecole-${schoolYear}.csv`;
