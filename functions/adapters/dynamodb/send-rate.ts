/**
 * SES's sending rate, shared by every function that emails: one item holds
 * the next free slot (epoch milliseconds). Each email takes the next slot and
 * waits for it, so all senders together stay within `perSecond`, however many
 * workers run. An idle channel gives the current instant; a busy one adds one
 * interval atomically: at most two writes, never a retry loop.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './client.ts';
import { sendRateKey } from './keys.ts';

export interface SendRate {
  /** Waits until this caller may send one message. */
  acquire(): Promise<void>;
}

export function createSendRate(db: DynamoDBDocumentClient, tableName: string, perSecond: number, channel = 'ses'): SendRate {
  // Fractional milliseconds: a rounded interval (72 ms for 14/s) would cap the rate below the quota.
  const intervalMs = 1000 / perSecond;
  const key = sendRateKey(channel);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function takeSlot(): Promise<number> {
    const now = Date.now();
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: 'SET #next = :after, entity = :entity',
          ConditionExpression: 'attribute_not_exists(#next) OR #next <= :now',
          ExpressionAttributeNames: { '#next': 'next' },
          ExpressionAttributeValues: { ':after': now + intervalMs, ':now': now, ':entity': 'send-rate' },
        }),
      );
      return now;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const { Attributes } = await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'ADD #next :interval',
        ExpressionAttributeNames: { '#next': 'next' },
        ExpressionAttributeValues: { ':interval': intervalMs },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.next) - intervalMs;
  }

  return {
    async acquire() {
      const slot = await takeSlot();
      const wait = slot - Date.now();
      if (wait > 0) await sleep(wait);
    },
  };
}
