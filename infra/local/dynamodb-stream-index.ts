/**
 * An index DynamoDB Local lacks. It keeps the stream records of every table in one SQLite table, `us`, whose
 * only key is the sequence number. Each write to a table with a stream, and each DescribeStream,
 * GetShardIterator and GetRecords, first looks up the stream's oldest record
 * (`SELECT MIN(SequenceNumber) FROM us WHERE StreamID = ?`): without an index on StreamID, SQLite reads
 * every stream record of every table for it. The cost of a write then grows with all the writes made before
 * it, on any table: over a test run (a hundred tables, a few thousand writes) that lookup was 90 % of DynamoDB
 * Local's CPU (docs/architecture.md, "What a test run costs").
 *
 * The database is a file (`-dbPath`), so that this process can add the indexes beside DynamoDB Local's
 * connection; SQLite sees the schema change and plans the next statements with them. The indexes change no
 * result, only how SQLite finds the rows. DynamoDB itself has no such table: this is about the local server.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/** DynamoDB Local's database file in `dbPath` with `-sharedDb`. */
export const sharedDbFile = (dbPath: string): string => join(dbPath, 'shared-local-instance.db');

const INDEXES = [
  // MIN(SequenceNumber) of a stream, and a stream's records from a sequence number on (GetRecords).
  'CREATE INDEX IF NOT EXISTS paraphe_us_stream ON us (StreamID, SequenceNumber)',
  // A shard's records from a sequence number on (GetShardIterator).
  'CREATE INDEX IF NOT EXISTS paraphe_us_shard ON us (ShardID, SequenceNumber)',
];

/** node:sqlite, without its one-time "experimental" warning on the console of every run. */
export async function loadSqlite(): Promise<typeof import('node:sqlite')> {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('SQLite is an experimental feature')) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await import('node:sqlite');
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** The two lookups the indexes serve, as DynamoDB Local makes them. */
export const STREAM_LOOKUPS = {
  oldestRecord: "SELECT MIN(SequenceNumber) FROM us WHERE StreamID = 'x'",
  shardFrom: "SELECT SequenceNumber FROM us WHERE ShardID = 'x' AND SequenceNumber >= 1 ORDER BY SequenceNumber LIMIT 1",
} as const;

/** SQLite's plan for each of STREAM_LOOKUPS. */
export type StreamPlans = Record<keyof typeof STREAM_LOOKUPS, string>;

/**
 * Adds the indexes to the SQLite database `file` (adding one that is there does nothing) and returns SQLite's
 * plan for each lookup, which names the index it uses. Only while DynamoDB Local is not serving requests: it
 * sets no busy timeout, so a write of its own that met this connection's lock would fail.
 */
export async function addStreamIndexes(file: string): Promise<StreamPlans> {
  const { DatabaseSync } = await loadSqlite();
  const db = new DatabaseSync(file);
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    for (const statement of INDEXES) db.exec(statement);
    const plan = (sql: string) => db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all().map((row) => String(row.detail)).join('\n');
    return { oldestRecord: plan(STREAM_LOOKUPS.oldestRecord), shardFrom: plan(STREAM_LOOKUPS.shardFrom) };
  } finally {
    db.close();
  }
}

/**
 * Adds the indexes to the database of the DynamoDB Local listening at `endpoint`, kept in `dbPath`, as it
 * starts, before anything else asks it: one request first makes it create its tables (it does on its first
 * request). Returns SQLite's plans for the two lookups (`addStreamIndexes`).
 */
export async function indexStreamRecords(endpoint: string, dbPath: string): Promise<StreamPlans> {
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
  } finally {
    client.destroy();
  }
  const file = sharedDbFile(dbPath);
  if (!existsSync(file)) throw new Error(`DynamoDB Local did not create its database at ${file}`);
  return addStreamIndexes(file);
}
