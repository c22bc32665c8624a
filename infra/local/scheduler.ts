/**
 * A local EventBridge Scheduler: fires each scheduled function of the
 * catalogue on its cron, in Europe/Paris, with the event Scheduler sends
 * (the scheduled time, from which the function reads "today"). The function
 * runs in its execution environment (lambda-runtime.ts), within its timeout
 * and memory, and is invoked as Scheduler invokes it, asynchronously: a
 * failed invocation is retried with the same event, then written to the
 * dead-letter destination.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { Cron } from 'croner';
import { functionSpecs, SCHEDULE_ASYNC_RETRY, SCHEDULE_TIME_ZONE, type FunctionSpec } from '../functions.ts';
import { lambdaContext } from './lambda-context.ts';
import { localRuntime, invocationError, type FunctionError, type LambdaRuntime } from './lambda-runtime.ts';
import { loadHandler } from './gateway.ts';

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

/**
 * One firing: the function's handler with the event Scheduler would send for that instant. Through `runtime`,
 * in an execution environment with the function's limits (a failure throws); without, in this process, for
 * tests that call a schedule's function directly.
 */
export async function fireSchedule(root: string, spec: FunctionSpec, at: Date, runtime?: LambdaRuntime): Promise<unknown> {
  const event = scheduledEvent(at, spec.name);
  if (!runtime) return (await loadHandler(root, spec))(event, lambdaContext(spec.name, spec.timeoutSeconds, spec.memoryMb));
  const outcome = await runtime.invoke(spec, event);
  if (!outcome.ok) throw invocationError(outcome.error);
  return outcome.result;
}

export interface SchedulerOptions {
  root: string;
  specs?: readonly FunctionSpec[];
  log: (line: string) => void;
  /** The execution environments, shared with the gateway and the workers; the scheduler's own otherwise. */
  runtime?: LambdaRuntime;
  /** Waits before each retry of a failed invocation: Lambda's asynchronous retries, about 1 then 2 minutes. */
  retryDelaysMs?: readonly number[];
  /** The on-failure destination: one JSON line per event given up on (an SQS queue in AWS). */
  deadLetterFile?: string;
}

export interface FiringOutcome {
  attempts: number;
  result?: unknown;
  /** Set when every attempt failed and the event went to the dead-letter destination. */
  error?: FunctionError;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function startScheduler(options: SchedulerOptions) {
  const scheduled = (options.specs ?? functionSpecs).filter((spec) => spec.schedule);
  const runtime = options.runtime ?? localRuntime({ root: options.root });
  const delays = options.retryDelaysMs ?? [60_000, 120_000].slice(0, SCHEDULE_ASYNC_RETRY.retryAttempts);
  let stopped = false;

  /** One firing as Lambda runs an asynchronous invocation: the same event again after each failure, then the dead letters. */
  async function fire(spec: FunctionSpec, at: Date): Promise<FiringOutcome> {
    const event = scheduledEvent(at, spec.name);
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await runtime.invoke(spec, event);
      if (outcome.ok) {
        options.log(`${spec.name} ran: ${JSON.stringify(outcome.result)}`);
        return { attempts: attempt, result: outcome.result };
      }
      options.log(`${spec.name} failed (attempt ${attempt}): ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
      const tooOld = Date.now() - at.getTime() > SCHEDULE_ASYNC_RETRY.maxEventAgeSeconds * 1000;
      if (attempt > delays.length || tooOld || stopped) {
        const line = { at: new Date().toISOString(), function: spec.name, event, reason: `${outcome.error.errorType}: ${outcome.error.errorMessage}` };
        if (options.deadLetterFile) appendFileSync(options.deadLetterFile, `${JSON.stringify(line)}\n`);
        options.log(`${spec.name}: the event of ${at.toISOString()} went to the dead-letter destination`);
        return { attempts: attempt, error: outcome.error };
      }
      await sleep(delays[attempt - 1]!);
    }
  }

  const jobs = scheduled.map((spec) => scheduleCron(spec, () => fire(spec, new Date()).then(() => undefined)));
  return {
    describe: () =>
      scheduled.length === 0
        ? 'no scheduled function yet'
        : scheduled.map((spec, index) => `${spec.name} (${spec.schedule!.cron}, next ${jobs[index]?.nextRun()?.toISOString()})`).join('; '),
    /** Fires one schedule now, for the given instant, as its cron would. */
    fire: (name: string, at = new Date()) => fire(scheduled.find((spec) => spec.name === name)!, at),
    async stop() {
      stopped = true;
      jobs.forEach((job) => job.stop());
      if (!options.runtime) await runtime.close();
    },
  };
}
