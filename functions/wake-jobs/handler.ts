import { deps } from '../adapters/composition.ts';
import { loadConfig } from '../adapters/config.ts';
import { eventHandler } from '../adapters/invocation.ts';
import { metric } from '../adapters/metrics.ts';

const d = deps();
const redeliverAfterMs = loadConfig(process.env).JOB_REDELIVER_AFTER_SECONDS * 1000;

/**
 * Every minute (EventBridge Scheduler): the jobs waiting for a retry whose
 * time came become pending again, and the stream delivers them to the worker;
 * a job pending for longer than the stream keeps its record is written again.
 * Reads the index of open jobs only, never the table.
 */
export const handler = eventHandler(async (event: { time?: string }) => {
  const now = event?.time ? new Date(Date.parse(event.time)) : d.now();
  // The scheduled time is the minute; a job due within it is due.
  const at = new Date(Math.max(now.getTime(), d.now().getTime()));
  const woken = await d.jobs.wakeDue(at.toISOString());
  // A pending job the stream never delivered (its record discarded or expired) is written again, once.
  const { redelivered, failed } = await d.jobs.redeliverStale(new Date(at.getTime() - redeliverAfterMs).toISOString(), at.toISOString());
  if (woken + redelivered + failed > 0) metric('Jobs', { JobsWoken: woken, JobsRedelivered: redelivered, JobsLost: failed });
  return { woken, ...(redelivered + failed > 0 ? { redelivered, lost: failed } : {}) };
});
