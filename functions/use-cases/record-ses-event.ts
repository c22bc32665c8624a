/**
 * What SES tells of an email, through the configuration set's EventBridge
 * events: a permanent bounce or a complaint makes the address undeliverable;
 * a transient bounce (full mailbox, server down) does not; a send tagged
 * with a job records that job's one email as out, for a try that died
 * between SES taking it and recording it (jobs/email-once.ts).
 */
import * as z from 'zod';
import { parseInput } from './input/inputs.ts';
import { JOB_TAG } from './jobs/email-once.ts';
import type { Deps, UndeliverableAddress } from './ports.ts';

export const sesEventSchema = z.object({
  time: z.iso.datetime({ offset: true }),
  detail: z.object({
    eventType: z.enum(['Bounce', 'Complaint', 'Send']),
    mail: z.object({ timestamp: z.iso.datetime({ offset: true }).optional(), tags: z.record(z.string(), z.array(z.string())).optional() }).optional(),
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

export interface SesEventOutcome {
  /** Addresses this event made undeliverable (an address already marked keeps its first report). */
  marked: UndeliverableAddress[];
  /** Jobs' emails recorded as sent from SES's Send event (their try had not recorded it yet). */
  confirmed: number;
}

export async function recordSesEvent(deps: Pick<Deps, 'undeliverable' | 'jobs'>, event: unknown): Promise<SesEventOutcome> {
  const { time, detail } = parseInput(sesEventSchema, event);
  const at = new Date(Date.parse(time)).toISOString();
  if (detail.eventType === 'Send') {
    const jobId = detail.mail?.tags?.[JOB_TAG]?.[0];
    if (!jobId) return { marked: [], confirmed: 0 };
    const sentAt = new Date(Date.parse(detail.mail?.timestamp ?? time)).toISOString();
    return { marked: [], confirmed: (await deps.jobs.recordEmailSent(jobId, sentAt)) ? 1 : 0 };
  }
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
  const newlyMarked: UndeliverableAddress[] = [];
  for (const entry of marked) if (await deps.undeliverable.mark(entry)) newlyMarked.push(entry);
  return { marked: newlyMarked, confirmed: 0 };
}
