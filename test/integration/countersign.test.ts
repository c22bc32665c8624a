import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { createS3Client } from '../../functions/adapters/s3-document-store.ts';
import { sealer } from '../../functions/adapters/sealing.ts';
import { RESTORE_AFTER_MS } from '../../functions/core/certificates.ts';
import { countersignConvention } from '../../functions/core/countersign-convention.ts';
import { sha256Hex } from '../../functions/core/digest.ts';
import { LOCAL_CREDENTIALS } from '../../infra/local/resources.ts';
import { campaign2026, leBoulou, lespignan, pezilla } from '../fixtures/seed-communes.ts';
import { mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.close());

const withEmail = <T extends { mayor: object }>(fixture: T, label: string) => ({ ...fixture, mayor: { ...fixture.mayor, email: mayorEmail(label) } });

async function signedConvention(fixture: typeof lespignan, label: string, campaign: typeof campaign2026 = campaign2026) {
  const sent = await sentConvention(stack, campaign, withEmail(fixture, label));
  const response = await stack.request('POST', sent.path, { token: null, form: { signerName: fixture.mayor.name, capacity: 'maire', consent: 'on' } });
  expect(response.status).toBe(200);
  return sent;
}

async function countersign(id: string, roles: string[], body?: unknown) {
  const response = await stack.request('POST', `/admin/conventions/${id}/countersign`, {
    token: stack.tokenWithRoles(roles),
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

    const shown = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
    const last = shown.history.at(-1);
    expect(last).toMatchObject({ type: 'countersigned', sha256Before: shown.signedDocument.sha256, sha256After: shown.executedDocument.sha256 });

    const s3 = await createS3Client({ region: 'eu-west-3', endpoint: stack.settings.s3Endpoint, credentials: LOCAL_CREDENTIALS });
    const object = await s3.send(new GetObjectCommand({ Bucket: stack.settings.bucketName, Key: shown.executedDocument.key }));
    const final = await object.Body!.transformToByteArray();
    expect(sha256Hex(final)).toBe(shown.executedDocument.sha256);
    const report = pdftext(final);
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

  it('restores, when countersigned again, an executed PDF whose storage was lost, byte for byte, and sends it to both parties', async () => {
    const { id, email } = await signedConvention(leBoulou, 'restore', { ...campaign2026, schoolYear: '2039-2040' });
    expect((await countersign(id, ['signataire'])).status).toBe(200);
    const { executedDocument } = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
    const s3 = await createS3Client({ region: 'eu-west-3', endpoint: stack.settings.s3Endpoint, credentials: LOCAL_CREDENTIALS });
    // As if S3 had stayed down past every retry after the countersignature was recorded.
    await s3.send(new DeleteObjectCommand({ Bucket: stack.settings.bucketName, Key: executedDocument.key }));

    // Within the minute, the first request may still be storing it: refused as any second countersignature.
    expect((await countersign(id, ['signataire'])).status).toBe(409);

    const later = { ...composeDeps(loadConfig(process.env)), sealer: sealer(), now: () => new Date(Date.now() + RESTORE_AFTER_MS + 1_000) };
    const again = await countersignConvention(later, { id, actor: 'clerk@rectorat.example.org', ip: '127.0.0.1', userAgent: 'test' });
    expect(again.executedDocument).toEqual(executedDocument);
    const object = await s3.send(new GetObjectCommand({ Bucket: stack.settings.bucketName, Key: executedDocument.key }));
    expect(sha256Hex(await object.Body!.transformToByteArray())).toBe(executedDocument.sha256);
    expect((await stack.inbox(email)).filter((mail) => mail.subject.includes('exécutoire'))).toHaveLength(2);
    const history = (await stack.admin('GET', `/admin/conventions/${id}`)).json.history as { type: string }[];
    expect(history.filter((event) => event.type === 'countersigned')).toHaveLength(1);

    // The document is there: another countersignature is refused, as any other.
    await expect(countersignConvention(later, { id, actor: 'clerk@rectorat.example.org', ip: '127.0.0.1', userAgent: 'test' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('names the delegate who countersigns for the rectrice', async () => {
    const { id } = await signedConvention(pezilla, 'delegate-cs');
    const delegate = { name: 'Marie DUPONT', title: 'Secrétaire générale de la région académique' };
    const { status, json } = await countersign(id, ['signataire'], { delegate });
    expect(status).toBe(200);
    expect(json.countersignature).toMatchObject({ signerName: 'Marie DUPONT', byDelegation: true });
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
    const response = await stack.request('POST', '/admin/campaigns', { token: stack.tokenWithRoles(['signataire']), body: { ...campaign2026, schoolYear: '2031-2032' } });
    expect(response.status).toBe(403);
  });
});
