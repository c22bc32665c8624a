import {
  BatchGetCommand,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { communeTaken, schoolsTaken } from '../../domain/convention-errors.ts';
import { AppError } from '../../domain/errors.ts';
import type { Convention, ConventionEvent } from '../../domain/model.ts';
import type { ConventionRepository } from '../../use-cases/ports.ts';
import { liveLinks, type LinkChange } from '../../use-cases/signing-link.ts';
import type { SchoolGuard } from '../../domain/school-guards.ts';
import { eventPut as eventPutOf, eventPuts, extendChain, headAttributes, withHead } from './event-items.ts';
import type { ChainHead } from '../../domain/audit-chain.ts';
import { completionItems, jobPut, sealedDocumentUpdate } from './job-repository.ts';
import { cancellationReasons, isConditionalCheckFailed, queryAll, transact as transactWith } from './client.ts';
import {
  communeGuardKey,
  conventionIndexKeys,
  conventionKey,
  conventionsOfCampaignPk,
  EVENT_PREFIX,
  linkKey,
  reminderDueIndexKeys,
  referenceCounterKey,
  reminderDueKey,
  TABLE_GSI1,
} from './keys.ts';
import { communeDepartement, conventionReference } from '../../domain/convention-reference.ts';
import { createSchoolGuards, type WallClock } from './school-guards.ts';

type Item = Record<string, unknown>;

function stripKeys<T>(item: Item): T {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, entity: _entity, ...rest } = item;
  return rest as T;
}

/**
 * The convention's links become those of `change`: the newest (`link`), every live one (`links`), the added
 * link's lookup item written, the removed ones' deleted. Their lookup items only map a hash to its
 * convention: a link is live because the convention's `links` holds it.
 */
function linkItems(tableName: string, id: string, change: LinkChange) {
  return [
    ...(change.added
      ? [{ Put: { TableName: tableName, Item: { ...linkKey(change.added.hash), entity: 'link', conventionId: id, expiresAt: change.added.expiresAt }, ConditionExpression: 'attribute_not_exists(pk)' } }]
      : []),
    ...change.removed.map((hash) => ({ Delete: { TableName: tableName, Key: linkKey(hash) } })),
  ];
}

/**
 * "This link is one of the convention's live links": the condition of every write made through a link. A
 * convention stored before several links could live has only `link`, which is then its one live link.
 */
function liveLinkCondition(linkHash: string) {
  return {
    condition: '(attribute_exists(#links.#linkHash) OR (attribute_not_exists(#links) AND #link.#hash = :linkHash))',
    names: { '#links': 'links', '#linkHash': linkHash, '#link': 'link', '#hash': 'hash' },
    values: { ':linkHash': linkHash },
  };
}

export function createConventionRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
  options: { wallClock?: WallClock } = {},
): ConventionRepository {
  const eventPut = (event: ConventionEvent, previous: ChainHead | undefined) => eventPutOf(tableName, event, previous);
  /** One change of the convention with its event(s): the convention's chain extended in the same transaction. */
  const chained = (id: string, attempt: (previous: ChainHead | undefined) => Promise<boolean>) => extendChain(db, tableName, conventionKey(id), attempt);

  const transact = (items: Parameters<typeof transactWith>[1]) => transactWith(db, items);

  /** One conditional update of the convention with its event, extending its chain; false when the condition failed. */
  const updateWithEvent = (
    id: string,
    event: ConventionEvent,
    update: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> },
  ) =>
    chained(id, (previous) => {
      const { items, head } = eventPut(event, previous);
      return transact([withHead({ Update: { TableName: tableName, Key: conventionKey(id), ...update } }, previous, head), ...items]);
    });

  const guards = createSchoolGuards(db, tableName, options.wallClock);

  return {
    async add(convention, event) {
      const { schoolYear, commune } = convention;
      // The commune first, so a second convention for it is refused as such, not school by school.
      const { Item: communeGuard } = await db.send(new GetCommand({ TableName: tableName, Key: communeGuardKey(schoolYear, commune.siret), ConsistentRead: true }));
      if (communeGuard) throw communeTaken(convention);
      const owner = { conventionId: convention.id, communeName: commune.name, siret: commune.siret };
      const uais = convention.schools.map((school) => school.uai);
      // The school guards go first, in chunks (a transaction holds 100 items); until the convention below exists, they are claims in flight.
      const claim = await guards.claim(schoolYear, owner, uais);
      if (!claim.ok) throw schoolsTaken(convention, claim.taken);
      if (!guards.withinDeadline(claim.startedAt)) {
        await guards.release(schoolYear, convention.id, claim.claimed);
        throw new AppError('CONFLICT', "L'ajout de la convention a pris trop de temps : réessayez.");
      }
      // The first event of the convention's chain; the convention is created with its head.
      const created = eventPut(event, undefined);
      const departement = communeDepartement(commune.siret);
      const counterKey = referenceCounterKey(schoolYear, departement);
      // The next number of the campaign and département, taken in the transaction that creates the
      // convention, conditioned on the number read: a number is never given twice, nor lost to a refusal.
      for (let tries = 0; ; tries += 1) {
        const { Item: counter } = await db.send(new GetCommand({ TableName: tableName, Key: counterKey, ConsistentRead: true }));
        const last = typeof counter?.last === 'number' ? counter.last : 0;
        const reference = conventionReference(schoolYear, departement, last + 1);
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: tableName,
                    Item: { ...conventionKey(convention.id), ...conventionIndexKeys(schoolYear, commune.siret), entity: 'convention', ...convention, reference, ...headAttributes(created.head) },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                {
                  Put: {
                    TableName: tableName,
                    Item: { ...communeGuardKey(schoolYear, commune.siret), entity: 'commune-guard', ...owner },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                {
                  Update: {
                    TableName: tableName,
                    Key: counterKey,
                    UpdateExpression: 'SET #last = :next, entity = :entity',
                    ConditionExpression: last === 0 ? 'attribute_not_exists(#last)' : '#last = :last',
                    ExpressionAttributeNames: { '#last': 'last' },
                    ExpressionAttributeValues: { ':next': last + 1, ':entity': 'reference-counter', ...(last === 0 ? {} : { ':last': last }) },
                  },
                },
                ...created.items,
              ],
            }),
          );
          return { reference };
        } catch (error) {
          const reasons = cancellationReasons(error);
          // Another convention of the département took the number first: the next one, from the counter as it is now.
          const counterMoved = reasons[2] === 'ConditionalCheckFailed' || reasons.includes('TransactionConflict');
          if (counterMoved && reasons[0] !== 'ConditionalCheckFailed' && reasons[1] !== 'ConditionalCheckFailed' && tries < 20) continue;
          // Refused: nothing of the convention was written, its claims go. Any other failure may have
          // committed (an answer lost): the claims stay, and are free again after the grace period if not.
          if (reasons.includes('ConditionalCheckFailed')) {
            await guards.release(schoolYear, convention.id, claim.claimed);
            if (reasons[1] === 'ConditionalCheckFailed') throw communeTaken(convention);
          }
          throw error;
        }
      }
    },

    async get(id) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: conventionKey(id), ConsistentRead: true }));
      return Item ? stripKeys<Convention>(Item) : undefined;
    },

    async getMany(ids) {
      const found = new Map<string, Convention>();
      const unique = [...new Set(ids)];
      for (let start = 0; start < unique.length; start += 100) {
        let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
          [tableName]: { Keys: unique.slice(start, start + 100).map((id) => ({ ...conventionKey(id) })), ConsistentRead: true },
        };
        while (request && Object.keys(request).length > 0) {
          const page = await db.send(new BatchGetCommand({ RequestItems: request }));
          for (const item of page.Responses?.[tableName] ?? []) {
            const convention = stripKeys<Convention>(item);
            found.set(convention.id, convention);
          }
          request = page.UnprocessedKeys as typeof request;
        }
      }
      return found;
    },

    async listByCampaign(schoolYear) {
      const items = await queryAll(db, {
        TableName: tableName,
        IndexName: TABLE_GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': conventionsOfCampaignPk(schoolYear) },
      });
      return items.map((item) => stripKeys<Convention>(item));
    },

    async history(id) {
      const items = await queryAll(db, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': conventionKey(id).pk, ':prefix': EVENT_PREFIX },
        ConsistentRead: true,
      });
      return items.map((item) => stripKeys<ConventionEvent>(item));
    },

    async findByLinkHash(hash) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: linkKey(hash), ConsistentRead: true }));
      if (!Item) return undefined;
      return {
        conventionId: String(Item.conventionId),
        expiresAt: String(Item.expiresAt),
        ...(typeof Item.avenantId === 'string' ? { avenantId: Item.avenantId } : {}),
      };
    },

    async findByCommune(schoolYear, siret) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: communeGuardKey(schoolYear, siret), ConsistentRead: true }));
      if (!Item) return undefined;
      const { Item: convention } = await db.send(new GetCommand({ TableName: tableName, Key: conventionKey(String(Item.conventionId)), ConsistentRead: true }));
      return convention ? stripKeys<Convention>(convention) : undefined;
    },

    async cancel(convention, event) {
      const done = await chained(convention.id, (previous) => {
      const { items, head } = eventPut(event, previous);
      return transact([
        withHead({
          Update: {
            TableName: tableName,
            Key: conventionKey(convention.id),
            UpdateExpression: 'SET #status = :cancelled, cancelledAt = :at REMOVE #link, #links',
            ConditionExpression: '#status IN (:draft, :sent, :declined)',
            ExpressionAttributeNames: { '#status': 'status', '#link': 'link', '#links': 'links' },
            ExpressionAttributeValues: { ':cancelled': 'cancelled', ':at': event.at, ':draft': 'draft', ':sent': 'sent', ':declined': 'declined' },
          },
        }, previous, head),
        // Every link dies with the convention (`links` removed above); their lookup items go too.
        ...Object.keys(liveLinks(convention)).map((hash) => ({ Delete: { TableName: tableName, Key: linkKey(hash) } })),
        // The commune is free again: a new convention can be added for it.
        { Delete: { TableName: tableName, Key: communeGuardKey(convention.schoolYear, convention.commune.siret) } },
        { Delete: { TableName: tableName, Key: reminderDueKey(convention.id) } },
        ...items,
      ]);
      });
      // Its schools are free from the commit above (a cancelled convention's guards are not live);
      // deleting their guards, in chunks, is tidying up: a crash here blocks nobody.
      if (done) await guards.tidy(convention.schoolYear, convention.id, convention.schools.map((school) => school.uai));
      return done;
    },

    async schoolOwners(schoolYear, uais) {
      const live = await guards.liveOwners(schoolYear, uais);
      return new Map([...live].map(([uai, guard]) => [uai, { siret: guard.siret, communeName: guard.communeName }]));
    },

    async claimForSending(id, jobId) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: conventionKey(id),
            UpdateExpression: 'SET #status = :sending, sendingJob = :job',
            ConditionExpression: '#status = :draft OR (#status = :sending AND sendingJob = :job)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':sending': 'sending', ':draft': 'draft', ':job': jobId },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async attachInvitation(id, jobId, document, change) {
      const done = await transact([
        {
          Update: {
            TableName: tableName,
            Key: conventionKey(id),
            UpdateExpression: 'SET #document = :document, #link = :link, #links = :links',
            ConditionExpression: '#status = :sending AND sendingJob = :job',
            ExpressionAttributeNames: { '#status': 'status', '#document': 'document', '#link': 'link', '#links': 'links' },
            ExpressionAttributeValues: { ':sending': 'sending', ':job': jobId, ':document': document, ':link': change.link, ':links': change.links },
          },
        },
        ...linkItems(tableName, id, change),
      ]);
      if (!done) throw new AppError('CONFLICT', "La convention n'est plus en cours d'envoi.");
    },

    async markSent(id, jobId, event, reminderDue, completion) {
      return chained(id, (previous) => {
      const { items, head } = eventPut(event, previous);
      return transact([
        ...(reminderDue
          ? [{ Put: { TableName: tableName, Item: { ...reminderDueKey(id), ...reminderDueIndexKeys(id, reminderDue), entity: 'reminder-due', conventionId: id, dueDate: reminderDue } } }]
          : []),
        withHead({
          Update: {
            TableName: tableName,
            Key: conventionKey(id),
            UpdateExpression: 'SET #status = :sent, sentAt = :at REMOVE sendingJob',
            ConditionExpression: '#status = :sending AND sendingJob = :job',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':sent': 'sent', ':sending': 'sending', ':job': jobId, ':at': event.at },
          },
        }, previous, head),
        ...items,
        ...completionItems(tableName, completion),
      ]);
      });
    },

    async releaseSending(id, jobId, event) {
      // While this job holds the convention nothing else changes its links: the ones read here are all of them.
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: conventionKey(id), ConsistentRead: true }));
      const dying = Item ? Object.keys(liveLinks(stripKeys<Convention>(Item))) : [];
      await chained(id, (previous) => {
      const { items, head } = eventPut(event, previous);
      return transact([
        withHead({
          Update: {
            TableName: tableName,
            Key: conventionKey(id),
            UpdateExpression: 'SET #status = :draft REMOVE sendingJob, #link, #links',
            ConditionExpression: '#status = :sending AND sendingJob = :job',
            ExpressionAttributeNames: { '#status': 'status', '#link': 'link', '#links': 'links' },
            ExpressionAttributeValues: { ':draft': 'draft', ':sending': 'sending', ':job': jobId },
          },
        }, previous, head),
        ...dying.map((hash) => ({ Delete: { TableName: tableName, Key: linkKey(hash) } })),
        ...items,
      ]);
      });
    },

    async recordView(id, linkHash, event) {
      const live = liveLinkCondition(linkHash);
      return chained(id, (previous) => {
      const { items, head } = eventPut(event, previous);
      return transact([
        withHead({
          Update: {
            TableName: tableName,
            Key: conventionKey(id),
            UpdateExpression: 'SET viewedAt = :at',
            ConditionExpression: `attribute_not_exists(viewedAt) AND ${live.condition}`,
            ExpressionAttributeNames: live.names,
            ExpressionAttributeValues: { ':at': event.at, ...live.values },
          },
        }, previous, head),
        ...items,
      ]);
      });
    },

    async recordSignature(id, linkHash, signature, event, job) {
      const live = liveLinkCondition(linkHash);
      return chained(id, (previous) => {
      const { items, head } = eventPut(event, previous);
      return transact([
        withHead({
          Update: {
            TableName: tableName,
            Key: conventionKey(id),
            UpdateExpression: 'SET #status = :signed, signedAt = :at, signature = :signature',
            ConditionExpression: `#status = :sent AND ${live.condition}`,
            ExpressionAttributeNames: { '#status': 'status', ...live.names },
            ExpressionAttributeValues: {
              ...live.values,
              ':signed': 'signed',
              ':sent': 'sent',
              ':at': signature.signedAt,
              // The head with the signature in it: the certificate page prints it.
              ':signature': { ...signature, auditHead: head },
            },
          },
        }, previous, head),
        ...items,
        // The outbox: the signed copy is sealed, stored and sent by this job.
        jobPut(tableName, job),
      ]);
      });
    },

    async recordSealed(id, version, document, event, completion) {
      return chained(id, (previous) => {
      const { items, head } = eventPut(event, previous);
      return transact([
        withHead(sealedDocumentUpdate(tableName, conventionKey(id), version, document), previous, head),
        ...items,
        ...completionItems(tableName, completion),
      ]);
      });
    },

    async changeLinks(id, change, event, newAddress) {
      const mayorEmail = newAddress?.email;
      const addressChange = newAddress?.change;
      return chained(id, (previous) => {
      // The change is in the trail, and the previous address is told, with the change or not at all.
      const { items, head } = eventPuts(tableName, addressChange ? [event, addressChange.event] : [event], previous);
      return transact([
        withHead({
          Update: {
            TableName: tableName,
            Key: conventionKey(id),
            UpdateExpression: `SET #link = :link, #links = :links${mayorEmail ? ', mayor.email = :email' : ''}${addressChange ? ', addressChanges = list_append(if_not_exists(addressChanges, :none), :change)' : ''}`,
            // Any convention a mayor can still open (reminders carry a link to signed ones too), and still the
            // newest link the change was computed from: a reminder's link never survives a `resend` it raced.
            ConditionExpression: `#status IN (:sent, :signed, :executed, :declined) AND ${change.newestBefore ? '#link.#hash = :newestBefore' : 'attribute_not_exists(#link)'}`,
            ExpressionAttributeNames: { '#status': 'status', '#link': 'link', '#links': 'links', ...(change.newestBefore ? { '#hash': 'hash' } : {}) },
            ExpressionAttributeValues: {
              ':sent': 'sent',
              ':signed': 'signed',
              ':executed': 'executed',
              ':declined': 'declined',
              ':link': change.link,
              ':links': change.links,
              ...(change.newestBefore ? { ':newestBefore': change.newestBefore } : {}),
              ...(mayorEmail ? { ':email': mayorEmail } : {}),
              ...(addressChange ? { ':none': [], ':change': [addressChange.record] } : {}),
            },
          },
        }, previous, head),
        ...linkItems(tableName, id, change),
        ...items,
        ...(addressChange ? [jobPut(tableName, addressChange.notice)] : []),
      ]);
      });
    },

    async recordCountersignature(id, countersignature, event, sealing) {
      return chained(id, (previous) => {
      const { items, head } = eventPut(event, previous);
      return transact([
        withHead({
          Update: {
            TableName: tableName,
            Key: conventionKey(id),
            UpdateExpression: 'SET #status = :executed, executedAt = :at, countersignature = :countersignature, executedJob = :job',
            // The final document certifies the signed copy: it must exist first.
            ConditionExpression: '#status = :signed AND attribute_exists(signedDocument)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':executed': 'executed',
              ':signed': 'signed',
              ':at': countersignature.countersignedAt,
              // The head with the countersignature in it: the certificate page prints it.
              ':countersignature': { ...countersignature, auditHead: head },
              ':job': sealing.jobId,
            },
          },
        }, previous, head),
        ...items,
        ...(sealing.job ? [jobPut(tableName, sealing.job)] : []),
      ]);
      });
    },

    async recordTitre(id, titre, event) {
      return updateWithEvent(id, event, {
        UpdateExpression: 'SET titre = :titre',
        // One titre per convention, and only once the commune signed.
        ConditionExpression: 'attribute_not_exists(titre) AND (#status IN (:signed, :executed) OR (#status = :expired AND attribute_exists(signature)))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':titre': titre, ':signed': 'signed', ':executed': 'executed', ':expired': 'expired' },
      });
    },

    async recordDecline(id, linkHash, decline, event, job) {
      const live = liveLinkCondition(linkHash);
      return chained(id, (previous) => {
      const { items, head } = eventPut(event, previous);
      return transact([
        withHead({
          Update: {
            TableName: tableName,
            Key: conventionKey(id),
            UpdateExpression: 'SET #status = :declined, #decline = :decline',
            ConditionExpression: `#status = :sent AND ${live.condition}`,
            ExpressionAttributeNames: { '#status': 'status', '#decline': 'decline', ...live.names },
            ExpressionAttributeValues: { ':declined': 'declined', ':sent': 'sent', ':decline': decline, ...live.values },
          },
        }, previous, head),
        ...items,
        jobPut(tableName, job),
      ]);
      });
    },
  };
}
