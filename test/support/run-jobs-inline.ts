/**
 * Runs a tracked job and its children in this process, through the same
 * `runJob` the worker calls, with the deps the test gives (a fixed clock, a
 * wrapped port): what the table's stream and the wake-jobs schedule do, in
 * order, without them. For stacks started with `workers: false`.
 */
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from '../../functions/adapters/config.ts';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { createJobRepository } from '../../functions/adapters/dynamodb/job-repository.ts';
import { jobKey } from '../../functions/adapters/dynamodb/keys.ts';
import { jobDefinitions } from '../../functions/use-cases/jobs/handlers.ts';
import type { Job, JobKind } from '../../functions/domain/jobs/job.ts';
import { runJob, type JobBudget, type JobDefinition, type JobDeps, type JobOutcome } from '../../functions/use-cases/jobs/run-job.ts';

export interface DrainOptions {
  definitions?: Partial<Record<JobKind, JobDefinition>>;
  budget?: JobBudget;
  /** Rounds of "run what is pending, wake what waits" before giving up (a job that waits for ever). */
  maxRounds?: number;
  /**
   * A runJob that throws (its own bookkeeping failed: DynamoDB unreachable) is run again at the next
   * round, after this pause, as the event source mapping delivers the record again. Default 1 s.
   */
  redeliverAfterMs?: number;
}

export type DrainReport = Record<JobOutcome, number> & { rounds: number; redelivered: number; errors: string[] };

/** Far enough ahead that every waiting job is due, whatever clock the deps run on. */
const FAR_FUTURE = '9999-12-31T23:59:59.999Z';

/** The test's own line to the table (never the deps' one, which a test may cut). */
let line: { key: string; db: ReturnType<typeof createDocumentClient>; config: ReturnType<typeof loadConfig> } | undefined;
function table() {
  const config = loadConfig(process.env);
  const key = `${config.DYNAMODB_ENDPOINT}|${config.TABLE_NAME}`;
  if (line?.key !== key) line = { key, db: createDocumentClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT }), config };
  return line;
}

async function readJob(id: string): Promise<Job | undefined> {
  const { db, config } = table();
  const { Item } = await db.send(new GetCommand({ TableName: config.TABLE_NAME, Key: jobKey(id), ConsistentRead: true }));
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, entity: _entity, ...job } = Item;
  return job as unknown as Job;
}

/** Every waiting job of the table becomes pending, as the wake-jobs schedule does when their time comes. */
export async function wakeAll(): Promise<number> {
  const { db, config } = table();
  return createJobRepository(db, config.TABLE_NAME).wakeDue(FAR_FUTURE);
}

/** The children of a tracked job as they stand now (tests only: a Scan of the whole table). */
export async function childJobs(rootJobId: string): Promise<Job[]> {
  const { db, config } = table();
  const jobs: Job[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: config.TABLE_NAME,
        FilterExpression: 'entity = :job AND parentId = :root',
        ExpressionAttributeValues: { ':job': 'job', ':root': rootJobId },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, entity: _entity, ...job } = item;
      jobs.push(job as unknown as Job);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return jobs.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Runs the tracked job `rootJobId`, then every pending child, waking the
 * waiting ones (wakeDue far ahead), until nothing is pending or waiting. The
 * jobs run with `deps`; the reads and wake-ups of this helper go through
 * their own client, so a test may cut the deps' line. What each runJob
 * answered, counted.
 */
export async function drainJobs(deps: JobDeps, rootJobId: string, options: DrainOptions = {}): Promise<DrainReport> {
  const definitions = options.definitions ?? jobDefinitions;
  const budget = options.budget ?? { remainingMs: () => 60_000 };
  const maxRounds = options.maxRounds ?? 10;
  const report: DrainReport = { done: 0, waiting: 0, failed: 0, skipped: 0, rounds: 0, redelivered: 0, errors: [] };
  let threw = false;
  const run = async (job: Job) => {
    try {
      report[await runJob(deps, definitions, job, budget)] += 1;
    } catch (error) {
      threw = true;
      report.redelivered += 1;
      report.errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  };
  for (;;) {
    report.rounds += 1;
    threw = false;
    const root = await readJob(rootJobId);
    if (!root) throw new Error(`drainJobs: no job ${rootJobId}`);
    if (root.state === 'pending') await run(root);
    for (const child of (await childJobs(rootJobId)).filter((job) => job.state === 'pending')) await run(child);

    const now = [await readJob(rootJobId), ...(await childJobs(rootJobId))];
    const waiting = now.filter((job) => job?.state === 'waiting');
    if (!now.some((job) => job?.state === 'pending' || job?.state === 'waiting')) return report;
    if (report.rounds >= maxRounds) {
      throw new Error(`drainJobs: still not ended after ${report.rounds} rounds: ${JSON.stringify(now.filter((job) => job?.state !== 'done').map((job) => ({ id: job!.id, state: job!.state, wakeAt: job!.wakeAt, reason: job!.reason })))}`);
    }
    if (waiting.length > 0) await wakeAll();
    if (threw) await new Promise((resolve) => setTimeout(resolve, options.redeliverAfterMs ?? 1_000));
  }
}
