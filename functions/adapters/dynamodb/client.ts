import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

export function createDocumentClient(options: { region: string; endpoint?: string | undefined }): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    // A write after an email must land: ride out a few seconds of unavailability
    // (standard backoff, about 25 s at most) rather than leave it to a resend.
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

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

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

const BACKOFF_MS = [200, 400, 800, 1_600, 3_200, 6_400, 6_400];

/**
 * Retries a write through any error it throws, with backoff, for about 20 s on
 * top of the SDK's own retries: for the write that records an email already
 * sent, which must outlast an outage (refused connections while DynamoDB
 * restarts). A lost condition is an answer, not an error: `transact` returns false.
 */
export async function persistently<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      const delay = BACKOFF_MS[attempt];
      if (delay === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
