/**
 * A job: the durable record of work that a state change causes (an invitation
 * to generate and email, a spreadsheet to import, a reminder to send). It is
 * written in the same DynamoDB transaction as the change that causes it (the
 * outbox); the table's stream delivers it to the `run-jobs` worker. A job ends
 * once, by a conditional write: `done` or `failed`, so a job delivered twice
 * does its work once.
 *
 * A job that starts other jobs (a campaign's send, an import, a bulk
 * countersignature) is tracked: its progress counts its children as they end,
 * and GET /admin/jobs/{id} reads it.
 */

export type JobKind =
  | 'send-campaign'
  | 'send-invitation'
  | 'import-campaign'
  | 'import-commune'
  | 'seal-signed'
  | 'seal-executed'
  | 'seal-avenant-signed'
  | 'seal-avenant-executed'
  | 'decline-acknowledgement'
  | 'address-change-notice'
  | 'send-reminders'
  | 'reminder'
  | 'digest'
  | 'anchor-audit'
  | 'countersign-campaign'
  | 'countersign-convention';

/**
 * pending: waits for the worker (the stream delivers it); waiting: retried at
 * `wakeAt` (the wake-jobs schedule makes it pending again); done and failed are final.
 */
export type JobState = 'pending' | 'waiting' | 'done' | 'failed';

export interface Job {
  id: string;
  kind: JobKind;
  payload: Record<string, unknown>;
  state: JobState;
  /** Failed tries so far; throttling waits do not count. */
  attempts: number;
  /** The tracked job this one counts towards. */
  parentId?: string;
  /** What a person reads when it fails: a commune's name, a line of a file. */
  label?: string;
  createdAt: string;
  wakeAt?: string;
  finishedAt?: string;
  /** The last reason it was retried, or why it failed, in French. */
  reason?: string;
  /** Written again once by wake-jobs after its stream record was lost. */
  redelivered?: number;
}

export interface JobFailure {
  /** The commune, convention or line the failure concerns. */
  item: string;
  reason: string;
  at: string;
  /** The first line of a file it concerns, and all of them. */
  line?: number;
  lines?: number[];
}

/** The progress of a tracked job, kept apart from its job so that counting never re-delivers it. */
export interface JobProgress {
  total: number;
  done: number;
  failed: number;
  /** Named counts: imported, unchanged, sent, skipped… */
  tally: Record<string, number>;
  /** Every child is enqueued: `total` is final. */
  complete: boolean;
  /** Chunks of children enqueued so far (the fan-out resumes from here). */
  cursor: number;
  startedAt: string;
  lastAt?: string;
}

/** A new job, ready to go into a transaction. */
export function newJob(input: { id: string; kind: JobKind; payload: Record<string, unknown>; at: string; parentId?: string; label?: string }): Job {
  return {
    id: input.id,
    kind: input.kind,
    payload: input.payload,
    state: 'pending',
    attempts: 0,
    createdAt: input.at,
    ...(input.parentId ? { parentId: input.parentId } : {}),
    ...(input.label ? { label: input.label } : {}),
  };
}

/** A child's id is its parent's and its subject's: enqueuing the same child twice is one job. Letters, digits, '-' and '_' only: it goes into SES message tags. */
export const childJobId = (parentId: string, subject: string): string => `${parentId}_${subject}`;

/** The job cannot succeed as it stands: it ends as failed, with a reason in French the rectorat can act on. */
export class JobRefused extends Error {
  constructor(
    message: string,
    readonly lines?: number[],
  ) {
    super(message);
    this.name = 'JobRefused';
  }
}

/**
 * Try again later. `counts` is false for waits that are not failures (SES's
 * sending rate, another worker's claim): they never exhaust the job's tries.
 */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly afterMs: number,
    readonly counts = true,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** Tries of a job before it fails: with the backoff below, about 4 hours of outage outlasted. */
export const MAX_ATTEMPTS = 10;

/** 30 s, 1, 2, 4 … minutes, capped at 2 hours: an outage of SES or DynamoDB is outlasted, a bug is not retried for ever. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 2 * 60 * 60 * 1000);
}

/** What a tracked job's progress says of it. */
export function progressState(job: Job, progress: JobProgress | undefined): { state: 'running' | 'done' | 'failed'; finishedAt?: string } {
  if (job.state === 'failed') return { state: 'failed', ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}) };
  if (!progress) return job.state === 'done' ? { state: 'done', ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}) } : { state: 'running' };
  // A job done without ever completing a fan-out had no children (a digest): it is done. One that fanned out
  // completes its progress before it ends, and is done when every child ended.
  const ended = job.state === 'done' && (!progress.complete || progress.done + progress.failed >= progress.total);
  if (!ended) return { state: 'running' };
  const finishedAt = [job.finishedAt, progress.lastAt].filter((at): at is string => !!at).sort().at(-1);
  return { state: 'done', ...(finishedAt ? { finishedAt } : {}) };
}
