import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Avenant } from '../../core/model.ts';
import type { AvenantRepository } from '../../core/ports.ts';
import { schoolChange } from '../../core/avenant-rules.ts';
import { transact as transactWith } from './client.ts';
import { avenantKey, conventionKey, eventKey, linkKey, schoolGuardKey } from './keys.ts';

type Item = Record<string, unknown>;

export function createAvenantRepository(db: DynamoDBDocumentClient, tableName: string): AvenantRepository {
  const transact = (items: Parameters<typeof transactWith>[1]) => transactWith(db, items);

  return {
    async create(avenant, event) {
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
      ]);
      if (!done) throw new Error(`Convention ${avenant.conventionId} is not signed: no avenant`);
    },

    async get(conventionId, avenantId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: avenantKey(conventionId, avenantId), ConsistentRead: true }));
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, entity: _entity, ...avenant } = Item as Item;
      return avenant as unknown as Avenant;
    },

    async recordCountersignature(avenant, countersignature, document, event) {
      return transact([
        {
          Update: {
            TableName: tableName,
            Key: avenantKey(avenant.conventionId, avenant.id),
            UpdateExpression: 'SET #status = :executed, executedAt = :at, countersignature = :countersignature, executedDocument = :document',
            ConditionExpression: '#status = :signed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':executed': 'executed', ':signed': 'signed', ':at': countersignature.countersignedAt, ':countersignature': countersignature, ':document': document },
          },
        },
        { Put: { TableName: tableName, Item: { ...eventKey(event.conventionId, event.at, event.type), entity: 'event', ...event } } },
      ]);
    },

    async recordSignature({ avenant, linkHash, signature, signedDocument, outcome, convention, event }) {
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
            UpdateExpression: 'SET #status = :signed, signedAt = :at, signature = :signature, signedDocument = :document, outcome = :outcome',
            ConditionExpression: '#status = :sent AND #link.#hash = :hash',
            ExpressionAttributeNames: { '#status': 'status', '#link': 'link', '#hash': 'hash' },
            ExpressionAttributeValues: { ':signed': 'signed', ':sent': 'sent', ':at': signature.signedAt, ':signature': signature, ':document': signedDocument, ':outcome': outcome, ':hash': linkHash },
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
      ]);
    },
  };
}
