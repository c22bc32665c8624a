/** The reminders of one convention under its campaign's policy, and the next day the sweep must look at it. */
import { parisDateOf } from './calendar.ts';
import type { Campaign, Convention } from './model.ts';
import { DEFAULT_REMINDER_POLICY, nextDueDate, planReminders, type PlannedReminder } from './reminder-policy.ts';

const EXPIRES: ReadonlySet<Convention['status']> = new Set(['sent', 'signed', 'executed', 'declined']);

export function remindersOf(campaign: Campaign, convention: Convention): PlannedReminder[] {
  if (convention.status === 'sending' || convention.status === 'draft' || convention.status === 'expired') return [];
  return planReminders({
    policy: campaign.reminderPolicy ?? DEFAULT_REMINDER_POLICY,
    schoolYear: convention.schoolYear,
    status: convention.status,
    ...(convention.sentAt ? { sentAt: convention.sentAt } : {}),
    endDate: convention.endDate,
  });
}

/** The next reminder strictly after `after`, or the end date if it comes first (the convention then expires). */
export function nextWakeUp(planned: readonly PlannedReminder[], convention: Convention, after: string): string | undefined {
  const reminder = nextDueDate(planned, after);
  const expiry = EXPIRES.has(convention.status) && convention.endDate > after ? convention.endDate : undefined;
  if (reminder === undefined) return expiry;
  if (expiry === undefined) return reminder;
  return reminder < expiry ? reminder : expiry;
}

/** Where a convention just sent stands: its first wake-up, counted from the Paris day of the invitation. */
export function firstWakeUp(campaign: Campaign, convention: Convention, sentAt: string): string | undefined {
  const sent: Convention = { ...convention, status: 'sent', sentAt };
  return nextWakeUp(remindersOf(campaign, sent), sent, parisDateOf(sentAt));
}
