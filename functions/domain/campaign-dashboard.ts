/**
 * A campaign's dashboard in the rectorat's console: its figures (campaign-stats.ts: by status, by département,
 * by académie, the amounts), what falls due in the next 14 days, the mayors' addresses SES reported as
 * undeliverable, and the campaign's jobs still running.
 *
 * What falls due, per convention (the digest's list, dueSoon):
 * - each reminder the schedule will send (reminder-schedule.ts: the unsigned reminders, the notices before
 *   15 October and before the end date, the opening of the avenant window), on its sending day;
 * - the expiry of the newest signing link of a convention still waiting for its signature (the one the
 *   latest email states).
 * And the deadlines themselves (deadlinesSoon): each convention's end date (the unsigned ones then expire),
 * and the campaign's avenant window, opening on 1 September and closing on 15 October, for the conventions
 * an avenant may change (signed or executed).
 *
 * Pure: "today" (a Paris date) comes from the caller.
 */
import { isBillable } from './billing.ts';
import { addDays, avenantWindow, parisDateOf } from './calendar.ts';
import { campaignStats, departementOf, type CampaignStats } from './campaign-stats.ts';
import type { JobView } from './jobs/job-view.ts';
import type { Campaign, Convention, UndeliverableAddress } from './model.ts';
import type { ReminderKind } from './reminder-policy.ts';
import { remindersOf } from './reminder-schedule.ts';

/** The console's and the digest's horizon: what falls due in the next 14 days. */
export const DUE_HORIZON_DAYS = 14;

export type DueKind = ReminderKind | 'link-expiry';

export interface DueSoon {
  convention: Convention;
  kind: DueKind;
  /** Plain date (Paris). */
  date: string;
}

export type DeadlineKind = 'convention-end' | 'avenant-window-opens' | 'avenant-window-closes';

export interface Deadline {
  kind: DeadlineKind;
  date: string;
  /** The convention that ends; absent for the campaign's avenant window. */
  convention?: Convention;
  /** For the avenant window: how many conventions an avenant may change (signed or executed). */
  conventions?: number;
}

const within = (date: string, today: string, days: number) => date >= today && date <= addDays(today, days);

/** The reminders going out and the signing links expiring from today to `days` days on, soonest first. */
export function dueSoon(campaign: Campaign, conventions: readonly Convention[], today: string, days = DUE_HORIZON_DAYS): DueSoon[] {
  const due: DueSoon[] = [];
  for (const convention of conventions) {
    for (const reminder of remindersOf(campaign, convention)) {
      if (within(reminder.sendDate, today, days)) due.push({ convention, kind: reminder.kind, date: reminder.sendDate });
    }
    const linkExpiry = convention.status === 'sent' && convention.link ? parisDateOf(convention.link.expiresAt) : undefined;
    if (linkExpiry && within(linkExpiry, today, days)) due.push({ convention, kind: 'link-expiry', date: linkExpiry });
  }
  return due.sort((a, b) => a.date.localeCompare(b.date) || a.convention.commune.name.localeCompare(b.convention.commune.name, 'fr'));
}

/** A convention's end date matters while it can still be signed or is in force. */
const ENDS: ReadonlySet<Convention['status']> = new Set(['draft', 'sending', 'sent', 'signed', 'executed']);
/** The conventions an avenant may change. */
const AMENDABLE: ReadonlySet<Convention['status']> = new Set(['signed', 'executed']);

/** The deadlines from today to `days` days on: end dates, and the campaign's avenant window; soonest first. */
export function deadlinesSoon(campaign: Campaign, conventions: readonly Convention[], today: string, days = DUE_HORIZON_DAYS): Deadline[] {
  const deadlines: Deadline[] = [];
  for (const convention of conventions) {
    if (ENDS.has(convention.status) && within(convention.endDate, today, days)) deadlines.push({ kind: 'convention-end', date: convention.endDate, convention });
  }
  const amendable = conventions.filter((convention) => AMENDABLE.has(convention.status) && convention.endDate > today).length;
  const { opens, closes } = avenantWindow(campaign.schoolYear);
  if (amendable > 0 && within(opens, today, days)) deadlines.push({ kind: 'avenant-window-opens', date: opens, conventions: amendable });
  if (amendable > 0 && within(closes, today, days)) deadlines.push({ kind: 'avenant-window-closes', date: closes, conventions: amendable });
  return deadlines.sort((a, b) => a.date.localeCompare(b.date) || (a.convention?.commune.name ?? '').localeCompare(b.convention?.commune.name ?? '', 'fr'));
}

/** A convention whose mayor's address SES reported as undeliverable: its link must go to a corrected address. */
export interface UndeliverableConvention {
  convention: Convention;
  entry: UndeliverableAddress;
}

/** The conventions (but the cancelled ones) whose mayor's address is undeliverable, by commune. */
export function undeliverableConventions(conventions: readonly Convention[], undeliverable: readonly UndeliverableAddress[]): UndeliverableConvention[] {
  const byAddress = new Map(undeliverable.map((entry) => [entry.address.toLowerCase(), entry]));
  return conventions
    .filter((convention) => convention.status !== 'cancelled')
    .flatMap((convention) => {
      const entry = byAddress.get(convention.mayor.email.toLowerCase());
      return entry ? [{ convention, entry }] : [];
    })
    .sort((a, b) => a.convention.commune.name.localeCompare(b.convention.commune.name, 'fr'));
}

export interface CampaignDashboard {
  campaign: Campaign;
  today: string;
  stats: CampaignStats;
  dueSoon: DueSoon[];
  deadlines: Deadline[];
  undeliverable: UndeliverableConvention[];
  /** The campaign's tracked jobs still running (sends, imports, countersignatures), the latest first. */
  runningJobs: JobView[];
}

/**
 * Where the campaign's invoicing stands: the conventions billing.csv?reste=1 lists (billable: exécutoires,
 * without a titre de perception), by département then commune, and those that have their titre.
 */
export function billingView(conventions: readonly Convention[]): { toInvoice: Convention[]; invoiced: { count: number; cents: number } } {
  const billable = conventions.filter(isBillable);
  const toInvoice = billable
    .filter((convention) => convention.titre === undefined)
    .sort((a, b) => departementOf(a).localeCompare(departementOf(b), 'fr', { numeric: true }) || a.commune.name.localeCompare(b.commune.name, 'fr'));
  const invoiced = billable.filter((convention) => convention.titre !== undefined);
  return { toInvoice, invoiced: { count: invoiced.length, cents: invoiced.reduce((sum, convention) => sum + convention.amountCents, 0) } };
}
