import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function createDocumentClient(options: { region: string; endpoint?: string | undefined }): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
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
