import { describe, expect, it } from 'vitest';
import { academieOf, campaignStats, departementOf } from '../../../functions/domain/campaign-stats.ts';
import type { Convention, ConventionStatus, School } from '../../../functions/domain/model.ts';

function convention(id: string, status: ConventionStatus, schools: School[], extra: Partial<Convention> = {}): Convention {
  return {
    id,
    schoolYear: '2025-2026',
    commune: { name: id, siret: '21340135900012', address: 'Mairie' },
    mayor: { name: 'Maire', title: 'Maire', email: 'maire@example.org' },
    schools,
    feeCents: 4000,
    amountCents: schools.length * 4000,
    endDate: '2026-09-05',
    status,
    createdAt: '2025-05-28T08:00:00.000Z',
    ...extra,
  };
}

const school = (uai: string): School => ({ uai, type: 'primaire', name: '' });
const signature = { signerName: 'Le maire', capacity: 'maire' as const, signedAt: '2025-06-10T09:00:00Z', ip: '192.0.2.1', userAgent: 'test' };

const lespignan = convention('Lespignan', 'executed', [school('0341401N'), school('0341406U')], { signature });
const leBoulou = convention('Le Boulou', 'signed', [school('0660713S')], { signature });
const pezilla = convention('Pézilla-la-Rivière', 'sent', [school('0660446B'), school('0660710N')]);
const blagnac = convention('Blagnac', 'declined', [school('0311101D')]);
const colomiers = convention('Colomiers', 'draft', [school('0311102E'), school('0311201M')]);
const foix = convention('Foix', 'expired', [school('0091901T')]);
const auch = convention('Auch', 'expired', [school('0321301R')], { signature });

describe('campaign statistics', () => {
  const stats = campaignStats([lespignan, leBoulou, pezilla, blagnac, colomiers, foix, auch]);

  it('counts conventions and schools by status', () => {
    expect(stats.conventions).toBe(7);
    expect(stats.schools).toBe(10);
    expect(stats.byStatus).toEqual({ draft: 1, sending: 0, sent: 1, signed: 1, declined: 1, executed: 1, expired: 2, cancelled: 0 });
    expect(stats.signedConventions).toBe(3);
  });

  it('expects every convention still open or signed, not the declined nor those that ended unsigned', () => {
    // Lespignan 2, Le Boulou 1, Pézilla 2, Colomiers 2, Auch 1 school at 40 €.
    expect(stats.expectedCents).toBe(8 * 4000);
  });

  it('counts as signed what the commune signed, countersigned or not, even once ended', () => {
    // Lespignan 2, Le Boulou 1, Auch 1.
    expect(stats.signedCents).toBe(4 * 4000);
  });

  it('groups by département of the first school, in order', () => {
    expect(stats.byDepartement.map((area) => [area.departement, area.academie, area.conventions, area.expectedCents, area.signedCents])).toEqual([
      ['09', 'Toulouse', 1, 0, 0],
      ['31', 'Toulouse', 2, 8000, 0],
      ['32', 'Toulouse', 1, 4000, 4000],
      ['34', 'Montpellier', 1, 8000, 8000],
      ['66', 'Montpellier', 2, 12000, 4000],
    ]);
    expect(stats.byDepartement.find((area) => area.departement === '66')!.byStatus).toMatchObject({ signed: 1, sent: 1 });
  });

  it('groups by académie, Montpellier first', () => {
    expect(stats.byAcademie.map((area) => [area.academie, area.conventions, area.schools, area.expectedCents, area.signedCents])).toEqual([
      ['Montpellier', 3, 5, 20000, 12000],
      ['Toulouse', 4, 5, 12000, 4000],
    ]);
  });

  it('puts a school of another région apart rather than in an académie', () => {
    const paris = convention('Paris', 'sent', [school('0751234A')]);
    expect(campaignStats([paris]).byAcademie.map((area) => area.academie)).toEqual(['Hors Occitanie']);
  });

  it('is all zeros for an empty campaign', () => {
    const empty = campaignStats([]);
    expect(empty).toMatchObject({ conventions: 0, schools: 0, expectedCents: 0, signedCents: 0, byDepartement: [], byAcademie: [] });
  });

  it('keeps cents exact over many conventions', () => {
    const many = Array.from({ length: 1000 }, (_, i) => convention(`c${i}`, 'signed', [school('0341401N')], { amountCents: 4510, signature }));
    expect(campaignStats(many).signedCents).toBe(4_510_000);
  });
});

describe('académies of Occitanie', () => {
  it.each(['11', '30', '34', '48', '66'])('%s is in the académie de Montpellier', (departement) => {
    expect(academieOf(departement)).toBe('Montpellier');
  });

  it.each(['09', '12', '31', '32', '46', '65', '81', '82'])('%s is in the académie de Toulouse', (departement) => {
    expect(academieOf(departement)).toBe('Toulouse');
  });

  it('knows no other', () => {
    expect(academieOf('75')).toBeUndefined();
    expect(academieOf('9')).toBeUndefined();
  });

  it("reads a convention's département from its first school's UAI", () => {
    expect(departementOf(lespignan)).toBe('34');
    expect(departementOf(foix)).toBe('09');
  });
});
