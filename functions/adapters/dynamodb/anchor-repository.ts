import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditAnchors } from '../../use-cases/ports.ts';
import { isConditionalCheckFailed, queryAll } from './client.ts';
import { ANCHOR_CHAIN_PREFIX, anchorKey } from './keys.ts';

/** The day's chain records (written with each event by event-items.ts) and the day's anchor file. */
export function createAnchorRepository(db: DynamoDBDocumentClient, tableName: string): AuditAnchors {
  return {
    async chainsOf(day) {
      const items = await queryAll(db, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': anchorKey(day).pk, ':prefix': ANCHOR_CHAIN_PREFIX },
        ConsistentRead: true,
      });
      return items.map((item) => ({
        conventionId: String(item.conventionId),
        ...(typeof item.avenantId === 'string' ? { avenantId: item.avenantId } : {}),
        seq: Number(item.seq),
        hash: String(item.hash),
        at: String(item.at),
      }));
    },

    async record(day, document, at) {
      try {
        await db.send(new PutCommand({
          TableName: tableName,
          Item: { ...anchorKey(day), entity: 'anchor', day, document, recordedAt: at },
          ConditionExpression: 'attribute_not_exists(pk)',
        }));
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
  };
}
