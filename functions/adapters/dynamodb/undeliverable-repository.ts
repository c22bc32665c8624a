import { BatchGetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UndeliverableAddress, UndeliverableAddresses } from '../../use-cases/ports.ts';
import { isConditionalCheckFailed, queryAll } from './client.ts';
import { TABLE_GSI1, UNDELIVERABLE_PK, undeliverableKey } from './keys.ts';

const entryOf = (item: Record<string, unknown>): UndeliverableAddress => ({ address: String(item.address), reason: item.reason as UndeliverableAddress['reason'], detail: String(item.detail), at: String(item.at) });

export function createUndeliverableRepository(db: DynamoDBDocumentClient, tableName: string): UndeliverableAddresses {
  const find: UndeliverableAddresses['find'] = async (addresses) => {
    const unique = [...new Set(addresses.map((address) => address.toLowerCase()))];
    const found: UndeliverableAddress[] = [];
    for (let start = 0; start < unique.length; start += 100) {
      const keys: Record<string, unknown>[] = unique.slice(start, start + 100).map((address) => ({ ...undeliverableKey(address) }));
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = { [tableName]: { Keys: keys } };
      while (request && Object.keys(request).length > 0) {
        const page = await db.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of page.Responses?.[tableName] ?? []) found.push(entryOf(item));
        request = page.UnprocessedKeys as typeof request;
      }
    }
    return found;
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
