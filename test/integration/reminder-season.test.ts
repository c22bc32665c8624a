/**
 * Issue 5's season on the real servers, in a slice: the June invitations and
 * first reminders (a decline, a signature), a day SES throttles, the late
 * commune of September, the avenant notice of 1 October with the schedule's
 * double fire and another day's job meeting the same reminders, then the
 * expiry caught the Monday after the end date. Each swept day is the real
 * send-reminders handler fired by the local scheduler (fireSchedule) with the
 * event of 09:00 Paris, its jobs drained on the fixed clock (drainJobs: the
 * stack has no stream worker); the emails are read from the SES server's
 * inbox, the idempotency keys are DynamoDB's conditional writes.
 *
 * Only the days something falls due are swept (the days in between read
 * nothing from the due-date index). The whole season, every working day from
 * June 2026 to September 2027 with every expectation of issue 5, runs in
 * test/unit/core/reminder-season.test.ts against the in-memory Deps
 * (test/support/memory-deps.ts); this slice keeps what only the real servers
 * prove.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { sealer } from '../../functions/adapters/sealing.ts';
import { addConvention } from '../../functions/use-cases/add-convention.ts';
import { addDays, dayOfWeek } from '../../functions/domain/calendar.ts';
import { createCampaign } from '../../functions/use-cases/create-campaign.ts';
import { declineConvention } from '../../functions/use-cases/decline-convention.ts';
import { siretCheckDigit, uaiCheckLetter } from '../../functions/domain/identifiers.ts';
import { newCampaignSchema, newConventionSchema, parseInput } from '../../functions/use-cases/input/inputs.ts';
import type { Deps } from '../../functions/use-cases/ports.ts';
import { newJob } from '../../functions/domain/jobs/job.ts';
import { signConvention } from '../../functions/use-cases/sign-convention.ts';
import { fireSchedule } from '../../infra/local/scheduler.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { campaign2026, leBoulou, lespignan, pezilla, deliberation } from '../fixtures/seed-communes.ts';
import { drainJobs } from '../support/run-jobs-inline.ts';
import { isReminder, nineInParis, runReminderDay, sendCampaignOnClock, sweepSpec } from '../support/reminder-days.ts';
import { mayorEmail, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let clock = new Date('2026-06-15T08:00:00Z');
let deps: Deps;

/** A SIRET with a valid Luhn key from its first 13 digits. */
const siret = (first13: string) => first13 + siretCheckDigit(first13);
const uai = (digits: string) => `${digits}${uaiCheckLetter(digits)}`;

const mayors = { a: mayorEmail('season-a'), b: mayorEmail('season-b'), c: mayorEmail('season-c'), d: mayorEmail('season-d') };
const castelnaudary = {
  commune: { name: 'Castelnaudary', siret: siret('2111007600001'), address: 'Place de la République, 11400 CASTELNAUDARY' },
  mayor: { name: 'Patrick MAUGARD', title: 'Maire', email: mayors.d },
  schools: [{ uai: uai('0110001'), type: 'elementaire', name: 'JEAN JAURES' }],
};


/** Reminder emails received per mayor per sweep day. */
const received: Record<string, Record<string, string[]>> = { a: {}, b: {}, c: {}, d: {} };
const seen = new Set<string>();

async function collect(day: string) {
  for (const [label, address] of Object.entries(mayors)) {
    for (const mail of (await stack.inbox(address)).filter(isReminder)) {
      if (seen.has(mail.messageId)) continue;
      seen.add(mail.messageId);
      (received[label]![day] ??= []).push(mail.subject);
    }
  }
}

/** One working day: the schedule starts the day's job (once per day), its jobs run; what the job counted. */
async function sweep(day: string, withDeps: Deps = deps) {
  const jobId = await runReminderDay(withDeps, day);
  await collect(day);
  return dayReport(jobId);
}

async function dayReport(jobId: string) {
  const progress = (await deps.jobs.progress(jobId))!;
  expect(await deps.jobs.failures(jobId)).toEqual([]);
  return { read: progress.total, emails: progress.tally.sent ?? 0, alreadySent: progress.tally['already-sent'] ?? 0 };
}

async function linkOf(address: string): Promise<string> {
  const mails = await stack.inbox(address);
  return /\/sign\/([A-Za-z0-9_-]+)/.exec(mails.at(-1)!.body.text ?? '')![1]!;
}

const client = { ip: '192.0.2.1', userAgent: 'Mozilla/5.0 test' };

/** The campaign's send, run here on the fixed clock (the stack has no worker): the job's tally. */
const sendCampaign = () => sendCampaignOnClock(deps, '2026-2027');
const days = (list: Record<string, string[]>) => Object.keys(list).sort();

beforeAll(async () => {
  // No stream worker: the send's jobs run on this file's fixed clock (drainJobs), not the wall clock.
  stack = await startTestStack({ workers: false });
  const config = loadConfig(process.env);
  deps = { ...composeDeps(config), sealer: sealer(), now: () => clock };
}, 120_000);
afterAll(async () => stack?.close());

/** The working days swept, in order: every day a reminder of this slice falls due, a quiet one, then the Monday after the end date. */
const SWEPT = ['2026-06-22', '2026-06-29', '2026-07-06', '2026-07-07', '2026-07-13', '2026-07-20', '2026-07-27', '2026-09-01', '2026-10-01', '2027-09-06'];

describe('a slice of the season of reminders, on the real servers', () => {
  it('sends each reminder of the slice on its day, once, merged per mayor, through a throttled day and a double fire, and expires after the end date', async () => {
    // June 2026: the campaign is sent; Pézilla declines, Lespignan signs, Le Boulou never does.
    await createCampaign(deps, parseInput(newCampaignSchema, { ...campaign2026, issueDate: '2026-06-12' }));
    for (const [fixture, address] of [[lespignan, mayors.a], [leBoulou, mayors.b], [pezilla, mayors.c]] as const) {
      await addConvention(deps, { schoolYear: '2026-2027', convention: parseInput(newConventionSchema, { ...fixture, mayor: { ...fixture.mayor, email: address } }), actor: 'test' });
    }
    expect(await sendCampaign()).toEqual({ sent: 3 });

    const runs: Record<string, { read: number; emails: number; alreadySent: number }> = {};
    for (let day = '2026-06-16'; day <= '2027-09-10'; day = addDays(day, 1)) {
      clock = nineInParis(day);
      if (day === '2026-06-20') {
        await declineConvention(deps, { token: await linkOf(mayors.c), form: { declinedBy: 'Jean-Paul BILLES', reason: 'Le conseil municipal a voté contre.' }, ...client });
      }
      if (day === '2026-06-30') {
        await signConvention(deps, { token: await linkOf(mayors.a), form: { signerName: 'Jean François GUIBBERT', capacity: 'maire', consent: 'on', ...deliberation }, ...client });
      }
      if (day === '2026-09-24') {
        // A late commune, sent in September: its first reminder meets the avenant notice of 1 October.
        await addConvention(deps, { schoolYear: '2026-2027', convention: parseInput(newConventionSchema, castelnaudary), actor: 'test' });
        expect(await sendCampaign()).toEqual({ sent: 1 });
      }
      if (!SWEPT.includes(day)) continue;
      expect(dayOfWeek(day)).toBeLessThanOrEqual(5); // the schedule fires MON-FRI
      if (day === '2026-07-06') {
        // SES throttles this morning: the day's job waits (it is no failure), and sends when SES takes it again.
        const throttling = Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' });
        const { jobId } = (await fireSchedule(PROJECT_ROOT, sweepSpec, nineInParis(day))) as { jobId: string };
        const throttled = { ...deps, mailer: { send: async () => { throw throttling; } } };
        await expect(drainJobs(throttled, jobId, { maxRounds: 2, budget: { remainingMs: () => 0 } })).rejects.toThrow(/waiting/);
        await collect(day);
        expect(received.b![day]).toBeUndefined();
      }
      runs[day] = await sweep(day);
      if (day === '2026-10-01') {
        // The schedule fires again the same day (Scheduler is at-least-once): the day's job exists, nothing starts.
        expect(await fireSchedule(PROJECT_ROOT, sweepSpec, nineInParis(day))).toEqual({ jobId: `reminders-${day}`, started: false });
        // And a job of another day that meets the same reminders (the due dates not moved yet): the keys hold.
        for (const convention of await deps.conventions.listByCampaign('2026-2027')) await deps.reminders.reschedule(convention.id, day);
        const other = newJob({ id: `reminders-${day}-other`, kind: 'send-reminders', payload: { today: day, at: clock.toISOString() }, at: clock.toISOString() });
        await deps.jobs.startTracked(other);
        await drainJobs(deps, other.id);
        const replay = await dayReport(other.id);
        expect(replay.emails).toBe(0);
        expect(replay.alreadySent).toBe(3);
      }
    }

    // Lespignan signed on 30 June: two unsigned reminders, then the avenant window.
    expect(days(received.a!)).toEqual(['2026-06-22', '2026-06-29', '2026-09-01', '2026-10-01']);
    // Le Boulou never signed: six unsigned reminders, 6 July sent by the retry the same day, then the avenant window.
    expect(days(received.b!)).toEqual(['2026-06-22', '2026-06-29', '2026-07-06', '2026-07-13', '2026-07-20', '2026-07-27', '2026-09-01', '2026-10-01']);
    // Pézilla declined: nothing in this slice.
    expect(days(received.c!)).toEqual([]);
    // Castelnaudary, sent on 24 September: its first reminder merged with the avenant notice of 1 October.
    expect(days(received.d!)).toEqual(['2026-10-01']);
    expect(received.d!['2026-10-01']![0]).toMatch(/^Rappel\s.* \(et 1 autre\(s\) information\(s\)\)$/);
    // Never two emails to one mayor on one day.
    for (const perDay of Object.values(received)) for (const subjects of Object.values(perDay)) expect(subjects).toHaveLength(1);
    // The sweep reads only what is due (the due-date index, never a scan): on a quiet day it reads nothing.
    expect(runs['2026-07-07']!.read).toBe(0);
    // The end date (Sunday 5 September 2027) is caught on Monday: every convention is expired, nobody emailed.
    expect(runs['2027-09-06']).toEqual({ read: 4, emails: 0, alreadySent: 0 });
    const conventions = await deps.conventions.listByCampaign('2026-2027');
    expect(conventions.map((convention) => convention.status).sort()).toEqual(['expired', 'expired', 'expired', 'expired']);
  });

  it('gives each reminder the deadline as a calendar event', async () => {
    const [avenantNotice] = (await stack.inbox(mayors.a)).filter((mail) => mail.subject.startsWith('Avenant'));
    const ics = avenantNotice!.attachments.find((attachment) => attachment.contentType.startsWith('text/calendar'));
    const calendar = Buffer.from(ics!.content, 'base64').toString('utf8');
    expect(calendar).toContain('DTSTART;VALUE=DATE:20261015');
    expect(calendar).toContain('BEGIN:VEVENT');
    expect(avenantNotice!.body.text).toContain('une hausse est refusée');
  });
});
