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
import { sha256Hex } from '../../functions/domain/sha256.ts';
import { jobDefinitions } from '../../functions/use-cases/jobs/handlers.ts';
import { runJob, type JobDeps } from '../../functions/use-cases/jobs/run-job.ts';
import { DocumentIntegrityError } from '../../functions/use-cases/stored-document.ts';
import { LOCAL_CREDENTIALS } from '../../infra/local/resources.ts';
import { CHECKSUM_REQUIRED } from '../../infra/local/s3-guard.ts';
import { campaign2026, leBoulou, lespignan, pezilla, deliberation } from '../fixtures/seed-communes.ts';
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
  const response = await stack.request('POST', path, { token: null, form: { signerName, capacity: 'maire', consent: 'on', ...deliberation } });
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
    // s3rver alone takes it: its leniency is what the guard no longer hides.
    await tamperWith(bucket, 'guard/no-checksum.txt', bytesOf('sans empreinte'));
    expect(await deps.documents.head('guard/no-checksum.txt')).toMatchObject({ size: 14 });
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

describe('a convention\'s life on the wire', () => {
  it('every PUT Paraphe makes to send, sign and countersign is create-only and carries its checksum', async () => {
    const { id, path } = await sentConvention(stack, { ...campaign2026, schoolYear: '2051-2052' }, withEmail(lespignan, 'wire-life'));
    await sign(path, lespignan.mayor.name);
    await drainJobs(deps, (await jobOf('seal-signed', id)).id);
    const countersigned = await stack.admin('POST', `/admin/conventions/${id}/countersign`);
    expect(countersigned.status).toBe(200);
    await drainJobs(deps, (await jobOf('seal-executed', id)).id);

    const convention = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
    expect(convention.status).toBe('executed');
    const folder = convention.document.key.replace(/[^/]+$/, '');
    const puts = putsOf(await recordedS3Requests(bucket)).filter((put) => put.key.startsWith(folder));
    expect(puts.map((put) => put.key)).toEqual([convention.document.key, convention.signedDocument.key, convention.executedDocument.key]);
    for (const put of puts) {
      expect(put.status).toBe(200);
      expect(put.headers['if-none-match']).toBe('*');
      expect(put.headers['x-amz-checksum-sha256']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(put.headers['content-md5']).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    }
    // What each PUT carried is what was recorded: the SHA-256 on the wire (base64) is the record's (hex).
    expect(puts.map((put) => Buffer.from(put.headers['x-amz-checksum-sha256']!, 'base64').toString('hex'))).toEqual([
      convention.document.sha256,
      convention.signedDocument.sha256,
      convention.executedDocument.sha256,
    ]);
  });

  it('a seal job whose document an earlier try already stored meets 412 and completes with the stored object, recorded and emailed', async () => {
    const { id, path, email } = await sentConvention(stack, { ...campaign2026, schoolYear: '2052-2053' }, withEmail(leBoulou, 'wire-retry'));
    await sign(path, leBoulou.mayor.name);
    const convention = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
    // An earlier try stored its signed copy and died before recording it (its bytes need not be these ones).
    const signedKey = convention.document.key.replace(/convention\.pdf$/, 'convention-signee.pdf');
    const earlier = bytesOf('%PDF-1.7 copie scellée par un essai précédent');
    expect((await deps.documents.put(signedKey, earlier, 'application/pdf')).created).toBe(true);

    expect(await runJob(deps, jobDefinitions, await jobOf('seal-signed', id), budget)).toBe('done');
    const after = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
    expect(after.signedDocument).toEqual({ key: signedKey, sha256: sha256Hex(earlier) });
    expect(putsOf(await recordedS3Requests(bucket), signedKey).map((put) => put.status)).toEqual([200, 412]);
    const mails = await stack.inbox(email);
    expect(mails).toHaveLength(2);
    expect(sha256Hex(Buffer.from(mails[1]!.attachments[0]!.content, 'base64'))).toBe(sha256Hex(earlier));
    const served = await stack.request('GET', `${path}/document`, { token: null });
    expect(sha256Hex(new Uint8Array(await served.arrayBuffer()))).toBe(sha256Hex(earlier));
  });

  it('a convention whose bytes were changed in the bucket is not served to the mayor, nor sealed, nor emailed', async () => {
    const { id, path, email } = await sentConvention(stack, { ...campaign2026, schoolYear: '2053-2054' }, withEmail(pezilla, 'wire-altered'));
    const convention = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
    await tamperWith(bucket, convention.document.key, bytesOf('%PDF-1.7 une autre convention'));

    const page = await stack.request('GET', `${path}/document`, { token: null });
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).not.toContain('une autre convention');

    await sign(path, pezilla.mayor.name);
    const job = await jobOf('seal-signed', id);
    // Refused: the job goes on waiting for its next try (and fails after the last), nothing sealed or sent.
    expect(await runJob(deps, jobDefinitions, job, budget)).toBe('waiting');
    expect((await deps.jobs.get(job.id))?.reason).toContain('DocumentIntegrityError');
    expect((await stack.admin('GET', `/admin/conventions/${id}`)).json.signedDocument).toBeUndefined();
    expect((await stack.inbox(email)).map((mail) => mail.attachments.length)).toEqual([0]);
    expect(putsOf(await recordedS3Requests(bucket), convention.document.key.replace(/convention\.pdf$/, 'convention-signee.pdf'))).toEqual([]);
  });

  it('a signed copy changed in the bucket is not countersigned on top: the executed document is never sealed nor sent', async () => {
    const { id, path, email } = await sentConvention(stack, { ...campaign2026, schoolYear: '2054-2055' }, withEmail(lespignan, 'wire-altered-signed'));
    await sign(path, lespignan.mayor.name);
    await drainJobs(deps, (await jobOf('seal-signed', id)).id);
    const signed = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
    await tamperWith(bucket, signed.signedDocument.key, bytesOf('%PDF-1.7 une copie signée modifiée'));
    expect((await stack.request('GET', `${path}/document`, { token: null })).status).toBe(503);

    expect((await stack.admin('POST', `/admin/conventions/${id}/countersign`)).status).toBe(200);
    const job = await jobOf('seal-executed', id);
    expect(await runJob(deps, jobDefinitions, job, budget)).toBe('waiting');
    expect((await stack.admin('GET', `/admin/conventions/${id}`)).json.executedDocument).toBeUndefined();
    expect((await stack.inbox(email)).map((mail) => mail.attachments.length)).toEqual([0, 1]);
    expect(putsOf(await recordedS3Requests(bucket), signed.signedDocument.key.replace(/signee\.pdf$/, 'executoire.pdf'))).toEqual([]);
  });
});
