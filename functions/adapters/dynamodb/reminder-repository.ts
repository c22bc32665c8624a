import { DeleteCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReminderRepository } from '../../use-cases/ports.ts';
import { cancellationReasons, queryAll } from './client.ts';
import { eventPut, eventPuts, extendChain, headUpdate, readHead, withHead } from './event-items.ts';
import type { ConventionEvent } from '../../domain/model.ts';
import { conventionKey, REMINDERS_DUE_PK, reminderDueIndexKeys, reminderDueKey, reminderSentKey, TABLE_GSI1 } from './keys.ts';

export function createReminderRepository(db: DynamoDBDocumentClient, tableName: string): ReminderRepository {
  return {
    async listDue(today) {
      const items = await queryAll(db, {
        TableName: tableName,
        IndexName: TABLE_GSI1,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :upTo',
        ExpressionAttributeValues: { ':pk': REMINDERS_DUE_PK, ':upTo': `${today}#\uffff` },
      });
      return items.map((item) => ({ conventionId: String(item.conventionId), dueDate: String(item.dueDate) }));
    },

    async reschedule(conventionId, dueDate) {
      if (dueDate === undefined) {
        await db.send(new DeleteCommand({ TableName: tableName, Key: reminderDueKey(conventionId) }));
        return;
      }
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...reminderDueKey(conventionId), ...reminderDueIndexKeys(conventionId, dueDate), entity: 'reminder-due', conventionId, dueDate },
        }),
      );
    },

    async claim(keys, at, owner) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: keys.map((key) => ({
              Put: {
                TableName: tableName,
                Item: { ...reminderSentKey(key), entity: 'reminder-sent', key, state: 'sending', claimedAt: at, owner },
                // A job that failed for good released its keys; one still retrying keeps them, so no other sends them.
                ConditionExpression: 'attribute_not_exists(pk) OR (#state = :sending AND #owner = :owner)',
                ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
                ExpressionAttributeValues: { ':sending': 'sending', ':owner': owner },
              },
            })),
          }),
        );
        return true;
      } catch (error) {
        if (cancellationReasons(error).includes('ConditionalCheckFailed')) return false;
        throw error;
      }
    },

    async confirm(keys, events) {
      // The reminder is out; a failure here retries the job, whose email claim says it is out.
      const byConvention = new Map<string, ConventionEvent[]>();
      for (const event of events) byConvention.set(event.conventionId, [...(byConvention.get(event.conventionId) ?? []), event]);
      // Each convention's chain grows from the head read here; another event in between cancels, and it goes again.
      for (let tries = 0; ; tries += 1) {
        const chains = await Promise.all([...byConvention].map(async ([id, chainEvents]) => {
          const previous = await readHead(db, tableName, conventionKey(id));
          const { items, head } = eventPuts(tableName, chainEvents, previous);
          return [headUpdate(tableName, conventionKey(id), previous, head), ...items];
        }));
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                ...keys.map((key) => ({
                  Update: {
                    TableName: tableName,
                    Key: reminderSentKey(key),
                    UpdateExpression: 'SET #state = :sent',
                    ExpressionAttributeNames: { '#state': 'state' },
                    ExpressionAttributeValues: { ':sent': 'sent' },
                  },
                })),
                ...chains.flat(),
              ],
            }),
          );
          return;
        } catch (error) {
          const reasons = cancellationReasons(error);
          if (tries >= 20 || !(reasons.includes('ConditionalCheckFailed') || reasons.includes('TransactionConflict'))) throw error;
        }
      }
    },

    async release(keys) {
      await db.send(
        new TransactWriteCommand({
          TransactItems: keys.map((key) => ({ Delete: { TableName: tableName, Key: reminderSentKey(key) } })),
        }),
      );
    },

    async expire(conventionId, event) {
      return extendChain(db, tableName, conventionKey(conventionId), async (previous) => {
        const { items, head } = eventPut(tableName, event, previous);
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                withHead({
                  Update: {
                    TableName: tableName,
                    Key: conventionKey(conventionId),
                    UpdateExpression: 'SET #status = :expired, expiredAt = :at',
                    ConditionExpression: '#status IN (:sent, :signed, :executed, :declined)',
                    ExpressionAttributeNames: { '#status': 'status' },
                    ExpressionAttributeValues: { ':expired': 'expired', ':at': event.at, ':sent': 'sent', ':signed': 'signed', ':executed': 'executed', ':declined': 'declined' },
                  },
                }, previous, head),
                ...items,
              ],
            }),
          );
          return true;
        } catch (error) {
          if (cancellationReasons(error).includes('ConditionalCheckFailed')) return false;
          throw error;
        }
      });
    },
  };
}
