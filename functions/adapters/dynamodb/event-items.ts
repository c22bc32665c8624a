/**
 * The one way an audit event goes into the table. The history is append-only:
 * every event is a conditional Put on a key no other event has (its instant,
 * its type and its own id), so an event is never overwritten, and two events
 * of the same type in the same millisecond (two avenants sealed at once) are
 * both kept. In a transaction, a refused event cancels the whole change.
 *
 * Idempotency is not the key's business: a retried job or request is stopped
 * by its own condition on the state it changes (a convention already sent, a
 * document already recorded), which cancels the transaction with its event.
 */
import { randomUUID } from 'node:crypto';
import type { ConventionEvent } from '../../core/model.ts';
import { eventKey } from './keys.ts';

/** Refuses to write over anything: an event's key is new or the write fails. */
export const EVENT_CONDITION = 'attribute_not_exists(pk)';

/** The event as stored: with its id (given, or new here). */
function storedEvent(event: ConventionEvent): ConventionEvent & { id: string } {
  return { ...event, id: event.id ?? randomUUID() };
}

/** The conditional Put of one audit event, for a transaction. */
export function eventPut(tableName: string, event: ConventionEvent) {
  const stored = storedEvent(event);
  return {
    Put: {
      TableName: tableName,
      Item: { ...eventKey(stored.conventionId, stored.at, stored.type, stored.id), entity: 'event', ...stored },
      ConditionExpression: EVENT_CONDITION,
    },
  };
}
