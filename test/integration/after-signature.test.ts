/**
 * What follows a signature, a countersignature and a decline is a job written
 * in the same transaction: the state changes at once, the documents and
 * emails follow when the job runs, once however often it is delivered. The
 * stack runs without its stream worker, so each test runs the jobs itself
 * (drainJobs, runJob) and sees the state between the transaction and the job.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { createPdfSealer } from '../../functions/adapters/pdf-sealer.ts';
import { sealer } from '../../functions/adapters/sealing.ts';
import { identityFromFile } from '../../functions/adapters/sealing-identity.ts';
import { createTsaClient } from '../../functions/adapters/tsa-client.ts';
import { sha256Hex } from '../../functions/domain/sha256.ts';
import { signedDocumentKey } from '../../functions/domain/document-keys.ts';
import { jobDefinitions } from '../../functions/use-cases/jobs/handlers.ts';
import type { Job, JobKind } from '../../functions/domain/jobs/job.ts';
import { runJob, type JobDeps } from '../../functions/use-cases/jobs/run-job.ts';
import { campaign2026, leBoulou, lespignan, pezilla, deliberation } from '../fixtures/seed-communes.ts';
import { drainJobs, wakeAll } from '../support/run-jobs-inline.ts';
import { verifiedTimestamp } from '../support/seal-evidence.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let deps: JobDeps;
beforeAll(async () => {
  stack = await startTestStack({ workers: false });
  deps = { ...composeDeps(loadConfig(process.env)), sealer: sealer() };
});
afterAll(async () => stack?.close());

const budget = { remainingMs: () => 60_000 };
const withEmail = <T extends { mayor: object }>(fixture: T, label: string) => ({ ...fixture, mayor: { ...fixture.mayor, email: mayorEmail(label) } });

/** The jobs of a kind written for a convention (tests only: a Scan of the table). */
async function jobsOf(kind: JobKind, conventionId: string): Promise<Job[]> {
  const config = loadConfig(process.env);
  const db = createDocumentClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: config.TABLE_NAME,
        FilterExpression: 'entity = :job AND kind = :kind AND payload.conventionId = :id',
        ExpressionAttributeValues: { ':job': 'job', ':kind': kind, ':id': conventionId },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items.map(({ pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, entity: _entity, ...job }) => job as unknown as Job);
}

async function onlyJob(kind: JobKind, conventionId: string): Promise<Job> {
  const jobs = await jobsOf(kind, conventionId);
  expect(jobs, `${kind} jobs of ${conventionId}`).toHaveLength(1);
  return jobs[0]!;
}

async function sign(path: string, signerName: string) {
  const response = await stack.request('POST', path, { token: null, form: { signerName, capacity: 'maire', consent: 'on', ...deliberation } });
  expect(response.status).toBe(200);
  return response.text();
}

/** Sent, signed, and its signed copy sealed and emailed. */
async function signedAndSealed(fixture: typeof lespignan, label: string, schoolYear: string) {
  const sent = await sentConvention(stack, { ...campaign2026, schoolYear }, withEmail(fixture, label));
  await sign(sent.path, fixture.mayor.name);
  const job = await onlyJob('seal-signed', sent.id);
  await drainJobs(deps, job.id);
  return sent;
}

describe('a signature', () => {
  it('is recorded with its seal job; the job makes the signed PDF, records it and emails the mayor once, however often it is delivered', async () => {
    const { id, path, email } = await sentConvention(stack, { ...campaign2026, schoolYear: '2044-2045' }, withEmail(lespignan, 'after-sign'));
    const page = await sign(path, lespignan.mayor.name);
    expect(page).toContain('en cours de préparation');
    expect(page).toContain('par courriel dans quelques minutes');

    // Signed before the PDF exists: the job is pending, written in the signature's transaction.
    const before = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
    expect(before.status).toBe('signed');
    expect(before.signature).toMatchObject({ signerName: lespignan.mayor.name });
    expect(before.signedDocument).toBeUndefined();
    const job = await onlyJob('seal-signed', id);
    expect(job).toMatchObject({ state: 'pending', createdAt: before.signedAt });
    expect((await stack.inbox(email)).map((mail) => mail.attachments.length)).toEqual([0]);
    // Meanwhile the link serves the original, and countersigning waits for the signed copy.
    const original = await stack.request('GET', `${path}/document`, { token: null });
    expect(original.status).toBe(200);
    expect(sha256Hex(new Uint8Array(await original.arrayBuffer()))).toBe(before.document.sha256);
    const early = await stack.admin('POST', `/admin/conventions/${id}/countersign`);
    expect(early.status).toBe(409);
    expect(early.json.error.message).toContain('en cours de préparation');

    expect(await runJob(deps, jobDefinitions, job, budget)).toBe('done');
    const after = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
    expect(after.signedDocument.key).toContain(id);
    const stored = await deps.documents.get(after.signedDocument);
    expect(stored && sha256Hex(stored)).toBe(after.signedDocument.sha256);
    const sealed = after.history.find((event: { type: string }) => event.type === 'document_sealed');
    expect(sealed).toMatchObject({ sha256Before: after.document.sha256, sha256After: after.signedDocument.sha256 });
    expect(after.history.filter((event: { type: string }) => event.type === 'signed')).toHaveLength(1);
    const mails = await stack.inbox(email);
    expect(mails.map((mail) => mail.attachments.length)).toEqual([0, 1]);
    expect(sha256Hex(Buffer.from(mails[1]!.attachments[0]!.content, 'base64'))).toBe(after.signedDocument.sha256);
    expect((await deps.jobs.get(job.id))?.state).toBe('done');

    // A second delivery of the same job does nothing.
    expect(await runJob(deps, jobDefinitions, job, budget)).toBe('skipped');
    expect(await stack.inbox(email)).toHaveLength(2);

    // The page and the link now give the signed copy.
    const signedPdf = await stack.request('GET', `${path}/document`, { token: null });
    expect(sha256Hex(new Uint8Array(await signedPdf.arrayBuffer()))).toBe(after.signedDocument.sha256);
    const later = await (await stack.request('GET', path, { token: null })).text();
    expect(later).not.toContain('en cours de préparation');
    expect(later).toContain(after.signedDocument.sha256);
  });

  it('a try that dies after SES took the email records the document on the next try, without a second email', async () => {
    const { id, path, email } = await sentConvention(stack, { ...campaign2026, schoolYear: '2045-2046' }, withEmail(leBoulou, 'after-sign-crash'));
    await sign(path, leBoulou.mayor.name);
    const job = await onlyJob('seal-signed', id);
    const dying: JobDeps = {
      ...deps,
      conventions: { ...deps.conventions, recordSealed: async () => { throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' }); } },
    };
    expect(await runJob(dying, jobDefinitions, job, budget)).toBe('waiting');
    expect(await stack.inbox(email)).toHaveLength(2);
    expect((await deps.conventions.get(id))?.signedDocument).toBeUndefined();

    await wakeAll();
    expect(await runJob(deps, jobDefinitions, job, budget)).toBe('done');
    const convention = await deps.conventions.get(id);
    expect(convention?.signedDocument?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const mails = await stack.inbox(email);
    expect(mails).toHaveLength(2);
    // Sealed again, into other bytes (another time-stamp token): the create-only write kept the first try's,
    // which the record names and the email carried.
    expect(sha256Hex(Buffer.from(mails[1]!.attachments[0]!.content, 'base64'))).toBe(convention?.signedDocument?.sha256);
    const stored = await deps.documents.get(convention!.signedDocument!);
    expect(stored && sha256Hex(stored)).toBe(convention?.signedDocument?.sha256);
  });

  it('waits while the time-stamping authority cannot be reached, storing nothing unstamped, and completes once it answers again', async () => {
    const servers = inject('servers');
    const tsaPort = Number(new URL(servers.tsaUrl).port);
    const line = await startTcpProxy({ host: '127.0.0.1', port: tsaPort });
    const config = loadConfig(process.env);
    const cut: JobDeps = { ...deps, sealer: createPdfSealer(identityFromFile(config.SEALING_P12_PATH!, config.SEALING_P12_PASSPHRASE), createTsaClient(line.url)) };
    try {
      const { id, path, email } = await sentConvention(stack, { ...campaign2026, schoolYear: '2053-2054' }, withEmail(pezilla, 'after-sign-tsa-down'));
      await sign(path, pezilla.mayor.name);
      const job = await onlyJob('seal-signed', id);
      await line.down();
      expect(await runJob(cut, jobDefinitions, job, budget)).toBe('waiting');
      const waiting = await deps.jobs.get(job.id);
      expect(waiting).toMatchObject({ state: 'waiting', attempts: 1 });
      expect(JSON.stringify(waiting)).toContain('Horodatage indisponible : l’autorité d’horodatage');
      expect((await deps.conventions.get(id))?.signedDocument).toBeUndefined();
      expect(await deps.documents.get({ key: signedDocumentKey((await deps.conventions.get(id))!) })).toBeUndefined();
      expect(await stack.inbox(email)).toHaveLength(1);

      await line.up();
      await wakeAll();
      expect(await runJob(cut, jobDefinitions, job, budget)).toBe('done');
      const convention = await deps.conventions.get(id);
      const stored = await deps.documents.get(convention!.signedDocument!);
      expect(stored && sha256Hex(stored)).toBe(convention?.signedDocument?.sha256);
      expect(verifiedTimestamp(stored!, servers).ok).toBe(true);
      const mails = await stack.inbox(email);
      expect(mails).toHaveLength(2);
      expect(sha256Hex(Buffer.from(mails[1]!.attachments[0]!.content, 'base64'))).toBe(convention?.signedDocument?.sha256);
    } finally {
      await line.close();
    }
  });
});

describe('a bulk countersignature', () => {
  it('countersigns 3 signed conventions in one request: the job ends 3/3, each executed, each party one email', async () => {
    const schoolYear = '2046-2047';
    const conventions = [
      await signedAndSealed(lespignan, 'bulk-1', schoolYear),
      await signedAndSealed(leBoulou, 'bulk-2', schoolYear),
      await signedAndSealed(pezilla, 'bulk-3', schoolYear),
    ];
    const unknown = '00000000-0000-4000-8000-000000000000';
    const refused = await stack.request('POST', `/admin/campaigns/${schoolYear}/countersign`, { token: await stack.tokenWithRoles(['gestionnaire']), body: {} });
    expect(refused.status).toBe(403);

    const delegate = { name: 'Marie DUPONT', title: 'Secrétaire générale de la région académique' };
    const started = await stack.request('POST', `/admin/campaigns/${schoolYear}/countersign`, {
      token: await stack.tokenWithRoles(['signataire']),
      body: { ids: [...conventions.map((convention) => convention.id), unknown], delegate },
    });
    expect(started.status).toBe(202);
    const { jobId } = (await started.json()) as { jobId: string };
    const report = await drainJobs(deps, jobId);
    expect(report.failed).toBe(0);

    const view = await stack.waitForJob(jobId);
    expect(view).toMatchObject({ kind: 'countersign-campaign', state: 'done', done: 3, total: 3, failedCount: 0, tally: { executed: 3 } });
    expect(view.failed).toEqual([expect.objectContaining({ item: unknown, reason: expect.stringContaining('Aucune convention') })]);

    for (const { id, email } of conventions) {
      const shown = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
      expect(shown.status).toBe('executed');
      expect(shown.countersignature).toMatchObject({ signerName: delegate.name, byDelegation: true });
      const stored = await deps.documents.get(shown.executedDocument);
      expect(stored && sha256Hex(stored)).toBe(shown.executedDocument.sha256);
      expect(shown.history.filter((event: { type: string }) => event.type === 'countersigned')).toHaveLength(1);
      const finals = (await stack.inbox(email)).filter((mail) => mail.subject.includes('exécutoire'));
      expect(finals).toHaveLength(1);
      expect(finals[0]!.destination.to.join(', ')).toBe(`${email}, ent-ecole@rectorat.example.org`);
      expect(sha256Hex(Buffer.from(finals[0]!.attachments[0]!.content, 'base64'))).toBe(shown.executedDocument.sha256);
    }

    // Again: nothing left to countersign, nothing sent.
    const again = await stack.request('POST', `/admin/campaigns/${schoolYear}/countersign`, { token: await stack.tokenWithRoles(['signataire']) });
    expect(again.status).toBe(202);
    const second = (await again.json()) as { jobId: string };
    await drainJobs(deps, second.jobId);
    expect(await stack.waitForJob(second.jobId)).toMatchObject({ state: 'done', done: 0, total: 0 });
    for (const { email } of conventions) expect((await stack.inbox(email)).filter((mail) => mail.subject.includes('exécutoire'))).toHaveLength(1);
  });
});

describe('a decline', () => {
  it('is acknowledged by its job, once', async () => {
    const { id, path, email } = await sentConvention(stack, { ...campaign2026, schoolYear: '2047-2048' }, withEmail(pezilla, 'after-decline'));
    const response = await stack.request('POST', `${path}/decline`, { token: null, form: { declinedBy: pezilla.mayor.name, reason: 'Le conseil municipal a voté contre.' } });
    expect(response.status).toBe(200);
    expect((await deps.conventions.get(id))?.status).toBe('declined');
    expect(await stack.inbox(email)).toHaveLength(1);

    const job = await onlyJob('decline-acknowledgement', id);
    expect(await runJob(deps, jobDefinitions, job, budget)).toBe('done');
    expect(await runJob(deps, jobDefinitions, job, budget)).toBe('skipped');
    const mails = await stack.inbox(email);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toContain('Refus de la convention');
  });
});
