/** The campaign's dashboard: what falls due in the next 14 days, the undeliverable addresses, what is left to invoice. */
import { describe, expect, it } from 'vitest';
import { billingView, deadlinesSoon, dueSoon, undeliverableConventions } from '../../../functions/domain/campaign-dashboard.ts';
import type { Campaign, Convention, ConventionStatus, School } from '../../../functions/domain/model.ts';

const campaign: Campaign = {
  schoolYear: '2026-2027',
  feeCents: 4000,
  endDate: '2027-09-05',
  issuePlace: 'Montpellier',
  issueDate: '2026-06-01',
  signatory: { name: 'Sophie BÉJEAN', title: 'Rectrice' },
  linkValidityDays: 60,
  createdAt: '2026-06-01T08:00:00.000Z',
};

function convention(name: string, status: ConventionStatus, uai: string, extra: Partial<Convention> = {}): Convention {
  const schools: School[] = [{ uai, type: 'primaire', name: '' }];
  return {
    id: `c-${name}`,
    schoolYear: campaign.schoolYear,
    commune: { name, siret: `21${uai.slice(1, 3)}0135900012`, address: 'Mairie' },
    mayor: { name: 'Maire', title: 'Maire', email: `maire@${name.toLowerCase()}.example.org` },
    schools,
    feeCents: 4000,
    amountCents: 4000,
    endDate: campaign.endDate,
    status,
    createdAt: '2026-06-01T08:00:00.000Z',
    ...extra,
  };
}

const signature = { signerName: 'Le maire', capacity: 'maire' as const, signedAt: '2026-06-10T09:00:00Z', ip: '192.0.2.1', userAgent: 'test' };

describe('what falls due in the next 14 days', () => {
  // Sent on Tuesday 1 December 2026, its link valid until the 10th: today is the 2nd.
  const sent = convention('Lespignan', 'sent', '0341401N', { sentAt: '2026-12-01T09:00:00.000Z', link: { hash: 'h', expiresAt: '2026-12-10T09:00:00.000Z' } });

  it('lists the reminders the schedule will send and the expiry of the newest link, soonest first, up to today + 14', () => {
    expect(dueSoon(campaign, [sent], '2026-12-02').map(({ kind, date }) => [kind, date])).toEqual([
      ['unsigned', '2026-12-08'],
      ['link-expiry', '2026-12-10'],
      ['unsigned', '2026-12-15'],
    ]);
  });

  it('stops at the horizon (its last day included) and lists nothing for a draft', () => {
    expect(dueSoon(campaign, [sent], '2026-12-02', 6).map(({ kind }) => kind)).toEqual(['unsigned']);
    expect(dueSoon(campaign, [sent], '2026-12-02', 5)).toEqual([]);
    expect(dueSoon(campaign, [convention('Draft', 'draft', '0341406U')], '2026-12-02')).toEqual([]);
  });

  it("names the 15 October avenant deadline's reminders of a signed convention", () => {
    const signed = convention('Béziers', 'signed', '0341500A', { sentAt: '2026-06-05T09:00:00.000Z', signature, signedAt: signature.signedAt });
    const due = dueSoon(campaign, [signed], '2026-09-25');
    // 14 days before 15 October is 1 October (a Thursday); 7 before, the 8th.
    expect(due.map(({ kind, date }) => [kind, date])).toEqual([
      ['avenant-deadline', '2026-10-01'],
      ['avenant-deadline', '2026-10-08'],
    ]);
  });
});

describe('the deadlines of the next 14 days', () => {
  it("gives the campaign's 15 October with the count of conventions an avenant may change, and each end date", () => {
    const signed = convention('Béziers', 'signed', '0341500A', { signature });
    const executed = convention('Sète', 'executed', '0341600B', { signature });
    const ending = convention('Agde', 'sent', '0341700C', { endDate: '2026-10-10' });
    const cancelled = convention('Vias', 'cancelled', '0341800D', { endDate: '2026-10-09' });
    const deadlines = deadlinesSoon(campaign, [signed, executed, ending, cancelled], '2026-10-05');
    expect(deadlines.map(({ kind, date, conventions, convention }) => [kind, date, conventions ?? convention?.commune.name])).toEqual([
      ['convention-end', '2026-10-10', 'Agde'],
      ['avenant-window-closes', '2026-10-15', 2],
    ]);
  });

  it('gives the opening of the window on 1 September, and nothing when no convention is signed', () => {
    const signed = convention('Béziers', 'signed', '0341500A', { signature });
    expect(deadlinesSoon(campaign, [signed], '2026-08-25').map(({ kind }) => kind)).toEqual(['avenant-window-opens']);
    expect(deadlinesSoon(campaign, [convention('Agde', 'sent', '0341700C')], '2026-10-05')).toEqual([]);
  });
});

describe('the undeliverable addresses of a campaign', () => {
  it("matches the mayor's address whatever its case, by commune, and leaves out a cancelled convention", () => {
    const sent = convention('Pézilla', 'sent', '0660446B', { mayor: { name: 'M', title: 'Maire', email: 'Maire.Pezilla@Example.org' } });
    const cancelled = convention('Vias', 'cancelled', '0341800D', { mayor: { name: 'M', title: 'Maire', email: 'vias@example.org' } });
    const fine = convention('Agde', 'sent', '0341700C');
    const entries = [
      { address: 'maire.pezilla@example.org', reason: 'bounce' as const, detail: '550 5.1.1', at: '2026-12-01T10:00:00.000Z' },
      { address: 'vias@example.org', reason: 'complaint' as const, detail: 'abuse', at: '2026-12-01T10:00:00.000Z' },
    ];
    const found = undeliverableConventions([fine, cancelled, sent], entries);
    expect(found.map(({ convention, entry }) => [convention.commune.name, entry.detail])).toEqual([['Pézilla', '550 5.1.1']]);
  });
});

describe('what is left to invoice', () => {
  it('lists the exécutoires without a titre by département then commune, and counts those with one', () => {
    const sete = convention('Sète', 'executed', '0341600B', { signature });
    const perpignan = convention('Perpignan', 'executed', '0660001A', { signature });
    const agde = convention('Agde', 'executed', '0341700C', { signature, titre: { number: 'T-1', date: '2026-11-02', recordedAt: '2026-11-02T10:00:00Z', actor: 'g' } });
    const signed = convention('Béziers', 'signed', '0341500A', { signature });
    const view = billingView([perpignan, sete, agde, signed]);
    expect(view.toInvoice.map((c) => c.commune.name)).toEqual(['Sète', 'Perpignan']);
    expect(view.invoiced).toEqual({ count: 1, cents: 4000 });
  });
});
