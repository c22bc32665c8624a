import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UndeliverableAddress, UndeliverableAddresses } from '../../use-cases/ports.ts';
import { batchGetAll, isConditionalCheckFailed, queryAll } from './client.ts';
import { TABLE_GSI1, UNDELIVERABLE_PK, undeliverableKey } from './keys.ts';

const entryOf = (item: Record<string, unknown>): UndeliverableAddress => ({ address: String(item.address), reason: item.reason as UndeliverableAddress['reason'], detail: String(item.detail), at: String(item.at) });

export function createUndeliverableRepository(db: DynamoDBDocumentClient, tableName: string): UndeliverableAddresses {
  const find: UndeliverableAddresses['find'] = async (addresses) => {
    const unique = [...new Set(addresses.map((address) => address.toLowerCase()))];
    const items = await batchGetAll(db, tableName, unique.map((address) => ({ ...undeliverableKey(address) })), { consistent: false });
    return items.map(entryOf);
  };

  return {
    async mark(entry) {
      const address = entry.address.toLowerCase();
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...undeliverableKey(address), gsi1pk: UNDELIVERABLE_PK, gsi1sk: `${entry.at}#${address}`, entity: 'undeliverable', ...entry, address },
            // The first report stays the record (SES may deliver an event twice): never rewritten.
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async among(addresses) {
      return new Set((await find(addresses)).map((entry) => entry.address));
    },

    find,

    async since(instant) {
      const items = await queryAll(db, {
        TableName: tableName,
        IndexName: TABLE_GSI1,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk >= :since',
        ExpressionAttributeValues: { ':pk': UNDELIVERABLE_PK, ':since': instant },
      });
      return items.map(entryOf);
    },
  };
}
