import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deps } from '../adapters/composition.ts';
import { eventHandler } from '../adapters/invocation.ts';
import { log, withLogKeys } from '../adapters/logging.ts';
import { metric } from '../adapters/metrics.ts';
import { sealer } from '../adapters/sealing.ts';
import { jobDefinitions } from '../use-cases/jobs/handlers.ts';
import type { Job } from '../domain/jobs/job.ts';
import { runJob, type JobOutcome } from '../use-cases/jobs/run-job.ts';

// The jobs that follow a signature seal documents: this worker carries the sealer (`sealsDocuments`).
const d = { ...deps(), sealer: sealer() };

/** Keep this much of the invocation for the records left: they go back to the stream, not into a timeout. */
const SAFETY_MS = 15_000;

/**
 * The worker: the table's stream delivers each pending job (the event source
 * mapping filters them), in order per job. A batch holds different jobs,
 * which wait mostly on DynamoDB, S3 and SES: they run side by side, each
 * job's records in their order. Every record that could not be run is
 * reported (partial batch response): the mapping retries from the first of
 * them, and the jobs already ended there are skipped.
 */
export const handler = eventHandler(async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
  const remainingMs = () => context?.getRemainingTimeInMillis() ?? 60_000;
  const failed: string[] = [];
  const outcomes: Record<JobOutcome, number> = { done: 0, waiting: 0, failed: 0, skipped: 0 };
  const byJob = new Map<string, { sequence: string; job: Job }[]>();
  for (const record of event.Records) {
    const job = unmarshall(record.dynamodb!.NewImage as never) as Job;
    byJob.set(job.id, [...(byJob.get(job.id) ?? []), { sequence: record.dynamodb?.SequenceNumber ?? '', job }]);
  }
  // Each job logs through its own child logger (jobId, its convention): jobs side by side never share keys.
  await Promise.all(
    [...byJob.values()].map((records) =>
      withLogKeys(jobKeys(records[0]!.job), async () => {
        for (const [index, { sequence, job }] of records.entries()) {
          if (remainingMs() < SAFETY_MS) {
            failed.push(...records.slice(index).map((record) => record.sequence));
            return;
          }
          try {
            const outcome = await runJob(d, jobDefinitions, job, { remainingMs });
            outcomes[outcome] += 1;
            log().info({ message: 'job run', outcome });
          } catch (error) {
            // The job's own bookkeeping failed (DynamoDB unreachable): the mapping delivers it again.
            log().error({ message: 'job not run', sequence, error: error as Error });
            failed.push(...records.slice(index).map((record) => record.sequence));
            return;
          }
        }
      }),
    ),
  );
  metric('Jobs', { JobsDone: outcomes.done, JobsWaiting: outcomes.waiting, JobsFailed: outcomes.failed, JobsSkipped: outcomes.skipped, JobRecordsReturned: failed.length });
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
});

/** The correlation keys of a job's lines: the job, its kind, its parent, the convention it concerns. */
function jobKeys(job: Job) {
  const conventionId = job.payload?.conventionId;
  return { jobId: job.id, jobKind: job.kind, parentJobId: job.parentId, conventionId: typeof conventionId === 'string' ? conventionId : undefined };
}
