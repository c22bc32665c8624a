/** What the rectorat sees of a job: its kind, where it stands, and every failure with its reason. */
import { AppError } from '../domain/errors.ts';
import { jobView, type JobView } from '../domain/jobs/job-view.ts';

export type { JobView };
import type { Deps } from './ports.ts';

export async function getJob(deps: Pick<Deps, 'jobs'>, id: string): Promise<JobView> {
  const found = await deps.jobs.withProgress(id);
  if (!found) throw new AppError('NOT_FOUND', `Aucune tâche ne porte l'identifiant ${id}.`);
  return jobView(found.job, found.progress, found.failures);
}

/**
 * The latest tracked jobs (every one, or a campaign's), newest first, each as GET /admin/jobs/{id} shows it
 * but without its failures (counted in failedCount): the console's list of jobs and a campaign's dashboard.
 */
export async function recentJobs(deps: Pick<Deps, 'jobs'>, options: { limit: number; schoolYear?: string }): Promise<JobView[]> {
  const ids = await deps.jobs.recentTracked(options);
  return (await deps.jobs.manyWithProgress(ids)).map(({ job, progress }) => jobView(job, progress, []));
}
