/**
 * The minute's wake-up of the job queue: the jobs waiting for a retry whose time came become pending again
 * (the stream delivers them to the worker), and a job pending for longer than the stream keeps its record
 * is written again, once. Reads the index of open jobs only, never the table.
 */
import type { Deps } from '../ports.ts';

export interface WokenJobs {
  woken: number;
  redelivered: number;
  /** Pending jobs whose record was already written again once: failed for good. */
  failed: number;
}

export async function wakeJobs(deps: Pick<Deps, 'jobs'>, input: { at: Date; redeliverAfterMs: number }): Promise<WokenJobs> {
  const { at, redeliverAfterMs } = input;
  const woken = await deps.jobs.wakeDue(at.toISOString());
  // A pending job the stream never delivered (its record discarded or expired) is written again, once.
  const { redelivered, failed } = await deps.jobs.redeliverStale(new Date(at.getTime() - redeliverAfterMs).toISOString(), at.toISOString());
  return { woken, redelivered, failed };
}
