/**
 * What GET /admin/jobs/{id} and the console's list of jobs read, on the real DynamoDB Local: a job, its
 * progress and its failures in one Query when the failures fit (they sort before JOB and PROGRESS in the
 * job's partition), read in three when they do not; a list of jobs with their progress in one BatchGetItem.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJobRepository } from '../../../functions/adapters/dynamodb/job-repository.ts';
import { newJob, type JobFailure } from '../../../functions/domain/jobs/job.ts';
import type { JobRepository } from '../../../functions/use-cases/ports.ts';
import { localTable } from '../../support/local-table.ts';

let db: DynamoDBDocumentClient;
let jobs: JobRepository;
/** The commands sent, by name, since the last `sent.length = 0`. */
const sent: string[] = [];

beforeAll(async () => {
  let tableName: string;
  ({ tableName, db } = await localTable('paraphe-job-views'));
  db.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize' },
  );
  jobs = createJobRepository(db, tableName);
});

const AT = '2026-09-02T08:00:00.000Z';

/** A tracked import job with `count` refused lines of its file. */
async function importWithRefusedLines(count: number) {
  const job = newJob({ id: randomUUID(), kind: 'import-campaign', payload: { schoolYear: '2026-2027' }, at: AT });
  expect((await jobs.startTracked(job)).started).toBe(true);
  const failures: JobFailure[] = Array.from({ length: count }, (_, index) => ({ item: `Commune ${index + 1}`, reason: 'SIRET invalide', at: AT, line: index + 2 }));
  await jobs.recordFailures(job.id, failures);
  return { job, failures };
}

describe("a job's view", () => {
  it('is one Query when its failures fit: the job, its progress and its failures in line order', async () => {
    const { job, failures } = await importWithRefusedLines(3);
    sent.length = 0;
    const found = await jobs.withProgress(job.id);
    expect(sent).toEqual(['QueryCommand']);
    expect(found?.job).toMatchObject({ id: job.id, kind: 'import-campaign', state: 'pending' });
    expect(found?.progress).toEqual(await jobs.progress(job.id));
    expect(found?.failures).toEqual(failures.map(({ item, reason, at, line }) => ({ item, reason, at, line })));
  });

  it('reads the job and its progress after the first failures when there are more than it shows', async () => {
    const { job, failures } = await importWithRefusedLines(5);
    sent.length = 0;
    const found = await jobs.withProgress(job.id, 2);
    expect(sent.sort()).toEqual(['GetItemCommand', 'GetItemCommand', 'QueryCommand']);
    expect(found?.job.id).toBe(job.id);
    expect(found?.progress).toBeDefined();
    expect(found?.failures.map((failure) => failure.line)).toEqual([failures[0]!.line, failures[1]!.line]);
  });

  it('is undefined for a job that does not exist', async () => {
    expect(await jobs.withProgress(randomUUID())).toBeUndefined();
  });
});

describe('a list of jobs', () => {
  it('comes with their progress in one BatchGetItem, in the order asked, without the jobs that do not exist', async () => {
    const first = await importWithRefusedLines(1);
    const second = await importWithRefusedLines(0);
    sent.length = 0;
    const listed = await jobs.manyWithProgress([second.job.id, randomUUID(), first.job.id]);
    expect(sent).toEqual(['BatchGetItemCommand']);
    expect(listed.map((entry) => entry.job.id)).toEqual([second.job.id, first.job.id]);
    expect(listed.every((entry) => entry.progress !== undefined)).toBe(true);
  });
});
