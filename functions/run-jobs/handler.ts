import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deps } from '../adapters/composition.ts';
import { withRedactedErrors } from '../adapters/logging.ts';
import { metric } from '../adapters/metrics.ts';
import { sealer } from '../adapters/sealing.ts';
import { jobDefinitions } from '../core/jobs/handlers.ts';
import type { Job } from '../core/jobs/job.ts';
import { runJob, type JobOutcome } from '../core/jobs/run-job.ts';

// The jobs that follow a signature seal documents: this worker carries the sealer (`sealsDocuments`).
const d = { ...deps(), sealer: sealer() };

/** Keep this much of the invocation for the records left: they go back to the stream, not into a timeout. */
const SAFETY_MS = 15_000;

/**
 * The worker: the table's stream delivers each pending job (the event source
 * mapping filters them), in order per job. Records are run one after the
 * other; from the first that could not be run, the rest are reported as
 * failures (partial batch response), so the mapping retries from there.
 */
export const handler = withRedactedErrors(async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
  const remainingMs = () => context?.getRemainingTimeInMillis() ?? 60_000;
  const failed: string[] = [];
  const outcomes: Record<JobOutcome, number> = { done: 0, waiting: 0, failed: 0, skipped: 0 };
  for (const record of event.Records) {
    const sequence = record.dynamodb?.SequenceNumber ?? '';
    if (failed.length > 0 || remainingMs() < SAFETY_MS) {
      failed.push(sequence);
      continue;
    }
    try {
      const job = unmarshall(record.dynamodb!.NewImage as never) as Job;
      outcomes[await runJob(d, jobDefinitions, job, { remainingMs })] += 1;
    } catch (error) {
      // The job's own bookkeeping failed (DynamoDB unreachable): the mapping delivers it again.
      console.error(JSON.stringify({ level: 'ERROR', message: 'job not run', sequence, error: error instanceof Error ? error.name : String(error) }));
      failed.push(sequence);
    }
  }
  metric('Jobs', { JobsDone: outcomes.done, JobsWaiting: outcomes.waiting, JobsFailed: outcomes.failed, JobsSkipped: outcomes.skipped, JobRecordsReturned: failed.length });
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
});
