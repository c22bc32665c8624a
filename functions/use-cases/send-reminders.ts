/**
 * The daily reminders, as jobs. The schedule starts one tracked job per Paris
 * day (its id is the day's, so a schedule that fires twice starts it once);
 * that job reads only what is due (the due-date index), writes the day's plan
 * once, and enqueues one job per mayor: each sends that mayor one email with
 * whatever falls due, expires the conventions that reached their end date,
 * and sets each convention's next due day. Every email goes through the
 * shared SES rate, so a day of 35,000 conventions takes as long as SES allows
 * and no invocation holds more than one mayor.
 *
 * Idempotency keys (one per convention, kind and due day, owned by the job
 * that claimed them) keep a reminder from going out twice when two days'
 * jobs meet (a day whose jobs still wait for SES when the next day starts).
 */
import { reminderEmail, type ReminderPart } from '../../templates/email/reminder.ts';
import { avenantWindow } from '../domain/calendar.ts';
import { sha256Hex } from '../domain/sha256.ts';
import { certainlyNotSent, claimJobEmail, sendClaimedEmail } from './jobs/email-once.ts';
import { childJobId, JobRefused, newJob, type Job } from '../domain/jobs/job.ts';
import { enqueueInChunks } from './jobs/fan-out.ts';
import type { JobBudget, JobDeps } from './jobs/run-job.ts';
import type { Campaign, Convention, NewConventionEvent, SigningLink } from '../domain/model.ts';
import type { Deps } from './ports.ts';
import { storeOnce } from './stored-document.ts';
import { deadlineOf, idempotencyKey, mergeForOneEmail, type PlannedReminder } from '../domain/reminder-policy.ts';
import { nextWakeUp, remindersOf } from '../domain/reminder-schedule.ts';
import { addLink, hashToken, linkExpiry, signingUrl, withdrawLink, type LinkChange } from './signing-link.ts';

const EXPIRING: ReadonlySet<Convention['status']> = new Set(['sent', 'signed', 'executed', 'declined']);

/** One mayor's share of a day: the conventions due, with the day each was due. */
interface MayorDue {
  email: string;
  entries: { conventionId: string; dueDate: string }[];
}

/** The id of a day's job: the same day, the same job. */
export const reminderDayJobId = (today: string) => `reminders-${today}`;

const planKey = (jobId: string) => `jobs/${jobId}/plan.json`;

/** The schedule's run: starts the day's job (once per day) and says which. */
export async function startReminderDay(deps: Pick<Deps, 'jobs'>, input: { today: string; at: string }): Promise<{ jobId: string; started: boolean }> {
  const job = newJob({ id: reminderDayJobId(input.today), kind: 'send-reminders', payload: { today: input.today, at: input.at }, at: input.at, label: `Rappels du ${input.today}` });
  return deps.jobs.startTracked(job);
}

/** The day's plan, written once: the mayors with what is due, so a fan-out resumed after a crash cuts the same chunks. */
async function dayPlan(deps: JobDeps, job: Job, today: string): Promise<MayorDue[]> {
  const stored = await deps.documents.get({ key: planKey(job.id) });
  if (stored) return JSON.parse(Buffer.from(stored).toString('utf8')) as MayorDue[];
  const entries = await deps.reminders.listDue(today);
  const conventions = await deps.conventions.getMany(entries.map((entry) => entry.conventionId));
  const byMayor = new Map<string, MayorDue>();
  for (const entry of entries) {
    const convention = conventions.get(entry.conventionId);
    // A convention gone from the table has nothing to remind: its own job clears its due day.
    const email = convention?.mayor.email.toLowerCase() ?? `(aucune)#${entry.conventionId}`;
    const mayor = byMayor.get(email) ?? { email, entries: [] };
    mayor.entries.push(entry);
    byMayor.set(email, mayor);
  }
  const plan = [...byMayor.values()].sort((a, b) => (a.email < b.email ? -1 : 1));
  // Written once: a try racing this one may have stored its plan first, and that plan is the day's.
  const { bytes } = await storeOnce(deps, planKey(job.id), Buffer.from(JSON.stringify(plan)), 'application/json');
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as MayorDue[];
}

export async function fanOutReminderDay(deps: JobDeps, job: Job, budget?: JobBudget): Promise<void> {
  const { today, at } = job.payload as { today: string; at: string };
  const progress = await deps.jobs.progress(job.id);
  if (!progress || progress.complete) return;
  const plan = await dayPlan(deps, job, today);
  await enqueueInChunks(deps, job, {
    cursor: progress.cursor,
    items: plan,
    budget,
    children: (chunk) =>
      chunk.map((mayor) =>
        newJob({
          id: childJobId(job.id, sha256Hex(mayor.email).slice(0, 20)),
          kind: 'reminder',
          payload: { today, at, email: mayor.email, entries: mayor.entries },
          parentId: job.id,
          label: mayor.email.includes('@') ? `Rappel à ${mayor.email}` : 'Convention disparue',
          at: deps.now().toISOString(),
        }),
      ),
  });
}

interface Due {
  convention: Convention;
  campaign: Campaign;
  planned: PlannedReminder[];
  /** What goes out today; `dueOn` is the day each was due, which names its idempotency key. */
  now: (PlannedReminder & { conventionId: string; dueOn: string })[];
}

/** One mayor, one day: expiries, one email with whatever falls due, the next due days. */
export async function sendMayorReminders(deps: JobDeps, job: Job): Promise<{ tally: string }> {
  const { today, at, email, entries } = job.payload as { today: string; at: string; email: string; entries: MayorDue['entries'] };
  const due: Due[] = [];
  let expired = 0;
  for (const entry of entries) {
    const convention = await deps.conventions.get(entry.conventionId);
    const campaign = convention && (await deps.campaigns.get(convention.schoolYear));
    if (!convention || !campaign) {
      await deps.reminders.reschedule(entry.conventionId, undefined);
      continue;
    }
    if (convention.endDate <= today && EXPIRING.has(convention.status)) {
      if (await deps.reminders.expire(convention.id, { conventionId: convention.id, at, type: 'expired', actor: 'planificateur', endDate: convention.endDate })) expired += 1;
      await deps.reminders.reschedule(convention.id, undefined);
      continue;
    }
    // The rectorat sent the link to another address since the day's plan: nothing more goes to this one (a
    // fresh link above all); the due day stays, so the next day's plan catches it up at the new address.
    if (convention.mayor.email.toLowerCase() !== email) continue;
    const planned = remindersOf(campaign, convention);
    // From the stored due date up to today: a day the schedule missed is caught up, in one email, but never
    // a reminder whose deadline is today or past (a notice "before 15 October" sent on the 15th).
    const now = planned
      .filter((reminder) => reminder.sendDate >= entry.dueDate && reminder.sendDate <= today && deadlineOf(reminder, convention.endDate) > today)
      .map((reminder) => ({ ...reminder, dueOn: reminder.sendDate, sendDate: today, conventionId: convention.id }));
    due.push({ convention, campaign, planned, now });
  }

  const sending = due.filter((item) => item.now.length > 0);
  let tally = expired > 0 && sending.length === 0 ? 'expired' : 'nothing';
  if (sending.length > 0) tally = await sendOneEmail(deps, job, email, sending, at);
  for (const item of due) await deps.reminders.reschedule(item.convention.id, nextWakeUp(item.planned, item.convention, today));
  return { tally };
}

async function sendOneEmail(deps: JobDeps, job: Job, email: string, items: Due[], at: string): Promise<'sent' | 'already-sent'> {
  const message = mergeForOneEmail(items.flatMap((item) => item.now))!;
  const keys = [...new Set(message.reminders.map((reminder) => idempotencyKey(reminder.conventionId, reminder.kind, reminder.dueOn)))];
  // Another day's job holds these reminders (it waits for SES): it sends them, not this one.
  if (!(await deps.reminders.claim(keys, at, job.id))) return 'already-sent';

  const claim = await claimJobEmail(deps, job);
  if (claim.state === 'claimed') {
    // Each email carries a link of its own per convention, added beside the live ones: the links of the
    // invitation and of earlier reminders keep working until they expire or the rectorat resends.
    const added: { convention: Convention; previous: SigningLink; change: LinkChange; url: string }[] = [];
    for (const item of items) {
      const previous = item.convention.link;
      if (!previous) continue;
      const token = deps.newToken();
      const link = { hash: hashToken(token), expiresAt: linkExpiry(new Date(at), item.campaign.linkValidityDays) };
      const change = addLink(item.convention, link, new Date(at));
      const event: NewConventionEvent = { conventionId: item.convention.id, at: deps.now().toISOString(), type: 'link_resent', actor: 'planificateur', cause: 'reminder' };
      if (await deps.conventions.changeLinks(item.convention.id, change, event)) {
        added.push({ convention: { ...item.convention, link, links: change.links }, previous, change, url: signingUrl(deps.publicBaseUrl, token) });
      }
    }
    const byId = new Map(added.map((entry) => [entry.convention.id, entry]));
    const parts: ReminderPart[] = message.reminders.map((reminder) => {
      const item = items.find((candidate) => candidate.convention.id === reminder.conventionId)!;
      const entry = byId.get(reminder.conventionId);
      return {
        kind: reminder.kind,
        convention: entry?.convention ?? item.convention,
        signingUrl: entry?.url ?? `${deps.publicBaseUrl}`,
        avenantDeadline: avenantWindow(item.convention.schoolYear).closes,
        key: idempotencyKey(reminder.conventionId, reminder.kind, reminder.dueOn),
      };
    });
    try {
      await sendClaimedEmail(deps, job, claim, { to: [email], ...reminderEmail(parts, { contactEmail: deps.contactEmail, stamp: at }) });
    } catch (error) {
      // SES may have taken an email whose answer was lost: then the added links are the mayor's.
      if (!certainlyNotSent(error)) throw error;
      for (const entry of added) {
        // The email never left: its link goes, the newest is again the one of the last email that did arrive.
        await deps.conventions.changeLinks(entry.convention.id, withdrawLink(entry.change, entry.previous), {
          conventionId: entry.convention.id,
          at: deps.now().toISOString(),
          type: 'reminder_failed',
          actor: 'planificateur',
          error: error instanceof Error ? error.name : String(error),
        });
      }
      if ((error as { name?: string }).name === 'MessageRejected') {
        await deps.reminders.release(keys);
        throw new JobRefused(`L'adresse ${email} a été refusée par SES : corrigez-la (POST /admin/conventions/{id}/resend).`);
      }
      // Throttling, an outage: the job is retried and keeps its claim on the reminders.
      throw error;
    }
  }
  await deps.reminders.confirm(
    keys,
    items.map((item) => ({
      conventionId: item.convention.id,
      at,
      type: 'reminded' as const,
      actor: 'planificateur',
      kinds: message.reminders.filter((reminder) => reminder.conventionId === item.convention.id).map((reminder) => reminder.kind),
    })),
  );
  return 'sent';
}
