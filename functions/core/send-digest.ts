/**
 * The rectorat's daily digest, on working days: what happened since the
 * previous working day (a Monday covers Friday to Sunday), what falls due in
 * the next 14 days, totals and amounts. "Today" comes from the schedule's
 * event; a second run of the day sends nothing.
 */
import { digestEmail, type DueSoon } from '../../templates/email/digest.ts';
import { addDays, isWorkingDay, parisDateOf, parisMidnightUtc } from './calendar.ts';
import { campaignStats } from './campaign-stats.ts';
import type { Convention } from './model.ts';
import type { Deps } from './ports.ts';
import { remindersOf } from './reminder-schedule.ts';

const HORIZON_DAYS = 14;

function previousWorkingDay(date: string): string {
  let day = addDays(date, -1);
  while (!isWorkingDay(day)) day = addDays(day, -1);
  return day;
}

export interface DigestReport {
  today: string;
  from: string;
  to: string;
  sent: boolean;
  quiet: boolean;
  signed: number;
  declined: number;
}

export async function sendDigest(
  deps: Pick<Deps, 'campaigns' | 'conventions' | 'reminders' | 'undeliverable' | 'mailer' | 'contactEmail'>,
  input: { today: string; at: string; recipients: string[] },
): Promise<DigestReport> {
  const { today } = input;
  const from = previousWorkingDay(today);
  // The schedule fires Monday to Friday; a public holiday sends nothing, and the next digest covers it.
  if (!isWorkingDay(today)) return { today, from, to: addDays(today, -1), sent: false, quiet: true, signed: 0, declined: 0 };
  const to = addDays(today, -1);
  const within = (instant: string | undefined) => instant !== undefined && parisDateOf(instant) >= from && parisDateOf(instant) <= to;

  // Every campaign: a late signature of last year's campaign is news too; the totals are those of the running campaigns.
  const campaigns = await deps.campaigns.list();
  const running = new Set(campaigns.filter((campaign) => campaign.endDate >= from).map((campaign) => campaign.schoolYear));
  const all: Convention[] = [];
  const dueSoon: DueSoon[] = [];
  const horizon = addDays(today, HORIZON_DAYS);
  for (const campaign of campaigns) {
    const conventions = await deps.conventions.listByCampaign(campaign.schoolYear);
    all.push(...conventions);
    for (const convention of conventions) {
      for (const reminder of remindersOf(campaign, convention)) {
        if (reminder.sendDate >= today && reminder.sendDate <= horizon) dueSoon.push({ convention, kind: reminder.kind, date: reminder.sendDate });
      }
      const linkExpiry = convention.status === 'sent' && convention.link ? parisDateOf(convention.link.expiresAt) : undefined;
      if (linkExpiry && linkExpiry >= today && linkExpiry <= horizon) dueSoon.push({ convention, kind: 'link-expiry', date: linkExpiry });
    }
  }
  const undeliverable = (await deps.undeliverable.since(parisMidnightUtc(from))).filter((entry) => parisDateOf(entry.at) <= to);
  const email = digestEmail({
    day: to,
    from,
    signed: all.filter((convention) => within(convention.signedAt)),
    declined: all.filter((convention) => within(convention.decline?.declinedAt)),
    undeliverable,
    dueSoon: dueSoon.sort((a, b) => a.date.localeCompare(b.date)),
    stats: campaignStats(running.size > 0 ? all.filter((convention) => running.has(convention.schoolYear)) : all),
    contactEmail: deps.contactEmail,
  });
  const report = { today, from, to, sent: false, quiet: email.quiet, signed: 0, declined: 0 };
  report.signed = all.filter((convention) => within(convention.signedAt)).length;
  report.declined = all.filter((convention) => within(convention.decline?.declinedAt)).length;

  // One digest a day, whatever the retries: the same idempotency keys as the reminders.
  const key = `reminder#DIGEST#daily#${today}`;
  if (!(await deps.reminders.claim([key], input.at))) return report;
  try {
    await deps.mailer.send({ to: input.recipients, ...email });
  } catch (error) {
    await deps.reminders.release([key]);
    throw error;
  }
  await deps.reminders.confirm([key], []);
  return { ...report, sent: true };
}
