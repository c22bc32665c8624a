/** What the rectorat sees of a job: its kind, where it stands, and every failure with its reason. */
import { AppError } from './errors.ts';
import { progressState, type Job, type JobFailure, type JobProgress } from './jobs/job.ts';
import type { Deps } from './ports.ts';

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

export async function getJob(deps: Pick<Deps, 'jobs'>, id: string): Promise<JobView> {
  const job = await deps.jobs.get(id);
  if (!job) throw new AppError('NOT_FOUND', `Aucune tâche ne porte l'identifiant ${id}.`);
  const [progress, failed] = await Promise.all([deps.jobs.progress(id), deps.jobs.failures(id)]);
  return jobView(job, progress, failed);
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

/**
 * The latest tracked jobs (every one, or a campaign's), newest first, each as GET /admin/jobs/{id} shows it
 * but without its failures (counted in failedCount): the console's list of jobs and a campaign's dashboard.
 */
export async function recentJobs(deps: Pick<Deps, 'jobs'>, options: { limit: number; schoolYear?: string }): Promise<JobView[]> {
  const ids = await deps.jobs.recentTracked(options);
  const views = await Promise.all(
    ids.map(async (id) => {
      const [job, progress] = await Promise.all([deps.jobs.get(id), deps.jobs.progress(id)]);
      return job ? jobView(job, progress, []) : undefined;
    }),
  );
  return views.filter((view): view is JobView => view !== undefined);
}
