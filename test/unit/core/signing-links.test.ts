/**
 * The signing links across use cases, on the in-memory Deps: the invitation's
 * link and each reminder's live side by side, until the rectorat resends to
 * another address, which kills them all and tells the previous address once
 * (its job). The rules only; the link items' conditional writes are tested on
 * the real servers.
 */
import { describe, expect, it } from 'vitest';
import { addConvention } from '../../../functions/use-cases/add-convention.ts';
import { parisMidnightUtc } from '../../../functions/domain/calendar.ts';
import { createCampaign } from '../../../functions/use-cases/create-campaign.ts';
import { newCampaignSchema, newConventionSchema, parseInput } from '../../../functions/use-cases/input/inputs.ts';
import { resendLink } from '../../../functions/use-cases/resend-link.ts';
import { startCampaignSend } from '../../../functions/use-cases/send-campaign.ts';
import { startReminderDay } from '../../../functions/use-cases/send-reminders.ts';
import { resolveSigningLink } from '../../../functions/use-cases/signing-link.ts';
import { campaign2026, lespignan } from '../../fixtures/seed-communes.ts';
import { memoryDeps } from '../../support/memory-deps.ts';

const mayor = 'maire.links@example.org';
const secretary = 'dgs.links@example.org';
const nineInParis = (day: string) => new Date(Date.parse(parisMidnightUtc(day)) + 9 * 3600 * 1000);
const tokenIn = (text: string) => /\/sign\/([A-Za-z0-9_-]+)/.exec(text)![1]!;

describe('signing links, from the invitation to a resend elsewhere', () => {
  it('live side by side (invitation, reminder) until a resend to another address kills them, the previous address told once', async () => {
    const deps = memoryDeps({ now: '2026-06-15T08:00:00Z' });
    await createCampaign(deps, parseInput(newCampaignSchema, { ...campaign2026, issueDate: '2026-06-12' }));
    const { id } = await addConvention(deps, { schoolYear: '2026-2027', convention: parseInput(newConventionSchema, { ...lespignan, mayor: { ...lespignan.mayor, email: mayor } }), actor: 'test' });
    const { jobId } = await startCampaignSend(deps, { schoolYear: '2026-2027', actor: 'test' });
    await deps.drain(jobId);
    const invitation = tokenIn(deps.inbox(mayor).at(-1)!.text);

    // The first reminder's day: its email carries a link of its own, beside the invitation's.
    deps.setNow(nineInParis('2026-06-22'));
    const day = await startReminderDay(deps, { today: '2026-06-22', at: deps.now().toISOString() });
    await deps.drain(day.jobId);
    const mails = deps.inbox(mayor);
    expect(mails.map((mail) => mail.subject)).toHaveLength(2);
    const reminder = tokenIn(mails.at(-1)!.text);
    expect(reminder).not.toBe(invitation);
    for (const token of [invitation, reminder]) expect((await resolveSigningLink(deps, token)).convention.id).toBe(id);

    // The rectorat sends the link to the town's secretary instead.
    deps.setNow('2026-06-23T10:00:00Z');
    await resendLink(deps, { id, actor: 'clerk@rectorat.example.org', mayorEmail: secretary });
    const fresh = tokenIn(deps.inbox(secretary).at(-1)!.text);
    expect((await resolveSigningLink(deps, fresh)).convention.mayor.email).toBe(secretary);
    for (const token of [invitation, reminder]) await expect(resolveSigningLink(deps, token)).rejects.toMatchObject({ code: 'LINK_INVALID' });
    expect((await deps.conventions.history(id)).map((event) => event.type)).toContain('mayor_email_changed');

    // The previous address hears of it from the notice's job, once however often the jobs run.
    const toMayor = deps.inbox(mayor).length;
    await deps.drainAll();
    await deps.drainAll();
    const notices = deps.inbox(mayor).slice(toMayor);
    expect(notices).toHaveLength(1);
    // It says the earlier link no longer works, and carries none.
    expect(notices[0]!.text).toContain('ne fonctionne plus');
    expect(notices[0]!.text).not.toMatch(/\/sign\//);
  });
});
