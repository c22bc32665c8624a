import { deps } from '../adapters/composition.ts';
import { eventHandler } from '../adapters/invocation.ts';
import { scheduledRun } from '../use-cases/input/scheduled-event.ts';
import { startReminderDay } from '../use-cases/send-reminders.ts';

const d = deps();

/**
 * Fired by EventBridge Scheduler on working days at 09:00 Paris: starts the
 * day's reminders job (once per day, whatever the retries), which sends one
 * email per mayor as jobs. "Today" is the event's, so a day can be replayed.
 */
export const handler = eventHandler(async (event: unknown) => startReminderDay(d, scheduledRun(event)));
