/**
 * The one way an audit event goes into the table. The history is append-only:
 * every event is a conditional Put on a key no other event has (its instant,
 * its type and its own id), so an event is never overwritten, and two events
 * of the same type in the same millisecond (two avenants sealed at once) are
 * both kept. In a transaction, a refused event cancels the whole change.
 *
 * Every event also extends a hash chain (functions/domain/audit-chain.ts): its
 * convention's, or its avenant's when it carries `avenantId`. The chain's head
 * (`auditSeq`, `auditHead`) lives on the convention or avenant item, and the
 * transaction that writes the event moves the head, conditioned on the head it
 * read (`withHead`): of two writers extending the same head, one is cancelled.
 * `extendChain` reads the head, builds the transaction, and tries again when
 * the head moved under it (another event, not a refusal of the change).
 *
 * Idempotency is not the key's business: a retried job or request is stopped
 * by its own condition on the state it changes (a convention already sent, a
 * document already recorded), which cancels the transaction with its event.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chainEvent, type ChainHead } from '../../domain/audit-chain.ts';
import type { ConventionEvent } from '../../domain/model.ts';
import { parisDateOf } from '../../domain/calendar.ts';
import { cancellationReasons } from './client.ts';
import { anchorChainKey, eventKey, type ItemKey } from './keys.ts';

/** Refuses to write over anything: an event's key is new or the write fails. */
export const EVENT_CONDITION = 'attribute_not_exists(pk)';

/** The event as stored: with its id (given, or new here). */
function storedEvent(event: ConventionEvent): ConventionEvent & { id: string } {
  return { ...event, id: event.id ?? randomUUID() };
}

/**
 * The conditional Puts of events extending the chain whose head is `previous`, in order, and the new head;
 * then the day's record of that chain (`ANCHOR#<day>`, its latest head) for the daily anchor. That Put
 * needs no condition: the head's condition orders the transactions of a chain, so the last one written
 * is the latest head.
 */
export function eventPuts(tableName: string, events: ConventionEvent[], previous: ChainHead | undefined) {
  let head = previous;
  const stored = events.map((event) => {
    const linked = chainEvent(storedEvent(event), head);
    head = { seq: linked.seq, hash: linked.hash };
    return linked;
  });
  const last = stored.at(-1);
  if (!head || !last) throw new Error('eventPuts: no event');
  const day = parisDateOf(last.at);
  const items = [
    ...stored.map((event) => ({
      Put: {
        TableName: tableName,
        Item: { ...eventKey(event.conventionId, event.at, event.type, event.id), entity: 'event', ...event },
        ConditionExpression: EVENT_CONDITION,
      },
    })),
    {
      Put: {
        TableName: tableName,
        Item: {
          ...anchorChainKey(day, last.conventionId, last.avenantId),
          entity: 'anchor-chain',
          day,
          conventionId: last.conventionId,
          ...(last.avenantId ? { avenantId: last.avenantId } : {}),
          seq: head.seq,
          hash: head.hash,
          at: last.at,
        },
      },
    },
  ];
  return { items, head };
}

/** One event: its Puts (the event's and the day's record of its chain) and the new head. */
export function eventPut(tableName: string, event: ConventionEvent, previous: ChainHead | undefined) {
  return eventPuts(tableName, [event], previous);
}

/** The head attributes of a convention or avenant item created with its first events. */
export const headAttributes = (head: ChainHead) => ({ auditSeq: head.seq, auditHead: head.hash });

interface UpdateItem {
  Update: {
    TableName: string;
    Key: ItemKey;
    UpdateExpression: string;
    ConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  };
}

/** The update of the chain's own item, also moving its head from `previous` (and only from it) to `head`. */
export function withHead<U extends UpdateItem>(update: U, previous: ChainHead | undefined, head: ChainHead): U {
  const { UpdateExpression, ConditionExpression } = update.Update;
  if (!UpdateExpression.startsWith('SET ')) throw new Error('withHead: the update must start with SET');
  const onHead = previous ? 'auditSeq = :auditSeqBefore' : 'attribute_not_exists(auditSeq)';
  return {
    ...update,
    Update: {
      ...update.Update,
      UpdateExpression: `SET auditSeq = :auditSeq, auditHead = :auditHead, ${UpdateExpression.slice(4)}`,
      ConditionExpression: ConditionExpression ? `(${ConditionExpression}) AND ${onHead}` : onHead,
      ExpressionAttributeValues: {
        ...update.Update.ExpressionAttributeValues,
        ':auditSeq': head.seq,
        ':auditHead': head.hash,
        ...(previous ? { ':auditSeqBefore': previous.seq } : {}),
      },
    },
  };
}

/** The head of a chain, read from its convention or avenant item (none before its first event). */
export async function readHead(db: DynamoDBDocumentClient, tableName: string, key: ItemKey): Promise<ChainHead | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true, ProjectionExpression: 'auditSeq, auditHead' }));
  return typeof Item?.auditSeq === 'number' && typeof Item.auditHead === 'string' ? { seq: Item.auditSeq, hash: Item.auditHead } : undefined;
}

const ATTEMPTS = 20;

/** Another transaction on the same item was in flight (DynamoDB cancels one of two): worth another try. */
export const isTransactionConflict = (error: unknown) => cancellationReasons(error).includes('TransactionConflict');

/**
 * Runs `attempt` on the chain's current head. Refused (false) while the head stayed where it was read: the
 * change itself was refused. Refused because the head moved (another event committed in between), or
 * cancelled by a concurrent transaction on the chain's item: again, from the head as it is then, the
 * change's own condition deciding anew.
 */
export async function extendChain(
  db: DynamoDBDocumentClient,
  tableName: string,
  key: ItemKey,
  attempt: (previous: ChainHead | undefined) => Promise<boolean>,
): Promise<boolean> {
  for (let tries = 0; tries < ATTEMPTS; tries += 1) {
    const previous = await readHead(db, tableName, key);
    try {
      if (await attempt(previous)) return true;
    } catch (error) {
      if (isTransactionConflict(error)) continue;
      throw error;
    }
    const now = await readHead(db, tableName, key);
    if (now?.seq === previous?.seq) return false;
  }
  throw new Error(`The audit chain of ${key.pk} ${key.sk} kept moving: ${ATTEMPTS} tries`);
}

/** For a transaction that changes nothing else on the chain's item: only its head moves, from `previous`. */
export function headUpdate(tableName: string, key: ItemKey, previous: ChainHead | undefined, head: ChainHead) {
  const update = withHead({ Update: { TableName: tableName, Key: key, UpdateExpression: 'SET ', ConditionExpression: 'attribute_exists(pk)' } }, previous, head);
  return { Update: { ...update.Update, UpdateExpression: update.Update.UpdateExpression.replace(/, $/, '') } };
}
