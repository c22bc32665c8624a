/**
 * Sending a campaign through faults, on the real local servers: two sends at
 * once, a refused email, a sender whose claim lapsed and was taken over,
 * DynamoDB unreachable right after an email went out (an invitation, a
 * reminder), a sender dying before recording what SES accepted, and S3
 * unreachable right after a signature was recorded.
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDeps, type BaseDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { createS3Client } from '../../functions/adapters/s3-document-store.ts';
import { sealer } from '../../functions/adapters/sealing.ts';
import { RESTORE_AFTER_MS } from '../../functions/core/certificates.ts';
import { parisMidnightUtc } from '../../functions/core/calendar.ts';
import { sha256Hex } from '../../functions/core/digest.ts';
import { AppError } from '../../functions/core/errors.ts';
import { firstWakeUp } from '../../functions/core/reminder-schedule.ts';
import { sendCampaign } from '../../functions/core/send-campaign.ts';
import { sendReminders } from '../../functions/core/send-reminders.ts';
import { signConvention } from '../../functions/core/sign-convention.ts';
import type { OutgoingEmail } from '../../functions/core/ports.ts';
import { functionSpecs } from '../../infra/functions.ts';
import { lambdaContext, loadHandler } from '../../infra/local/gateway.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { LOCAL_CREDENTIALS } from '../../infra/local/resources.ts';
import { campaign2026, leBoulou, lespignan, pezilla } from '../fixtures/seed-communes.ts';
import { sesSendEvent } from '../support/ses-events.ts';
import { mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

let stack: TestStack;
let deps: BaseDeps;
beforeAll(async () => {
  stack = await startTestStack();
  deps = composeDeps(loadConfig(process.env));
});
afterAll(async () => stack?.close());

const fixtures = [lespignan, leBoulou, pezilla];

/** A campaign for `year` with one convention per fixture, each with its own mayor address. */
async function campaignOf(year: string, label: string): Promise<{ ids: string[]; emails: string[] }> {
  expect((await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: year })).status).toBe(201);
  const ids: string[] = [];
  const emails: string[] = [];
  for (const [index, fixture] of fixtures.entries()) {
    const email = mayorEmail(`${label}-${index}`);
    const created = await stack.admin('POST', `/admin/campaigns/${year}/conventions`, { ...fixture, mayor: { ...fixture.mayor, email } });
    expect(created.status).toBe(201);
    ids.push(created.json.id);
    emails.push(email);
  }
  return { ids, emails };
}

/**
 * Dependencies whose DynamoDB or S3 goes through a TCP line that `cut()` cuts
 * for 3 s (connections refused and reset), as when the server restarts.
 */
async function withCutLine<T>(service: 'DYNAMODB_ENDPOINT' | 'S3_ENDPOINT', act: (cut: BaseDeps, cut3s: () => Promise<void>) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const target = new URL(config[service]!);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  try {
    const cut3s = async () => {
      await proxy.down();
      setTimeout(() => void proxy.up(), 3_000);
    };
    return await act(composeDeps({ ...config, [service]: proxy.url }), cut3s);
  } finally {
    await proxy.close();
  }
}

/** DynamoDB cut for 3 s right after the first email went out; `emailed` counts emails. */
async function withOutageAfterFirstEmail<T>(act: (cut: BaseDeps, emailed: () => number) => Promise<T>): Promise<T> {
  return withCutLine('DYNAMODB_ENDPOINT', (cut, cut3s) => {
    let emailed = 0;
    const mailer = {
      send: async (message: OutgoingEmail) => {
        await cut.mailer.send(message);
        if (emailed++ === 0) await cut3s();
      },
    };
    return act({ ...cut, mailer }, () => emailed);
  });
}

describe('sending a campaign', () => {
  it('emails each mayor once when two sends run at once', async () => {
    const { emails } = await campaignOf('2031-2032', 'twice');
    const reports = await Promise.all([1, 2].map(() => sendCampaign(deps, { schoolYear: '2031-2032', actor: 'test' })));
    expect(reports[0]!.sent + reports[1]!.sent).toBe(3);
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(1);
  });

  it('puts a convention whose email was refused back to draft, with the reason, and the next send sends it', async () => {
    const { ids, emails } = await campaignOf('2032-2033', 'refused');
    const refusing = { ...deps, mailer: { send: async () => { throw Object.assign(new Error('Daily quota'), { name: 'Throttling' }); } } };
    const failed = await sendCampaign(refusing, { schoolYear: '2032-2033', actor: 'test' });
    expect(failed.sent).toBe(0);
    expect(failed.failed.map((entry) => entry.reason)).toEqual(Array(3).fill("L'envoi du courriel a échoué (Throttling)."));
    expect((await deps.conventions.get(ids[0]!))?.status).toBe('draft');
    expect((await deps.conventions.history(ids[0]!)).map((event) => event.type)).toContain('invitation_failed');

    const retried = await sendCampaign(deps, { schoolYear: '2032-2033', actor: 'test' });
    expect(retried.sent).toBe(3);
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(1);
  });

  it('lets a sender whose lease lapsed and was taken over change nothing', async () => {
    const { ids } = await campaignOf('2033-2034', 'fenced');
    const id = ids[0]!;
    const t0 = Date.parse('2033-09-01T08:00:00.000Z');
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    const stale = at(1_000);
    const fresh = at(61_000);
    expect(await deps.conventions.claimForSending(id, at(0), stale)).toBe(true);
    expect(await deps.conventions.claimForSending(id, at(500), at(60_500))).toBe(false); // still held
    expect(await deps.conventions.claimForSending(id, at(1_001), fresh)).toBe(true); // lapsed: taken over

    const document = { key: `conventions/${id}.pdf`, sha256: '0'.repeat(64) };
    const link = { hash: 'a'.repeat(64), expiresAt: at(86_400_000) };
    await expect(deps.conventions.attachInvitation(id, stale, document, link)).rejects.toMatchObject({ code: 'CONFLICT' });
    const sent = { conventionId: id, at: at(2_000), type: 'sent' as const, actor: 'test' };
    await expect(deps.conventions.markSent(id, stale, sent, undefined)).rejects.toBeInstanceOf(AppError);
    await deps.conventions.releaseSending(id, stale, { conventionId: id, at: at(2_001), type: 'invitation_failed', actor: 'test' });
    expect(await deps.conventions.get(id)).toMatchObject({ status: 'sending', sendingLeaseUntil: fresh });

    await deps.conventions.markSent(id, fresh, { ...sent, at: at(3_000) }, undefined);
    expect((await deps.conventions.get(id))?.status).toBe('sent');
  });

  it('records an invitation already emailed through DynamoDB refusing connections, so no later send emails the mayor again', async () => {
    const { ids, emails } = await campaignOf('2034-2035', 'outage');
    const report = await withOutageAfterFirstEmail((cut) => sendCampaign(cut, { schoolYear: '2034-2035', actor: 'test' }));
    expect(report).toMatchObject({ sent: 3, failed: [] });
    for (const id of ids) expect((await deps.conventions.get(id))?.status).toBe('sent');
    expect((await sendCampaign(deps, { schoolYear: '2034-2035', actor: 'test' })).sent).toBe(0);
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(1);
  });

  it("records, from SES's Send event, an invitation whose sender died before recording it, so the send after the lease emails nobody again", async () => {
    const { ids, emails } = await campaignOf('2035-2036', 'receipt');
    const crash = () => Object.assign(new Error('Runtime exited'), { name: 'Crash' });
    const accepted: OutgoingEmail[] = [];
    const dying = {
      ...deps,
      // SES accepts the email, then the process dies: no clean-up, no record.
      mailer: { send: async (email: OutgoingEmail) => { await deps.mailer.send(email); accepted.push(email); throw crash(); } },
      conventions: { ...deps.conventions, releaseSending: async () => { throw crash(); } },
    };
    await expect(sendCampaign(dying, { schoolYear: '2035-2036', actor: 'test' })).rejects.toThrow('Runtime exited');
    expect(accepted).toHaveLength(1);
    const id = accepted[0]!.tags!.paraphe_convention!;
    expect((await deps.conventions.get(id))?.status).toBe('sending');

    const handler = await loadHandler(PROJECT_ROOT, functionSpecs.find((spec) => spec.name === 'ses-events')!);
    const event = sesSendEvent({ to: accepted[0]!.to[0]!, tags: accepted[0]!.tags!, at: new Date() });
    expect(await handler(event, lambdaContext('ses-events'))).toEqual({ marked: 0, confirmed: 1 });
    expect(await handler(event, lambdaContext('ses-events'))).toEqual({ marked: 0, confirmed: 0 }); // delivered twice: once recorded
    const history = await deps.conventions.history(id);
    expect(history.filter((entry) => entry.type === 'sent')).toMatchObject([{ actor: 'ses' }]);

    // Past the lease, the next send sends the two others and not this one again.
    const later = { ...deps, now: () => new Date(Date.now() + 6 * 60 * 1000) };
    expect(await sendCampaign(later, { schoolYear: '2035-2036', actor: 'test' })).toMatchObject({ sent: 2 });
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(1);
    expect(ids).toContain(id);
  });

  it("leaves alone a Send event for an invitation its sender recorded", async () => {
    const { emails } = await campaignOf('2036-2037', 'recorded');
    const accepted: OutgoingEmail[] = [];
    const watching = { ...deps, mailer: { send: async (email: OutgoingEmail) => { await deps.mailer.send(email); accepted.push(email); } } };
    expect(await sendCampaign(watching, { schoolYear: '2036-2037', actor: 'test' })).toMatchObject({ sent: 3 });
    const handler = await loadHandler(PROJECT_ROOT, functionSpecs.find((spec) => spec.name === 'ses-events')!);
    for (const email of accepted) {
      expect(await handler(sesSendEvent({ to: email.to[0]!, tags: email.tags!, at: new Date() }), lambdaContext('ses-events'))).toEqual({ marked: 0, confirmed: 0 });
      const history = await deps.conventions.history(email.tags!.paraphe_convention!);
      expect(history.filter((entry) => entry.type === 'sent')).toMatchObject([{ actor: 'test' }]);
    }
    expect(accepted.map((email) => email.to[0])).toEqual(expect.arrayContaining(emails));
  });
});

describe('a reminder sweep', () => {
  it('records a reminder already emailed through DynamoDB refusing connections, so a replay of the day sends it no more', async () => {
    const { ids, emails } = await campaignOf('2037-2038', 'reminded');
    expect((await sendCampaign(deps, { schoolYear: '2037-2038', actor: 'test' })).sent).toBe(3);
    const campaign = (await deps.campaigns.get('2037-2038'))!;
    const first = (await deps.conventions.get(ids[0]!))!;
    const due = firstWakeUp(campaign, first, first.sentAt!)!;
    const at = new Date(Date.parse(parisMidnightUtc(due)) + 9 * 3600 * 1000);

    // Other tests' conventions of this table may fall due the same day: they are swept too.
    await withOutageAfterFirstEmail(async (cut, emailed) => {
      expect((await sendReminders(cut, { today: due, at: at.toISOString() })).failed).toBe(0);
      expect(emailed()).toBeGreaterThanOrEqual(3);
    });
    // The same day again, 20 minutes later, as if the sweep had died before moving the due dates.
    for (const id of ids) await deps.reminders.reschedule(id, due);
    const replay = await sendReminders(deps, { today: due, at: new Date(at.getTime() + 20 * 60 * 1000).toISOString() });
    expect(replay).toMatchObject({ emails: 0, alreadySent: 3 });
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(2); // the invitation and one reminder
  });
});

describe('a signature', () => {
  it('stores the signed PDF and emails it through S3 refusing connections right after the signature was recorded', async () => {
    const email = mayorEmail('s3-blip');
    const { id, path } = await sentConvention(stack, { ...campaign2026, schoolYear: '2038-2039' }, { ...lespignan, mayor: { ...lespignan.mayor, email } });
    const signed = await withCutLine('S3_ENDPOINT', (cut, cut3s) => {
      const conventions = {
        ...cut.conventions,
        recordSignature: async (...args: Parameters<BaseDeps['conventions']['recordSignature']>) => {
          const won = await cut.conventions.recordSignature(...args);
          await cut3s();
          return won;
        },
      };
      return signConvention(
        { ...cut, conventions, sealer: sealer() },
        { token: path.split('/').at(-1)!, form: { signerName: 'Jean François GUIBBERT', capacity: 'maire', consent: 'on' }, ip: '127.0.0.1', userAgent: 'test' },
      );
    });
    expect(signed.status).toBe('signed');
    const stored = await deps.documents.get(signed.signedDocument!.key);
    expect(stored && sha256Hex(stored)).toBe((await deps.conventions.get(id))?.signedDocument?.sha256);
    const mails = await stack.inbox(email);
    expect(mails.map((mail) => mail.attachments.length)).toEqual([0, 1]); // the invitation, then the signed copy
  });

  it('is restored, when the mayor signs again a minute later, if its PDF never reached S3: the same bytes, emailed', async () => {
    const email = mayorEmail('restore-signed');
    const { id, path } = await sentConvention(stack, { ...campaign2026, schoolYear: '2040-2041' }, { ...lespignan, mayor: { ...lespignan.mayor, email } });
    const input = { token: path.split('/').at(-1)!, form: { signerName: 'Jean François GUIBBERT', capacity: 'maire' as const, consent: 'on' as const }, ip: '127.0.0.1', userAgent: 'test' };
    const signing = { ...deps, sealer: sealer() };
    const { signedDocument } = await signConvention(signing, input);
    // As if S3 had stayed down past every retry after the signature was recorded.
    const s3 = await createS3Client({ region: 'eu-west-3', endpoint: stack.settings.s3Endpoint, credentials: LOCAL_CREDENTIALS });
    await s3.send(new DeleteObjectCommand({ Bucket: stack.settings.bucketName, Key: signedDocument!.key }));

    // Within the minute, the first request may still be storing it: "déjà signée".
    await expect(signConvention(signing, input)).rejects.toMatchObject({ code: 'ALREADY_SIGNED' });
    const later = { ...signing, now: () => new Date(Date.now() + RESTORE_AFTER_MS + 1_000) };
    expect(await signConvention(later, input)).toMatchObject({ status: 'signed', signedDocument });
    const stored = await deps.documents.get(signedDocument!.key);
    expect(stored && sha256Hex(stored)).toBe(signedDocument!.sha256);
    expect((await stack.inbox(email)).map((mail) => mail.attachments.length)).toEqual([0, 1, 1]);
    expect((await deps.conventions.history(id)).filter((event) => event.type === 'signed')).toHaveLength(1);
    // Stored again: a further signature is "déjà signée".
    await expect(signConvention(later, input)).rejects.toMatchObject({ code: 'ALREADY_SIGNED' });
  });
});
