import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../core/errors.ts';
import type { Campaign } from '../../core/model.ts';
import type { CampaignRepository } from '../../core/ports.ts';
import { isConditionalCheckFailed, queryAll } from './client.ts';
import { CAMPAIGNS_PK, campaignKey, TABLE_GSI1 } from './keys.ts';

export function createCampaignRepository(db: DynamoDBDocumentClient, tableName: string): CampaignRepository {
  return {
    async create(campaign) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...campaignKey(campaign.schoolYear), gsi1pk: CAMPAIGNS_PK, gsi1sk: campaign.schoolYear, entity: 'campaign', ...campaign },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
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
  };
}

function toCampaign(item: Record<string, unknown>): Campaign {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, entity: _entity, ...campaign } = item;
  return campaign as unknown as Campaign;
}
