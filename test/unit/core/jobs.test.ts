import { describe, expect, it } from 'vitest';
import { certainlyNotSent } from '../../../functions/use-cases/jobs/email-once.ts';
import { backoffMs, MAX_ATTEMPTS, newJob, progressState, type JobProgress } from '../../../functions/domain/jobs/job.ts';
import { isThrottling } from '../../../functions/use-cases/jobs/run-job.ts';
import { matchesFilter } from '../../../infra/local/stream-mapping.ts';
import { functionSpecs } from '../../../infra/functions.ts';

const job = newJob({ id: 'j', kind: 'send-campaign', payload: {}, at: '2026-11-20T08:00:00.000Z' });
const progress = (over: Partial<JobProgress>): JobProgress => ({ total: 0, done: 0, failed: 0, tally: {}, complete: false, cursor: 0, startedAt: job.createdAt, ...over });

describe('a tracked job', () => {
  it('runs until its fan-out is complete and every child ended, done or failed', () => {
    expect(progressState(job, progress({ total: 3, done: 3, complete: true })).state).toBe('running');
    const ended = { ...job, state: 'done' as const, finishedAt: '2026-11-20T08:00:01.000Z' };
    expect(progressState(ended, progress({ total: 3, done: 2, complete: true })).state).toBe('running');
    expect(progressState(ended, progress({ total: 3, done: 2, failed: 1, complete: true, lastAt: '2026-11-20T08:05:00.000Z' }))).toEqual({ state: 'done', finishedAt: '2026-11-20T08:05:00.000Z' });
  });

  it('is done as soon as it is when it never fanned out (a digest)', () => {
    expect(progressState({ ...job, state: 'done', finishedAt: '2026-11-20T08:00:01.000Z' }, progress({}))).toEqual({ state: 'done', finishedAt: '2026-11-20T08:00:01.000Z' });
  });

  it('has failed when it failed itself, whatever its children', () => {
    expect(progressState({ ...job, state: 'failed' }, progress({ total: 3, done: 3, complete: true })).state).toBe('failed');
  });
});

describe('retries', () => {
  it('back off from 30 s, doubling, capped at 2 hours, and give up after MAX_ATTEMPTS (about 4 hours in all)', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(20)).toBe(2 * 60 * 60 * 1000);
    const total = Array.from({ length: MAX_ATTEMPTS - 1 }, (_, index) => backoffMs(index + 1)).reduce((sum, ms) => sum + ms, 0);
    expect(total / 3_600_000).toBeGreaterThan(4);
    expect(total / 3_600_000).toBeLessThan(5);
  });

  it("treat SES's throttling as a wait, by its name or its message", () => {
    expect(isThrottling(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))).toBe(true);
    expect(isThrottling(new Error('Maximum sending rate exceeded.'))).toBe(true);
    expect(isThrottling(Object.assign(new Error('Address blacklisted'), { name: 'MessageRejected' }))).toBe(false);
  });
});

describe("a job's email", () => {
  it('is released only when SES certainly did not take it: a refusal or a refused connection, not a timeout, a reset or a 5xx', () => {
    expect(certainlyNotSent(Object.assign(new Error('x'), { name: 'MessageRejected', $metadata: { httpStatusCode: 400 } }))).toBe(true);
    expect(certainlyNotSent(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' }))).toBe(true);
    expect(certainlyNotSent(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8005'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(certainlyNotSent(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(false);
    expect(certainlyNotSent(Object.assign(new Error('x'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }))).toBe(false);
    expect(certainlyNotSent(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toBe(false);
  });
});

describe("the worker's event filter, applied locally as Lambda applies it", () => {
  const filter = functionSpecs.find((spec) => spec.name === 'run-jobs')!.streamSource!.filter;
  const record = (eventName: string, image: Record<string, unknown> | undefined) => ({ eventName, dynamodb: image ? { NewImage: image } : {} });

  it('lets through a job inserted or made pending again, and nothing else', () => {
    expect(matchesFilter(filter, record('INSERT', { entity: { S: 'job' }, state: { S: 'pending' } }))).toBe(true);
    expect(matchesFilter(filter, record('MODIFY', { entity: { S: 'job' }, state: { S: 'pending' } }))).toBe(true);
    expect(matchesFilter(filter, record('MODIFY', { entity: { S: 'job' }, state: { S: 'done' } }))).toBe(false);
    expect(matchesFilter(filter, record('MODIFY', { entity: { S: 'job' }, state: { S: 'waiting' } }))).toBe(false);
    expect(matchesFilter(filter, record('INSERT', { entity: { S: 'job-progress' } }))).toBe(false);
    expect(matchesFilter(filter, record('INSERT', { entity: { S: 'convention' }, state: { S: 'pending' } }))).toBe(false);
    expect(matchesFilter(filter, record('REMOVE', undefined))).toBe(false);
  });

  it('knows `exists`, as the SES rule uses it', () => {
    expect(matchesFilter({ tags: { paraphe_job: [{ exists: true }] } }, { tags: { paraphe_job: ['x'] } })).toBe(true);
    expect(matchesFilter({ tags: { paraphe_job: [{ exists: true }] } }, { tags: {} })).toBe(false);
  });
});
