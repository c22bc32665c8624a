/** What the rectorat sees of a job: its kind, where it stands, and every failure with its reason. */
import { AppError } from '../domain/errors.ts';
import { jobView, type JobView } from '../domain/jobs/job-view.ts';

export type { JobView };
import type { Deps } from './ports.ts';

export async function getJob(deps: Pick<Deps, 'jobs'>, id: string): Promise<JobView> {
  const job = await deps.jobs.get(id);
  if (!job) throw new AppError('NOT_FOUND', `Aucune tâche ne porte l'identifiant ${id}.`);
  const [progress, failed] = await Promise.all([deps.jobs.progress(id), deps.jobs.failures(id)]);
  return jobView(job, progress, failed);
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
