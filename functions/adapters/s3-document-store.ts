import { createHash } from 'node:crypto';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { DocumentStore } from '../core/ports.ts';

export interface S3Options {
  region: string;
  endpoint?: string | undefined;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * The S3 SDK is imported on first use, not at cold start: it weighs about
 * 200 ms of a module initialisation, which a function that stores and reads
 * no document (most of the catalogue) should not pay.
 */
const loadSdk = () => import('@aws-sdk/client-s3');

function clientConfig(options: S3Options): S3ClientConfig {
  return {
    region: options.region,
    // Checksums only when S3 requires them: s3rver stores streamed uploads
    // with the default flexible checksums corrupted, and AWS needs none here.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
}

export async function createS3Client(options: S3Options): Promise<S3Client> {
  const { S3Client } = await loadSdk();
  return new S3Client(clientConfig(options));
}

export function createS3DocumentStore(options: S3Options, bucket: string): DocumentStore {
  let connected: Promise<{ s3: S3Client; sdk: Awaited<ReturnType<typeof loadSdk>> }> | undefined;
  const connect = () => (connected ??= loadSdk().then((sdk) => ({ sdk, s3: new sdk.S3Client(clientConfig(options)) })));
  return {
    async put(key, bytes, contentType) {
      const { s3, sdk } = await connect();
      // Every store is a step of a job (or of a request not yet answered): an outage is the job's retry, not a loop here.
      // Content-MD5 over the buffer: S3 refuses a PUT without it (or a checksum) to a bucket with Object Lock.
      const md5 = createHash('md5').update(bytes).digest('base64');
      await s3.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType, ContentMD5: md5 }));
    },
    async size(key) {
      const { s3, sdk } = await connect();
      try {
        const head = await s3.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
        return head.ContentLength;
      } catch (error) {
        if ((error as { name?: string; $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
        throw error;
      }
    },
    async uploadUrl(key, size, contentType, md5, expiresInSeconds) {
      const { s3, sdk } = await connect();
      const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
      // Length, type and Content-MD5 are signed: S3 refuses an upload of any other size (the 20 MB limit
      // holds) or other bytes, and the bucket's Object Lock requires the MD5 on every PUT.
      return getSignedUrl(s3, new sdk.PutObjectCommand({ Bucket: bucket, Key: key, ContentLength: size, ContentType: contentType, ContentMD5: md5 }), {
        expiresIn: expiresInSeconds,
        signableHeaders: new Set(['content-length', 'content-type', 'content-md5']),
      });
    },
    async get(key) {
      const { s3, sdk } = await connect();
      try {
        const object = await s3.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
        return object.Body ? await object.Body.transformToByteArray() : undefined;
      } catch (error) {
        if (error instanceof sdk.NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
  };
}
