/**
 * Sending a campaign through faults, on the real local servers: two sends at
 * once, a refused email, a sender whose claim lapsed and was taken over, and
 * DynamoDB unreachable right after an email went out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDeps, type BaseDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { AppError } from '../../functions/core/errors.ts';
import { sendCampaign } from '../../functions/core/send-campaign.ts';
import { campaign2026, leBoulou, lespignan, pezilla } from '../fixtures/seed-communes.ts';
import { mayorEmail, startTestStack, type TestStack } from '../support/stack.ts';
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
    const config = loadConfig(process.env);
    const target = new URL(config.DYNAMODB_ENDPOINT!);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    try {
      const cut = composeDeps({ ...config, DYNAMODB_ENDPOINT: proxy.url });
      let outages = 0;
      const cutAfterEmail = {
        ...cut,
        mailer: {
          send: async (message: Parameters<BaseDeps['mailer']['send']>[0]) => {
            await cut.mailer.send(message);
            if (outages++ > 0) return;
            // The first email is out: DynamoDB goes away for 3 s, as when it restarts.
            await proxy.down();
            setTimeout(() => void proxy.up(), 3_000);
          },
        },
      };
      const report = await sendCampaign(cutAfterEmail, { schoolYear: '2034-2035', actor: 'test' });
      expect(report).toMatchObject({ sent: 3, failed: [] });
      for (const id of ids) expect((await deps.conventions.get(id))?.status).toBe('sent');
      expect((await sendCampaign(deps, { schoolYear: '2034-2035', actor: 'test' })).sent).toBe(0);
      for (const email of emails) expect(await stack.inbox(email)).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});
