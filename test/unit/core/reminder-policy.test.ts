import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, isWorkingDay } from '../../../functions/domain/calendar.ts';
import { newCampaignSchema, parseInput } from '../../../functions/use-cases/input/inputs.ts';
import { campaign2026 } from '../../fixtures/seed-communes.ts';
import {
  DEFAULT_REMINDER_POLICY,
  dueOn,
  idempotencyKey,
  mergeForOneEmail,
  nextDueDate,
  planReminders,
  type PlanRemindersInput,
  type PlannedReminder,
  type ReminderKind,
} from '../../../functions/domain/reminder-policy.ts';
import { reminderPolicySchema } from '../../../functions/use-cases/input/reminder-policy.ts';
import { todayFromScheduledEvent } from '../../../functions/use-cases/input/scheduled-event.ts';

const convention2026 = (overrides: Partial<PlanRemindersInput>): PlanRemindersInput => ({
  policy: DEFAULT_REMINDER_POLICY,
  schoolYear: '2026-2027',
  status: 'sent',
  endDate: '2027-09-05',
  ...overrides,
});

const ofKind = (planned: PlannedReminder[], kind: ReminderKind) => planned.filter((reminder) => reminder.kind === kind);
const sendDates = (planned: PlannedReminder[]) => planned.map((reminder) => reminder.sendDate);

describe('unsigned reminders', () => {
  // Invited on Friday 20 November 2026: the 5th and 6th reminders fall on Christmas and New Year's Day.
  const invitedInNovember = planReminders(convention2026({ sentAt: '2026-11-20T09:00:00Z' }));

  it('come 7 days after the invitation, then every 7 days, and stop after 6', () => {
    const unsigned = ofKind(invitedInNovember, 'unsigned');
    expect(unsigned.map((reminder) => reminder.nominalDate)).toEqual([
      '2026-11-27', '2026-12-04', '2026-12-11', '2026-12-18', '2026-12-25', '2027-01-01',
    ]);
    expect(unsigned.map((reminder) => reminder.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('one falling on Christmas or New Year’s Day (Fridays in 2026) goes out on the next Monday', () => {
    expect(sendDates(ofKind(invitedInNovember, 'unsigned')).slice(4)).toEqual(['2026-12-28', '2027-01-04']);
  });

  it('a reminder falling on Easter Monday 2027 goes out on Tuesday', () => {
    const [first] = ofKind(planReminders(convention2026({ sentAt: '2027-03-22T10:00:00Z' })), 'unsigned');
    expect(first).toEqual({ kind: 'unsigned', nominalDate: '2027-03-29', sendDate: '2027-03-30', sequence: 1 });
  });

  it('count from the Paris date of the invitation, not its UTC date', () => {
    const [first] = ofKind(planReminders(convention2026({ sentAt: '2026-09-16T22:30:00Z' })), 'unsigned');
    expect(first?.nominalDate).toBe('2026-09-24');
  });

  it.each(['signed', 'executed', 'declined', 'cancelled', 'expired'] as const)('do not exist once the convention is %s', (status) => {
    expect(ofKind(planReminders(convention2026({ status, sentAt: '2026-11-20T09:00:00Z' })), 'unsigned')).toEqual([]);
  });

  it('stop at the convention’s end date', () => {
    const unsigned = ofKind(planReminders(convention2026({ sentAt: '2027-08-10T08:00:00Z' })), 'unsigned');
    expect(unsigned.map((reminder) => reminder.nominalDate)).toEqual(['2027-08-17', '2027-08-24', '2027-08-31']);
  });

  it('two moved to the same Monday by a short policy are one, so one key names one email', () => {
    const policy = { ...DEFAULT_REMINDER_POLICY, unsignedFirstAfterDays: 1, unsignedEveryDays: 1, unsignedMax: 3 };
    const unsigned = ofKind(planReminders(convention2026({ policy, sentAt: '2026-10-15T08:00:00Z' })), 'unsigned');
    expect(unsigned).toEqual([
      { kind: 'unsigned', nominalDate: '2026-10-16', sendDate: '2026-10-16', sequence: 1 },
      { kind: 'unsigned', nominalDate: '2026-10-18', sendDate: '2026-10-19', sequence: 3 },
    ]);
  });

  it('cannot be planned for a sent convention without its invitation time', () => {
    expect(() => planReminders(convention2026({ sentAt: undefined }))).toThrow(/sentAt/);
  });
});

describe('avenant notices', () => {
  // Invited in June, before the window of 2026-2027 opens.
  const signedInJune = planReminders(convention2026({ status: 'signed', sentAt: '2026-06-15T08:00:00Z' }));

  it('tell every commune, signed or not, when the window opens on 1 September', () => {
    expect(ofKind(signedInJune, 'avenant-window-open')).toEqual([
      { kind: 'avenant-window-open', nominalDate: '2026-09-01', sendDate: '2026-09-01', sequence: 44 },
    ]);
  });

  it('come 14, 7 and 2 days before 15 October 2026: Thursday 1, Thursday 8 and Tuesday 13 October', () => {
    expect(ofKind(signedInJune, 'avenant-deadline')).toEqual([
      { kind: 'avenant-deadline', nominalDate: '2026-10-01', sendDate: '2026-10-01', sequence: 14 },
      { kind: 'avenant-deadline', nominalDate: '2026-10-08', sendDate: '2026-10-08', sequence: 7 },
      { kind: 'avenant-deadline', nominalDate: '2026-10-13', sendDate: '2026-10-13', sequence: 2 },
    ]);
  });

  it('are the same for a convention still waiting for its signature', () => {
    const unsigned = planReminders(convention2026({ sentAt: '2026-06-15T08:00:00Z' }));
    expect(ofKind(unsigned, 'avenant-deadline')).toEqual(ofKind(signedInJune, 'avenant-deadline'));
  });

  it('before the invitation are not sent: a commune invited on 5 October hears of 8 and 13 October only', () => {
    const invitedLate = planReminders(convention2026({ status: 'signed', sentAt: '2026-10-05T08:00:00Z' }));
    expect(ofKind(invitedLate, 'avenant-window-open')).toEqual([]);
    expect(sendDates(ofKind(invitedLate, 'avenant-deadline'))).toEqual(['2026-10-08', '2026-10-13']);
  });

  it('are not sent to a commune invited after 15 October', () => {
    const invitedInNovember = planReminders(convention2026({ sentAt: '2026-11-20T09:00:00Z' }));
    expect(invitedInNovember.filter((reminder) => reminder.kind.startsWith('avenant'))).toEqual([]);
  });

  it('are not sent once the commune declined, nor for a cancelled or expired convention', () => {
    for (const status of ['declined', 'cancelled', 'expired'] as const) {
      const planned = planReminders(convention2026({ status, sentAt: '2026-06-15T08:00:00Z' }));
      expect(planned.filter((reminder) => reminder.kind.startsWith('avenant'))).toEqual([]);
    }
  });

  it('leave out the opening notice when the campaign says so', () => {
    const policy = { ...DEFAULT_REMINDER_POLICY, avenantWindowOpenNotice: false };
    expect(ofKind(planReminders(convention2026({ policy, sentAt: '2026-06-15T08:00:00Z' })), 'avenant-window-open')).toEqual([]);
  });

  it('cover each school year of a multi-year convention whose window closes before it ends (2017 model)', () => {
    const planned = planReminders({
      policy: DEFAULT_REMINDER_POLICY, schoolYear: '2017-2018', status: 'signed', sentAt: '2017-06-01T08:00:00Z', endDate: '2022-09-01',
    });
    expect(ofKind(planned, 'avenant-window-open').map((reminder) => reminder.nominalDate)).toEqual([
      '2017-09-01', '2018-09-01', '2019-09-01', '2020-09-01', '2021-09-01',
    ]);
    expect(ofKind(planned, 'avenant-deadline')).toHaveLength(15);
  });
});

describe('end-date notices', () => {
  it('come 60, 30 and 7 days before 5 September 2027, the Sunday one earlier, on Friday 27 August', () => {
    const planned = planReminders(convention2026({ status: 'signed', sentAt: '2026-11-20T09:00:00Z' }));
    expect(ofKind(planned, 'end-date')).toEqual([
      { kind: 'end-date', nominalDate: '2027-07-07', sendDate: '2027-07-07', sequence: 60 },
      { kind: 'end-date', nominalDate: '2027-08-06', sendDate: '2027-08-06', sequence: 30 },
      { kind: 'end-date', nominalDate: '2027-08-29', sendDate: '2027-08-27', sequence: 7 },
    ]);
  });

  it('still tell a commune that declined how the next convention will come', () => {
    const planned = planReminders(convention2026({ status: 'declined', sentAt: '2026-11-20T09:00:00Z' }));
    expect(planned.map((reminder) => reminder.kind)).toEqual(['end-date', 'end-date', 'end-date']);
  });

  it('are not sent for a cancelled or expired convention, nor one never sent', () => {
    expect(planReminders(convention2026({ status: 'cancelled', sentAt: '2026-11-20T09:00:00Z' }))).toEqual([]);
    expect(planReminders(convention2026({ status: 'expired', sentAt: '2026-11-20T09:00:00Z' }))).toEqual([]);
    expect(planReminders(convention2026({ status: 'draft' }))).toEqual([]);
  });
});

describe('deadline reminders move earlier, never past their deadline (issue 15)', () => {
  const avenantNotices = (year: number, daysBefore: number[]) =>
    ofKind(
      planReminders({
        policy: { ...DEFAULT_REMINDER_POLICY, avenantNoticesDaysBefore: daysBefore },
        schoolYear: `${year}-${year + 1}`,
        status: 'signed',
        sentAt: `${year}-06-15T08:00:00Z`,
        endDate: `${year + 1}-09-05`,
      }),
      'avenant-deadline',
    );
  const endDateNotices = (endDate: string, daysBefore: number[]) => {
    const year = Number(endDate.slice(0, 4)) - 1;
    return ofKind(
      planReminders({
        policy: { ...DEFAULT_REMINDER_POLICY, endDateNoticesDaysBefore: daysBefore },
        schoolYear: `${year}-${year + 1}`,
        status: 'signed',
        sentAt: `${year}-01-02T08:00:00Z`,
        endDate,
      }),
      'end-date',
    );
  };

  it.each([2029, 2035])('with the defaults, "2 days before 15 October %i" (a Saturday) goes out on Friday 12 October, not on the 15th', (year) => {
    expect(sendDates(avenantNotices(year, DEFAULT_REMINDER_POLICY.avenantNoticesDaysBefore))).toEqual([`${year}-10-01`, `${year}-10-08`, `${year}-10-12`]);
  });

  it('"1 day before 15 October 2028" (a Saturday) goes out on Friday 13 October, not on Monday 16', () => {
    expect(avenantNotices(2028, [1])).toEqual([{ kind: 'avenant-deadline', nominalDate: '2028-10-14', sendDate: '2028-10-13', sequence: 1 }]);
  });

  it('"1 day before the end date" of Sunday 5 September 2027 goes out on Friday 3 September, not on Monday 6', () => {
    expect(endDateNotices('2027-09-05', [1])).toEqual([{ kind: 'end-date', nominalDate: '2027-09-04', sendDate: '2027-09-03', sequence: 1 }]);
  });

  it('over every year 2026-2035 and every setting of 1 to 14 days, each avenant notice goes out on the last working day on or before its day, before 15 October', () => {
    for (let year = 2026; year <= 2035; year += 1) {
      for (let before = 1; before <= 14; before += 1) {
        const [notice] = avenantNotices(year, [before]);
        const nominal = addDays(`${year}-10-15`, -before);
        expect(notice, `${year}, ${before} day(s) before`).toBeDefined();
        expect(notice!.nominalDate).toBe(nominal);
        expect(isWorkingDay(notice!.sendDate)).toBe(true);
        expect(notice!.sendDate < `${year}-10-15`, `${year}, ${before} day(s) before: ${notice!.sendDate}`).toBe(true);
        // The latest working day on or before the nominal one: no working day between them.
        for (let day = addDays(notice!.sendDate, 1); day <= nominal; day = addDays(day, 1)) expect(isWorkingDay(day), day).toBe(false);
      }
    }
  });

  it('over every end date of 2026-2035 and the notices 1, 2, 7, 30 and 60 days before, each goes out on a working day strictly before the end date', () => {
    for (let endDate = '2026-01-01'; endDate <= '2035-12-31'; endDate = addDays(endDate, 1)) {
      for (const notice of endDateNotices(endDate, [60, 30, 7, 2, 1])) {
        expect(isWorkingDay(notice.sendDate), `${endDate}: ${notice.sendDate}`).toBe(true);
        expect(notice.sendDate < endDate, `${endDate}: ${notice.sendDate}`).toBe(true);
        expect(notice.sendDate <= notice.nominalDate).toBe(true);
        expect(daysBetween(notice.nominalDate, endDate)).toBe(notice.sequence);
      }
    }
  });

  it('an unsigned reminder that the weekend would push onto the end date is not sent', () => {
    // Invited Saturday 21 August 2027; the convention ends Monday 30 August: the first reminder (Saturday 28) would go out on the 30th.
    const planned = planReminders(convention2026({ sentAt: '2027-08-21T08:00:00Z', endDate: '2027-08-30' }));
    expect(ofKind(planned, 'unsigned')).toEqual([]);
  });

  it('a notice moved earlier than the invitation is not sent', () => {
    // Invited Saturday 13 October 2029: "2 days before" (that very Saturday) would move to Friday 12, before the invitation.
    const policy = { ...DEFAULT_REMINDER_POLICY, avenantNoticesDaysBefore: [2] };
    const planned = planReminders({ policy, schoolYear: '2029-2030', status: 'sent', sentAt: '2029-10-13T07:00:00Z', endDate: '2030-09-05' });
    expect(ofKind(planned, 'avenant-deadline')).toEqual([]);
  });
});

describe('the day of the sweep', () => {
  // Invited Thursday 17 September 2026: unsigned reminders on Thursdays meet the avenant deadline notices.
  const planned = planReminders(convention2026({ sentAt: '2026-09-17T08:00:00Z' }));

  it('lists the reminders in sending order', () => {
    expect(sendDates(planned)).toEqual([...sendDates(planned)].sort());
  });

  it('picks only the reminders sent that day', () => {
    expect(dueOn(planned, '2026-10-13')).toEqual([
      { kind: 'avenant-deadline', nominalDate: '2026-10-13', sendDate: '2026-10-13', sequence: 2 },
    ]);
    expect(dueOn(planned, '2026-10-14')).toEqual([]);
  });

  it('merges two reminders falling the same day into one email, the unsigned convention first', () => {
    const message = mergeForOneEmail(dueOn(planned, '2026-10-01'));
    expect(message?.sendDate).toBe('2026-10-01');
    expect(message?.kinds).toEqual(['unsigned', 'avenant-deadline']);
    expect(message?.reminders).toHaveLength(2);
  });

  it('merges the reminders of two conventions of one mayor, and keeps what the adapter attached', () => {
    const due = [
      { conventionId: 'b', kind: 'end-date' as const, nominalDate: '2026-08-29', sendDate: '2026-08-31', sequence: 7 },
      { conventionId: 'a', kind: 'avenant-window-open' as const, nominalDate: '2026-08-31', sendDate: '2026-08-31', sequence: 45 },
      { conventionId: 'a', kind: 'unsigned' as const, nominalDate: '2026-08-31', sendDate: '2026-08-31', sequence: 2 },
    ];
    const message = mergeForOneEmail(due);
    expect(message?.kinds).toEqual(['unsigned', 'end-date', 'avenant-window-open']);
    expect(message?.reminders.map((reminder) => reminder.conventionId)).toEqual(['a', 'b', 'a']);
  });

  it('makes no email of nothing, and refuses to merge reminders of different days', () => {
    expect(mergeForOneEmail([])).toBeUndefined();
    expect(() => mergeForOneEmail(planned.slice(0, 2))).toThrow(/one day/);
  });

  it('gives the next due date strictly after a day, and none after the last reminder', () => {
    expect(nextDueDate(planned, '2026-09-17')).toBe('2026-09-24');
    expect(nextDueDate(planned, '2026-10-01')).toBe('2026-10-08');
    expect(nextDueDate(planned, '2026-10-13')).toBe('2026-10-15');
    expect(nextDueDate(planned, '2027-08-30')).toBeUndefined();
  });
});

describe('the idempotency key', () => {
  it('is the same for the same convention, kind and day, so a second sweep that day sends nothing', () => {
    const key = idempotencyKey('7fecbd2d-324a-4e87-87aa-68fcb528f7de', 'unsigned', '2026-10-01');
    expect(key).toBe('reminder#7fecbd2d-324a-4e87-87aa-68fcb528f7de#unsigned#2026-10-01');
    expect(idempotencyKey('7fecbd2d-324a-4e87-87aa-68fcb528f7de', 'unsigned', '2026-10-01')).toBe(key);
  });

  it('differs by convention, kind and day', () => {
    const keys = new Set([
      idempotencyKey('a', 'unsigned', '2026-10-01'),
      idempotencyKey('b', 'unsigned', '2026-10-01'),
      idempotencyKey('a', 'avenant-deadline', '2026-10-01'),
      idempotencyKey('a', 'unsigned', '2026-10-08'),
    ]);
    expect(keys.size).toBe(4);
  });

  it('refuses an empty convention id or a day that is not a plain date', () => {
    expect(() => idempotencyKey('', 'unsigned', '2026-10-01')).toThrow();
    expect(() => idempotencyKey('a', 'unsigned', '2026-10-01T00:00:00Z')).toThrow();
  });
});

describe('today from the scheduled event', () => {
  it('is the Paris date of EventBridge Scheduler’s scheduledTime, not the wall clock', () => {
    expect(todayFromScheduledEvent({ scheduledTime: '2026-10-24T22:30:00Z' })).toBe('2026-10-25');
    expect(todayFromScheduledEvent({ scheduledTime: '2026-10-25T22:30:00Z' })).toBe('2026-10-25');
  });

  it('reads the time of an EventBridge rule event', () => {
    const event = {
      version: '0', id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa', 'detail-type': 'Scheduled Event', source: 'aws.events',
      account: '123456789012', time: '2026-10-01T05:00:00Z', region: 'eu-west-3', resources: [], detail: {},
    };
    expect(todayFromScheduledEvent(event)).toBe('2026-10-01');
  });

  it('prefers scheduledTime when both are there, so a replayed day wins over the delivery time', () => {
    expect(todayFromScheduledEvent({ scheduledTime: '2027-03-29T05:00:00Z', time: '2027-04-02T05:00:00Z' })).toBe('2027-03-29');
  });

  it('refuses an event without a time, or with one that is not an ISO instant', () => {
    expect(() => todayFromScheduledEvent({})).toThrow(/scheduledTime/);
    expect(() => todayFromScheduledEvent({ scheduledTime: 'yesterday' })).toThrow(/scheduledTime/);
    expect(() => todayFromScheduledEvent(null)).toThrow();
  });
});

describe('the reminder policy of a campaign', () => {
  it('defaults to 7, 7, 6, 14/7/2 days before 15 October, the opening notice and 60/30/7 days before the end', () => {
    expect(reminderPolicySchema.parse({})).toEqual(DEFAULT_REMINDER_POLICY);
  });

  it.each([
    ['avenantNoticesDaysBefore', [14, 0], 'reminderPolicy.avenantNoticesDaysBefore.1', /au moins 1 jour avant le 15 octobre/],
    ['endDateNoticesDaysBefore', [0], 'reminderPolicy.endDateNoticesDaysBefore.0', /au moins 1 jour avant la date de fin de la convention/],
  ])('refuses %s with 0 days, which would send it on its deadline, naming the field in French', (field, value, path, message) => {
    expect(() => parseInput(newCampaignSchema, { ...campaign2026, reminderPolicy: { [field]: value } })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', issues: [{ field: path, message: expect.stringMatching(message) }] }),
    );
  });

  it('keeps what the campaign sets and refuses a negative count', () => {
    expect(reminderPolicySchema.parse({ unsignedMax: 3 }).unsignedMax).toBe(3);
    expect(reminderPolicySchema.safeParse({ unsignedMax: -1 }).success).toBe(false);
    expect(reminderPolicySchema.safeParse({ endDateNoticesDaysBefore: [30, -7] }).success).toBe(false);
  });
});
