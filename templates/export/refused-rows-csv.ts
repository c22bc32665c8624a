import { refusedRows, type ImportJobFailures } from '../../functions/domain/import-refusals.ts';
import { excelCsv } from './csv.ts';

/** refus.csv: Ligne;Commune;Raison, for French Excel (UTF-8 with BOM, « ; », CRLF; a cell never runs as a formula). */
export function refusedRowsCsv(job: ImportJobFailures): Uint8Array {
  return excelCsv([['Ligne', 'Commune', 'Raison'], ...refusedRows(job).map((row) => [row.line ?? '', row.commune ?? '', row.reason])]);
}
