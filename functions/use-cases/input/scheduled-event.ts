/** What a scheduled run is given: its Paris day and its instant, read from the event, never from the clock. */
import * as z from 'zod';
import { parisDateOf } from '../../domain/calendar.ts';
import { invalidInput } from './invalid-input.ts';

const scheduledEventSchema = z
  .object({
    scheduledTime: z.iso.datetime({ offset: true }).optional(),
    time: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((event) => event.scheduledTime !== undefined || event.time !== undefined, {
    error: 'Un événement planifié doit porter scheduledTime ou time (instant ISO-8601).',
  });

/** "Today" in Paris from the event's scheduled time (EventBridge Scheduler's scheduledTime, or a rule's time), never the wall clock. */
export function todayFromScheduledEvent(event: unknown): string {
  const parsed = scheduledEventSchema.safeParse(event);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || 'event', message: issue.message }));
    throw invalidInput(issues, `Événement planifié invalide : ${issues.map((issue) => `${issue.field} : ${issue.message}`).join(' ; ')}`);
  }
  return parisDateOf((parsed.data.scheduledTime ?? parsed.data.time)!);
}

/** A scheduled run: its Paris day and its instant, both from the event, never from the clock. */
export function scheduledRun(event: unknown): { today: string; at: string } {
  const today = todayFromScheduledEvent(event);
  const { scheduledTime, time } = event as { scheduledTime?: string; time?: string };
  return { today, at: new Date(Date.parse((scheduledTime ?? time)!)).toISOString() };
}
