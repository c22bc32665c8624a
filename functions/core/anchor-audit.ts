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
import { canonicalJson } from './audit-chain.ts';
import { addDays } from './calendar.ts';
import { newJob, type Job } from './jobs/job.ts';
import type { JobDeps } from './jobs/run-job.ts';
import type { AnchoredChain, Deps } from './ports.ts';
import { storeOnce } from './stored-document.ts';

export const anchorFileKey = (day: string) => `anchors/${day}.json`;

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
  const { document } = await storeOnce(deps, anchorFileKey(day), anchorFile(day, chains), 'application/json');
  // TODO(issue 14, timestamp): have the anchor timestamped by the TSA client of the timestamped seal
  // (RFC 3161 over document.sha256), and store the token create-only beside it as anchors/<day>.tsr.
  return { tally: (await deps.anchors.record(day, document, deps.now().toISOString())) ? 'anchored' : 'skipped' };
}
