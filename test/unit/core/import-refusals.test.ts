/** An import's refused rows, as its job page and refus.csv list them: one per line of the file, by line. */
import { describe, expect, it } from 'vitest';
import { refusedRows } from '../../../functions/domain/import-refusals.ts';
import { refusedRowsCsv } from '../../../templates/export/refused-rows-csv.ts';

const at = '2031-01-05T09:00:00.000Z';

describe("an import's refused rows", () => {
  it('gives a commune refused with all its lines one row per line, a row refused before its commune was known without one, and leaves out the job’s own failure', () => {
    const job = {
      id: 'job-1',
      label: 'Importation pour 2031-2032',
      failed: [
        { item: 'Le Boulou', reason: 'La commune Le Boulou a déjà une convention avec une autre liste d’écoles.', at, line: 5, lines: [5, 9] },
        { item: 'ligne 3', reason: 'Le SIRET est manquant.', at, line: 3 },
        { item: 'Lespignan', reason: 'Abandonné après 10 essais.', at },
        { item: 'Importation pour 2031-2032', reason: 'Le fichier est vide.', at },
      ],
    };
    expect(refusedRows(job)).toEqual([
      { line: 3, reason: 'Le SIRET est manquant.' },
      { line: 5, commune: 'Le Boulou', reason: job.failed[0]!.reason },
      { line: 9, commune: 'Le Boulou', reason: job.failed[0]!.reason },
      { commune: 'Lespignan', reason: 'Abandonné après 10 essais.' },
    ]);
  });

  it('writes refus.csv for French Excel: BOM, « ; », CRLF, a reason with « ; » quoted, a commune never run as a formula', () => {
    const bytes = refusedRowsCsv({ id: 'job-2', failed: [{ item: '=HYPERLINK("x")', reason: 'Deux raisons ; la seconde.', at, line: 2 }] });
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)).toBe('\ufeffLigne;Commune;Raison\r\n2;"\'=HYPERLINK(""x"")";"Deux raisons ; la seconde."\r\n');
  });
});
