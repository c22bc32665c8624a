import { deps } from '../adapters/composition.ts';
import { metric } from '../adapters/metrics.ts';
import { recordSesEvent } from '../core/record-ses-event.ts';

const d = deps();

/** SES bounces and complaints from EventBridge: the addresses become undeliverable. */
export const handler = async (event: unknown) => {
  const marked = await recordSesEvent(d, event);
  metric('SesEvents', { UndeliverableMarked: marked.length });
  return { marked: marked.length };
};
