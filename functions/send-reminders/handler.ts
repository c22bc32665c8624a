import { deps } from '../adapters/composition.ts';
import { withRedactedErrors } from '../adapters/logging.ts';
import { metric } from '../adapters/metrics.ts';
import { scheduledRun } from '../core/reminder-schedule.ts';
import { sendReminders } from '../core/send-reminders.ts';

const d = deps();

/**
 * The daily reminder sweep, fired by EventBridge Scheduler on working days at
 * 09:00 Paris. A run with failed emails ends in error after doing the rest, so
 * Scheduler retries it (nothing is sent twice) and, in the end, the event
 * reaches the dead-letter queue: a failure is never silent.
 */
export const handler = withRedactedErrors(async (event: unknown) => {
  const report = await sendReminders(d, scheduledRun(event));
  metric('Reminders', { RemindersSent: report.reminders, ReminderEmails: report.emails, ReminderEmailsFailed: report.failed, ConventionsExpired: report.expired, DueRead: report.read });
  if (report.failed > 0) throw new Error(`${report.failed} reminder email(s) failed on ${report.today}; they will be retried`);
  return report;
});
