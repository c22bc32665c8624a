import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConventionText } from '../../domain/campaign-text.ts';
import { AppError } from '../../domain/errors.ts';
import type { Campaign } from '../../domain/model.ts';
import type { CampaignRepository } from '../../use-cases/ports.ts';
import { queryAll, transact } from './client.ts';
import { CAMPAIGNS_PK, campaignKey, campaignTextKey, TABLE_GSI1 } from './keys.ts';

export function createCampaignRepository(db: DynamoDBDocumentClient, tableName: string): CampaignRepository {
  return {
    async create(campaign, text) {
      // The campaign and its text are written together, each once: the text never changes after.
      const created = await transact(db, [
        {
          Put: {
            TableName: tableName,
            Item: { ...campaignKey(campaign.schoolYear), gsi1pk: CAMPAIGNS_PK, gsi1sk: campaign.schoolYear, entity: 'campaign', ...campaign },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: { ...campaignTextKey(campaign.schoolYear), entity: 'campaign-text', ...text },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
      if (!created) {
        throw new AppError('ALREADY_EXISTS', `Une campagne existe déjà pour l'année scolaire ${campaign.schoolYear}.`, [
          { field: 'schoolYear', message: `La campagne ${campaign.schoolYear} existe déjà.` },
        ]);
      }
    },
    async list() {
      const items = await queryAll(db, { TableName: tableName, IndexName: TABLE_GSI1, KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': CAMPAIGNS_PK } });
      return items.map(toCampaign);
    },
    async get(schoolYear) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: campaignKey(schoolYear), ConsistentRead: true }));
      return Item ? toCampaign(Item) : undefined;
    },
    async pinnedText(schoolYear) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: campaignTextKey(schoolYear), ConsistentRead: true }));
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, entity: _entity, ...text } = Item;
      return text as unknown as ConventionText;
    },
  };
}

function toCampaign(item: Record<string, unknown>): Campaign {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, entity: _entity, ...campaign } = item;
  return campaign as unknown as Campaign;
}
