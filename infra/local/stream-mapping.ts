/**
 * A local Lambda event source mapping on the table's stream: it reads
 * DynamoDB Local's stream with the SDK's DynamoDB Streams client, as Lambda's
 * poller reads DynamoDB Streams, and calls the very handler module that runs
 * in Lambda with the event Lambda would send. It keeps the mapping's rules:
 * the filter, the batch size, concurrent batches per shard with each item's
 * records in order, partial batch responses (retry from the first failed
 * record), bisect on error, bounded retries and record age, and an on-failure
 * destination (here a JSON-lines file; an SQS queue in AWS) for what is
 * discarded. Each batch runs in the function's execution environment
 * (lambda-runtime.ts), within its timeout and memory: a batch still running
 * at the deadline is stopped and counts as failed, as in Lambda.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import type { FunctionSpec, StreamSourceSpec } from '../functions.ts';
import { localRuntime, type LambdaRuntime } from './lambda-runtime.ts';
import { LOCAL_CREDENTIALS } from './resources.ts';

type LambdaRecord = Record<string, unknown> & { dynamodb: { SequenceNumber: string; ApproximateCreationDateTime: number; Keys: Record<string, unknown> } };

/** Lambda event filtering, for the patterns Paraphe uses: nested objects of allowed values, and `{exists: true}`. */
export function matchesFilter(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((allowed) =>
      allowed && typeof allowed === 'object' && 'exists' in allowed ? (value !== undefined) === (allowed as { exists: boolean }).exists : allowed === value,
    );
  }
  if (pattern && typeof pattern === 'object') {
    if (!value || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([key, inner]) => matchesFilter(inner, (value as Record<string, unknown>)[key]));
  }
  return pattern === value;
}

/** The record as Lambda delivers it: creation time in epoch seconds, the stream's ARN. */
function toLambdaRecord(record: StreamRecord, streamArn: string): LambdaRecord {
  const dynamodb = record.dynamodb!;
  const created = dynamodb.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-3',
    eventSourceARN: streamArn,
    dynamodb: { ...dynamodb, ApproximateCreationDateTime: created instanceof Date ? created.getTime() / 1000 : Number(created ?? Date.now() / 1000) },
  } as LambdaRecord;
}

export interface StreamMappingOptions {
  root: string;
  spec: FunctionSpec & { streamSource: StreamSourceSpec };
  dynamodbEndpoint: string;
  tableName: string;
  /** Where each shard's last processed sequence number is kept, so a restart resumes (npm start); none in tests. */
  checkpointFile?: string;
  /** The on-failure destination: one JSON line per discarded batch. */
  deadLetterFile?: string;
  log?: (line: string) => void;
  /** The wait between two empty polls while the stack is active (default 200 ms). */
  pollMs?: number;
  /**
   * The wait between two empty polls once the stack has been quiet for ACTIVE_WINDOW_MS (default 1 s). Any
   * invocation's end (the runtime's `afterInvocation`) cuts it short: what a function wrote is read at once.
   */
  idlePollMs?: number;
  /** First retry delay of a failed batch, doubled each time up to 30 s. */
  retryBaseMs?: number;
  /** The execution environments, shared with the gateway and the scheduler; the mapping's own otherwise. */
  runtime?: LambdaRuntime;
}

export interface StreamMapping {
  /** Discarded batches so far (as written to the dead-letter file). */
  deadLetters: { at: string; reason: string; sequenceNumbers: string[] }[];
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How long after the last record, or the last invocation of a function that is not on a schedule, the
 * mapping keeps polling at `pollMs`: a write that lands without an invocation (a test's own) is still read
 * within 200 ms in that window. A scheduled function (wake-jobs fires each second in tests) is read after
 * at once, but does not keep the mapping active: what it wrote shows as records.
 */
const ACTIVE_WINDOW_MS = 2_000;

export async function startStreamMapping(options: StreamMappingOptions): Promise<StreamMapping> {
  const settings = options.spec.streamSource;
  const config = { endpoint: options.dynamodbEndpoint, region: 'eu-west-3', credentials: LOCAL_CREDENTIALS };
  const db = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient({ ...config, maxAttempts: 2 });
  const { Table } = await db.send(new DescribeTableCommand({ TableName: options.tableName }));
  db.destroy();
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream: the worker would never run`);
  const runtime = options.runtime ?? localRuntime({ root: options.root });
  const log = options.log ?? (() => undefined);
  const checkpoints: Record<string, string> =
    options.checkpointFile && existsSync(options.checkpointFile) ? JSON.parse(readFileSync(options.checkpointFile, 'utf8')) : {};
  const finished = new Set<string>();
  const iterators = new Map<string, string>();
  const deadLetters: StreamMapping['deadLetters'] = [];
  let running = true;
  let activeAt = Date.now();
  /** Ends the current idle wait, if any (an invocation ended: its writes are on the stream). */
  let wakeUp: (() => void) | undefined;
  const stopListening = runtime.afterInvocation((spec) => {
    if (!spec.schedule) activeAt = Date.now();
    wakeUp?.();
  });
  /**
   * The wait before the next poll: `pollMs` while the stack is active, whatever the number of invocations
   * (each request to the gateway is one: they must not each cost a poll); longer when idle, and then ended
   * by the first invocation.
   */
  const pause = () => {
    if (Date.now() - activeAt < ACTIVE_WINDOW_MS) return sleep(options.pollMs ?? 200);
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, options.idlePollMs ?? 1_000);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });
  };

  const saveCheckpoint = (shardId: string, sequence: string) => {
    checkpoints[shardId] = sequence;
    if (options.checkpointFile) writeFileSync(options.checkpointFile, JSON.stringify(checkpoints));
  };

  const discard = (batch: LambdaRecord[], reason: string) => {
    const entry = { at: new Date().toISOString(), reason, sequenceNumbers: batch.map((record) => record.dynamodb.SequenceNumber) };
    deadLetters.push(entry);
    if (options.deadLetterFile) appendFileSync(options.deadLetterFile, `${JSON.stringify({ function: options.spec.name, ...entry })}\n`);
    log(`${options.spec.name}: ${batch.length} record(s) sent to the dead-letter destination (${reason})`);
  };

  /** One invocation, in the function's execution environment: stopped at its timeout as Lambda stops it. */
  async function invoke(batch: LambdaRecord[]): Promise<{ error?: string; failedFrom?: number }> {
    const outcome = await runtime.invoke(options.spec, { Records: batch });
    if (!outcome.ok) return { error: `${outcome.error.errorType}: ${outcome.error.errorMessage}` };
    const failures = (outcome.result as DynamoDBBatchResponse | undefined)?.batchItemFailures ?? [];
    if (failures.length === 0) return {};
    const indexes = failures.map((failure) => batch.findIndex((record) => record.dynamodb.SequenceNumber === failure.itemIdentifier));
    // An identifier that is not in the batch fails the whole batch, as in Lambda.
    if (indexes.some((index) => index < 0)) return { error: 'batchItemFailures names a record not in the batch' };
    return { failedFrom: Math.min(...indexes) };
  }

  async function deliver(batch: LambdaRecord[], retries: number): Promise<void> {
    if (batch.length === 0 || !running) return;
    const oldest = Math.min(...batch.map((record) => record.dynamodb.ApproximateCreationDateTime));
    if (Date.now() / 1000 - oldest > settings.maxRecordAgeSeconds) return discard(batch, 'record older than the maximum record age');
    const outcome = await invoke(batch);
    if (!outcome.error && outcome.failedFrom === undefined) return;
    // Stopping: the batch is left unfinished, so the checkpoint stays before it and a restart delivers it again.
    if (!running) return;
    if (retries >= settings.maxRetryAttempts) return discard(outcome.failedFrom !== undefined ? batch.slice(outcome.failedFrom) : batch, outcome.error ?? 'partial batch failure after the last retry');
    await sleep(Math.min(30_000, (options.retryBaseMs ?? 500) * 2 ** retries));
    if (outcome.failedFrom !== undefined) return deliver(batch.slice(outcome.failedFrom), retries + 1);
    log(`${options.spec.name}: batch of ${batch.length} failed (${outcome.error}); retry ${retries + 1}`);
    if (settings.bisectOnError && batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      await deliver(batch.slice(0, half), retries + 1);
      return deliver(batch.slice(half), retries + 1);
    }
    return deliver(batch, retries + 1);
  }

  /**
   * The parallelization factor: records of one item always go to the same lane, in order; the lanes run
   * side by side and the poller keeps reading while they work, as Lambda's poller does, so a long batch
   * (a fan-out) holds up only its lane. A shard's checkpoint moves past a record once it and every record
   * before it are done.
   */
  const lanes = Array.from({ length: settings.parallelizationFactor }, () => ({ queue: [] as { record: LambdaRecord; entry: Entry }[], run: undefined as Promise<void> | undefined }));
  interface Entry {
    sequence: string;
    done: boolean;
  }
  const entries = new Map<string, Entry[]>();
  let inFlight = 0;

  const advance = (shardId: string) => {
    const list = entries.get(shardId) ?? [];
    let last: string | undefined;
    while (list.length > 0 && list[0]!.done) last = list.shift()!.sequence;
    if (last) saveCheckpoint(shardId, last);
  };

  function runLane(lane: (typeof lanes)[number], shardId: string): void {
    if (lane.run) return;
    lane.run = (async () => {
      while (lane.queue.length > 0) {
        const taken = lane.queue.splice(0, settings.batchSize);
        await deliver(taken.map((item) => item.record), 0);
        if (!running) break;
        for (const item of taken) item.entry.done = true;
        inFlight -= taken.length;
        advance(shardId);
      }
      lane.run = undefined;
    })();
  }

  /** The last record handed to a lane, per shard: a re-read from the checkpoint (after a read error) skips what is in flight. */
  const dispatched = new Map<string, bigint>();

  function dispatch(shardId: string, read: LambdaRecord[]): void {
    const list = entries.get(shardId) ?? [];
    entries.set(shardId, list);
    const after = dispatched.get(shardId) ?? -1n;
    const records = read.filter((record) => BigInt(record.dynamodb.SequenceNumber) > after);
    if (records.length > 0) dispatched.set(shardId, BigInt(records.at(-1)!.dynamodb.SequenceNumber));
    for (const record of records) {
      const entry = { sequence: record.dynamodb.SequenceNumber, done: !matchesFilter(settings.filter, record) };
      list.push(entry);
      if (entry.done) continue;
      const hash = createHash('md5').update(JSON.stringify(record.dynamodb.Keys)).digest().readUInt32BE(0);
      const lane = lanes[hash % lanes.length]!;
      lane.queue.push({ record, entry });
      inFlight += 1;
    }
    advance(shardId);
    for (const lane of lanes) if (lane.queue.length > 0) runLane(lane, shardId);
  }

  /** Records read but not yet run: above this, the poller waits for the lanes (as Lambda's does). */
  const MAX_IN_FLIGHT = 2_000;

  async function iteratorOf(shardId: string): Promise<string | undefined> {
    if (iterators.has(shardId)) return iterators.get(shardId);
    const after = checkpoints[shardId];
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    if (ShardIterator) iterators.set(shardId, ShardIterator);
    return ShardIterator;
  }

  const DESCRIBE_EVERY_MS = 30_000;
  let described: { at: number; shards: Shard[]; stale: boolean } | undefined;

  async function pollOnce(): Promise<boolean> {
    if (inFlight >= MAX_IN_FLIGHT) {
      await sleep(50);
      return true;
    }
    // The shard list changes when a shard closes (a few hours in AWS), which shows as a GetRecords without a
    // next iterator, or when the stream gets its first shard: it is described again at once after the one,
    // at each poll until the other, and otherwise every 30 s as a safety net, rather than at every poll of
    // the open shards (a DescribeStream each second of each idle stack: 256 of the 11,800 DynamoDB requests
    // of the integration and browser projects).
    const open = described?.shards.some((shard) => !finished.has(shard.ShardId!));
    if (!described || !open || Date.now() - described.at > DESCRIBE_EVERY_MS || described.stale) {
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      described = { at: Date.now(), shards: StreamDescription?.Shards ?? [], stale: false };
    }
    const shards = described.shards;
    const known = new Set(shards.map((shard) => shard.ShardId));
    let busy = false;
    for (const shard of shards) {
      const shardId = shard.ShardId!;
      // A child shard waits until its parent is read to the end and run: each item's records stay in order.
      const parent = shard.ParentShardId;
      if (finished.has(shardId) || (parent && known.has(parent) && !(finished.has(parent) && (entries.get(parent)?.length ?? 0) === 0))) continue;
      const iterator = await iteratorOf(shardId);
      if (!iterator) continue;
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const records = (page.Records ?? []).map((record) => toLambdaRecord(record, streamArn!));
      if (records.length > 0) {
        busy = true;
        dispatch(shardId, records);
      }
      if (page.NextShardIterator) iterators.set(shardId, page.NextShardIterator);
      else {
        iterators.delete(shardId);
        finished.add(shardId);
        described.stale = true;
      }
    }
    return busy;
  }

  const loop = (async () => {
    while (running) {
      try {
        if (await pollOnce()) activeAt = Date.now();
        else await pause();
      } catch (error) {
        // DynamoDB Local restarting: the poller waits and reads on from its checkpoint, as Lambda's does.
        log(`${options.spec.name}: stream not readable (${error instanceof Error ? error.name : String(error)}); retrying`);
        iterators.clear();
        described = undefined;
        await sleep(1_000);
      }
    }
  })();

  return {
    deadLetters,
    async stop() {
      running = false;
      wakeUp?.();
      stopListening();
      await loop;
      // The mapping's own environments stop with it (a batch they were running is delivered again at restart).
      if (!options.runtime) await runtime.close();
      await Promise.all(lanes.map((lane) => lane.run));
      streams.destroy();
    },
  };
}
