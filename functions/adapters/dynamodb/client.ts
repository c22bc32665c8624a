import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, TransactWriteCommand, type BatchGetCommandInput, UpdateCommand, type QueryCommandInput, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

export function createDocumentClient(options: { region: string; endpoint?: string | undefined }): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    // Throttling, 5xx and reset connections: retried with standard backoff (a
    // refused connection is not: the job that writes retries later).
    maxAttempts: 8,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Names of the reasons a transaction was cancelled, one per item, "None" for items that passed. */
export function cancellationReasons(error: unknown): string[] {
  if (error && typeof error === 'object' && 'name' in error && error.name === 'TransactionCanceledException') {
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    return reasons.map((reason) => reason.Code ?? 'None');
  }
  return [];
}

export const isConditionalCheckFailed = (error: unknown): boolean =>
  !!error && typeof error === 'object' && 'name' in error && error.name === 'ConditionalCheckFailedException';

export type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/** Runs a transaction; false when a condition failed (someone else won), throws anything else. */
export async function transact(db: DynamoDBDocumentClient, items: TransactItems): Promise<boolean> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    if (cancellationReasons(error).includes('ConditionalCheckFailed')) return false;
    throw error;
  }
}

/** A conditional update; false when its condition failed (someone else won, or it already happened). */
export async function updateIf(db: DynamoDBDocumentClient, input: UpdateCommandInput): Promise<boolean> {
  try {
    await db.send(new UpdateCommand(input));
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/**
 * The items of `keys` that exist, by BatchGetItem: 100 keys a request at most (DynamoDB's limit), the
 * unprocessed keys asked again. Strongly consistent unless `consistent` is false.
 */
export async function batchGetAll(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  options: { consistent?: boolean; projection?: { expression: string; names: Record<string, string> } } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let request: BatchGetCommandInput['RequestItems'] = {
      [tableName]: {
        Keys: keys.slice(start, start + 100),
        ConsistentRead: options.consistent ?? true,
        ...(options.projection ? { ProjectionExpression: options.projection.expression, ExpressionAttributeNames: options.projection.names } : {}),
      },
    };
    while (request && Object.keys(request).length > 0) {
      const page = await db.send(new BatchGetCommand({ RequestItems: request }));
      items.push(...(page.Responses?.[tableName] ?? []));
      request = page.UnprocessedKeys as typeof request;
    }
  }
  return items;
}

/** Every item a query matches, page after page. */
export async function queryAll(db: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
