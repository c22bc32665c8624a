/**
 * S3 as AWS runs it, checked on the wire: every request goes through the S3
 * guard in front of s3rver (infra/local/s3-guard.ts), which refuses what a
 * bucket under Object Lock refuses and records what it was sent. Documents
 * are written once (create-only, with their checksum) and read as recorded
 * (by version, SHA-256 checked), on the real local servers.
 */
import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { createS3Client } from '../../functions/adapters/s3-document-store.ts';
import { sealer } from '../../functions/adapters/sealing.ts';
import { sha256Hex } from '../../functions/core/digest.ts';
import { jobDefinitions } from '../../functions/core/jobs/handlers.ts';
import { runJob, type JobDeps } from '../../functions/core/jobs/run-job.ts';
import { DocumentIntegrityError } from '../../functions/core/stored-document.ts';
import { LOCAL_CREDENTIALS } from '../../infra/local/resources.ts';
import { CHECKSUM_REQUIRED } from '../../infra/local/s3-guard.ts';
import { campaign2026, leBoulou, lespignan, pezilla } from '../fixtures/seed-communes.ts';
import { drainJobs } from '../support/run-jobs-inline.ts';
import { recordedS3Requests, tamperWith, type RecordedS3Request } from '../support/s3-wire.ts';
import { mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let deps: JobDeps;
let bucket: string;
beforeAll(async () => {
  stack = await startTestStack({ workers: false });
  deps = { ...composeDeps(loadConfig(process.env)), sealer: sealer() };
  bucket = stack.settings.bucketName;
});
afterAll(async () => stack?.close());

const budget = { remainingMs: () => 60_000 };
const withEmail = <T extends { mayor: object }>(fixture: T, label: string) => ({ ...fixture, mayor: { ...fixture.mayor, email: mayorEmail(label) } });
const bytesOf = (text: string) => new Uint8Array(Buffer.from(text));
const base64Sha256 = (bytes: Uint8Array) => Buffer.from(sha256Hex(bytes), 'hex').toString('base64');
const putsOf = (requests: RecordedS3Request[], key?: string) => requests.filter((request) => request.method === 'PUT' && request.key !== '' && (key === undefined || request.key === key));

async function jobOf(kind: string, conventionId: string) {
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  const { createDocumentClient } = await import('../../functions/adapters/dynamodb/client.ts');
  const config = loadConfig(process.env);
  const db = createDocumentClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  const { Items = [] } = await db.send(
    new ScanCommand({ TableName: config.TABLE_NAME, FilterExpression: 'entity = :job AND kind = :kind AND payload.conventionId = :id', ExpressionAttributeValues: { ':job': 'job', ':kind': kind, ':id': conventionId }, ConsistentRead: true }),
  );
  expect(Items).toHaveLength(1);
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, entity: _entity, ...job } = Items[0]!;
  return job as any;
}

async function sign(path: string, signerName: string) {
  const response = await stack.request('POST', path, { token: null, form: { signerName, capacity: 'maire', consent: 'on' } });
  expect(response.status).toBe(200);
}

/** A raw S3 client on the guard, for requests Paraphe never makes. */
async function rawClient() {
  return createS3Client({ region: 'eu-west-3', endpoint: stack.settings.s3Endpoint, credentials: LOCAL_CREDENTIALS });
}

describe('the S3 guard refuses what a bucket under Object Lock refuses', () => {
  it('a PUT without Content-MD5 or an x-amz-checksum header gets 400 InvalidRequest, and nothing is stored', async () => {
    const s3 = await rawClient();
    const refused = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'guard/no-checksum.txt', Body: bytesOf('sans empreinte') })).catch((error) => error);
    expect(refused).toMatchObject({ name: 'InvalidRequest', message: CHECKSUM_REQUIRED, $metadata: { httpStatusCode: 400 } });
    expect(await deps.documents.head('guard/no-checksum.txt')).toBeUndefined();
    s3.destroy();
  });

  it('a checksum that is not the body\'s gets 400 BadDigest, SHA-256 as MD5', async () => {
    const s3 = await rawClient();
    const body = bytesOf('le contenu');
    const wrongSha = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'guard/bad-sha.txt', Body: body, ChecksumSHA256: base64Sha256(bytesOf('autre chose')) })).catch((error) => error);
    expect(wrongSha).toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    const wrongMd5 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'guard/bad-md5.txt', Body: body, ContentMD5: 'AAAAAAAAAAAAAAAAAAAAAA==' })).catch((error) => error);
    expect(wrongMd5).toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    const right = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'guard/good-sha.txt', Body: body, ChecksumSHA256: base64Sha256(body) }));
    expect(right.$metadata.httpStatusCode).toBe(200);
    s3.destroy();
  });
});

describe('the document store', () => {
  it('sends every PUT create-only with SHA-256 and MD5 computed over the buffer, as headers (no aws-chunked body)', async () => {
    const bytes = bytesOf('%PDF-1.7 une convention');
    const stored = await deps.documents.put('wire/one.pdf', bytes, 'application/pdf');
    expect(stored).toEqual({ created: true, sha256: sha256Hex(bytes) });
    const [put] = putsOf(await recordedS3Requests(bucket), 'wire/one.pdf');
    expect(put).toMatchObject({ status: 200, presigned: false });
    expect(put!.headers).toMatchObject({
      'if-none-match': '*',
      'x-amz-checksum-sha256': base64Sha256(bytes),
      'content-md5': createHash('md5').update(bytes).digest('base64'),
      'content-length': String(bytes.length),
    });
    if (process.env.SHOW_WIRE) console.log(JSON.stringify(put));
    expect(put!.headers['content-encoding'] ?? '').not.toContain('aws-chunked');
    expect(put!.headers['x-amz-content-sha256'] ?? '').not.toMatch(/^STREAMING-/);
    expect(await deps.documents.get({ key: 'wire/one.pdf', sha256: sha256Hex(bytes) })).toEqual(bytes);
  });

  it('a second create of the same key gets 412 and reports the first object, which stays', async () => {
    const first = bytesOf('premier essai');
    const second = bytesOf('second essai, autres octets');
    expect(await deps.documents.put('wire/twice.pdf', first, 'application/pdf')).toMatchObject({ created: true, sha256: sha256Hex(first) });
    expect(await deps.documents.put('wire/twice.pdf', second, 'application/pdf')).toEqual({ created: false, sha256: sha256Hex(first) });
    expect(putsOf(await recordedS3Requests(bucket), 'wire/twice.pdf').map((put) => put.status)).toEqual([200, 412]);
    expect(await deps.documents.get({ key: 'wire/twice.pdf' })).toEqual(first);
  });

  it('of racing creates of one key exactly one is stored, and every caller is told which', async () => {
    const attempts = Array.from({ length: 6 }, (_, index) => bytesOf(`essai ${index}`));
    const results = await Promise.all(attempts.map((bytes) => deps.documents.put('wire/race.pdf', bytes, 'application/pdf')));
    expect(results.filter((result) => result.created)).toHaveLength(1);
    const winner = results.find((result) => result.created)!;
    expect(new Set(results.map((result) => result.sha256))).toEqual(new Set([winner.sha256]));
    expect(sha256Hex((await deps.documents.get({ key: 'wire/race.pdf' }))!)).toBe(winner.sha256);
  });

  it('refuses bytes whose SHA-256 is not the recorded one, changed in the bucket behind its back', async () => {
    const bytes = bytesOf('le document signé');
    const { sha256 } = await deps.documents.put('wire/altered.pdf', bytes, 'application/pdf');
    await tamperWith(bucket, 'wire/altered.pdf', bytesOf('le document modifié'));
    await expect(deps.documents.get({ key: 'wire/altered.pdf', sha256 })).rejects.toBeInstanceOf(DocumentIntegrityError);
  });

  it('presigns a create-only upload with its MD5, which a client PUTs with the headers it is given, once', async () => {
    const file = bytesOf('commune;siret\nLespignan;21340132700015\n');
    const md5 = createHash('md5').update(file).digest('base64');
    const { url, headers } = await deps.documents.uploadUrl('imports/wire/upload.csv', file.length, 'text/csv', md5, 60);
    expect(headers).toMatchObject({ 'content-md5': md5, 'if-none-match': '*' });
    const first = await fetch(url, { method: 'PUT', body: file, headers });
    expect(first.status).toBe(200);
    const again = await fetch(url, { method: 'PUT', body: file, headers });
    expect(again.status).toBe(412);
    const puts = putsOf(await recordedS3Requests(bucket), 'imports/wire/upload.csv');
    expect(puts.map((put) => [put.presigned, put.status, put.headers['content-md5'], put.headers['if-none-match']])).toEqual([
      [true, 200, md5, '*'],
      [true, 412, md5, '*'],
    ]);
    expect(await deps.documents.head('imports/wire/upload.csv')).toMatchObject({ size: file.length });
  });
});
