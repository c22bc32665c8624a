/**
 * A table of its own on the run's DynamoDB Local, and a document client on it, for the adapter tests that
 * drive a repository directly (no stack, no handler).
 */
import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { ensureTable } from '../../infra/local/resources.ts';

export async function localTable(prefix: string): Promise<{ tableName: string; db: DynamoDBDocumentClient }> {
  const { dynamodbEndpoint } = inject('servers');
  const tableName = `${prefix}-${randomBytes(4).toString('hex')}`;
  await ensureTable(dynamodbEndpoint, tableName);
  // DynamoDB Local takes any key; the SDK wants one.
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  return { tableName, db: createDocumentClient({ region: 'eu-west-3', endpoint: dynamodbEndpoint }) };
}
