import { describe, expect, it } from 'vitest';
import { avenantEffectOf, avenantLimit, avenantOutcome, avenantTiming, departementMismatches, isPastEndDate, preparationWarnings, schoolChange } from '../../../functions/domain/avenant-rules.ts';
import { avenantEffectText, departementMismatchText, preparationWarningText } from '../../../templates/format/avenant-phrases.ts';
import type { School } from '../../../functions/domain/model.ts';

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
  it("in the window, the new count sets the fee of the convention's school year, and promises nothing for the following ones", () => {
    const outcome = avenantOutcome({ previous: [maternelle], requested: [maternelle, elementaire, nouvelle], feeCents: 4000, timing: 'in-window', schoolYear: '2026-2027' });
    expect(outcome).toMatchObject({ billedCount: 3, amountCents: 12000, refused: [] });
    expect(outcome).not.toHaveProperty('followingYearsCount');
    const effect = avenantEffectText(avenantEffectOf(outcome, 1));
    expect(effect).toContain('3 école(s) pour 2026-2027');
    expect(effect).not.toMatch(/suivant|par an/);
    expect(outcome.schools.map((school) => school.uai)).toEqual(['0341401N', '0341406U', '0340001S']);
  });

  it('a decrease sent after 15 October is billed at last year\'s count', () => {
    const outcome = avenantOutcome({ previous: [maternelle, elementaire], requested: [maternelle], feeCents: 4000, timing: 'late', schoolYear: '2026-2027' });
    expect(outcome).toMatchObject({ billedCount: 2, amountCents: 8000, removed: [elementaire] });
    const effect = avenantEffectText(avenantEffectOf(outcome, 2));
    expect(effect).toContain('retrait de 1 école(s) non pris en compte dans la facturation de 2026-2027 (facturé sur 2 école(s))');
    expect(effect).not.toContain('suivant');
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
    expect(outcome).toMatchObject({ billedCount: 2, amountCents: 8000 });
  });

  it('tells added, removed and kept schools apart', () => {
    expect(schoolChange([maternelle, elementaire], [elementaire, nouvelle])).toEqual({ added: [nouvelle], removed: [maternelle], kept: [elementaire] });
  });

  it('warns when a school is in another département than the commune', () => {
    expect(departementMismatches('21340135900012', [maternelle])).toEqual([]);
    const [mismatch] = departementMismatches('21340135900012', [{ uai: '0660713S', type: 'elementaire', name: '' }]);
    expect(mismatch).toEqual({ uai: '0660713S', schoolDepartement: '66', communeDepartement: '34' });
    expect(departementMismatchText(mismatch!)).toContain('département 66, la commune dans le 34');
  });
});

describe('what the rectorat is told when it prepares an avenant (the 15 October rule, as the signature would apply it)', () => {
  const warned = (local: string, requested: School[]) =>
    preparationWarnings({ instant: paris(local, '+02:00'), previous: [maternelle, elementaire], requested, feeCents: 4000, schoolYear: '2026-2027' });
  /** The warnings as the rectorat reads them (templates/format/avenant-phrases.ts). */
  const prepared = (local: string, requested: School[]) => warned(local, requested).map(preparationWarningText);

  it('after 15 October, added schools will be refused', () => {
    expect(warned('2026-10-16T09:00:00', [maternelle, elementaire, nouvelle])).toEqual([{ kind: 'late-increase-refused', closes: '2026-10-15', refused: ['0340001S'] }]);
    const warnings = prepared('2026-10-16T09:00:00', [maternelle, elementaire, nouvelle]);
    expect(warnings).toEqual(['Le 15 octobre 2026 est passé : 1 école(s) ajoutée(s) (0340001S) seront refusées à la signature et ne seront pas activées.']);
  });

  it('after 15 October, a decrease will not be applied this year', () => {
    const [warning] = prepared('2026-10-16T09:00:00', [maternelle]);
    expect(warning).toMatch(/^Le 15 octobre 2026 est passé : la baisse ne sera pas appliquée pour 2026-2027, facturée sur 2 école\(s\) \(80\s€\)\.$/);
  });

  it('after 15 October, a swap gets both warnings', () => {
    expect(prepared('2026-10-16T09:00:00', [maternelle, nouvelle])).toHaveLength(2);
  });

  it('in the window (15 October at 23:59 Paris), nothing to warn about', () => {
    expect(prepared('2026-10-15T23:59:00', [maternelle, elementaire, nouvelle])).toEqual([]);
  });

  it('before 1 September, the day signing opens', () => {
    expect(prepared('2026-08-20T09:00:00', [maternelle])[0]).toContain("qu'à partir du 1er septembre 2026");
  });
});

describe('the limits of an avenant, checked when it is prepared', () => {
  const limit = (local: string, linkExpiresLocal: string, endDate = '2027-09-05') =>
    avenantLimit({ instant: paris(local, '+02:00'), linkExpiresAt: paris(linkExpiresLocal, '+02:00'), endDate, schoolYear: '2026-2027' });

  it('an avenant on or after the convention\'s end date (Paris day) is refused; the day before is not', () => {
    expect(isPastEndDate(paris('2027-09-04T23:59:00', '+02:00'), '2027-09-05')).toBe(false);
    expect(isPastEndDate(paris('2027-09-05T00:00:00', '+02:00'), '2027-09-05')).toBe(true);
    expect(limit('2027-09-05T08:00:00', '2027-11-04T08:00:00')).toEqual({ kind: 'convention-ended', endDate: '2027-09-05' });
    expect(limit('2027-09-04T08:00:00', '2027-11-03T08:00:00')).toBeUndefined();
  });

  it('an avenant whose link would die before the window opens is refused', () => {
    expect(limit('2026-06-01T08:00:00', '2026-07-31T08:00:00')).toMatchObject({ kind: 'link-dies-before-window', opens: '2026-09-01' });
    expect(limit('2026-07-10T08:00:00', '2026-09-08T08:00:00')).toBeUndefined();
  });
});
