/**
 * A pending job whose stream record was lost (discarded after the event
 * source mapping's retries, or older than the stream keeps) is not stuck:
 * wake-jobs writes it again once, which the stream delivers; lost a second
 * time, it fails with a reason the rectorat reads. The stack runs without its
 * stream worker, so nothing delivers the job but what the test does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDeps, type BaseDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { getJob } from '../../functions/use-cases/get-job.ts';
import { startDigest } from '../../functions/use-cases/send-digest.ts';
import { childJobs, drainJobs } from '../support/run-jobs-inline.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let deps: BaseDeps;
beforeAll(async () => {
  stack = await startTestStack({ workers: false });
  deps = composeDeps(loadConfig(process.env));
});
afterAll(async () => stack?.close());

const hoursLater = (at: string, hours: number) => new Date(Date.parse(at) + hours * 3_600_000).toISOString();

describe('a job whose stream record was lost', () => {
  it('is written again once by wake-jobs, then runs to its end', async () => {
    const at = '2031-03-03T07:00:00.000Z';
    const { jobId } = await startDigest(deps, { today: '2031-03-03', at, recipients: ['digest.lost@rectorat.example.org'] });
    // Not yet: a job only queued in the stream is never doubled.
    expect(await deps.jobs.redeliverStale(hoursLater(at, -1), at)).toEqual({ redelivered: 0, failed: 0 });
    expect(await deps.jobs.redeliverStale(hoursLater(at, 7), hoursLater(at, 7))).toEqual({ redelivered: 1, failed: 0 });
    expect(await deps.jobs.get(jobId)).toMatchObject({ state: 'pending', redelivered: 1 });
    await drainJobs(deps, jobId);
    expect(await getJob(deps, jobId)).toMatchObject({ state: 'done' });
    expect(await stack.inbox('digest.lost@rectorat.example.org')).toHaveLength(1);
    // Ended: nothing left to write again.
    expect(await deps.jobs.redeliverStale(hoursLater(at, 30), hoursLater(at, 30))).toEqual({ redelivered: 0, failed: 0 });
  });

  it('fails with its reason when lost a second time, instead of waiting for ever', async () => {
    const at = '2031-03-04T07:00:00.000Z';
    const { jobId } = await startDigest(deps, { today: '2031-03-04', at, recipients: ['digest.lost2@rectorat.example.org'] });
    expect((await deps.jobs.redeliverStale(hoursLater(at, 7), hoursLater(at, 7))).redelivered).toBeGreaterThanOrEqual(1);
    expect((await deps.jobs.redeliverStale(hoursLater(at, 15), hoursLater(at, 15))).failed).toBeGreaterThanOrEqual(1);
    const view = await getJob(deps, jobId);
    expect(view).toMatchObject({ state: 'failed', reason: expect.stringContaining("Relancez l'action") });
    expect(await childJobs(jobId)).toEqual([]);
    expect(await stack.inbox('digest.lost2@rectorat.example.org')).toHaveLength(0);
  });
});
