/**
 * A signing link sent to another address leaves a trace, on the real local
 * servers: the previous address is told (masked, no link) by a job written
 * with the change, the history and the audit export carry both addresses,
 * the certificate of the signed PDF prints the address the link went to and
 * the change, and the next digest lists it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { addDays, nextWorkingDay, parisDateOf } from '../../functions/domain/calendar.ts';
import { newJob } from '../../functions/domain/jobs/job.ts';
import { startDigest } from '../../functions/use-cases/send-digest.ts';
import { campaign2026, lespignan, deliberation } from '../fixtures/seed-communes.ts';
import { eventually, mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';
import { normalize, pdfInfo, pdfText, savePdf } from '../support/read-pdf.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.close());

const signingPath = (text: string | undefined) => new URL(/https?:\/\/\S+\/sign\/[A-Za-z0-9_-]+/.exec(text ?? '')![0]).pathname;
const NOTICE_SUBJECT = 'lien de signature envoyé à une autre adresse';

describe('a new link sent to another address', () => {
  const previous = mayorEmail('avant');
  const next = mayorEmail('apres');
  let id: string;
  let oldPath: string;
  let newPath: string;

  it('tells the previous address, masked and without any link, and sends the invitation to the new one', async () => {
    ({ id, path: oldPath } = await sentConvention(stack, { ...campaign2026, schoolYear: '2046-2047' }, { ...lespignan, mayor: { ...lespignan.mayor, email: previous } }));
    const resent = await stack.admin('POST', `/admin/conventions/${id}/resend`, { mayorEmail: next });
    expect(resent.status).toBe(200);
    expect(resent.json.mayorEmail).toBe(next);

    const [invitation, ...others] = await stack.inbox(next);
    expect(others).toHaveLength(0);
    newPath = signingPath(invitation!.body.text);
    expect(newPath).not.toBe(oldPath);

    const notice = await eventually(async () => (await stack.inbox(previous)).find((mail) => mail.subject.includes(NOTICE_SUBJECT)));
    const text = notice.body.text ?? '';
    expect(text).toContain(`le lien de signature de la convention ENT-École de la commune de Lespignan pour l’année scolaire 2046-2047 a été envoyé le `);
    expect(text).toContain('à une autre adresse (m…@example.org)');
    for (const part of [text, notice.body.html ?? '', notice.subject]) {
      expect(part).not.toContain(next);
      expect(part).not.toContain('/sign/');
    }
    // Once: the invitation of the first send, then the notice, nothing else.
    expect((await stack.inbox(previous)).map((mail) => mail.subject.includes(NOTICE_SUBJECT))).toEqual([false, true]);
  });

  it('stops a reminder planned for the previous address: nothing goes there, the new link stays the live one', async () => {
    const deps = composeDeps(loadConfig(process.env));
    // A day the first "not signed yet" reminder is due, whose plan was made before the change: one mayor, the
    // previous address, this convention due. Sent, it would carry a fresh link (killing the new one) to the old mailbox.
    const sentOn = parisDateOf(new Date());
    const today = addDays(sentOn, 10);
    const job = newJob({ id: `reminder-${randomBytes(4).toString('hex')}`, kind: 'reminder', payload: { today, at: new Date().toISOString(), email: previous, entries: [{ conventionId: id, dueDate: sentOn }] }, at: new Date().toISOString() });
    expect((await deps.jobs.startTracked(job)).started).toBe(true);
    expect(await stack.waitForJob(job.id)).toMatchObject({ state: 'done', tally: {} });
    expect((await stack.inbox(previous)).map((mail) => mail.subject.includes(NOTICE_SUBJECT))).toEqual([false, true]);
    expect((await stack.request('GET', newPath, { token: null })).status).toBe(200);
  });

  it('is in the history and the audit export, with both addresses, and on the convention', async () => {
    const shown = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
    expect(shown.mayor.email).toBe(next);
    expect(shown.addressChanges).toEqual([{ at: expect.any(String), previous, next, actor: expect.any(String) }]);
    const change = shown.history.find((event: { type: string }) => event.type === 'mayor_email_changed');
    expect(change).toMatchObject({ addressChange: { previous, next }, at: shown.addressChanges[0].at, id: expect.any(String) });
    expect(shown.history.find((event: { type: string }) => event.type === 'link_resent')).toMatchObject({ at: change.at, cause: 'resend', newAddress: next });
    const audit = await stack.request('GET', `/admin/conventions/${id}/audit.json`);
    const trail = (await audit.json()) as { events: { type: string; addressChange?: unknown }[] };
    expect(trail.events.filter((event) => event.type === 'mayor_email_changed')).toEqual([expect.objectContaining({ addressChange: { previous, next } })]);
  });

  it('is printed on the certificate of the signed copy: the address the link went to, and the change', async () => {
    expect((await stack.request('POST', newPath, { token: null, form: { signerName: lespignan.mayor.name, capacity: 'maire', consent: 'on', ...deliberation } })).status).toBe(200);
    const signed = await eventually(async () => {
      const shown = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
      return shown.signedDocument ? shown : undefined;
    });
    expect(signed.signature).toMatchObject({ linkSentTo: next, addressChanges: [{ previous, next }] });
    const pdf = await stack.request('GET', `${newPath}/document`, { token: null });
    const file = savePdf(new Uint8Array(await pdf.arrayBuffer()), 'address-change');
    const certificate = normalize(pdfText(file, Number(pdfInfo(file).Pages)));
    expect(certificate).toContain('Certificat de signature');
    expect(certificate).toContain(`Lien de signature envoyé à : ${next}`);
    expect(certificate).toContain(`à la demande du rectorat, le lien de signature a été envoyé à ${next} au lieu de m...@example.org`);
    expect(certificate).not.toContain(previous);
    // The signed copy goes to the new address only.
    await eventually(async () => (await stack.inbox(next)).some((mail) => mail.attachments.length > 0));
    expect((await stack.inbox(previous)).every((mail) => mail.attachments.length === 0)).toBe(true);
  });

  it('is listed in the next digest: the commune, the convention, the previous address masked, the new one, who asked', async () => {
    const recipient = `digest.${randomBytes(3).toString('hex')}@rectorat.example.org`;
    const today = nextWorkingDay(addDays(parisDateOf(new Date()), 1));
    const started = await startDigest(composeDeps(loadConfig(process.env)), { today, at: new Date().toISOString(), recipients: [recipient] });
    expect(await stack.waitForJob(started.jobId)).toMatchObject({ state: 'done', failedCount: 0 });
    const [digest] = await stack.inbox(recipient);
    expect(digest!.subject).toContain('1 changement d’adresse');
    const line = (digest!.body.text ?? '').split('\n').find((entry) => entry.includes(`convention ${id}`));
    expect(line).toMatch(/^- Lespignan \(34\) – convention [0-9a-f-]+ – le .+, par \S+ – Adresse du maire changée à la demande du rectorat/);
    expect(line).toContain(`m…@example.org → ${next}\u202f;`);
    expect(digest!.body.text).not.toContain(previous);
  });
});
