/**
 * Runs one delivered job to its end, or to its next try. The job's own
 * handler does the work idempotently; this decides what a failure means:
 * a refusal ends the job as failed with its reason, a wait (SES's rate,
 * another try's claim) retries without counting, anything else is retried
 * with backoff until MAX_ATTEMPTS, then fails with a reason in French.
 */
import type { Deps } from '../ports.ts';
import { backoffMs, JobRefused, MAX_ATTEMPTS, RetryLater, type Job, type JobKind } from '../../domain/jobs/job.ts';

export type JobDeps = Omit<Deps, 'sealer'> & Partial<Pick<Deps, 'sealer'>>;

export interface JobBudget {
  /** Milliseconds left in this invocation. */
  remainingMs(): number;
}

/** A handler's answer: it ended the job itself (in its own transaction), or the runner ends it, counted under `tally`. */
export type JobStep = { ended: true } | { tally?: string } | void;

export type JobHandler = (deps: JobDeps, job: Job, budget: JobBudget) => Promise<JobStep>;

export type JobOutcome = 'done' | 'waiting' | 'failed' | 'skipped';

/** A short wait is spent in this invocation rather than a round trip through the wake-up schedule. */
const INLINE_WAIT_MS = 5_000;
const INLINE_MARGIN_MS = 20_000;

/** SES (and any AWS service) saying "slow down": a wait, not a failure. */
export function isThrottling(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  return /Throttl|TooManyRequests|SlowDown/i.test(name ?? '') || /Maximum sending rate exceeded/i.test(message ?? '');
}

/** No answer, or a server error: the same call may pass later. A 4xx refusal will not. */
function mayPassLater(error: unknown): boolean {
  const { $metadata } = (error ?? {}) as { $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  return status === undefined || status >= 500 || status === 429;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface JobDefinition {
  run: JobHandler;
  /** Undoes what the job holds when it fails for good (a convention it claimed goes back to draft). */
  giveUp?: (deps: JobDeps, job: Job, reason: string) => Promise<void>;
}

export async function runJob(
  deps: JobDeps,
  definitions: Partial<Record<JobKind, JobDefinition>>,
  delivered: Job,
  budget: JobBudget,
): Promise<JobOutcome> {
  // The stream's image may be old: the job's state now decides.
  const job = await deps.jobs.get(delivered.id);
  if (!job || job.state !== 'pending') return 'skipped';
  const definition = definitions[job.kind];
  if (!definition) throw new Error(`No handler for job kind ${job.kind}`);
  const handle = definition.run;

  for (let waits = 0; ; waits += 1) {
    try {
      const step = await handle(deps, job, budget);
      if (step && 'ended' in step) return 'done';
      await deps.jobs.complete({ job, at: deps.now().toISOString(), ...(step?.tally ? { tally: step.tally } : {}) });
      return 'done';
    } catch (error) {
      if (error instanceof JobRefused) {
        await deps.jobs.fail(job, failureOf(job, error.message, deps.now().toISOString(), error.lines));
        return 'failed';
      }
      const retry =
        error instanceof RetryLater
          ? error
          : isThrottling(error)
            ? new RetryLater('Cadence d’envoi de SES atteinte : le courriel partira un peu plus tard.', 1_000 * 2 ** Math.min(waits, 3), false)
            : new RetryLater(describe(error), backoffMs(job.attempts + 1), true);
      if (!retry.counts && retry.afterMs <= INLINE_WAIT_MS && budget.remainingMs() > retry.afterMs + INLINE_MARGIN_MS && waits < 5) {
        await sleep(retry.afterMs);
        continue;
      }
      const attempts = job.attempts + (retry.counts ? 1 : 0);
      if (attempts >= MAX_ATTEMPTS || (retry.counts && !(error instanceof RetryLater) && !mayPassLater(error) && !(error instanceof TypeError) && attempts >= 3)) {
        const reason = `Abandonné après ${attempts} essais : ${retry.message}`;
        await definition.giveUp?.(deps, job, reason);
        await deps.jobs.fail(job, failureOf(job, reason, deps.now().toISOString()));
        return 'failed';
      }
      const wakeAt = new Date(deps.now().getTime() + retry.afterMs).toISOString();
      await deps.jobs.retryLater(job, wakeAt, attempts, retry.message);
      return 'waiting';
    }
  }
}

function failureOf(job: Job, reason: string, at: string, lines?: number[]) {
  return { item: job.label ?? job.id, reason, at, ...(lines?.length ? { line: Math.min(...lines), lines } : {}) };
}
