/**
 * What SES tells of an email, through the configuration set's EventBridge
 * events: a permanent bounce or a complaint makes the address undeliverable;
 * a transient bounce (full mailbox, server down) does not.
 */
import * as z from 'zod';
import { parseInput } from './inputs.ts';
import type { Deps, UndeliverableAddress } from './ports.ts';

export const sesEventSchema = z.object({
  time: z.iso.datetime({ offset: true }),
  detail: z.object({
    eventType: z.enum(['Bounce', 'Complaint']),
    bounce: z
      .object({
        bounceType: z.string(),
        bounceSubType: z.string().optional(),
        bouncedRecipients: z.array(z.object({ emailAddress: z.string(), diagnosticCode: z.string().optional() })),
      })
      .optional(),
    complaint: z
      .object({ complainedRecipients: z.array(z.object({ emailAddress: z.string() })), complaintFeedbackType: z.string().optional() })
      .optional(),
  }),
});

export async function recordSesEvent(deps: Pick<Deps, 'undeliverable'>, event: unknown): Promise<UndeliverableAddress[]> {
  const { time, detail } = parseInput(sesEventSchema, event);
  const at = new Date(Date.parse(time)).toISOString();
  const marked: UndeliverableAddress[] = [];
  if (detail.eventType === 'Bounce' && detail.bounce?.bounceType === 'Permanent') {
    for (const recipient of detail.bounce.bouncedRecipients) {
      marked.push({ address: recipient.emailAddress, reason: 'bounce', detail: recipient.diagnosticCode ?? detail.bounce.bounceSubType ?? 'Permanent', at });
    }
  }
  if (detail.eventType === 'Complaint') {
    for (const recipient of detail.complaint?.complainedRecipients ?? []) {
      marked.push({ address: recipient.emailAddress, reason: 'complaint', detail: detail.complaint?.complaintFeedbackType ?? 'abuse', at });
    }
  }
  for (const entry of marked) await deps.undeliverable.mark(entry);
  return marked;
}
