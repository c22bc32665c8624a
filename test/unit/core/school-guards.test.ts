import { describe, expect, it } from 'vitest';
import type { School } from '../../../functions/domain/model.ts';
import { GUARD_GRACE_MS, guardState, isGuardLive, type SchoolGuard } from '../../../functions/domain/school-guards.ts';

const school = (uai: string): School => ({ uai, type: 'primaire', name: '' });
const claimedAt = '2026-09-10T08:00:00.000Z';
const claimedMs = Date.parse(claimedAt);
const guard: SchoolGuard = { uai: '0341401N', conventionId: 'c-1', claimedAt, siret: '21340135600019', communeName: 'Lespignan' };
const owner = (status: 'draft' | 'sent' | 'signed' | 'executed' | 'declined' | 'expired' | 'cancelled', uais = ['0341401N']) =>
  ({ id: 'c-1', status, schools: uais.map(school) });

describe('a school guard', () => {
  it('is live while its convention exists, is not cancelled and lists the school, whatever its age', () => {
    for (const status of ['draft', 'sent', 'signed', 'executed', 'declined', 'expired'] as const) {
      expect(guardState(guard, owner(status), claimedMs + 365 * 24 * 3600_000)).toBe('live');
      expect(isGuardLive(guard, owner(status))).toBe(true);
    }
  });

  it('is free at once when its convention is cancelled, even just claimed', () => {
    expect(guardState(guard, owner('cancelled'), claimedMs + 1)).toBe('free');
    expect(isGuardLive(guard, owner('cancelled'))).toBe(false);
  });

  it('is a claim in flight while its convention is not written yet, until the grace period ends', () => {
    expect(guardState(guard, undefined, claimedMs + GUARD_GRACE_MS - 1)).toBe('in-flight');
    expect(guardState(guard, undefined, claimedMs + GUARD_GRACE_MS)).toBe('free');
    expect(isGuardLive(guard, undefined)).toBe(false);
  });

  it('is in flight, then free, when its convention does not list the school (an avenant being signed, or one that removed it)', () => {
    const other = owner('signed', ['0341406U']);
    expect(guardState(guard, other, claimedMs + 60_000)).toBe('in-flight');
    expect(guardState(guard, other, claimedMs + GUARD_GRACE_MS + 1)).toBe('free');
    expect(isGuardLive(guard, other)).toBe(false);
  });

  it('is never backed by another convention than the one it names', () => {
    const stranger = { ...owner('signed'), id: 'c-2' };
    expect(isGuardLive(guard, stranger)).toBe(false);
    expect(guardState(guard, stranger, claimedMs + GUARD_GRACE_MS)).toBe('free');
  });

  it('written before claims were chunked (no claimedAt), is free as soon as its convention does not back it', () => {
    const { claimedAt: _claimed, ...legacy } = guard;
    expect(guardState(legacy, owner('sent'), claimedMs)).toBe('live');
    expect(guardState(legacy, undefined, claimedMs)).toBe('free');
  });

  it('lasts longer than any Lambda (15 minutes) in flight', () => {
    expect(GUARD_GRACE_MS).toBeGreaterThan(15 * 60_000);
  });
});
