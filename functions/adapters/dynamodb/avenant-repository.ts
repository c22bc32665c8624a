import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Avenant } from '../../core/model.ts';
import type { AvenantRepository } from '../../core/ports.ts';
import { schoolChange } from '../../core/avenant-rules.ts';
import { transact as transactWith } from './client.ts';
import { completionItems, jobPut } from './job-repository.ts';
import { avenantKey, conventionKey, eventKey, linkKey, schoolGuardKey } from './keys.ts';

type Item = Record<string, unknown>;

export function createAvenantRepository(db: DynamoDBDocumentClient, tableName: string): AvenantRepository {
  const transact = (items: Parameters<typeof transactWith>[1]) => transactWith(db, items);

  return {
    async create(avenant, event, job) {
      const done = await transact([
        {
          ConditionCheck: {
            TableName: tableName,
            Key: conventionKey(avenant.conventionId),
            ConditionExpression: '#status IN (:signed, :executed)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':signed': 'signed', ':executed': 'executed' },
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: { ...avenantKey(avenant.conventionId, avenant.id), entity: 'avenant', ...avenant },
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
        { Put: { TableName: tableName, Item: { ...eventKey(event.conventionId, event.at, event.type), entity: 'event', ...event } } },
        ...(job ? [jobPut(tableName, job)] : []),
      ]);
      if (!done) throw new Error(`Convention ${avenant.conventionId} is not signed: no avenant`);
    },

    async get(conventionId, avenantId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: avenantKey(conventionId, avenantId), ConsistentRead: true }));
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, entity: _entity, ...avenant } = Item as Item;
      return avenant as unknown as Avenant;
    },

    async recordCountersignature(avenant, countersignature, event, job) {
      return transact([
        {
          Update: {
            TableName: tableName,
            Key: avenantKey(avenant.conventionId, avenant.id),
            UpdateExpression: 'SET #status = :executed, executedAt = :at, countersignature = :countersignature',
            ConditionExpression: '#status = :signed AND attribute_exists(signedDocument)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':executed': 'executed', ':signed': 'signed', ':at': countersignature.countersignedAt, ':countersignature': countersignature },
          },
        },
        { Put: { TableName: tableName, Item: { ...eventKey(event.conventionId, event.at, event.type), entity: 'event', ...event } } },
        jobPut(tableName, job),
      ]);
    },

    async recordSealed(avenant, version, document, event, completion) {
      const attribute = version === 'signed' ? 'signedDocument' : 'executedDocument';
      return transact([
        {
          Update: {
            TableName: tableName,
            Key: avenantKey(avenant.conventionId, avenant.id),
            UpdateExpression: 'SET #document = :document',
            ConditionExpression: version === 'signed' ? '#status IN (:signed, :executed) AND attribute_not_exists(#document)' : '#status = :executed AND attribute_not_exists(#document)',
            ExpressionAttributeNames: { '#status': 'status', '#document': attribute },
            ExpressionAttributeValues: { ':document': document, ':executed': 'executed', ...(version === 'signed' ? { ':signed': 'signed' } : {}) },
          },
        },
        { Put: { TableName: tableName, Item: { ...eventKey(event.conventionId, event.at, event.type), entity: 'event', ...event }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ...completionItems(tableName, completion),
      ]);
    },

    async recordSignature({ avenant, linkHash, signature, outcome, convention, event, job }) {
      const { schoolYear, commune } = convention;
      const activated = new Set(outcome.schools.map((school) => school.uai));
      const change = schoolChange(convention.schools, outcome.schools);
      const guard = { conventionId: convention.id, communeName: commune.name, siret: commune.siret };
      const history = [...(convention.avenants ?? []), { id: avenant.id, signedAt: signature.signedAt, effect: outcome.effect }];
      return transact([
        {
          Update: {
            TableName: tableName,
            Key: avenantKey(avenant.conventionId, avenant.id),
            UpdateExpression: 'SET #status = :signed, signedAt = :at, signature = :signature, outcome = :outcome',
            ConditionExpression: '#status = :sent AND #link.#hash = :hash',
            ExpressionAttributeNames: { '#status': 'status', '#link': 'link', '#hash': 'hash' },
            ExpressionAttributeValues: { ':signed': 'signed', ':sent': 'sent', ':at': signature.signedAt, ':signature': signature, ':outcome': outcome, ':hash': linkHash },
          },
        },
        {
          Update: {
            TableName: tableName,
            Key: conventionKey(convention.id),
            UpdateExpression: 'SET schools = :schools, amountCents = :amount, avenants = :avenants, followingYearsSchoolCount = :following',
            ConditionExpression: '#status IN (:signed, :executed)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':schools': outcome.schools,
              ':amount': outcome.amountCents,
              ':avenants': history,
              ':following': outcome.followingYearsCount,
              ':signed': 'signed',
              ':executed': 'executed',
            },
          },
        },
        ...change.added
          .filter((school) => activated.has(school.uai))
          .map((school) => ({
            Put: {
              TableName: tableName,
              Item: { ...schoolGuardKey(schoolYear, school.uai), entity: 'school-guard', ...guard },
              ConditionExpression: 'attribute_not_exists(pk) OR siret = :siret',
              ExpressionAttributeValues: { ':siret': commune.siret },
            },
          })),
        ...change.removed.map((school) => ({ Delete: { TableName: tableName, Key: schoolGuardKey(schoolYear, school.uai) } })),
        { Put: { TableName: tableName, Item: { ...eventKey(event.conventionId, event.at, event.type), entity: 'event', ...event } } },
        jobPut(tableName, job),
      ]);
    },
  };
}
