/**
 * Issue 5's season, replayed day by day against the in-memory Deps
 * (test/support/memory-deps.ts): invitations in June, the avenant window in
 * September and October, the end-date notices of the following summer and the
 * expiry. Each working day, the schedule's run is what the send-reminders
 * handler does with EventBridge Scheduler's event of 09:00 Paris
 * (startReminderDay(scheduledRun(event))); the day's jobs then run through
 * the worker's runJob and jobDefinitions (drain). It starts no server.
 *
 * The rules of the season are proven here; what only the real servers prove
 * (the handler fired by the local scheduler, SES's inbox, DynamoDB's
 * conditional keys) stays in test/integration/reminder-season.test.ts, on a
 * slice of the same season.
 */
import { describe, expect, it } from 'vitest';
import { addConvention } from '../../../functions/use-cases/add-convention.ts';
import { addDays, dayOfWeek, parisMidnightUtc } from '../../../functions/domain/calendar.ts';
import { createCampaign } from '../../../functions/use-cases/create-campaign.ts';
import { declineConvention } from '../../../functions/use-cases/decline-convention.ts';
import { siretCheckDigit, uaiCheckLetter } from '../../../functions/domain/identifiers.ts';
import { newCampaignSchema, newConventionSchema, parseInput } from '../../../functions/use-cases/input/inputs.ts';
import { newJob } from '../../../functions/domain/jobs/job.ts';
import { scheduledRun } from '../../../functions/use-cases/input/scheduled-event.ts';
import { startCampaignSend } from '../../../functions/use-cases/send-campaign.ts';
import { startReminderDay } from '../../../functions/use-cases/send-reminders.ts';
import { signConvention } from '../../../functions/use-cases/sign-convention.ts';
import { scheduledEvent } from '../../../infra/local/scheduler.ts';
import { campaign2026, deliberation, leBoulou, lespignan, pezilla } from '../../fixtures/seed-communes.ts';
import { memoryDeps, type MemoryDeps, type MemoryEmail } from '../../support/memory-deps.ts';

const deps: MemoryDeps = memoryDeps({ now: '2026-06-15T08:00:00Z' });

const siret = (first13: string) => first13 + siretCheckDigit(first13);
const uai = (digits: string) => `${digits}${uaiCheckLetter(digits)}`;
const nineInParis = (day: string) => new Date(Date.parse(parisMidnightUtc(day)) + 9 * 3600 * 1000);
const isReminder = (mail: MemoryEmail) => /^(Rappel|Avenant|Votre convention ENT-École se termine)/.test(mail.subject);

const mayors = { a: 'maire.season-a@example.org', b: 'maire.season-b@example.org', c: 'maire.season-c@example.org', d: 'maire.season-d@example.org' };
const castelnaudary = {
  commune: { name: 'Castelnaudary', siret: siret('2111007600001'), address: 'Place de la République, 11400 CASTELNAUDARY' },
  mayor: { name: 'Patrick MAUGARD', title: 'Maire', email: mayors.d },
  schools: [{ uai: uai('0110001'), type: 'elementaire', name: 'JEAN JAURES' }],
};

/** Reminder emails received per mayor per sweep day. */
const received: Record<string, Record<string, string[]>> = { a: {}, b: {}, c: {}, d: {} };
const seen = new Set<string>();

function collect(day: string) {
  for (const [label, address] of Object.entries(mayors)) {
    for (const mail of deps.inbox(address).filter(isReminder)) {
      if (seen.has(mail.messageId)) continue;
      seen.add(mail.messageId);
      (received[label]![day] ??= []).push(mail.subject);
    }
  }
}

/** What the send-reminders handler does with the schedule's event of that day at 09:00 Paris. */
const fireSchedule = (day: string) => startReminderDay(deps, scheduledRun(scheduledEvent(nineInParis(day), 'send-reminders')));

/** One working day: the schedule starts the day's job (once per day), its jobs run; what the job counted. */
async function sweep(day: string) {
  const { jobId } = await fireSchedule(day);
  await deps.drain(jobId);
  collect(day);
  return dayReport(jobId);
}

async function dayReport(jobId: string) {
  const progress = (await deps.jobs.progress(jobId))!;
  expect(await deps.jobs.failures(jobId)).toEqual([]);
  return { read: progress.total, emails: progress.tally.sent ?? 0, alreadySent: progress.tally['already-sent'] ?? 0 };
}

function linkOf(address: string): string {
  return /\/sign\/([A-Za-z0-9_-]+)/.exec(deps.inbox(address).at(-1)!.text)![1]!;
}

const client = { ip: '192.0.2.1', userAgent: 'Mozilla/5.0 test' };

/** The campaign's send and its jobs: the job's tally. */
async function sendCampaign() {
  const { jobId } = await startCampaignSend(deps, { schoolYear: '2026-2027', actor: 'test' });
  await deps.drain(jobId);
  expect(await deps.jobs.failures(jobId)).toEqual([]);
  return (await deps.jobs.progress(jobId))!.tally;
}

const days = (list: Record<string, string[]>) => Object.keys(list).sort();

describe('a season of reminders, day by day, in memory', () => {
  it('sends every reminder on its working day, once, merged per mayor, through a throttled day, and expires at the end date', async () => {
    // June 2026: the campaign is sent; Pézilla declines, Lespignan signs, Le Boulou never does.
    await createCampaign(deps, parseInput(newCampaignSchema, { ...campaign2026, issueDate: '2026-06-12' }));
    for (const [fixture, address] of [[lespignan, mayors.a], [leBoulou, mayors.b], [pezilla, mayors.c]] as const) {
      await addConvention(deps, { schoolYear: '2026-2027', convention: parseInput(newConventionSchema, { ...fixture, mayor: { ...fixture.mayor, email: address } }), actor: 'test' });
    }
    expect(await sendCampaign()).toEqual({ sent: 3 });

    const runs: Record<string, { read: number; emails: number }> = {};
    let throttledOnce = false;
    for (let day = '2026-06-16'; day <= '2027-09-10'; day = addDays(day, 1)) {
      deps.setNow(nineInParis(day));
      if (day === '2026-06-20') {
        await declineConvention(deps, { token: linkOf(mayors.c), form: { declinedBy: 'Jean-Paul BILLES', reason: 'Le conseil municipal a voté contre.' }, ...client });
      }
      if (day === '2026-06-30') {
        await signConvention(deps, { token: linkOf(mayors.a), form: { signerName: 'Jean François GUIBBERT', capacity: 'maire', consent: 'on', ...deliberation }, ...client });
      }
      if (day === '2026-09-24') {
        // A late commune, sent in September: its first reminder meets the avenant notice of 1 October.
        await addConvention(deps, { schoolYear: '2026-2027', convention: parseInput(newConventionSchema, castelnaudary), actor: 'test' });
        expect(await sendCampaign()).toEqual({ sent: 1 });
      }
      if (dayOfWeek(day) > 5) continue; // the schedule fires MON-FRI
      if (day === '2026-07-06' && !throttledOnce) {
        // SES throttles this morning: the day's job waits (it is no failure), and sends when SES takes it again.
        throttledOnce = true;
        const throttling = Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' });
        const { jobId } = await fireSchedule(day);
        const throttled = { ...deps, mailer: { send: async () => { throw throttling; } } };
        await expect(deps.drain(jobId, { deps: throttled, maxRounds: 2, budget: { remainingMs: () => 0 } })).rejects.toThrow(/waiting/);
        collect(day);
        expect(received.b![day]).toBeUndefined();
      }
      runs[day] = await sweep(day);
      if (day === '2026-10-01') {
        // The schedule fires again the same day (Scheduler is at-least-once): the day's job exists, nothing starts.
        expect(await fireSchedule(day)).toEqual({ jobId: `reminders-${day}`, started: false });
        // And a job of another day that meets the same reminders (the due dates not moved yet): the keys hold.
        for (const convention of await deps.conventions.listByCampaign('2026-2027')) await deps.reminders.reschedule(convention.id, day);
        const at = deps.now().toISOString();
        const other = newJob({ id: `reminders-${day}-other`, kind: 'send-reminders', payload: { today: day, at }, at });
        await deps.jobs.startTracked(other);
        await deps.drain(other.id);
        const replay = await dayReport(other.id);
        expect(replay.emails).toBe(0);
        expect(replay.alreadySent).toBe(3);
      }
    }

    // Lespignan signed on 30 June: two unsigned reminders, then the avenant window and the end date (the notice
    // of Sunday 29 August goes out before it, on Friday 27: issue 15).
    expect(days(received.a!)).toEqual(['2026-06-22', '2026-06-29', '2026-09-01', '2026-10-01', '2026-10-08', '2026-10-13', '2027-07-07', '2027-08-06', '2027-08-27']);
    // Le Boulou never signed: six unsigned reminders at most, 6 July sent by the retry the same day.
    expect(days(received.b!)).toEqual([
      '2026-06-22', '2026-06-29', '2026-07-06', '2026-07-13', '2026-07-20', '2026-07-27',
      '2026-09-01', '2026-10-01', '2026-10-08', '2026-10-13',
      '2027-07-07', '2027-08-06', '2027-08-27',
    ]);
    // Pézilla declined: no signature or avenant reminder, but told how the next convention will come.
    expect(days(received.c!)).toEqual(['2027-07-07', '2027-08-06', '2027-08-27']);
    // Castelnaudary, sent on 24 September: unsigned reminders merged with the avenant notices of 1 and 8 October.
    expect(days(received.d!)).toEqual([
      '2026-10-01', '2026-10-08', '2026-10-13', '2026-10-15', '2026-10-22', '2026-10-29', '2026-11-05',
      '2027-07-07', '2027-08-06', '2027-08-27',
    ]);
    // Never two emails to one mayor on one day.
    for (const perDay of Object.values(received)) for (const subjects of Object.values(perDay)) expect(subjects).toHaveLength(1);
    expect(received.d!['2026-10-01']![0]).toMatch(/^Rappel\s.* \(et 1 autre\(s\) information\(s\)\)$/);
    // The end date (Sunday 5 September 2027) is caught on Monday: every convention is expired.
    const conventions = await deps.conventions.listByCampaign('2026-2027');
    expect(conventions.map((convention) => convention.status).sort()).toEqual(['expired', 'expired', 'expired', 'expired']);
    // The sweep reads only what is due: on a quiet day it reads nothing.
    expect(runs['2026-12-01']!.read).toBe(0);
  });

  it('gives each reminder the deadline as a calendar event', () => {
    const [avenantNotice] = deps.inbox(mayors.a).filter((mail) => mail.subject.startsWith('Avenant'));
    const ics = avenantNotice!.attachments!.find((attachment) => attachment.contentType.startsWith('text/calendar'));
    const calendar = Buffer.from(ics!.content).toString('utf8');
    expect(calendar).toContain('DTSTART;VALUE=DATE:20261015');
    expect(calendar).toContain('BEGIN:VEVENT');
    expect(avenantNotice!.text).toContain('une hausse est refusée');
  });
});
