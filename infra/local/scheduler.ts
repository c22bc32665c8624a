/**
 * A local EventBridge Scheduler: fires each scheduled function of the
 * catalogue on its cron, in Europe/Paris, with the event Scheduler sends
 * (the scheduled time, from which the function reads "today").
 */
import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import { functionSpecs, SCHEDULE_TIME_ZONE, type FunctionSpec } from '../functions.ts';
import { lambdaContext, loadHandler } from './gateway.ts';

/** The event a schedule delivers: the same shape as the input infra/stateless-stack.ts gives EventBridge Scheduler. */
export const scheduledEvent = (scheduledTime: Date, name: string) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  time: scheduledTime.toISOString(),
  resources: [`arn:aws:scheduler:eu-west-3:000000000000:schedule/default/${name}`],
  detail: { name, attempt: 1 },
});

/** "cron(0 9 ? * MON-FRI *)" → "0 9 * * MON-FRI": EventBridge's six fields to croner's five. */
export function toCronerPattern(expression: string): string {
  const fields = /^cron\((.+)\)$/.exec(expression.trim())?.[1]?.trim().split(/\s+/);
  if (!fields || fields.length !== 6) throw new Error(`Not an EventBridge cron expression: ${expression}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  const weekday = dayOfWeek.replace(/\d/g, (digit) => String(Number(digit) - 1)); // 1 = Sunday in EventBridge, 0 in croner
  return [minute, hour, dayOfMonth.replace('?', '*'), month, weekday.replace('?', '*')].join(' ');
}

/** A schedule's cron, in Europe/Paris; `startAt` lets a test ask for the next run from any instant. */
export function scheduleCron(spec: FunctionSpec, run?: () => Promise<void>): Cron {
  const options = { timezone: SCHEDULE_TIME_ZONE, protect: true, paused: !run };
  return run ? new Cron(toCronerPattern(spec.schedule!.cron), options, run) : new Cron(toCronerPattern(spec.schedule!.cron), options);
}

/** One firing: the function's handler with the event Scheduler would send for that instant. */
export async function fireSchedule(root: string, spec: FunctionSpec, at: Date): Promise<unknown> {
  const handler = await loadHandler(root, spec);
  return handler(scheduledEvent(at, spec.name), lambdaContext(spec.name, spec.timeoutSeconds));
}

export function startScheduler(options: { root: string; specs?: readonly FunctionSpec[]; log: (line: string) => void }) {
  const scheduled = (options.specs ?? functionSpecs).filter((spec) => spec.schedule);
  const jobs = scheduled.map((spec) =>
    scheduleCron(spec, async () => {
      try {
        options.log(`${spec.name} ran: ${JSON.stringify(await fireSchedule(options.root, spec, new Date()))}`);
      } catch (error) {
        options.log(`${spec.name} failed: ${error instanceof Error ? error.stack : String(error)}`);
      }
    }),
  );
  return {
    describe: () =>
      scheduled.length === 0
        ? 'no scheduled function yet'
        : scheduled.map((spec, index) => `${spec.name} (${spec.schedule!.cron}, next ${jobs[index]?.nextRun()?.toISOString()})`).join('; '),
    stop: () => jobs.forEach((job) => job.stop()),
  };
}
