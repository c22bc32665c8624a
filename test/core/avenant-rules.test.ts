import { describe, expect, it } from 'vitest';
import { avenantOutcome, avenantTiming, departementWarnings, schoolChange } from '../../functions/core/avenant-rules.ts';
import type { School } from '../../functions/core/model.ts';

const maternelle: School = { uai: '0341401N', type: 'maternelle', name: '' };
const elementaire: School = { uai: '0341406U', type: 'elementaire', name: '' };
const nouvelle: School = { uai: '0340001S', type: 'primaire', name: 'NOUVELLE' };

/** An instant given in Paris wall-clock time. */
const paris = (local: string, offset: '+02:00' | '+01:00') => new Date(`${local}${offset}`).toISOString();

describe('when the signed avenant reaches the rectorat (Europe/Paris)', () => {
  it('31 August at 23:59 is before the window: nothing can be signed yet', () => {
    expect(avenantTiming(paris('2026-08-31T23:59:00', '+02:00'), '2026-2027')).toBe('before-window');
  });

  it('1 September at 00:00 opens the window', () => {
    expect(avenantTiming(paris('2026-09-01T00:00:00', '+02:00'), '2026-2027')).toBe('in-window');
  });

  it('15 October at 23:59 is still in time', () => {
    expect(avenantTiming(paris('2026-10-15T23:59:00', '+02:00'), '2026-2027')).toBe('in-window');
  });

  it('16 October at 00:00 is late, although it is still 15 October in UTC', () => {
    const instant = paris('2026-10-16T00:00:00', '+02:00');
    expect(instant).toBe('2026-10-15T22:00:00.000Z');
    expect(avenantTiming(instant, '2026-2027')).toBe('late');
  });

  it('across the change from summer time (25 October 2026), the Paris day still decides', () => {
    // 00:30 UTC on the 25th is 02:30 summer time, just before the clocks go back from 03:00 to 02:00.
    expect(avenantTiming('2026-10-25T00:30:00.000Z', '2026-2027')).toBe('late');
    // 23:30 UTC on the 25th is already 00:30 on the 26th in winter time (UTC+1).
    expect(avenantTiming(paris('2026-10-26T00:30:00', '+01:00'), '2026-2027')).toBe('late');
    // The window of the following school year opens on 1 September 2027, in summer time again.
    expect(avenantTiming(paris('2027-08-31T23:59:00', '+02:00'), '2027-2028')).toBe('before-window');
    expect(avenantTiming(paris('2027-09-01T00:00:00', '+02:00'), '2027-2028')).toBe('in-window');
  });
});

describe('the effect of a signed avenant', () => {
  it('in the window, the new count sets the fee of this year and the following ones', () => {
    const outcome = avenantOutcome({ previous: [maternelle], requested: [maternelle, elementaire, nouvelle], feeCents: 4000, timing: 'in-window', schoolYear: '2026-2027' });
    expect(outcome).toMatchObject({ billedCount: 3, amountCents: 12000, followingYearsCount: 3, refused: [] });
    expect(outcome.schools.map((school) => school.uai)).toEqual(['0341401N', '0341406U', '0340001S']);
  });

  it('a decrease sent after 15 October is billed at last year\'s count', () => {
    const outcome = avenantOutcome({ previous: [maternelle, elementaire], requested: [maternelle], feeCents: 4000, timing: 'late', schoolYear: '2026-2027' });
    expect(outcome).toMatchObject({ billedCount: 2, amountCents: 8000, followingYearsCount: 1 });
    expect(outcome.effect).toContain('non pris en compte');
  });

  it('an increase sent after 15 October is refused: the new schools are not activated', () => {
    const outcome = avenantOutcome({ previous: [maternelle], requested: [maternelle, nouvelle], feeCents: 4000, timing: 'late', schoolYear: '2026-2027' });
    expect(outcome.schools.map((school) => school.uai)).toEqual(['0341401N']);
    expect(outcome.refused.map((school) => school.uai)).toEqual(['0340001S']);
    expect(outcome).toMatchObject({ billedCount: 1, amountCents: 4000 });
  });

  it('a late swap refuses the added school and bills the previous count', () => {
    const outcome = avenantOutcome({ previous: [maternelle, elementaire], requested: [maternelle, nouvelle], feeCents: 4000, timing: 'late', schoolYear: '2026-2027' });
    expect(outcome.schools.map((school) => school.uai)).toEqual(['0341401N']);
    expect(outcome).toMatchObject({ billedCount: 2, amountCents: 8000, followingYearsCount: 1 });
  });

  it('tells added, removed and kept schools apart', () => {
    expect(schoolChange([maternelle, elementaire], [elementaire, nouvelle])).toEqual({ added: [nouvelle], removed: [maternelle], kept: [elementaire] });
  });

  it('warns when a school is in another département than the commune', () => {
    expect(departementWarnings('21340135900012', [maternelle])).toEqual([]);
    expect(departementWarnings('21340135900012', [{ uai: '0660713S', type: 'elementaire', name: '' }])[0]).toContain('département 66');
  });
});
