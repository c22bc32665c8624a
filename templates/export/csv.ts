/**
 * CSV files for French Excel, opened by double-click: UTF-8 with BOM, « ; », CRLF, decimal comma.
 * - Amounts are integer cents written "80,00": Excel reads a number; no thousands separator.
 * - Digits kept as text (SIRET, INSEE) are written ="…", which Excel shows and copies whole.
 * - Text cells starting with = + - @ get a leading apostrophe, so no imported name runs as a formula (CSV injection).
 */
/** Integer cents → "80,00", "2700,00", "-12,50": French Excel reads it as a number; no thousands separator. */
export function formatCsvAmount(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new Error(`montant en centimes attendu : ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/** A cell whose text must not be read as a formula or a number. */
export class CsvFormula {
  constructor(readonly value: string) {}
}

/** ="…": Excel keeps the digits as text (SIRET, INSEE). */
export const excelText = (value: string) => new CsvFormula(`="${value.replace(/"/g, '""')}"`);

export type CsvCell = string | number | CsvFormula;

function csvCell(cell: CsvCell): string {
  if (cell instanceof CsvFormula) return `"${cell.value.replace(/"/g, '""')}"`;
  let text = String(cell);
  if (typeof cell === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows → the bytes of a CSV for French Excel: BOM, « ; », CRLF, quoted where needed. */
export function excelCsv(rows: readonly (readonly CsvCell[])[]): Uint8Array {
  return new TextEncoder().encode(`\ufeff${rows.map((row) => row.map(csvCell).join(';')).join('\r\n')}\r\n`);
}
