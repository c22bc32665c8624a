/** What the rectorat sees of a job: its kind, where it stands, and every failure with its reason. */
import { progressState, type Job, type JobFailure, type JobProgress } from './job.ts';

export interface JobView {
  id: string;
  kind: string;
  label?: string;
  state: 'running' | 'done' | 'failed';
  done: number;
  total: number;
  failedCount: number;
  tally: Record<string, number>;
  failed: JobFailure[];
  startedAt: string;
  finishedAt?: string;
  /** Why the job itself waits or failed. */
  reason?: string;
}

/** Where a job stands, from its item, its progress (a tracked job's) and its failures. */
export function jobView(job: Job, progress: JobProgress | undefined, failed: JobFailure[]): JobView {
  const { state, finishedAt } = progressState(job, progress);
  const single = progress === undefined;
  return {
    id: job.id,
    kind: job.kind,
    ...(job.label ? { label: job.label } : {}),
    state,
    done: single ? (job.state === 'done' ? 1 : 0) : progress.done,
    total: single ? 1 : progress.total,
    failedCount: single ? (job.state === 'failed' ? 1 : 0) : progress.failed,
    tally: progress?.tally ?? {},
    failed: failed.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
    startedAt: progress?.startedAt ?? job.createdAt,
    ...(finishedAt ? { finishedAt } : {}),
    ...(job.reason && state !== 'done' ? { reason: job.reason } : {}),
  };
}
