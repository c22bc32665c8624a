import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifiedTimestamp } from '../support/seal-evidence.ts';
import { sha256Hex } from '../../functions/domain/sha256.ts';
import { createS3Client } from '../../functions/adapters/s3-document-store.ts';
import { LOCAL_CREDENTIALS } from '../../infra/local/resources.ts';
import { campaign2026, lespignan, deliberation } from '../fixtures/seed-communes.ts';
import { eventually, mayorEmail, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.close());

const linkIn = (text: string | undefined) => /https?:\/\/\S+\/sign\/[A-Za-z0-9_-]+/.exec(text ?? '')?.[0];

describe('one convention from campaign to signed PDF', () => {
  it('is created, sent, viewed, signed and read back from S3, over HTTP on the real local servers', async () => {
    // Prepare
    const email = mayorEmail('lespignan');
    const created = await stack.admin('POST', '/admin/campaigns', campaign2026);
    expect(created.status).toBe(201);
    const added = await stack.admin('POST', '/admin/campaigns/2026-2027/conventions', { ...lespignan, mayor: { ...lespignan.mayor, email } });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ status: 'draft', amountCents: 8000 });
    const id: string = added.json.id;

    // Act: the rectorat sends: one request, a job to follow
    const started = await stack.admin('POST', '/admin/campaigns/2026-2027/send');
    expect(started.status).toBe(202);
    const job = await stack.waitForJob(started.json.jobId);
    expect(job).toMatchObject({ kind: 'send-campaign', state: 'done', done: 1, total: 1, failed: [], tally: { sent: 1 } });
    expect(Date.parse(job.finishedAt)).toBeGreaterThanOrEqual(Date.parse(job.startedAt));

    // Assess: the invitation is in the inbox, in French, with a personal link
    const [invitation, ...others] = await stack.inbox(email);
    expect(others).toHaveLength(0);
    expect(invitation!.subject).toBe('Convention ENT-École 2026-2027 à signer – commune de Lespignan');
    expect(invitation!.body.text).toContain('80\u00a0€');
    expect(invitation!.body.html).toContain('Lire et signer la convention');
    const link = linkIn(invitation!.body.text)!;
    expect(link.startsWith(stack.url)).toBe(true);
    const path = new URL(link).pathname;

    // The mayor opens the link: the page shows the commune, the schools, the amount and the end date
    const pageResponse = await stack.request('GET', path, { token: null, headers: { 'user-agent': 'Mozilla/5.0 (Android) Test' } });
    expect(pageResponse.status).toBe(200);
    const page = await pageResponse.text();
    for (const expected of ['Lespignan', '0341401N', '0341406U', '80\u00a0€', '5 septembre 2027', `${path}/document`]) {
      expect(page).toContain(expected);
    }
    const original = new Uint8Array(await (await stack.request('GET', `${path}/document`, { token: null })).arrayBuffer());
    const download = await stack.request('GET', `${path}/document?telecharger=1`, { token: null });
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="convention-ent-ecole-2026-2027-lespignan\.pdf"$/);
    expect(Buffer.from(original.subarray(0, 5)).toString()).toBe('%PDF-');

    // The mayor signs
    const signResponse = await stack.request('POST', path, {
      token: null,
      headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 14) Mairie' },
      form: { signerName: 'Jean François GUIBBERT', capacity: 'maire', consent: 'on', ...deliberation },
    });
    expect(signResponse.status).toBe(200);
    expect(await signResponse.text()).toContain('Convention signée, merci');

    // The signed copy is sealed by its job and emailed to the mayor, once
    const mails = await eventually(async () => {
      const received = await stack.inbox(email);
      return received.length >= 2 && received;
    });
    expect(mails).toHaveLength(2);
    const confirmation = mails.find((mail) => mail.subject.includes('signée'))!;
    expect(confirmation.attachments).toHaveLength(1);
    expect(confirmation.attachments[0]!.contentType).toBe('application/pdf');

    // The admin view shows the status and the dated history
    // The job emails before the transaction that records the signed copy ends it: the record follows the email.
    const shown = await eventually(async () => {
      const view = await stack.admin('GET', `/admin/conventions/${id}`);
      return view.json.signedDocument && view;
    });
    expect(shown.status).toBe(200);
    expect(shown.json.status).toBe('signed');
    expect(shown.json.history.map((event: { type: string }) => event.type)).toEqual(['created', 'sent', 'viewed', 'signed', 'document_sealed']);
    for (const event of shown.json.history) expect(Date.parse(event.at)).not.toBeNaN();
    const [signedEvent, sealedEvent] = shown.json.history.slice(-2);
    // The signature, by whom, from where; then the job's seal over the original, giving the signed copy.
    expect(signedEvent).toMatchObject({ actor: 'Jean François GUIBBERT', userAgent: 'Mozilla/5.0 (Linux; Android 14) Mairie', ip: '127.0.0.1' });
    expect(sealedEvent).toMatchObject({ sha256Before: shown.json.document.sha256, sha256After: shown.json.signedDocument.sha256 });

    // The audit trail exports as a JSON file
    const audit = await stack.request('GET', `/admin/conventions/${id}/audit.json`);
    expect(audit.headers.get('content-disposition')).toContain(`audit-convention-${id}.json`);
    const trail = (await audit.json()) as { convention: { id: string }; events: unknown[] };
    expect(trail.convention.id).toBe(id);
    expect(trail.events).toEqual(shown.json.history);

    // The signed PDF in S3 is the original plus a certificate page, and its hash is the one recorded
    const s3 = await createS3Client({ region: 'eu-west-3', endpoint: stack.settings.s3Endpoint, credentials: LOCAL_CREDENTIALS });
    const object = await s3.send(new GetObjectCommand({ Bucket: stack.settings.bucketName, Key: shown.json.signedDocument.key }));
    const signedPdf = await object.Body!.transformToByteArray();
    expect(sha256Hex(signedPdf)).toBe(shown.json.signedDocument.sha256);
    expect(sha256Hex(original)).toBe(shown.json.document.sha256);
    const [originalDoc, signedDoc] = await Promise.all([PDFDocument.load(original), PDFDocument.load(signedPdf)]);
    expect(signedDoc.getPageCount()).toBe(originalDoc.getPageCount() + 1);
    expect(Buffer.from(confirmation.attachments[0]!.content, 'base64').equals(Buffer.from(signedPdf))).toBe(true);

    // It carries the platform's PAdES seal over the whole file
    const file = join(mkdtempSync(join(tmpdir(), 'paraphe-e2e-')), 'signed.pdf');
    writeFileSync(file, signedPdf);
    const report = spawnSync('pdfsig', [file], { encoding: 'utf8' }).stdout;
    expect(report).toContain('Signature is Valid');
    expect(report).toContain('Total document signed');
    // PAdES B-T: its time-stamp token, over its signature value, verifies up to the local CA.
    expect(verifiedTimestamp(signedPdf, inject('servers')).output).toContain('Verification: OK');
  });
});
