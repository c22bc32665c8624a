/**
 * Recording a titre de perception: once per convention, only after the
 * commune signed, on a real day. The repository is a plain object that
 * applies the same condition as the DynamoDB one.
 */
import { describe, expect, it } from 'vitest';
import type { Convention, ConventionEvent, ConventionStatus, Titre } from '../../../functions/domain/model.ts';
import { recordTitre } from '../../../functions/use-cases/record-titre.ts';

const now = new Date('2027-01-20T09:00:00Z');

function repository(convention: Convention) {
  const stored = new Map([[convention.id, convention]]);
  const events: ConventionEvent[] = [];
  return {
    events,
    conventions: {
      async get(id: string) {
        return stored.get(id);
      },
      async recordTitre(id: string, titre: Titre, event: ConventionEvent) {
        const current = stored.get(id)!;
        if (current.titre || !['signed', 'executed'].includes(current.status)) return false;
        stored.set(id, { ...current, titre });
        events.push(event);
        return true;
      },
    } as never,
  };
}

const convention = (status: ConventionStatus, extra: Partial<Convention> = {}): Convention => ({
  id: 'c-1',
  reference: 'ENT-2026-2027-34-0001',
  schoolYear: '2026-2027',
  commune: { name: 'Lespignan', siret: '21340135900012', address: 'PLACE JEAN POVEDA, 34710 LESPIGNAN' },
  mayor: { name: 'Maire', title: 'Maire', email: 'maire@example.org' },
  schools: [{ uai: '0341401N', type: 'maternelle', name: '' }],
  feeCents: 4000,
  amountCents: 4000,
  endDate: '2027-09-05',
  status,
  createdAt: '2026-06-01T08:00:00Z',
  ...(status === 'sent' ? {} : { signedAt: '2026-11-10T10:00:00Z', signature: { signerName: 'Maire', capacity: 'maire', signedAt: '2026-11-10T10:00:00Z', ip: '192.0.2.1', userAgent: 'test' } }),
  ...extra,
});

const record = (deps: ReturnType<typeof repository>, input: Partial<{ number: string; date: string }> = {}) =>
  recordTitre({ now: () => now, conventions: deps.conventions }, { id: 'c-1', number: 'T-2027-000184', date: '2027-01-12', actor: 'finance@rectorat.example.org', ...input });

describe('a titre de perception', () => {
  it('is recorded on an executed convention, with its audit event', async () => {
    const deps = repository(convention('executed'));
    const recorded = await record(deps);
    expect(recorded.titre).toEqual({ number: 'T-2027-000184', date: '2027-01-12', recordedAt: now.toISOString(), actor: 'finance@rectorat.example.org' });
    expect(deps.events).toEqual([expect.objectContaining({ type: 'titre_recorded', actor: 'finance@rectorat.example.org', titre: { number: 'T-2027-000184', date: '2027-01-12' }, amountCents: 4000 })]);
  });

  it('is refused (409) for a convention the commune has not signed', async () => {
    await expect(record(repository(convention('sent')))).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('« sent »') });
  });

  it('is refused a second time (409), naming the titre already recorded and how a titre is corrected', async () => {
    const deps = repository(convention('executed'));
    await record(deps);
    const second = record(deps, { number: 'T-2027-000185' });
    await expect(second).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('n° T-2027-000184 du 12/01/2027') });
    await expect(second).rejects.toMatchObject({ message: expect.stringContaining("titre d'annulation ou de réduction") });
    expect(deps.events).toHaveLength(1);
  });

  it('is refused (400 on « date ») when dated in the future or before the commune signed', async () => {
    await expect(record(repository(convention('executed')), { date: '2027-01-21' })).rejects.toMatchObject({ code: 'INVALID_INPUT', issues: [{ field: 'date', message: expect.stringContaining("après aujourd'hui (20/01/2027)") }] });
    await expect(record(repository(convention('executed')), { date: '2026-11-09' })).rejects.toMatchObject({ code: 'INVALID_INPUT', issues: [{ field: 'date', message: expect.stringContaining('le 10/11/2026') }] });
  });
});
