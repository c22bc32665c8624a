import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Avenant } from '../../domain/model.ts';
import type { AvenantRepository, ReplacedAvenant } from '../../use-cases/ports.ts';
import { schoolChange } from '../../domain/avenant-rules.ts';
import { queryAll, transact as transactWith } from './client.ts';
import { completionItems, jobPut, sealedDocumentUpdate } from './job-repository.ts';
import { eventPut as eventPutOf, extendChain, headAttributes, withHead } from './event-items.ts';
import type { ChainHead } from '../../domain/audit-chain.ts';
import type { ConventionEvent } from '../../domain/model.ts';
import { AVENANT_PREFIX, avenantKey, conventionKey, linkKey } from './keys.ts';
import { createSchoolGuards, type WallClock } from './school-guards.ts';

type Item = Record<string, unknown>;

function avenantOf(item: Item): Avenant {
  const { pk: _pk, sk: _sk, entity: _entity, ...avenant } = item;
  return avenant as unknown as Avenant;
}

export function createAvenantRepository(db: DynamoDBDocumentClient, tableName: string, options: { wallClock?: WallClock } = {}): AvenantRepository {
  const transact = (items: Parameters<typeof transactWith>[1]) => transactWith(db, items);
  const guards = createSchoolGuards(db, tableName, options.wallClock);
  /** An avenant's events form its own chain, its head on the avenant item. */
  const eventPut = (avenant: Avenant, event: ConventionEvent, previous: ChainHead | undefined) =>
    eventPutOf(tableName, { ...event, avenantId: avenant.id }, previous);
  const chained = (avenant: Avenant, attempt: (previous: ChainHead | undefined) => Promise<boolean>) =>
    extendChain(db, tableName, avenantKey(avenant.conventionId, avenant.id), attempt);

  /** A replaced avenant: no longer waiting (conditioned on its chain's head as read), its link gone, its chain saying why. */
  function replacedItems({ avenant: old, event }: ReplacedAvenant, by: Avenant) {
    const previous = old.auditSeq !== undefined && old.auditHead !== undefined ? { seq: old.auditSeq, hash: old.auditHead } : undefined;
    const { items, head } = eventPut(old, event, previous);
    return [
      withHead({
        Update: {
          TableName: tableName,
          Key: avenantKey(old.conventionId, old.id),
          UpdateExpression: 'SET #status = :replaced, replacedAt = :at, replacedBy = :by',
          ConditionExpression: '#status = :sent',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':replaced': 'replaced', ':sent': 'sent', ':at': event.at, ':by': by.id },
        },
      }, previous, head),
      { Delete: { TableName: tableName, Key: linkKey(old.link.hash) } },
      ...items,
    ];
  }

  async function readConventionSchools(id: string): Promise<Set<string>> {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: conventionKey(id), ConsistentRead: true, ProjectionExpression: 'schools' }));
    return new Set(((Item?.schools ?? []) as { uai: string }[]).map((school) => school.uai));
  }

  return {
    async create(avenant, event, replaces = []) {
      const created = eventPut(avenant, event, undefined);
      const replacedIds = replaces.map((replaced) => replaced.avenant.id);
      // The convention's pending avenant is this one from now on; it may have been none, or one replaced here.
      const pendingCondition = ['attribute_not_exists(pendingAvenantId)', ...replacedIds.map((_, index) => `pendingAvenantId = :replaced${index}`)].join(' OR ');
      return transact([
        {
          Update: {
            TableName: tableName,
            Key: conventionKey(avenant.conventionId),
            UpdateExpression: 'SET pendingAvenantId = :id',
            ConditionExpression: `#status IN (:signed, :executed) AND (${pendingCondition})`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':id': avenant.id,
              ':signed': 'signed',
              ':executed': 'executed',
              ...Object.fromEntries(replacedIds.map((id, index) => [`:replaced${index}`, id])),
            },
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: { ...avenantKey(avenant.conventionId, avenant.id), entity: 'avenant', ...avenant, ...headAttributes(created.head) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: { ...linkKey(avenant.link.hash), entity: 'link', conventionId: avenant.conventionId, avenantId: avenant.id, expiresAt: avenant.link.expiresAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...created.items,
        ...replaces.flatMap((replaced) => replacedItems(replaced, avenant)),
      ]);
    },

    async pending(conventionId) {
      const items = await queryAll(db, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: '#status = :sent',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pk': conventionKey(conventionId).pk, ':prefix': AVENANT_PREFIX, ':sent': 'sent' },
        ConsistentRead: true,
      });
      return items.map((item) => avenantOf(item));
    },

    async ofConvention(conventionId) {
      const items = await queryAll(db, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': conventionKey(conventionId).pk, ':prefix': AVENANT_PREFIX },
        ConsistentRead: true,
      });
      return items.map((item) => avenantOf(item)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },

    async get(conventionId, avenantId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: avenantKey(conventionId, avenantId), ConsistentRead: true }));
      return Item ? avenantOf(Item) : undefined;
    },

    async recordCountersignature(avenant, countersignature, event, job) {
      return chained(avenant, (previous) => {
      const { items, head } = eventPut(avenant, event, previous);
      return transact([
        withHead({
          Update: {
            TableName: tableName,
            Key: avenantKey(avenant.conventionId, avenant.id),
            UpdateExpression: 'SET #status = :executed, executedAt = :at, countersignature = :countersignature',
            ConditionExpression: '#status = :signed AND attribute_exists(signedDocument)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':executed': 'executed',
              ':signed': 'signed',
              ':at': countersignature.countersignedAt,
              ':countersignature': { ...countersignature, auditHead: head },
            },
          },
        }, previous, head),
        ...items,
        jobPut(tableName, job),
      ]);
      });
    },

    async recordSealed(avenant, version, document, event, completion) {
      return chained(avenant, (previous) => {
      const { items, head } = eventPut(avenant, event, previous);
      return transact([
        withHead(sealedDocumentUpdate(tableName, avenantKey(avenant.conventionId, avenant.id), version, document), previous, head),
        ...items,
        ...completionItems(tableName, completion),
      ]);
      });
    },

    async recordSignature({ avenant, linkHash, signature, outcome, convention, event, job }) {
      const { schoolYear, commune } = convention;
      const activated = new Set(outcome.schools.map((school) => school.uai));
      const change = schoolChange(convention.schools, outcome.schools);
      const added = change.added.filter((school) => activated.has(school.uai)).map((school) => school.uai);
      const removed = change.removed.map((school) => school.uai);
      const owner = { conventionId: convention.id, communeName: commune.name, siret: commune.siret };
      const history = [...(convention.avenants ?? []), { id: avenant.id, signedAt: signature.signedAt, effect: outcome.effect }];
      // The added schools' guards are claimed first, in chunks (a transaction holds 100 items): until the
      // convention lists them below, they are claims in flight that nobody else can take.
      const claim = await guards.claim(schoolYear, owner, added);
      if (!claim.ok) return false;
      const releaseClaims = async () => {
        // Only what the convention does not list now: a retry after a signature whose answer was lost
        // finds its schools listed, and keeps them.
        const current = await readConventionSchools(convention.id);
        await guards.release(schoolYear, convention.id, claim.claimed.filter((uai) => !current.has(uai)));
      };
      if (!guards.withinDeadline(claim.startedAt)) {
        await releaseClaims();
        return false;
      }
      // A failure other than a refused condition may have committed (an answer lost): the claims stay then,
      // and are free again after the grace period if it did not.
      const done = await chained(avenant, (previous) => {
      const { items, head } = eventPut(avenant, event, previous);
      return transact([
        withHead({
          Update: {
            TableName: tableName,
            Key: avenantKey(avenant.conventionId, avenant.id),
            UpdateExpression: 'SET #status = :signed, signedAt = :at, signature = :signature, outcome = :outcome',
            ConditionExpression: '#status = :sent AND #link.#hash = :hash',
            ExpressionAttributeNames: { '#status': 'status', '#link': 'link', '#hash': 'hash' },
            ExpressionAttributeValues: {
              ':signed': 'signed',
              ':sent': 'sent',
              ':at': signature.signedAt,
              ':signature': { ...signature, auditHead: head },
              ':outcome': outcome,
              ':hash': linkHash,
            },
          },
        }, previous, head),
        {
          Update: {
            TableName: tableName,
            Key: conventionKey(convention.id),
            // No longer pending; a convention whose pending avenant is another one was given a newer avenant.
            UpdateExpression: 'SET schools = :schools, amountCents = :amount, avenants = :avenants REMOVE pendingAvenantId',
            ConditionExpression: '#status IN (:signed, :executed) AND (attribute_not_exists(pendingAvenantId) OR pendingAvenantId = :avenantId)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':schools': outcome.schools,
              ':amount': outcome.amountCents,
              ':avenants': history,
              ':signed': 'signed',
              ':executed': 'executed',
              ':avenantId': avenant.id,
            },
          },
        },
        ...items,
        jobPut(tableName, job),
      ]);
      });
      if (!done) {
        await releaseClaims();
        return false;
      }
      // The removed schools left the list above, so their guards are no longer live; deleting them, in chunks,
      // is tidying up: a crash here blocks nobody past the grace period.
      await guards.tidy(schoolYear, convention.id, removed);
      return true;
    },
  };
}
