/**
 * The rows an import refused, one per line of the file, as the console shows
 * them and as refus.csv lists them (templates/export/refused-rows-csv.ts). The import job records a row refused when
 * the file is read with its line, and a commune refused when its convention is
 * added with all of its lines (use-cases/import-campaign.ts): both become one row
 * per line, by line; a failure with no line (a commune's job abandoned after
 * its retries) comes last.
 */
import type { JobFailure } from './jobs/job.ts';

export interface RefusedRow {
  line?: number;
  /** The commune the row names, when it names one. */
  commune?: string;
  reason: string;
}

/** A row refused before its commune was known is recorded under "ligne N": no commune to show. */
const communeOf = (item: string) => (/^ligne \d+$/.test(item) ? undefined : item);

/** What the rows come from: the import job's failures; its own (a file it could not read) is its reason, no row. */
export interface ImportJobFailures {
  id: string;
  label?: string;
  failed: readonly JobFailure[];
}

export function refusedRows(job: ImportJobFailures): RefusedRow[] {
  const own = (failure: JobFailure) => failure.line === undefined && failure.item === (job.label ?? job.id);
  const rows = job.failed.filter((failure) => !own(failure)).flatMap((failure) => {
    const commune = communeOf(failure.item);
    const lines = failure.lines?.length ? failure.lines : failure.line !== undefined ? [failure.line] : [undefined];
    return lines.map((line) => ({ ...(line !== undefined ? { line } : {}), ...(commune ? { commune } : {}), reason: failure.reason }));
  });
  return rows.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
}
