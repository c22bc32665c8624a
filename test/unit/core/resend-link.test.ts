import { describe, expect, it } from 'vitest';
import type { Campaign, Convention, ConventionEvent } from '../../../functions/domain/model.ts';
import type { NewMayorAddress, OutgoingEmail } from '../../../functions/use-cases/ports.ts';
import { resendLink } from '../../../functions/use-cases/resend-link.ts';
import { hashToken, type LinkChange } from '../../../functions/use-cases/signing-link.ts';
import { campaign2026, lespignan, lespignanConvention } from '../../fixtures/seed-communes.ts';

const now = new Date('2026-12-08T14:30:00Z');
const campaign: Campaign = { ...campaign2026, linkValidityDays: 60, createdAt: '2026-11-20T09:00:00.000Z' };
const sent: Convention = lespignanConvention({
  schoolYear: campaign.schoolYear,
  status: 'sent',
  // The invitation's link, then a reminder's beside it.
  link: { hash: hashToken('R'.repeat(43)), expiresAt: '2027-01-26T09:00:00.000Z' },
  links: { [hashToken('A'.repeat(43))]: '2027-01-19T09:00:00.000Z', [hashToken('R'.repeat(43))]: '2027-01-26T09:00:00.000Z' },
});

/** Resends with plain ports: what went to the store, and what was emailed in the request. */
async function resend(mayorEmail?: string) {
  const replaced: { change: LinkChange; event: ConventionEvent; newAddress?: NewMayorAddress }[] = [];
  const emails: OutgoingEmail[] = [];
  const deps = {
    now: () => now,
    newId: () => 'job-1',
    newToken: () => 'B'.repeat(43),
    campaigns: { get: async () => campaign } as never,
    conventions: {
      get: async () => sent,
      changeLinks: async (_id: string, change: LinkChange, event: ConventionEvent, newAddress?: NewMayorAddress) => {
        replaced.push({ change, event, ...(newAddress ? { newAddress } : {}) });
        return true;
      },
    } as never,
    mailer: { send: async (email: OutgoingEmail) => void emails.push(email) },
    publicBaseUrl: 'https://paraphe.example.org',
    contactEmail: 'ent-ecole@rectorat.example.org',
  };
  const convention = await resendLink(deps, { id: 'c-1', actor: 'clerk@rectorat.example.org', ...(mayorEmail ? { mayorEmail } : {}) });
  return { convention, replaced: replaced[0]!, emails };
}

describe('a new link', () => {
  it('revokes every earlier link, the invitation\'s and the reminders\', and is then the only live one', async () => {
    const { replaced, convention } = await resend();
    const fresh = hashToken('B'.repeat(43));
    expect(replaced.change.newestBefore).toBe(hashToken('R'.repeat(43)));
    expect(replaced.change.removed.sort()).toEqual([hashToken('A'.repeat(43)), hashToken('R'.repeat(43))].sort());
    expect(replaced.change.links).toEqual({ [fresh]: '2027-02-06T14:30:00.000Z' });
    expect(convention.links).toEqual(replaced.change.links);
  });

  it('to the same address changes no address and tells nobody else', async () => {
    const { replaced, emails } = await resend();
    expect(replaced.newAddress).toBeUndefined();
    expect(emails.map((email) => email.to)).toEqual([[lespignan.mayor.email]]);
  });

  it('to the same address spelled otherwise corrects the spelling, without a change to record or tell', async () => {
    const { replaced } = await resend(lespignan.mayor.email.toUpperCase());
    expect(replaced.newAddress).toEqual({ email: lespignan.mayor.email.toUpperCase() });
  });

  it('to another address records the change, its event with both addresses, and the notice job to the previous one, with the link', async () => {
    const { convention, replaced, emails } = await resend('dgs@mairie-lespignan.example.org');
    const change = { at: now.toISOString(), previous: lespignan.mayor.email, next: 'dgs@mairie-lespignan.example.org', actor: 'clerk@rectorat.example.org' };
    expect(replaced.newAddress).toEqual({
      email: 'dgs@mairie-lespignan.example.org',
      change: {
        record: change,
        event: expect.objectContaining({ type: 'mayor_email_changed', at: now.toISOString(), actor: change.actor, addressChange: { previous: change.previous, next: change.next } }),
        notice: expect.objectContaining({
          id: 'job-1',
          kind: 'address-change-notice',
          state: 'pending',
          payload: { conventionId: 'c-1', communeName: 'Lespignan', schoolYear: campaign.schoolYear, previous: change.previous, next: change.next, at: now.toISOString() },
        }),
      },
    });
    expect(replaced.event).toMatchObject({ type: 'link_resent', at: now.toISOString() });
    // The request emails the new address only: the previous one hears from the job.
    expect(emails.map((email) => email.to)).toEqual([['dgs@mairie-lespignan.example.org']]);
    expect(convention.addressChanges).toEqual([change]);
  });
});
