import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifiedTimestamp } from '../support/seal-evidence.ts';
import { createS3Client } from '../../functions/adapters/s3-document-store.ts';
import { sha256Hex } from '../../functions/domain/sha256.ts';
import { LOCAL_CREDENTIALS } from '../../infra/local/resources.ts';
import { campaign2026, leBoulou, lespignan, pezilla, deliberation } from '../fixtures/seed-communes.ts';
import { mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.close());

const withEmail = <T extends { mayor: object }>(fixture: T, label: string) => ({ ...fixture, mayor: { ...fixture.mayor, email: mayorEmail(label) } });

/** Polls the convention until `ready` holds (a job of the stream worker made its document). */
async function conventionWhen(id: string, ready: (convention: any) => boolean, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { json } = await stack.admin('GET', `/admin/conventions/${id}`);
    if (ready(json)) return json;
    if (Date.now() > deadline) throw new Error(`convention ${id} not ready: ${JSON.stringify(json)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Sent and signed, once its signed copy is sealed (the seal-signed job). */
async function signedConvention(fixture: typeof lespignan, label: string, campaign: typeof campaign2026 = campaign2026) {
  const sent = await sentConvention(stack, campaign, withEmail(fixture, label));
  const response = await stack.request('POST', sent.path, { token: null, form: { signerName: fixture.mayor.name, capacity: 'maire', consent: 'on', ...deliberation } });
  expect(response.status).toBe(200);
  await conventionWhen(sent.id, (convention) => convention.signedDocument !== undefined);
  return sent;
}

async function countersign(id: string, roles: string[], body?: unknown) {
  const response = await stack.request('POST', `/admin/conventions/${id}/countersign`, {
    token: await stack.tokenWithRoles(roles),
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, json: (await response.json()) as any };
}

function pdftext(pdf: Uint8Array): string {
  const file = join(mkdtempSync(join(tmpdir(), 'paraphe-cs-')), 'final.pdf');
  writeFileSync(file, pdf);
  return [spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout, spawnSync('pdfsig', [file], { encoding: 'utf8' }).stdout].join('\n');
}

describe('countersignature', () => {
  it('makes a signed convention exécutoire, with one sealed final PDF sent to both parties', async () => {
    const { id, email } = await signedConvention(lespignan, 'countersign');
    const { status, json } = await countersign(id, ['signataire']);
    expect(status).toBe(200);
    expect(json.status).toBe('executed');
    expect(json.countersignature).toMatchObject({ signerName: campaign2026.signatory.name, byDelegation: false, actor: 'clerk@rectorat.example.org' });
    // The final document is made by a job: the answer names it.
    expect(json.executedDocument).toBeUndefined();
    expect(json.jobId).toBe(json.executedJob);
    expect(await stack.waitForJob(json.jobId)).toMatchObject({ kind: 'seal-executed', state: 'done' });

    const shown = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
    const countersigned = shown.history.find((event: { type: string }) => event.type === 'countersigned');
    expect(countersigned).toMatchObject({ sha256Before: shown.signedDocument.sha256 });
    expect(shown.history.at(-1)).toMatchObject({ type: 'document_sealed', sha256Before: shown.signedDocument.sha256, sha256After: shown.executedDocument.sha256 });

    const s3 = await createS3Client({ region: 'eu-west-3', endpoint: stack.settings.s3Endpoint, credentials: LOCAL_CREDENTIALS });
    const object = await s3.send(new GetObjectCommand({ Bucket: stack.settings.bucketName, Key: shown.executedDocument.key }));
    const final = await object.Body!.transformToByteArray();
    expect(sha256Hex(final)).toBe(shown.executedDocument.sha256);
    const report = pdftext(final);
    // PAdES B-T: the seal's time-stamp token verifies up to the local CA.
    expect(verifiedTimestamp(final, inject('servers')).output).toContain('Verification: OK');
    for (const expected of ['Certificat de signature', 'Certificat de contresignature', 'Carole Drucker-Godard', 'Signature is Valid', 'Total document signed']) {
      expect(report).toContain(expected);
    }

    const finals = (await stack.inbox(email)).filter((mail) => mail.subject.includes('exécutoire'));
    expect(finals).toHaveLength(1);
    // The local SES server keeps the To header as one string.
    expect(finals[0]!.destination.to.join(', ')).toBe(`${email}, ent-ecole@rectorat.example.org`);
    expect(Buffer.from(finals[0]!.attachments[0]!.content, 'base64').equals(Buffer.from(final))).toBe(true);

    expect((await countersign(id, ['signataire'])).status).toBe(409);
  });

  it('once countersigned by the single route, a bulk countersignature of the campaign finds nothing left, and sends nothing', async () => {
    const schoolYear = '2039-2040';
    const { id, email } = await signedConvention(leBoulou, 'single-then-bulk', { ...campaign2026, schoolYear });
    const { json } = await countersign(id, ['signataire']);
    await stack.waitForJob(json.jobId);
    const started = await stack.request('POST', `/admin/campaigns/${schoolYear}/countersign`, { token: await stack.tokenWithRoles(['signataire']) });
    expect(started.status).toBe(202);
    const { jobId } = (await started.json()) as { jobId: string };
    expect(await stack.waitForJob(jobId)).toMatchObject({ kind: 'countersign-campaign', state: 'done', done: 0, total: 0 });
    expect((await stack.inbox(email)).filter((mail) => mail.subject.includes('exécutoire'))).toHaveLength(1);
    const history = (await stack.admin('GET', `/admin/conventions/${id}`)).json.history as { type: string }[];
    expect(history.filter((event) => event.type === 'countersigned')).toHaveLength(1);
  });

  it('names the delegate who countersigns for the rectrice', async () => {
    const { id } = await signedConvention(pezilla, 'delegate-cs');
    const delegate = { name: 'Marie DUPONT', title: 'Secrétaire générale de la région académique' };
    const { status, json } = await countersign(id, ['signataire'], { delegate });
    expect(status).toBe(200);
    expect(json.countersignature).toMatchObject({ signerName: 'Marie DUPONT', byDelegation: true });
    await stack.waitForJob(json.jobId);
    const final = await conventionWhen(id, (convention) => convention.executedDocument !== undefined);
    const s3 = await createS3Client({ region: 'eu-west-3', endpoint: stack.settings.s3Endpoint, credentials: LOCAL_CREDENTIALS });
    const object = await s3.send(new GetObjectCommand({ Bucket: stack.settings.bucketName, Key: final.executedDocument.key }));
    expect(pdftext(await object.Body!.transformToByteArray())).toContain('Marie DUPONT');
  });

  it('is refused before the commune has signed, and changes nothing', async () => {
    const { id } = await sentConvention(stack, campaign2026, withEmail(leBoulou, 'early-cs'));
    const { status, json } = await countersign(id, ['signataire']);
    expect(status).toBe(409);
    expect(json.error.message).toContain("pas encore signée");
    expect((await stack.admin('GET', `/admin/conventions/${id}`)).json.status).toBe('sent');
  });
});

describe('roles', () => {
  it('a gestionnaire cannot countersign (403), and a signataire cannot create campaigns (403)', async () => {
    const { status, json } = await countersign('00000000-0000-4000-8000-000000000000', ['gestionnaire']);
    expect(status).toBe(403);
    expect(json.error.message).toContain('signataire');
    const response = await stack.request('POST', '/admin/campaigns', { token: await stack.tokenWithRoles(['signataire']), body: { ...campaign2026, schoolYear: '2031-2032' } });
    expect(response.status).toBe(403);
  });
});
