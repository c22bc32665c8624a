/**
 * Issue 15, point 2, replayed day by day on the real local servers around the
 * deadlines (a few weeks each, not a whole season): a deadline's reminder
 * that falls on a weekend goes out on the working day before, never on or
 * after its deadline, even when the schedule missed that day. The use cases
 * run on a fixed clock; the schedule is the real handler, fed the scheduled
 * event of each weekday at 09:00 Paris.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { sealer } from '../../functions/adapters/sealing.ts';
import { addConvention } from '../../functions/use-cases/add-convention.ts';
import { addDays, dayOfWeek } from '../../functions/domain/calendar.ts';
import { createCampaign } from '../../functions/use-cases/create-campaign.ts';
import { newCampaignSchema, newConventionSchema, parseInput } from '../../functions/use-cases/input/inputs.ts';
import type { Deps } from '../../functions/use-cases/ports.ts';
import type { ReminderPolicy } from '../../functions/domain/reminder-policy.ts';
import { campaign2026, leBoulou, lespignan, pezilla } from '../fixtures/seed-communes.ts';
import { newReminders, nineInParis, runReminderDay, sendCampaignOnClock } from '../support/reminder-days.ts';
import { mayorEmail, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let deps: Deps;
let clock = new Date('2027-08-23T07:00:00Z');
let received: ReturnType<typeof newReminders>;

const oneDayBefore: Partial<ReminderPolicy> = { unsignedMax: 0, avenantWindowOpenNotice: false, avenantNoticesDaysBefore: [1], endDateNoticesDaysBefore: [1] };
const defaultsWithoutSignatureReminders: Partial<ReminderPolicy> = { unsignedMax: 0 };

/** A campaign with one convention, invited on `invitedOn`: the mayor's address. */
async function invited(schoolYear: string, endDate: string, policy: Partial<ReminderPolicy>, fixture: typeof lespignan, invitedOn: string): Promise<string> {
  clock = nineInParis(invitedOn);
  const email = mayorEmail(`deadline-${schoolYear}`);
  await createCampaign(deps, parseInput(newCampaignSchema, { ...campaign2026, schoolYear, endDate, issueDate: invitedOn, reminderPolicy: policy }));
  await addConvention(deps, { schoolYear, convention: parseInput(newConventionSchema, { ...fixture, mayor: { ...fixture.mayor, email } }), actor: 'test' });
  expect(await sendCampaignOnClock(deps, schoolYear)).toEqual({ sent: 1 });
  return email;
}

/** Every weekday from `from` to `to` (but `missed`, a day the schedule did not fire): the days the mayor got a reminder. */
async function replay(email: string, from: string, to: string, missed: string[] = []): Promise<string[]> {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    if (dayOfWeek(day) > 5 || missed.includes(day)) continue;
    clock = nineInParis(day);
    const jobId = await runReminderDay(deps, day);
    expect(await deps.jobs.failures(jobId)).toEqual([]);
    const mails = (await received([email]))[email]!;
    expect(mails.length, `one email at most per day (${day})`).toBeLessThanOrEqual(1);
    if (mails.length > 0) days.push(day);
  }
  return days;
}

beforeAll(async () => {
  stack = await startTestStack({ workers: false });
  deps = { ...composeDeps(loadConfig(process.env)), sealer: sealer(), now: () => clock };
  received = newReminders(stack);
}, 120_000);
afterAll(async () => stack?.close());

// In calendar order: each replay starts after the previous one ended.
describe('deadline reminders, day by day', () => {
  it('"1 day before the end date" of Sunday 5 September 2027 goes out on Friday 3 September, and the convention expires on Monday 6', async () => {
    const email = await invited('2026-2027', '2027-09-05', oneDayBefore, lespignan, '2027-08-23');
    expect(await replay(email, '2027-08-30', '2027-09-08')).toEqual(['2027-09-03']);
    const [convention] = await deps.conventions.listByCampaign('2026-2027');
    expect(convention!.status).toBe('expired');
  });

  it('"1 day before 15 October 2028" (a Saturday) goes out on Friday 13 October, nothing on Monday 16', async () => {
    const email = await invited('2028-2029', '2029-09-05', oneDayBefore, leBoulou, '2028-09-25');
    expect(await replay(email, '2028-10-09', '2028-10-18')).toEqual(['2028-10-13']);
  });

  it('with the defaults, the notices of October 2029 go out on 1, 8 and Friday 12 October, none on Monday 15', async () => {
    const email = await invited('2029-2030', '2030-09-05', defaultsWithoutSignatureReminders, pezilla, '2029-09-10');
    expect(await replay(email, '2029-09-28', '2029-10-17')).toEqual(['2029-10-01', '2029-10-08', '2029-10-12']);
  });

  it('when the schedule missed Friday 12 October 2035, the "2 days before" notice is not caught up on the deadline, Monday 15', async () => {
    const email = await invited('2035-2036', '2036-09-05', defaultsWithoutSignatureReminders, lespignan, '2035-10-02');
    expect(await replay(email, '2035-10-03', '2035-10-17', ['2035-10-12'])).toEqual(['2035-10-08']);
  });
});

describe('the reminder policy of a campaign', () => {
  it('is refused (400, in French, naming the field) when a notice would go out on its deadline, and no campaign is created', async () => {
    const refused = await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: '2040-2041', endDate: '2041-09-05', reminderPolicy: { avenantNoticesDaysBefore: [14, 7, 0] } });
    expect(refused.status).toBe(400);
    expect(refused.json.error.fields).toEqual([
      { field: 'reminderPolicy.avenantNoticesDaysBefore.2', message: expect.stringContaining('au moins 1 jour avant le 15 octobre') },
    ]);
    expect(JSON.stringify(refused.json)).not.toMatch(/at \w+ \(|Error:/);
    expect(await deps.campaigns.get('2040-2041')).toBeUndefined();
  });
});
