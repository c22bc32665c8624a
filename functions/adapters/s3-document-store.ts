import { createHash } from 'node:crypto';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { DocumentStore, StoredObject } from '../use-cases/ports.ts';
import { checkSha256 } from '../use-cases/stored-document.ts';

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
    // The SDK computes no checksum of its own: the store sends SHA-256 and MD5 it computed over the buffer,
    // as headers. The SDK's default (a CRC32 in an aws-chunked trailer) is what s3rver stores corrupted.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
}

export async function createS3Client(options: S3Options): Promise<S3Client> {
  const { S3Client } = await loadSdk();
  return new S3Client(clientConfig(options));
}

type Failure = { name?: string; $metadata?: { httpStatusCode?: number } };
const statusOf = (error: unknown) => (error as Failure).$metadata?.httpStatusCode;

/** S3's base64 checksum as the lowercase hex every record carries. */
const hexOf = (base64: string) => Buffer.from(base64, 'base64').toString('hex');

/**
 * The S3 document store. Every PUT is create-only (`If-None-Match: *`, S3's conditional write: 412 when
 * the key exists) and carries `x-amz-checksum-sha256` and `Content-MD5` computed over the buffer (a bucket
 * under Object Lock refuses a PUT with neither; S3 refuses one whose bytes do not match). SHA-256s cross
 * the port in lowercase hex; S3 speaks base64.
 */
export function createS3DocumentStore(options: S3Options, bucket: string): DocumentStore {
  let connected: Promise<{ s3: S3Client; sdk: Awaited<ReturnType<typeof loadSdk>> }> | undefined;
  const connect = () => (connected ??= loadSdk().then((sdk) => ({ sdk, s3: new sdk.S3Client(clientConfig(options)) })));

  async function read(key: string, versionId?: string): Promise<Uint8Array | undefined> {
    const { s3, sdk } = await connect();
    try {
      const object = await s3.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
      return object.Body ? await object.Body.transformToByteArray() : undefined;
    } catch (error) {
      if (error instanceof sdk.NoSuchKey || (error as Failure).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async function head(key: string) {
    const { s3, sdk } = await connect();
    try {
      const found = await s3.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
      // A multipart object's checksum is one of its parts' checksums, not of its bytes: none of Paraphe's.
      const sha256 = found.ChecksumSHA256 && found.ChecksumType !== 'COMPOSITE' ? hexOf(found.ChecksumSHA256) : undefined;
      return { size: found.ContentLength ?? 0, ...(found.VersionId ? { versionId: found.VersionId } : {}), ...(sha256 ? { sha256 } : {}) };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** The object a create-only PUT met: its version and SHA-256, read from its bytes when S3 kept no SHA-256 (s3rver keeps none). */
  async function existing(key: string): Promise<StoredObject> {
    const found = await head(key);
    if (!found) throw new Error(`S3 refused to create ${key} as existing, and has no object there`);
    if (found.sha256) return { ...(found.versionId ? { versionId: found.versionId } : {}), sha256: found.sha256 };
    const bytes = await read(key, found.versionId);
    if (!bytes) throw new Error(`S3 refused to create ${key} as existing, and has no object there`);
    return { ...(found.versionId ? { versionId: found.versionId } : {}), sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  return {
    async put(key, bytes, contentType) {
      const { s3, sdk } = await connect();
      const sha256 = createHash('sha256').update(bytes).digest();
      const md5 = createHash('md5').update(bytes).digest('base64');
      try {
        // Every store is a step of a job (or of a request not yet answered): an outage is the job's retry, not a loop here.
        const written = await s3.send(
          new sdk.PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: bytes,
            ContentType: contentType,
            ContentMD5: md5,
            ChecksumSHA256: sha256.toString('base64'),
            IfNoneMatch: '*',
          }),
        );
        return { created: true, ...(written.VersionId ? { versionId: written.VersionId } : {}), sha256: sha256.toString('hex') };
      } catch (error) {
        // 412: stored by an earlier try, which is the document. (409, a create racing ours, is retried by the job.)
        if (statusOf(error) !== 412) throw error;
        return { created: false, ...(await existing(key)) };
      }
    },
    head,
    async uploadUrl(key, size, contentType, md5, expiresInSeconds) {
      const { s3, sdk } = await connect();
      const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
      // Length, type, Content-MD5 and If-None-Match are signed: S3 refuses an upload of any other size (the
      // 20 MB limit holds) or other bytes, the bucket's Object Lock requires the MD5 on every PUT, and the
      // file, once there, is not replaced.
      const headers = { 'content-type': contentType, 'content-length': String(size), 'content-md5': md5, 'if-none-match': '*' };
      const url = await getSignedUrl(
        s3,
        new sdk.PutObjectCommand({ Bucket: bucket, Key: key, ContentLength: size, ContentType: contentType, ContentMD5: md5, IfNoneMatch: '*' }),
        { expiresIn: expiresInSeconds, signableHeaders: new Set(Object.keys(headers)) },
      );
      return { url, headers };
    },
    async get(ref) {
      const bytes = await read(ref.key, ref.versionId);
      return bytes && checkSha256(bytes, ref);
    },
  };
}
