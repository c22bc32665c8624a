import { deps } from '../adapters/composition.ts';
import { loadConfig } from '../adapters/config.ts';
import { eventHandler } from '../adapters/invocation.ts';
import { metric } from '../adapters/metrics.ts';
import { wakeJobs } from '../use-cases/jobs/wake-jobs.ts';

const d = deps();
const redeliverAfterMs = loadConfig(process.env).JOB_REDELIVER_AFTER_SECONDS * 1000;

/**
 * Every minute (EventBridge Scheduler): the jobs waiting for a retry whose
 * time came become pending again, and the stream delivers them to the worker;
 * a job pending for longer than the stream keeps its record is written again
 * (use-cases/jobs/wake-jobs.ts).
 */
export const handler = eventHandler(async (event: { time?: string }) => {
  const now = event?.time ? new Date(Date.parse(event.time)) : d.now();
  // The scheduled time is the minute; a job due within it is due.
  const at = new Date(Math.max(now.getTime(), d.now().getTime()));
  const { woken, redelivered, failed } = await wakeJobs(d, { at, redeliverAfterMs });
  if (woken + redelivered + failed > 0) metric('Jobs', { JobsWoken: woken, JobsRedelivered: redelivered, JobsLost: failed });
  return { woken, ...(redelivered + failed > 0 ? { redelivered, lost: failed } : {}) };
});
