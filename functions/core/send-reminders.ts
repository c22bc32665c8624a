/**
 * The daily reminder sweep. "Today" comes from the schedule's event, so any
 * day can be replayed. It reads only what is due (the due-date index), sends
 * one email per mayor and per day whatever falls due, and writes an
 * idempotency key per convention, kind and day before sending: a second run
 * of the day sends nothing; a failed email releases its keys and keeps its
 * due date, so a later run sends it. Conventions that reach their end date
 * become expired.
 */
import { reminderEmail, type ReminderPart } from '../../templates/email/reminder.ts';
import { avenantWindow } from './calendar.ts';
import type { Campaign, Convention, ConventionEvent, SigningLink } from './model.ts';
import type { Deps } from './ports.ts';
import { idempotencyKey, mergeForOneEmail, type PlannedReminder } from './reminder-policy.ts';
import { nextWakeUp, remindersOf } from './reminder-schedule.ts';
import { hashToken, linkExpiry, signingUrl } from './signing-link.ts';

type SweepDeps = Pick<Deps, 'newToken' | 'campaigns' | 'conventions' | 'reminders' | 'mailer' | 'publicBaseUrl' | 'contactEmail'>;

export interface SweepReport {
  today: string;
  /** Index entries read: what was due, not the table. */
  read: number;
  emails: number;
  reminders: number;
  alreadySent: number;
  failed: number;
  expired: number;
}

interface Due {
  convention: Convention;
  campaign: Campaign;
  dueDate: string;
  planned: PlannedReminder[];
  /** What goes out today; `dueOn` is the day each was due, which names its idempotency key. */
  now: (PlannedReminder & { conventionId: string; dueOn: string })[];
}

export async function sendReminders(deps: SweepDeps, input: { today: string; at: string }): Promise<SweepReport> {
  const { today, at } = input;
  const entries = await deps.reminders.listDue(today);
  const report: SweepReport = { today, read: entries.length, emails: 0, reminders: 0, alreadySent: 0, failed: 0, expired: 0 };
  const campaigns = new Map<string, Promise<Campaign | undefined>>();
  const campaignOf = (year: string) => {
    if (!campaigns.has(year)) campaigns.set(year, deps.campaigns.get(year));
    return campaigns.get(year)!;
  };

  const due: Due[] = [];
  for (const entry of entries) {
    const convention = await deps.conventions.get(entry.conventionId);
    const campaign = convention && (await campaignOf(convention.schoolYear));
    if (!convention || !campaign) {
      await deps.reminders.reschedule(entry.conventionId, undefined);
      continue;
    }
    if (convention.endDate <= today && ['sent', 'signed', 'executed', 'declined'].includes(convention.status)) {
      const expiredNow = await deps.reminders.expire(convention.id, { conventionId: convention.id, at, type: 'expired', actor: 'planificateur', detail: `Échue le ${convention.endDate}` });
      if (expiredNow) report.expired += 1;
      await deps.reminders.reschedule(convention.id, undefined);
      continue;
    }
    const planned = remindersOf(campaign, convention);
    // From the stored due date up to today: a day the sweep missed is caught up, in one email.
    const now = planned
      .filter((reminder) => reminder.sendDate >= entry.dueDate && reminder.sendDate <= today)
      .map((reminder) => ({ ...reminder, dueOn: reminder.sendDate, sendDate: today, conventionId: convention.id }));
    due.push({ convention, campaign, dueDate: entry.dueDate, planned, now });
  }

  const byMayor = new Map<string, Due[]>();
  for (const item of due.filter((candidate) => candidate.now.length > 0)) {
    const email = item.convention.mayor.email.toLowerCase();
    byMayor.set(email, [...(byMayor.get(email) ?? []), item]);
  }

  const failedConventions = new Set<string>();
  for (const [email, items] of byMayor) {
    const outcome = await sendOneEmail(deps, email, items, at);
    if (outcome === 'already-sent') report.alreadySent += 1;
    else if (outcome === 'failed') {
      report.failed += 1;
      for (const item of items) failedConventions.add(item.convention.id);
    } else {
      report.emails += 1;
      report.reminders += outcome;
    }
  }

  for (const item of due) {
    if (failedConventions.has(item.convention.id)) continue; // keeps its due date: a later run retries
    await deps.reminders.reschedule(item.convention.id, nextWakeUp(item.planned, item.convention, today));
  }
  return report;
}

async function sendOneEmail(deps: SweepDeps, email: string, items: Due[], at: string): Promise<'already-sent' | 'failed' | number> {
  const message = mergeForOneEmail(items.flatMap((item) => item.now))!;
  const keys = [...new Set(message.reminders.map((reminder) => idempotencyKey(reminder.conventionId, reminder.kind, reminder.dueOn)))];
  if (!(await deps.reminders.claim(keys, at))) return 'already-sent';

  // Each email carries the one live link of each convention: a fresh one, the previous dies.
  const rotated: { convention: Convention; previous: SigningLink; link: SigningLink; url: string }[] = [];
  for (const item of items) {
    const previous = item.convention.link;
    if (!previous) continue;
    const token = deps.newToken();
    const link = { hash: hashToken(token), expiresAt: linkExpiry(new Date(at), item.campaign.linkValidityDays) };
    const event: ConventionEvent = { conventionId: item.convention.id, at, type: 'link_resent', actor: 'planificateur', detail: 'Nouveau lien joint au rappel' };
    if (await deps.conventions.replaceLink(item.convention.id, previous.hash, link, event)) {
      rotated.push({ convention: { ...item.convention, link }, previous, link, url: signingUrl(deps.publicBaseUrl, token) });
    }
  }
  const byId = new Map(rotated.map((entry) => [entry.convention.id, entry]));
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
    await deps.mailer.send({ to: [email], ...reminderEmail(parts, { contactEmail: deps.contactEmail, stamp: at }) });
  } catch (error) {
    await deps.reminders.release(keys);
    for (const entry of rotated) {
      // Give the mayor back the link they have: the one of the last email that did arrive.
      await deps.conventions.replaceLink(entry.convention.id, entry.link.hash, entry.previous, {
        conventionId: entry.convention.id,
        at: new Date(Date.parse(at) + 1).toISOString(),
        type: 'reminder_failed',
        actor: 'planificateur',
        detail: `Le rappel n'a pas pu partir (${error instanceof Error ? error.name : 'erreur'}) ; il sera retenté.`,
      });
    }
    return 'failed';
  }
  await deps.reminders.confirm(
    keys,
    items.map((item) => ({
      conventionId: item.convention.id,
      at,
      type: 'reminded' as const,
      actor: 'planificateur',
      detail: `Rappel envoyé : ${message.reminders.filter((reminder) => reminder.conventionId === item.convention.id).map((reminder) => reminder.kind).join(', ')}`,
    })),
  );
  return message.reminders.length;
}
