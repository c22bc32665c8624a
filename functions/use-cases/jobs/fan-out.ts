/**
 * How a tracked job enqueues its children: in chunks of a list that does not
 * move while the job runs, each chunk in one transaction with the progress'
 * cursor, so a fan-out stopped anywhere (a timeout, a crash) resumes at the
 * chunk where it stopped, and never enqueues one twice. A filter that depends
 * on state (only drafts, only signed) applies inside each chunk, never to the
 * list the chunks are cut from.
 */
import type { Convention, ConventionStatus } from '../../domain/model.ts';
import { childJobId, newJob, RetryLater, type Job, type JobKind } from '../../domain/jobs/job.ts';
import type { JobBudget, JobDeps } from './run-job.ts';

/** Children per transaction (a transaction holds 100 items, one is the progress). */
export const FAN_OUT_CHUNK = 90;

/** Leave the invocation with this much time left: the rest of the fan-out continues in the next one. */
const FAN_OUT_MARGIN_MS = 20_000;

export async function enqueueInChunks<T>(
  deps: Pick<JobDeps, 'jobs'>,
  job: Job,
  input: { cursor: number; items: readonly T[]; children: (chunk: readonly T[]) => Job[]; budget?: JobBudget },
): Promise<void> {
  const chunks = Math.max(1, Math.ceil(input.items.length / FAN_OUT_CHUNK));
  for (let index = input.cursor; index < chunks; index += 1) {
    if (input.budget && input.budget.remainingMs() < FAN_OUT_MARGIN_MS) {
      throw new RetryLater('La répartition en tâches reprendra à la prochaine invocation.', 1_000, false);
    }
    const children = input.children(input.items.slice(index * FAN_OUT_CHUNK, (index + 1) * FAN_OUT_CHUNK));
    await deps.jobs.enqueueChildren(job, index, children, { last: index === chunks - 1 });
  }
}

/** The children of a chunk of conventions: one job of `kind` per convention now in `status`, named by its commune. */
export function conventionJobs(
  deps: Pick<JobDeps, 'now'>,
  parent: Job,
  chunk: readonly Convention[],
  child: { kind: JobKind; status: ConventionStatus; payload: (convention: Convention) => Record<string, unknown> },
): Job[] {
  return chunk
    .filter((convention) => convention.status === child.status)
    .map((convention) =>
      newJob({
        id: childJobId(parent.id, convention.id),
        kind: child.kind,
        payload: child.payload(convention),
        parentId: parent.id,
        label: convention.commune.name,
        at: deps.now().toISOString(),
      }),
    );
}
