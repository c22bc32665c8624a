/**
 * The rectorat's daily digest, on working days: what happened since the
 * previous working day (a Monday covers Friday to Sunday: signatures,
 * declines, bounces, links sent to another address), what falls due in
 * the next 14 days, totals and amounts. "Today" comes from the schedule's
 * event. The schedule starts one job per day (its id is the day's), and the
 * job's one email is the digest: a second run of the day sends nothing.
 */
import { digestEmail, type DueSoon } from '../../templates/email/digest.ts';
import { dueSoon as dueSoonOf, DUE_HORIZON_DAYS } from '../domain/campaign-dashboard.ts';
import { addDays, isWorkingDay, parisDateOf, parisMidnightUtc } from '../domain/calendar.ts';
import { campaignStats } from '../domain/campaign-stats.ts';
import { emailOnce } from './jobs/email-once.ts';
import { newJob, type Job } from '../domain/jobs/job.ts';
import type { JobDeps } from './jobs/run-job.ts';
import type { Convention } from '../domain/model.ts';
import type { Deps } from './ports.ts';

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

export interface DigestInput {
  today: string;
  at: string;
  recipients: string[];
}

/** The schedule's run: the day's digest job, started once per day. */
export async function startDigest(deps: Pick<Deps, 'jobs'>, input: DigestInput): Promise<{ jobId: string; started: boolean }> {
  const job = newJob({ id: `digest-${input.today}`, kind: 'digest', payload: { ...input }, at: input.at, label: `Synthèse du ${input.today}` });
  return deps.jobs.startTracked(job);
}

/** The digest job: composed from the table, emailed once. */
export async function runDigest(deps: JobDeps, job: Job): Promise<{ tally: string }> {
  const input = job.payload as unknown as DigestInput;
  const { report, email } = await composeDigest(deps, input);
  if (!email) return { tally: 'holiday' };
  await emailOnce(deps, job, () => ({ to: input.recipients, ...email }));
  return { tally: report.quiet ? 'quiet' : 'sent' };
}

export async function composeDigest(
  deps: Pick<Deps, 'campaigns' | 'conventions' | 'undeliverable' | 'contactEmail' | 'publicBaseUrl'>,
  input: DigestInput,
): Promise<{ report: DigestReport; email?: ReturnType<typeof digestEmail> }> {
  const { today } = input;
  const from = previousWorkingDay(today);
  // The schedule fires Monday to Friday; a public holiday sends nothing, and the next digest covers it.
  if (!isWorkingDay(today)) return { report: { today, from, to: addDays(today, -1), sent: false, quiet: true, signed: 0, declined: 0 } };
  const to = addDays(today, -1);
  const within = (instant: string | undefined) => instant !== undefined && parisDateOf(instant) >= from && parisDateOf(instant) <= to;

  // Every campaign: a late signature of last year's campaign is news too; the totals are those of the running campaigns.
  const campaigns = await deps.campaigns.list();
  const running = new Set(campaigns.filter((campaign) => campaign.endDate >= from).map((campaign) => campaign.schoolYear));
  const all: Convention[] = [];
  const dueSoon: DueSoon[] = [];
  for (const campaign of campaigns) {
    const conventions = await deps.conventions.listByCampaign(campaign.schoolYear);
    all.push(...conventions);
    dueSoon.push(...dueSoonOf(campaign, conventions, today, DUE_HORIZON_DAYS));
  }
  const undeliverable = (await deps.undeliverable.since(parisMidnightUtc(from))).filter((entry) => parisDateOf(entry.at) <= to);
  const addressChanges = all.flatMap((convention) => (convention.addressChanges ?? []).filter((change) => within(change.at)).map((change) => ({ convention, change })));
  const email = digestEmail({
    day: to,
    from,
    signed: all.filter((convention) => within(convention.signedAt)),
    declined: all.filter((convention) => within(convention.decline?.declinedAt)),
    undeliverable,
    addressChanges,
    dueSoon: dueSoon.sort((a, b) => a.date.localeCompare(b.date)),
    stats: campaignStats(running.size > 0 ? all.filter((convention) => running.has(convention.schoolYear)) : all),
    contactEmail: deps.contactEmail,
    consoleUrl: deps.publicBaseUrl.replace(/\/$/, ''),
    campaigns: (running.size > 0 ? [...running] : campaigns.map((campaign) => campaign.schoolYear)).sort().reverse(),
  });
  const report = { today, from, to, sent: false, quiet: email.quiet, signed: 0, declined: 0 };
  report.signed = all.filter((convention) => within(convention.signedAt)).length;
  report.declined = all.filter((convention) => within(convention.decline?.declinedAt)).length;

  return { report: { ...report, sent: true }, email };
}
