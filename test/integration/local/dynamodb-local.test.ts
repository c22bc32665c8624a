/**
 * DynamoDB Local as the test servers run it: its stream records indexed by stream
 * (infra/local/dynamodb-stream-index.ts), so that a write's cost does not grow with every write before it.
 */
import { describe, expect, inject, it } from 'vitest';
import { indexStreamRecords, loadSqlite, sharedDbFile } from '../../../infra/local/dynamodb-stream-index.ts';

const { dynamodbEndpoint, dynamodbDataDir } = inject('servers');
const { DatabaseSync } = await loadSqlite();

/** SQLite's plan for `sql`, on DynamoDB Local's database, read-only. */
function planOf(sql: string): string {
  const db = new DatabaseSync(sharedDbFile(dynamodbDataDir), { readOnly: true });
  try {
    // DynamoDB Local writes for the other files meanwhile: wait for its lock rather than fail.
    db.exec('PRAGMA busy_timeout = 10000');
    return db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all().map((row) => String(row.detail)).join('\n');
  } finally {
    db.close();
  }
}

describe("DynamoDB Local's stream records", () => {
  it("finds a stream's oldest record through the index, not by reading every table's records", () => {
    // The lookup DynamoDB Local makes on each write to a table with a stream and on each stream request.
    // Without the index SQLite walks the records in sequence order from the first, of every table, until one
    // of this stream: its plan then names no index.
    expect(planOf("SELECT MIN(SequenceNumber) FROM us WHERE StreamID = 'x'")).toContain('USING COVERING INDEX paraphe_us_stream');
  });

  it("reads a shard's records from a sequence number on through the index", () => {
    expect(planOf("SELECT SequenceNumber FROM us WHERE ShardID = 'x' AND SequenceNumber >= 1 ORDER BY SequenceNumber LIMIT 1")).toContain('paraphe_us_shard');
  });

  it('indexes a database that has the indexes already without error (a persistent stack restarted)', async () => {
    await expect(indexStreamRecords(dynamodbEndpoint, dynamodbDataDir)).resolves.toBeUndefined();
    expect(planOf("SELECT MIN(SequenceNumber) FROM us WHERE StreamID = 'x'")).toContain('paraphe_us_stream');
  });
});
