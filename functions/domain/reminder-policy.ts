/**
 * Which reminders a convention gets, and on which day (issue 5). Pure: the
 * sweep passes "today" (from its event's scheduled time) and the convention;
 * the adapter stores nextDueDate() as the convention's due-date index key and
 * writes idempotencyKey() conditionally before sending.
 *
 * Decisions where the issue is silent:
 * - Every reminder is anchored on the invitation: without sentAt (a draft, a
 *   first send in progress) there is nothing to plan, and no reminder whose
 *   nominal date is before the invitation's Paris date is planned (the commune
 *   is not told about a window that closed before it was invited).
 * - Unsigned reminders only while the status is 'sent', and none on or after
 *   the convention's end date.
 * - Avenant notices for 'sent', 'signed' and 'executed'; not for
 *   'declined' (no convention to amend). The window is that of the
 *   convention's own school year, plus any later one that closes on or before
 *   its end date (only the multi-year conventions of the 2017 model have one).
 * - End-date notices for every status but 'cancelled' and 'expired': a
 *   commune that declined is still told how the next convention will come.
 * - Two reminders of one kind moved to the same working day (a long weekend
 *   with a short policy) are one: the one with the latest nominal date stays,
 *   so the idempotency key (convention, kind, day) names exactly one reminder.
 *
 * Issue 15: a reminder of a deadline (15 October for 'avenant-deadline', the
 * end date for 'end-date') that falls on a weekend or a public holiday moves
 * to the previous working day, never later, so it always comes before its
 * deadline; the others (the signature, the window's opening) move to the next
 * working day. Every reminder has a deadline (the signature's is the end
 * date, the opening notice's is 15 October) and none goes out on or after it:
 * such a reminder is not planned, and a day caught up late drops it too. The
 * policy refuses 0 days before a deadline, the only setting that would plan
 * one on its deadline.
 */
import { addDays, avenantWindow, daysBetween, nextSchoolYear, nextWorkingDay, parisDateOf, previousWorkingDay } from './calendar.ts';

export interface ReminderPolicy {
  unsignedFirstAfterDays: number;
  unsignedEveryDays: number;
  unsignedMax: number;
  /** Days before 15 October. */
  avenantNoticesDaysBefore: number[];
  avenantWindowOpenNotice: boolean;
  /** Days before the convention's end date. */
  endDateNoticesDaysBefore: number[];
}

export const DEFAULT_REMINDER_POLICY: Readonly<ReminderPolicy> = Object.freeze({
  unsignedFirstAfterDays: 7,
  unsignedEveryDays: 7,
  unsignedMax: 6,
  avenantNoticesDaysBefore: [14, 7, 2],
  avenantWindowOpenNotice: true,
  endDateNoticesDaysBefore: [60, 30, 7],
});

/**
 * The fewest days before its deadline a reminder may be set to go out: at 0 it would go out on the deadline
 * itself (or after it, the day being a holiday), too late to act. The campaign's policy is refused below it.
 */
export const MIN_DAYS_BEFORE_DEADLINE = 1;

export type ReminderKind = 'unsigned' | 'avenant-window-open' | 'avenant-deadline' | 'end-date';

/** Most important first: what blocks the convention, then a deadline with consequences, then information. */
const IMPORTANCE: readonly ReminderKind[] = ['unsigned', 'avenant-deadline', 'end-date', 'avenant-window-open'];

export interface PlannedReminder {
  kind: ReminderKind;
  /** The day the policy names, before moving off weekends and holidays. */
  nominalDate: string;
  /** The working day it goes out: the previous one for a deadline's reminder, the next one otherwise. */
  sendDate: string;
  /** 1..unsignedMax for 'unsigned'; days before 15 October for avenant notices (44 for the opening); days before the end date for 'end-date'. */
  sequence: number;
}

export type ReminderConventionStatus =
  | 'draft' | 'sending' | 'sent' | 'signed' | 'declined' | 'cancelled' | 'expired' | 'executed';

export interface PlanRemindersInput {
  policy: ReminderPolicy;
  schoolYear: string;
  status: ReminderConventionStatus;
  /** ISO instant of the invitation. */
  sentAt?: string;
  /** Plain date the convention ends. */
  endDate: string;
}

const GETS_AVENANT_NOTICES: ReadonlySet<ReminderConventionStatus> = new Set(['sent', 'signed', 'executed']);
const GETS_END_DATE_NOTICES: ReadonlySet<ReminderConventionStatus> = new Set(['sent', 'signed', 'executed', 'declined']);

/** The reminders that announce a deadline: moved earlier off a weekend or a holiday, so that they come before it. */
const DEADLINE_KINDS: ReadonlySet<ReminderKind> = new Set(['avenant-deadline', 'end-date']);

function planned(kind: ReminderKind, nominalDate: string, sequence: number): PlannedReminder {
  const sendDate = DEADLINE_KINDS.has(kind) ? previousWorkingDay(nominalDate) : nextWorkingDay(nominalDate);
  return { kind, nominalDate, sendDate, sequence };
}

/**
 * The day by which the reminder is of use, and on or after which it is never sent: 15 October for the avenant
 * notices (the nominal date plus its days before), the end date for the end-date notices and the signature.
 */
export function deadlineOf(reminder: PlannedReminder, endDate: string): string {
  return reminder.kind === 'unsigned' ? endDate : addDays(reminder.nominalDate, reminder.sequence);
}

function avenantNotices(policy: ReminderPolicy, schoolYear: string, endDate: string): PlannedReminder[] {
  const notices: PlannedReminder[] = [];
  for (let year = schoolYear; ; year = nextSchoolYear(year)) {
    const { opens, closes } = avenantWindow(year);
    if (year !== schoolYear && closes > endDate) break;
    if (policy.avenantWindowOpenNotice) notices.push(planned('avenant-window-open', opens, daysBetween(opens, closes)));
    for (const before of policy.avenantNoticesDaysBefore) notices.push(planned('avenant-deadline', addDays(closes, -before), before));
  }
  return notices;
}

/** Every reminder the convention will ever get under the policy, in sending order. */
export function planReminders(input: PlanRemindersInput): PlannedReminder[] {
  const { policy, schoolYear, status, sentAt, endDate } = input;
  if (status === 'sent' && sentAt === undefined) throw new Error('A sent convention needs sentAt to plan its reminders.');
  if (sentAt === undefined) return [];
  const invited = parisDateOf(sentAt);

  const all: PlannedReminder[] = [];
  if (status === 'sent') {
    for (let n = 1; n <= policy.unsignedMax; n += 1) {
      const nominal = addDays(invited, policy.unsignedFirstAfterDays + (n - 1) * policy.unsignedEveryDays);
      if (nominal >= endDate) break;
      all.push(planned('unsigned', nominal, n));
    }
  }
  if (GETS_AVENANT_NOTICES.has(status)) all.push(...avenantNotices(policy, schoolYear, endDate));
  if (GETS_END_DATE_NOTICES.has(status)) {
    for (const before of policy.endDateNoticesDaysBefore) all.push(planned('end-date', addDays(endDate, -before), before));
  }

  const byKindAndDay = new Map<string, PlannedReminder>();
  for (const reminder of all) {
    // Before the invitation (moved earlier, it may be), or on or after its deadline: not sent.
    if (reminder.nominalDate < invited || reminder.sendDate < invited || reminder.sendDate >= deadlineOf(reminder, endDate)) continue;
    const key = `${reminder.kind}#${reminder.sendDate}`;
    const kept = byKindAndDay.get(key);
    if (kept === undefined || reminder.nominalDate > kept.nominalDate) byKindAndDay.set(key, reminder);
  }
  return [...byKindAndDay.values()].sort(
    (a, b) => a.sendDate.localeCompare(b.sendDate) || IMPORTANCE.indexOf(a.kind) - IMPORTANCE.indexOf(b.kind),
  );
}

/** The reminders that go out on this very day. */
export function dueOn<R extends PlannedReminder>(planned: readonly R[], today: string): R[] {
  return planned.filter((reminder) => reminder.sendDate === today);
}

/** The next day something goes out, strictly after a date: the convention's due-date index key, or none left. */
export function nextDueDate(planned: readonly PlannedReminder[], after: string): string | undefined {
  let next: string | undefined;
  for (const { sendDate } of planned) if (sendDate > after && (next === undefined || sendDate < next)) next = sendDate;
  return next;
}

/** One email for one mayor on one day. */
export interface ReminderMessage<R extends PlannedReminder = PlannedReminder> {
  sendDate: string;
  /** Each kind once, most important first: the first one gives the subject. */
  kinds: ReminderKind[];
  /** Every reminder the email stands for, most important first. */
  reminders: R[];
}

/**
 * Never two emails to one mayor on one day: what is due for them (from one
 * convention or several, so R may carry a conventionId) becomes one message.
 */
export function mergeForOneEmail<R extends PlannedReminder>(due: readonly R[]): ReminderMessage<R> | undefined {
  const [first] = due;
  if (first === undefined) return undefined;
  if (due.some((reminder) => reminder.sendDate !== first.sendDate)) {
    throw new Error('Only reminders of one day make one email.');
  }
  const reminders = [...due].sort((a, b) => IMPORTANCE.indexOf(a.kind) - IMPORTANCE.indexOf(b.kind) || b.nominalDate.localeCompare(a.nominalDate));
  const kinds = IMPORTANCE.filter((kind) => reminders.some((reminder) => reminder.kind === kind));
  return { sendDate: first.sendDate, kinds, reminders };
}

/** One reminder of one kind, for one convention, on one day: written conditionally, it makes a second sweep send nothing. */
export function idempotencyKey(conventionId: string, kind: ReminderKind, sendDate: string): string {
  if (conventionId === '' || conventionId.includes('#')) throw new Error(`Not a convention id: "${conventionId}"`);
  addDays(sendDate, 0); // throws unless a plain date
  return `reminder#${conventionId}#${kind}#${sendDate}`;
}
