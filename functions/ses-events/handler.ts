import { deps } from '../adapters/composition.ts';
import { eventHandler } from '../adapters/invocation.ts';
import { metric } from '../adapters/metrics.ts';
import { recordSesEvent } from '../use-cases/record-ses-event.ts';

const d = deps();

/** SES events from EventBridge: bounces and complaints make addresses undeliverable; a send records a job's email as out. */
export const handler = eventHandler(async (event: unknown) => {
  const { marked, confirmed } = await recordSesEvent(d, event);
  metric('SesEvents', { UndeliverableMarked: marked.length, JobEmailsConfirmedBySes: confirmed });
  return { marked: marked.length, confirmed };
});
