import { deps } from '../adapters/composition.ts';
import { withRedactedErrors } from '../adapters/logging.ts';
import { metric } from '../adapters/metrics.ts';

const d = deps();

/**
 * Every minute (EventBridge Scheduler): the jobs waiting for a retry whose
 * time came become pending again, and the stream delivers them to the worker.
 * Reads the waiting index only, never the table.
 */
export const handler = withRedactedErrors(async (event: { time?: string }) => {
  const now = event?.time ? new Date(Date.parse(event.time)) : d.now();
  // The scheduled time is the minute; a job due within it is due.
  const woken = await d.jobs.wakeDue(new Date(Math.max(now.getTime(), d.now().getTime())).toISOString());
  if (woken > 0) metric('Jobs', { JobsWoken: woken });
  return { woken };
});
