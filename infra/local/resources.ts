/**
 * Creates the table and the bucket on the local servers when absent, with the
 * same keys as the CDK stateful stack (infra/stateful-stack.ts).
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { TABLE_GSI1 } from '../../functions/adapters/dynamodb/keys.ts';
import { createS3Client } from '../../functions/adapters/s3-document-store.ts';

// s3rver accepts only its own access key; DynamoDB Local (sharedDb) accepts any.
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const db = new DynamoDBClient({ endpoint, region: 'eu-west-3', credentials: LOCAL_CREDENTIALS });
  try {
    const { Table } = await db.send(new DescribeTableCommand({ TableName: tableName }));
    // A table made before jobs existed gets its stream: the worker reads it.
    if (!Table?.StreamSpecification?.StreamEnabled) {
      await db.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }));
    }
    db.destroy();
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await db.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      // The outbox: the worker's event source mapping reads job items from the stream.
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: TABLE_GSI1,
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  db.destroy();
}

export async function ensureBucket(endpoint: string, bucket: string): Promise<void> {
  const s3 = await createS3Client({ region: 'eu-west-3', endpoint, credentials: LOCAL_CREDENTIALS });
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  s3.destroy();
}

export { LOCAL_CREDENTIALS };
