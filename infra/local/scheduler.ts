/**
 * A local EventBridge Scheduler: fires each scheduled function of the
 * catalogue on its cron, in Europe/Paris, with the event Scheduler sends
 * (the scheduled time, from which the function reads "today").
 */
import { Cron } from 'croner';
import { functionSpecs, SCHEDULE_TIME_ZONE, type FunctionSpec } from '../functions.ts';
import { lambdaContext, loadHandler } from './gateway.ts';

/** The event a schedule delivers; infra/stateless-stack.ts sets the same input. */
export const scheduledEvent = (scheduledTime: Date, name: string) => ({
  source: 'paraphe.scheduler',
  'detail-type': 'Scheduled Event',
  schedule: name,
  scheduledTime: scheduledTime.toISOString(),
});

/** "cron(0 9 ? * MON-FRI *)" → "0 9 * * MON-FRI": EventBridge's six fields to croner's five. */
export function toCronerPattern(expression: string): string {
  const fields = /^cron\((.+)\)$/.exec(expression.trim())?.[1]?.trim().split(/\s+/);
  if (!fields || fields.length !== 6) throw new Error(`Not an EventBridge cron expression: ${expression}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  const weekday = dayOfWeek.replace(/\d/g, (digit) => String(Number(digit) - 1)); // 1 = Sunday in EventBridge, 0 in croner
  return [minute, hour, dayOfMonth.replace('?', '*'), month, weekday.replace('?', '*')].join(' ');
}

export function startScheduler(options: { root: string; specs?: readonly FunctionSpec[]; log: (line: string) => void }) {
  const scheduled = (options.specs ?? functionSpecs).filter((spec) => spec.schedule);
  const jobs = scheduled.map(
    (spec) =>
      new Cron(toCronerPattern(spec.schedule!.cron), { timezone: SCHEDULE_TIME_ZONE, protect: true }, async () => {
        const handler = await loadHandler(options.root, spec);
        const now = new Date();
        try {
          const result = await handler(scheduledEvent(now, spec.name), lambdaContext(spec.name, spec.timeoutSeconds));
          options.log(`${spec.name} ran: ${JSON.stringify(result)}`);
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
