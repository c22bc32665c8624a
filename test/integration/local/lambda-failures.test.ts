/**
 * A function stopped at its timeout is a failed invocation for whatever
 * invoked it: the scheduler retries the same event as Lambda retries an
 * asynchronous invocation, then writes it to the dead letters; the stream's
 * event source mapping retries the batch, then sends it to its on-failure
 * destination. Either way the handler writes nothing once stopped.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FunctionSpec, StreamSourceSpec } from '../../../infra/functions.ts';
import { PROJECT_ROOT } from '../../../infra/local/paths.ts';
import { ensureTable, LOCAL_CREDENTIALS } from '../../../infra/local/resources.ts';
import { startScheduler } from '../../../infra/local/scheduler.ts';
import { startStreamMapping } from '../../../infra/local/stream-mapping.ts';

const directory = mkdtempSync(join(tmpdir(), 'paraphe-failures-'));
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The fixture writes forever to RUNAWAY_FILE when a schedule or a stream invokes it; environments read it at their start.
const runaway = join(directory, 'runaway.log');
beforeAll(() => {
  writeFileSync(runaway, '');
  process.env.RUNAWAY_FILE = runaway;
});
afterAll(() => delete process.env.RUNAWAY_FILE);

const hanging = (name: string): FunctionSpec => ({ name, entry: 'test/fixtures/handlers/lambda-limits.ts', routes: [], timeoutSeconds: 1, memoryMb: 128 });

describe('a scheduled function that runs past its timeout', () => {
  it('is invoked again with the same event, twice, then goes to the dead letters', async () => {
    const deadLetterFile = join(directory, 'schedule-dead-letters.jsonl');
    const log: string[] = [];
    const spec = { ...hanging('hanging-schedule'), schedule: { cron: 'cron(0 9 ? * MON-FRI *)', description: 'test' } };
    const scheduler = startScheduler({ root: PROJECT_ROOT, specs: [spec], retryDelaysMs: [50, 50], deadLetterFile, log: (line) => log.push(line) });
    try {
      const at = new Date();
      const outcome = await scheduler.fire('hanging-schedule', at);
      expect(outcome).toMatchObject({ attempts: 3, error: { errorType: 'Sandbox.Timedout' } });
      expect(log.filter((line) => line.includes('Task timed out after 1.00 seconds'))).toHaveLength(3);
      const [dead] = readFileSync(deadLetterFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      expect(dead).toMatchObject({ function: 'hanging-schedule', event: { time: at.toISOString(), source: 'aws.scheduler' } });
    } finally {
      await scheduler.stop();
    }
    const written = lines(runaway);
    await sleep(400);
    expect(lines(runaway)).toBe(written);
  });
});

describe('a stream batch that runs past its timeout', () => {
  it('is retried, then sent to the on-failure destination, and the handler stops writing', async () => {
    const { dynamodbEndpoint } = inject('servers');
    const tableName = `paraphe-failures-${randomBytes(4).toString('hex')}`;
    await ensureTable(dynamodbEndpoint, tableName);
    const streamSource: StreamSourceSpec = {
      filter: { eventName: ['INSERT'] },
      batchSize: 1,
      parallelizationFactor: 1,
      maxRetryAttempts: 1,
      maxRecordAgeSeconds: 3600,
      bisectOnError: false,
    };
    const mapping = await startStreamMapping({ root: PROJECT_ROOT, spec: { ...hanging('hanging-worker'), streamSource }, dynamodbEndpoint, tableName, pollMs: 100, retryBaseMs: 50 });
    try {
      const db = new DynamoDBClient({ endpoint: dynamodbEndpoint, region: 'eu-west-3', credentials: LOCAL_CREDENTIALS });
      await db.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'JOB#1' }, sk: { S: 'JOB' } } }));
      db.destroy();
      for (const deadline = Date.now() + 30_000; mapping.deadLetters.length === 0 && Date.now() < deadline; ) await sleep(100);
      expect(mapping.deadLetters).toHaveLength(1);
      expect(mapping.deadLetters[0]!.reason).toMatch(/^Sandbox\.Timedout: .*Task timed out after 1\.00 seconds/);
    } finally {
      await mapping.stop();
    }
    const written = lines(runaway);
    expect(written).toBeGreaterThan(0);
    await sleep(400);
    expect(lines(runaway)).toBe(written);
  });
});
