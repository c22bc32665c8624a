/**
 * DynamoDB Local as the test servers run it: its stream records indexed by stream and by shard
 * (infra/local/dynamodb-stream-index.ts), so that a write's cost does not grow with every write before it.
 * The live database is never opened here: DynamoDB Local sets no busy timeout, so a lock taken by a test
 * would fail another file's write. Its plans are the ones SQLite gave at start, before any request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { addStreamIndexes, loadSqlite } from '../../../infra/local/dynamodb-stream-index.ts';

const { dynamodbStreamPlans } = inject('servers');

describe("the test servers' DynamoDB Local", () => {
  it("finds a stream's oldest record, and a shard's records from a sequence number on, through the indexes", () => {
    expect(dynamodbStreamPlans.oldestRecord).toContain('USING COVERING INDEX paraphe_us_stream');
    expect(dynamodbStreamPlans.shardFrom).toContain('paraphe_us_shard');
  });
});

describe('the stream indexes on a database of the same shape', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paraphe-us-'));
  const file = join(dir, 'shared-local-instance.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('change the plan SQLite had without them, and adding them twice (a persistent stack restarted) keeps them', async () => {
    const { DatabaseSync } = await loadSqlite();
    const db = new DatabaseSync(file);
    // The table as DynamoDB Local 3.3 creates it (its SQLiteDBAccess).
    db.exec('CREATE TABLE IF NOT EXISTS us (StreamID TEXT, ShardID TEXT, SequenceNumber INTEGER, CreationDateTime INTEGER, StreamRecord BLOB, OperationType TEXT, PRIMARY KEY(SequenceNumber))');
    const before = db.prepare("EXPLAIN QUERY PLAN SELECT MIN(SequenceNumber) FROM us WHERE StreamID = 'x'").all().map((row) => String(row.detail)).join('\n');
    db.close();
    // Without an index SQLite walks the records in sequence order from the first, of every stream.
    expect(before).not.toContain('INDEX');
    const first = await addStreamIndexes(file);
    expect(first.oldestRecord).toContain('USING COVERING INDEX paraphe_us_stream');
    expect(await addStreamIndexes(file)).toEqual(first);
  });
});
