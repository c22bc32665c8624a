/**
 * What reached S3: the requests the S3 guard (infra/local/s3-guard.ts)
 * recorded for a bucket, and a line to s3rver behind it, to change a
 * bucket's bytes as nothing in Paraphe can.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { createS3Client } from '../../functions/adapters/s3-document-store.ts';
import { LOCAL_CREDENTIALS } from '../../infra/local/resources.ts';
import type { RecordedS3Request } from '../../infra/local/s3-guard.ts';

export type { RecordedS3Request } from '../../infra/local/s3-guard.ts';

export async function recordedS3Requests(bucket: string): Promise<RecordedS3Request[]> {
  const response = await fetch(`${inject('servers').s3Endpoint}/_guard/requests?bucket=${encodeURIComponent(bucket)}`);
  return (await response.json()) as RecordedS3Request[];
}

/** Overwrites an object in s3rver directly, bypassing the guard (and so its create-only rule). */
export async function tamperWith(bucket: string, key: string, bytes: Uint8Array): Promise<void> {
  const s3 = await createS3Client({ region: 'eu-west-3', endpoint: inject('servers').s3DirectEndpoint, credentials: LOCAL_CREDENTIALS });
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: 'application/pdf' }));
  s3.destroy();
}
