import { describe, expect, it } from 'vitest';
import {
  addDays,
  avenantWindow,
  dayOfWeek,
  daysBetween,
  easterSunday,
  frenchPublicHolidays,
  isWorkingDay,
  nextSchoolYear,
  nextWorkingDay,
  parisDateOf,
  parisMidnightUtc,
  schoolYearStart,
} from '../../../functions/domain/calendar.ts';

describe('the Paris date of an instant', () => {
  it('is already the next day at 22:30 UTC in summer time (UTC+2)', () => {
    expect(parisDateOf('2026-10-24T22:30:00Z')).toBe('2026-10-25');
    expect(parisDateOf(new Date('2026-07-13T22:00:00Z'))).toBe('2026-07-14');
  });

  it('is still the same day at 22:30 UTC once winter time (UTC+1) is back on 25 October 2026', () => {
    expect(parisDateOf('2026-10-25T22:30:00Z')).toBe('2026-10-25');
    expect(parisDateOf('2026-10-25T23:00:00Z')).toBe('2026-10-26');
  });

  it('follows the switch to summer time on 29 March 2026', () => {
    expect(parisDateOf('2026-03-28T22:59:59Z')).toBe('2026-03-28');
    expect(parisDateOf('2026-03-28T23:00:00Z')).toBe('2026-03-29');
    expect(parisDateOf('2026-03-29T21:59:59Z')).toBe('2026-03-29');
    expect(parisDateOf('2026-03-29T22:00:00Z')).toBe('2026-03-30');
  });

  it('refuses what is not an instant', () => {
    expect(() => parisDateOf('tomorrow')).toThrow(RangeError);
  });
});

describe('the UTC instant a Paris day starts', () => {
  it('is 22:00 UTC the day before in summer time, including the 25-hour day of 25 October 2026', () => {
    expect(parisMidnightUtc('2026-07-14')).toBe('2026-07-13T22:00:00.000Z');
    expect(parisMidnightUtc('2026-10-25')).toBe('2026-10-24T22:00:00.000Z');
  });

  it('is 23:00 UTC the day before in winter time, from 26 October 2026 and on 29 March 2026', () => {
    expect(parisMidnightUtc('2026-10-26')).toBe('2026-10-25T23:00:00.000Z');
    expect(parisMidnightUtc('2026-03-29')).toBe('2026-03-28T23:00:00.000Z');
    expect(parisMidnightUtc('2026-03-30')).toBe('2026-03-29T22:00:00.000Z');
  });

  it('is an instant whose Paris date is that day, one millisecond after the day before', () => {
    for (const date of ['2026-01-01', '2026-03-29', '2026-10-25', '2026-10-26', '2027-09-05']) {
      const start = new Date(parisMidnightUtc(date));
      expect(parisDateOf(start)).toBe(date);
      expect(parisDateOf(new Date(start.getTime() - 1))).toBe(addDays(date, -1));
    }
  });
});

describe('plain date arithmetic', () => {
  it('crosses months, leap days and years', () => {
    expect(addDays('2026-10-15', -14)).toBe('2026-10-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-09-05', -60)).toBe('2027-07-07');
  });

  it('counts days from the first date to the second, unaffected by DST', () => {
    expect(daysBetween('2026-10-24', '2026-10-26')).toBe(2);
    expect(daysBetween('2026-10-15', '2026-09-01')).toBe(-44);
    expect(daysBetween('2026-09-01', '2027-09-01')).toBe(365);
  });

  it('numbers the days of the week from Monday (1) to Sunday (7)', () => {
    expect(dayOfWeek('2026-10-12')).toBe(1);
    expect(dayOfWeek('2026-10-01')).toBe(4);
    expect(dayOfWeek('2026-10-17')).toBe(6);
    expect(dayOfWeek('2027-09-05')).toBe(7);
  });

  it('refuses a date that is not in the calendar', () => {
    expect(() => addDays('2026-02-29', 1)).toThrow(RangeError);
    expect(() => addDays('2026-9-1', 1)).toThrow(RangeError);
    expect(() => dayOfWeek('')).toThrow(RangeError);
  });
});

describe('French public holidays', () => {
  it('puts Easter on 5 April 2026 and 28 March 2027', () => {
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2027)).toBe('2027-03-28');
    expect(easterSunday(2038)).toBe('2038-04-25');
  });

  it('are the 11 metropolitan holidays of 2026', () => {
    expect(frenchPublicHolidays(2026)).toEqual([
      '2026-01-01', '2026-04-06', '2026-05-01', '2026-05-08', '2026-05-14', '2026-05-25',
      '2026-07-14', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25',
    ]);
  });

  it('are the 11 metropolitan holidays of 2027, Ascension on 6 May and Whit Monday on 17 May', () => {
    expect(frenchPublicHolidays(2027)).toEqual([
      '2027-01-01', '2027-03-29', '2027-05-01', '2027-05-06', '2027-05-08', '2027-05-17',
      '2027-07-14', '2027-08-15', '2027-11-01', '2027-11-11', '2027-12-25',
    ]);
  });

  it('cannot be changed by a caller editing the list it got', () => {
    frenchPublicHolidays(2026).pop();
    expect(frenchPublicHolidays(2026)).toHaveLength(11);
  });
});

describe('working days', () => {
  it('are Monday to Friday outside public holidays', () => {
    expect(isWorkingDay('2026-10-13')).toBe(true);
    expect(isWorkingDay('2026-10-17')).toBe(false);
    expect(isWorkingDay('2026-10-18')).toBe(false);
    expect(isWorkingDay('2026-11-11')).toBe(false);
    expect(isWorkingDay('2026-05-14')).toBe(false);
  });

  it('a working day is its own next working day', () => {
    expect(nextWorkingDay('2026-10-01')).toBe('2026-10-01');
  });

  it('a Saturday or a Sunday moves to Monday', () => {
    expect(nextWorkingDay('2026-10-17')).toBe('2026-10-19');
    expect(nextWorkingDay('2027-08-29')).toBe('2027-08-30');
  });

  it('Easter Monday 2027 moves to Tuesday 30 March', () => {
    expect(nextWorkingDay('2027-03-29')).toBe('2027-03-30');
  });

  it('a holiday on a Saturday moves to Monday (8 May 2027), one on a Friday to the next Monday (25 December 2026)', () => {
    expect(nextWorkingDay('2027-05-07')).toBe('2027-05-07');
    expect(nextWorkingDay('2027-05-08')).toBe('2027-05-10');
    expect(nextWorkingDay('2026-12-25')).toBe('2026-12-28');
  });
});

describe('the school year and its avenant window', () => {
  it('starts on 1 September of its first year', () => {
    expect(schoolYearStart('2026-2027')).toBe('2026-09-01');
    expect(nextSchoolYear('2026-2027')).toBe('2027-2028');
  });

  it('opens the avenant window on 1 September and closes it on 15 October inclusive', () => {
    expect(avenantWindow('2026-2027')).toEqual({ opens: '2026-09-01', closes: '2026-10-15' });
  });

  it('refuses a school year that is not two consecutive years', () => {
    expect(() => avenantWindow('2026-2028')).toThrow(RangeError);
    expect(() => schoolYearStart('2026')).toThrow(RangeError);
  });
});
