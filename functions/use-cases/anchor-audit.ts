/**
 * The daily anchor of the audit trail: once a day (Paris) is over, the heads
 * of every chain that changed that day go into one file, `anchors/<day>.json`,
 * stored create-only in the documents bucket (Object Lock in AWS), its
 * SHA-256 and version recorded. A trail rewritten afterwards, even with every
 * hash recomputed, no longer ends at the head anchored for its day.
 *
 * The schedule fires shortly after midnight and anchors the day before, so an
 * event written at 23:59 is in its day's file. The job has the day's id: a
 * schedule that fires twice anchors once, and the file holds no clock of its
 * own, so a retried job makes the same bytes.
 */
import { canonicalJson } from '../domain/audit-chain.ts';
import { addDays } from '../domain/calendar.ts';
import { newJob, type Job } from '../domain/jobs/job.ts';
import type { JobDeps } from './jobs/run-job.ts';
import type { AnchoredChain, Deps } from './ports.ts';
import { sealerOf } from './sign-convention.ts';
import { storeOnce } from './stored-document.ts';

export const anchorFileKey = (day: string) => `anchors/${day}.json`;
/** The anchor's RFC 3161 token (DER TimeStampToken), beside it: `npm run verify` reads it next to the .json. */
export const anchorTokenKey = (day: string) => `anchors/${day}.tst`;

/** From the schedule: the job that anchors the day before `today`. */
export async function startAnchor(deps: Pick<Deps, 'jobs'>, input: { today: string; at: string }): Promise<{ jobId: string; started: boolean }> {
  const day = addDays(input.today, -1);
  const job = newJob({ id: `anchor-${day}`, kind: 'anchor-audit', payload: { day }, at: input.at, label: `Ancrage de la piste d'audit du ${day}` });
  return deps.jobs.startTracked(job);
}

/** The anchor file: the day and its chains' heads, in a stable order, canonical JSON. */
export function anchorFile(day: string, chains: AnchoredChain[]): Uint8Array {
  const sorted = [...chains].sort((a, b) => `${a.conventionId}#${a.avenantId ?? ''}`.localeCompare(`${b.conventionId}#${b.avenantId ?? ''}`));
  return new TextEncoder().encode(`${canonicalJson({ format: 'paraphe-anchor/1', day, chains: sorted })}\n`);
}

export async function runAnchor(deps: JobDeps, job: Job): Promise<{ tally: string }> {
  const { day } = job.payload as { day: string };
  const chains = await deps.anchors.chainsOf(day);
  const { document, bytes } = await storeOnce(deps, anchorFileKey(day), anchorFile(day, chains), 'application/json');
  // The anchor is timestamped by the seals' TSA (RFC 3161 over the stored file's SHA-256), the token stored
  // create-only beside it: a TSA that cannot be reached makes the job wait, as for a seal.
  await storeOnce(deps, anchorTokenKey(day), await sealerOf(deps).timestamp(bytes), 'application/timestamp-reply');
  return { tally: (await deps.anchors.record(day, document, deps.now().toISOString())) ? 'anchored' : 'skipped' };
}
