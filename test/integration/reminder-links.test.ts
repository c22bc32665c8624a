/**
 * Issue 15, point 1, on the real local servers: the link of the first email
 * keeps working after the reminders (each brings a link of its own, kills
 * none) until it expires or the rectorat resends. The invitations and the
 * reminders of the weeks before today run on a fixed clock (the real
 * schedule handler, day by day); the mayor then opens and signs through the
 * API, on the wall clock, as on the day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { sealer } from '../../functions/adapters/sealing.ts';
import { addConvention } from '../../functions/use-cases/add-convention.ts';
import { addDays, dayOfWeek, parisDateOf } from '../../functions/domain/calendar.ts';
import { createCampaign } from '../../functions/use-cases/create-campaign.ts';
import { newCampaignSchema, newConventionSchema, parseInput } from '../../functions/use-cases/input/inputs.ts';
import type { Deps } from '../../functions/use-cases/ports.ts';
import { hashToken, linkExpiry } from '../../functions/use-cases/signing-link.ts';
import { formatParisDateTime } from '../../templates/format/french.ts';
import { campaign2026, deliberation, leBoulou, lespignan, pezilla } from '../fixtures/seed-communes.ts';
import { newReminders, nineInParis, runReminderDay, sendCampaignOnClock, tokensIn } from '../support/reminder-days.ts';
import { mayorEmail, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let deps: Deps;
let clock: Date;

// Invited 24 days ago: two weekly reminders (the policy's maximum here) have gone out since.
const today = parisDateOf(new Date());
const invitedOn = addDays(today, -24);
const year = Number(invitedOn.slice(0, 4));
const onlyTwoUnsignedReminders = { unsignedMax: 2, avenantWindowOpenNotice: false, avenantNoticesDaysBefore: [], endDateNoticesDaysBefore: [] };
const keeps = { schoolYear: `${year}-${year + 1}`, validity: 60 };
const shortLived = { schoolYear: `${year + 1}-${year + 2}`, validity: 12 };
const mayors = { keeps: mayorEmail('links-keep'), resent: mayorEmail('links-resent'), shortLived: mayorEmail('links-short') };

/** What each mayor received: the invitation's token, then each reminder's. */
const tokens: Record<keyof typeof mayors, string[]> = { keeps: [], resent: [], shortLived: [] };
let conventionIds: Record<keyof typeof mayors, string>;

const page = (token: string) => stack.request('GET', `/sign/${token}`, { token: null });

beforeAll(async () => {
  stack = await startTestStack({ workers: false });
  deps = { ...composeDeps(loadConfig(process.env)), sealer: sealer(), now: () => clock };
  clock = nineInParis(invitedOn);
  const ids: Partial<Record<keyof typeof mayors, string>> = {};
  for (const [campaign, communes] of [
    [keeps, [[lespignan, 'keeps'], [leBoulou, 'resent']]],
    [shortLived, [[pezilla, 'shortLived']]],
  ] as const) {
    await createCampaign(deps, parseInput(newCampaignSchema, {
      ...campaign2026, schoolYear: campaign.schoolYear, endDate: `${Number(campaign.schoolYear.slice(5))}-09-05`, issueDate: invitedOn,
      linkValidityDays: campaign.validity, reminderPolicy: onlyTwoUnsignedReminders,
    }));
    for (const [fixture, label] of communes) {
      const added = await addConvention(deps, { schoolYear: campaign.schoolYear, convention: parseInput(newConventionSchema, { ...fixture, mayor: { ...fixture.mayor, email: mayors[label] } }), actor: 'test' });
      ids[label] = added.id;
    }
    expect(await sendCampaignOnClock(deps, campaign.schoolYear)).toEqual({ sent: communes.length });
  }
  conventionIds = ids as typeof conventionIds;
  for (const label of Object.keys(mayors) as (keyof typeof mayors)[]) tokens[label].push(...tokensIn((await stack.inbox(mayors[label]))[0]!));

  // Every weekday since, up to yesterday: the schedule fires, its jobs run.
  const received = newReminders(stack);
  for (let day = addDays(invitedOn, 1); day < today; day = addDays(day, 1)) {
    if (dayOfWeek(day) > 5) continue;
    clock = nineInParis(day);
    await runReminderDay(deps, day);
    const fresh = await received(Object.values(mayors));
    for (const label of Object.keys(mayors) as (keyof typeof mayors)[]) for (const mail of fresh[mayors[label]]!) tokens[label].push(...tokensIn(mail));
  }
}, 240_000);
afterAll(async () => stack?.close());

describe('a link a mayor received', () => {
  it('each of two reminders came with a link of its own', () => {
    for (const received of Object.values(tokens)) {
      expect(received).toHaveLength(3);
      expect(new Set(received).size).toBe(3);
    }
  });

  it('from the first email still opens the signing page after two reminders, stating its own expiry, and signs', async () => {
    const [first] = tokens.keeps;
    const opened = await page(first!);
    expect(opened.status).toBe(200);
    const html = await opened.text();
    expect(html).toContain('Lespignan');
    // The page states when this very link expires: 60 days after the invitation, not after the last reminder.
    expect(html).toContain(formatParisDateTime(linkExpiry(nineInParis(invitedOn), keeps.validity)).replace(/'/g, '&#39;'));
    // Each reminder's link opens it too.
    for (const later of tokens.keeps.slice(1)) expect((await page(later)).status).toBe(200);

    const signed = await stack.request('POST', `/sign/${first}`, { token: null, form: { signerName: 'Jean François GUIBBERT', capacity: 'maire', consent: 'on', ...deliberation } });
    expect(signed.status).toBe(200);
    const convention = (await stack.admin('GET', `/admin/conventions/${conventionIds.keeps}`)).json;
    expect(convention.status).toBe('signed');
    expect(convention.history.filter((event: { type: string }) => event.type === 'reminded')).toHaveLength(2);
    // The admin view shows no link hash.
    expect(convention.links).toBeUndefined();
  });

  it('after a resend, the invitation\'s and the reminders\' links open the neutral invalid page; the new one opens the convention', async () => {
    const resent = await stack.admin('POST', `/admin/conventions/${conventionIds.resent}/resend`);
    expect(resent.status).toBe(200);
    const neutral = await (await page('A'.repeat(43))).text();
    for (const old of tokens.resent) {
      const response = await page(old);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe(neutral);
      // Its lookup item is gone with it: only hashes were ever stored, and now not even those.
      expect(await deps.conventions.findByLinkHash(hashToken(old))).toBeUndefined();
    }
    const resendMail = (await stack.inbox(mayors.resent)).at(-1)!;
    const [fresh] = tokensIn(resendMail);
    expect(tokens.resent).not.toContain(fresh);
    expect((await page(fresh!)).status).toBe(200);
    expect((await stack.request('POST', `/sign/${tokens.resent[0]}`, { token: null, form: { signerName: 'François COMES', capacity: 'maire', consent: 'on', ...deliberation } })).status).toBe(404);
  });

  it('once expired opens the neutral invalid page, while a later reminder\'s link, not yet expired, still opens the convention', async () => {
    // Valid 12 days: the invitation's link (24 days ago) has expired; the second reminder's (10 to 14 days ago) has not.
    const [invitation, , second] = tokens.shortLived;
    const expired = await page(invitation!);
    expect(expired.status).toBe(404);
    expect(await expired.text()).toContain("Ce lien n'est pas valide");
    expect((await page(second!)).status).toBe(200);
  });
});
