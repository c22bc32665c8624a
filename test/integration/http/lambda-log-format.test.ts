/**
 * What the functions write is what Lambda's JSON log format keeps: one JSON
 * object per line, each log line with its level, timestamp and correlation
 * keys, and the metrics as EMF documents (namespace Paraphe, dimension Scope)
 * on lines of their own, so that CloudWatch extracts them. Read from stdout
 * and stderr, where Powertools writes through its own Console.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { log, withLogKeys } from '../../../functions/adapters/logging.ts';
import { metric, withMetrics } from '../../../functions/adapters/metrics.ts';
import { adminRoute } from '../../../functions/http/middleware.ts';
import { lambdaContext } from '../../../infra/local/gateway.ts';
import { campaign2026, pezilla } from '../../fixtures/seed-communes.ts';
import { captureLogLines } from '../../support/log-lines.ts';
import { mayorEmail, sentConvention, startTestStack, type TestStack } from '../../support/stack.ts';

// The setting of every function (infra/paraphe-function.ts: loggingFormat JSON); Lambda sets this variable.
process.env.AWS_LAMBDA_LOG_FORMAT = 'JSON';

type Line = Record<string, any>;
const isEmf = (line: Line) => line._aws?.CloudWatchMetrics !== undefined;

afterEach(() => vi.restoreAllMocks());

describe('the lines of the jobs worker, on the local stack', () => {
  let stack: TestStack;
  let lines: Line[];
  let raw: string[];
  let sent: { id: string; path: string; email: string };
  beforeAll(async () => {
    stack = await startTestStack();
    const capture = captureLogLines();
    try {
      sent = await sentConvention(stack, campaign2026, { ...pezilla, mayor: { ...pezilla.mayor, email: mayorEmail('log-format') } });
    } finally {
      capture.stop();
    }
    raw = [...capture.raw];
    lines = capture.json();
  });
  afterAll(async () => stack?.close());

  it('holds the Jobs metrics as an EMF document of namespace Paraphe, dimension Scope, as the JobsFailed alarm reads them', () => {
    const emf = lines.filter(isEmf);
    const jobs = emf.filter((line) => line.Scope === 'Jobs');
    expect(jobs.length).toBeGreaterThan(0);
    for (const document of jobs) {
      const [directive] = document._aws.CloudWatchMetrics;
      expect(directive).toMatchObject({ Namespace: 'Paraphe', Dimensions: [['Scope']] });
      expect(directive.Metrics.map((metric: { Name: string }) => metric.Name)).toEqual(expect.arrayContaining(['JobsDone', 'JobsFailed']));
      expect(typeof document._aws.Timestamp).toBe('number');
    }
    expect(jobs.reduce((sum, document) => sum + document.JobsDone, 0)).toBeGreaterThanOrEqual(2);
  });

  it('gives every log line its level, timestamp, Lambda request id, and the job and convention it concerns', () => {
    const logLines = lines.filter((line) => !isEmf(line));
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) {
      expect(line).toMatchObject({ level: expect.any(String), timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), function_request_id: expect.any(String) });
    }
    const jobRuns = logLines.filter((line) => line.message === 'job run');
    expect(jobRuns.map((line) => line.jobKind)).toEqual(expect.arrayContaining(['send-campaign', 'send-invitation']));
    for (const line of jobRuns) expect(line.jobId).toEqual(expect.any(String));
    const invitation = jobRuns.find((line) => line.jobKind === 'send-invitation');
    expect(invitation).toMatchObject({ conventionId: sent.id, outcome: 'done' });
  });

  it("carries neither the mayor's address nor the signing token", () => {
    const token = sent.path.split('/').pop()!;
    for (const line of raw) {
      expect(line).not.toContain(sent.email);
      expect(line).not.toContain(token);
    }
  });
});

describe('the correlation keys', () => {
  it("put API Gateway's and Lambda's request ids and the convention of the path on a failed request's line", async () => {
    const capture = captureLogLines();
    const route = adminRoute(async () => {
      throw new Error('DynamoDB unreachable');
    });
    const id = '0b6f3a2e-4c1d-4b8e-9f7a-2d5c8e1b3a90';
    const event = {
      routeKey: 'POST /admin/conventions/{id}/cancel',
      rawPath: `/admin/conventions/${id}/cancel`,
      pathParameters: { id },
      requestContext: { requestId: 'apigw-1', authorizer: { jwt: { claims: { sub: 'clerk', roles: '[gestionnaire]' } } } },
    };
    const context: Context = { ...lambdaContext('cancel-convention'), awsRequestId: 'lambda-1' };
    expect(await route(event as unknown as APIGatewayProxyEventV2 as never, context)).toMatchObject({ statusCode: 500 });
    const [line] = capture.json().filter((entry) => entry.level === 'ERROR');
    expect(line).toMatchObject({ message: 'request failed', requestId: 'apigw-1', function_request_id: 'lambda-1', function_name: 'cancel-convention', conventionId: id });
  });

  it('never mix the keys of jobs that run side by side', async () => {
    const capture = captureLogLines();
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    await Promise.all(
      ['job-a', 'job-b', 'job-c'].map((jobId) =>
        withLogKeys({ jobId }, async () => {
          for (let step = 0; step < 3; step += 1) {
            await tick();
            log().info({ message: 'step', step, expected: jobId });
          }
        }),
      ),
    );
    const steps = capture.json().filter((line) => line.message === 'step');
    expect(steps).toHaveLength(9);
    for (const line of steps) expect(line.jobId).toBe(line.expected);
  });

  it('flush the metrics of each invocation apart, even side by side in one process', async () => {
    const capture = captureLogLines();
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    await Promise.all(
      [1, 2].map((done) =>
        withMetrics(async () => {
          await tick();
          metric('Jobs', { JobsDone: done });
          await tick();
        }),
      ),
    );
    const documents = capture.json().filter(isEmf);
    expect(documents.map((document) => document.JobsDone).sort()).toEqual([1, 2]);
  });
});
