/**
 * Reminder days replayed on a stack started with `workers: false`: the real
 * send-reminders handler, fired with the scheduled event of 09:00 Paris that
 * day, then the day's jobs drained here on the test's clock.
 */
import { expect } from 'vitest';
import { parisMidnightUtc } from '../../functions/domain/calendar.ts';
import type { Deps } from '../../functions/use-cases/ports.ts';
import { startCampaignSend } from '../../functions/use-cases/send-campaign.ts';
import { functionSpecs } from '../../infra/functions.ts';
import { fireSchedule } from '../../infra/local/scheduler.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { drainJobs } from './run-jobs-inline.ts';
import type { SentEmail, TestStack } from './stack.ts';

export const sweepSpec = functionSpecs.find((spec) => spec.name === 'send-reminders')!;

export const nineInParis = (day: string) => new Date(Date.parse(parisMidnightUtc(day)) + 9 * 3600 * 1000);

export const isReminder = (mail: SentEmail) => /^(Rappel|Avenant|Votre convention ENT-École se termine)/.test(mail.subject);

/** The schedule's run of that day and its jobs, drained with `deps` (their clock): the day's job id. */
export async function runReminderDay(deps: Deps, day: string): Promise<string> {
  const { jobId } = (await fireSchedule(PROJECT_ROOT, sweepSpec, nineInParis(day))) as { jobId: string; started: boolean };
  await drainJobs(deps, jobId);
  return jobId;
}

/** A campaign's send, its jobs run here on the deps' clock (the stack has no worker): the job's tally. */
export async function sendCampaignOnClock(deps: Deps, schoolYear: string): Promise<Record<string, number>> {
  const { jobId } = await startCampaignSend(deps, { schoolYear, actor: 'test' });
  await drainJobs(deps, jobId);
  expect(await deps.jobs.failures(jobId)).toEqual([]);
  return (await deps.jobs.progress(jobId))!.tally;
}

/** The signing tokens of an email, in order. */
export const tokensIn = (mail: SentEmail) => [...(mail.body.text ?? '').matchAll(/\/sign\/([A-Za-z0-9_-]+)/g)].map((match) => match[1]!);

/** The reminder emails each address received since the last call, by address. */
export function newReminders(stack: TestStack) {
  const seen = new Set<string>();
  return async (addresses: string[]): Promise<Record<string, SentEmail[]>> => {
    const fresh: Record<string, SentEmail[]> = {};
    for (const address of addresses) {
      fresh[address] = (await stack.inbox(address)).filter((mail) => isReminder(mail) && !seen.has(mail.messageId));
      for (const mail of fresh[address]) seen.add(mail.messageId);
    }
    return fresh;
  };
}
