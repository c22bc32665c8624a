/**
 * The school calendar: plain dates 'YYYY-MM-DD' as a person in Europe/Paris
 * reads them, French public holidays and working days, and the avenant window
 * of a school year. Pure: every instant is an argument, never the wall clock.
 */
import { isValidSchoolYear } from './identifiers.ts';

const DAY_MS = 86_400_000;
const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// One formatter for the whole module: building them is the costly part.
const parisParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Days since 1970-01-01 of a plain date; throws on anything that is not a calendar date. */
function toEpochDay(date: string): number {
  const match = PLAIN_DATE.exec(date);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`Not a plain date 'YYYY-MM-DD': "${date}"`);
  }
  return ms / DAY_MS;
}

function fromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function toInstant(instant: Date | string): Date {
  const parsed = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(parsed.getTime())) throw new RangeError(`Not an instant: "${String(instant)}"`);
  return parsed;
}

/** The Paris wall clock at an instant, read as if it were UTC, in ms. */
function parisWallClockMs(instant: Date): number {
  const parts: Record<string, number> = {};
  for (const part of parisParts.formatToParts(instant)) parts[part.type] = Number(part.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
}

/** The calendar date in Paris of a UTC instant: '2026-10-24T22:30:00Z' is already '2026-10-25' there. */
export function parisDateOf(instant: Date | string): string {
  return new Date(parisWallClockMs(toInstant(instant))).toISOString().slice(0, 10);
}

/** The UTC instant (ISO-8601) at which a Paris day starts: 22:00Z the day before in summer, 23:00Z in winter. */
export function parisMidnightUtc(date: string): string {
  const utcMidnight = toEpochDay(date) * DAY_MS;
  // Paris is ahead of UTC; take the offset in force at the first guess, then
  // once more at the corrected instant, which settles it across a DST switch
  // (midnight itself is never skipped or repeated in Paris: switches are at 2-3 h).
  let start = utcMidnight;
  for (let pass = 0; pass < 2; pass += 1) {
    const instant = new Date(start);
    const offsetMs = parisWallClockMs(instant) - Math.floor(instant.getTime() / 60_000) * 60_000;
    start = utcMidnight - offsetMs;
  }
  return new Date(start).toISOString();
}

export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`Not a whole number of days: ${days}`);
  return fromEpochDay(toEpochDay(date) + days);
}

/** Days from a to b: positive when b is later, so addDays(a, daysBetween(a, b)) === b. */
export function daysBetween(a: string, b: string): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** ISO-8601 day of the week: 1 is Monday, 6 Saturday, 7 Sunday. */
export function dayOfWeek(date: string): number {
  // 1970-01-01 was a Thursday (4).
  return ((((toEpochDay(date) + 3) % 7) + 7) % 7) + 1;
}

/** Easter Sunday of a Gregorian year, by the anonymous (Meeus/Jones/Butcher) algorithm. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return fromEpochDay(Date.UTC(year, month - 1, day) / DAY_MS);
}

const holidaysByYear = new Map<number, readonly string[]>();

/**
 * The 11 public holidays of metropolitan France, sorted. Alsace-Moselle's two
 * extra days do not apply: Occitanie is the only région Paraphe serves.
 */
export function frenchPublicHolidays(year: number): string[] {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) throw new RangeError(`Not a Gregorian year: ${year}`);
  let holidays = holidaysByYear.get(year);
  if (holidays === undefined) {
    const easter = easterSunday(year);
    const fixed = ['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25'].map((day) => `${year}-${day}`);
    const movable = [1, 39, 50].map((after) => addDays(easter, after)); // Easter Monday, Ascension, Whit Monday
    holidays = [...fixed, ...movable].sort();
    holidaysByYear.set(year, holidays);
  }
  return [...holidays];
}

export function isPublicHoliday(date: string): boolean {
  toEpochDay(date);
  return frenchPublicHolidays(Number(date.slice(0, 4))).includes(date);
}

/** Monday to Friday and not a public holiday: the days Paraphe emails mayors. */
export function isWorkingDay(date: string): boolean {
  return dayOfWeek(date) <= 5 && !isPublicHoliday(date);
}

/** The date itself when it is a working day, else the first working day after it. */
export function nextWorkingDay(date: string): string {
  let day = date;
  while (!isWorkingDay(day)) day = addDays(day, 1);
  return day;
}

/** The date itself when it is a working day, else the last working day before it: where a deadline's reminder moves. */
export function previousWorkingDay(date: string): string {
  let day = date;
  while (!isWorkingDay(day)) day = addDays(day, -1);
  return day;
}

function firstYearOf(schoolYear: string): number {
  if (!isValidSchoolYear(schoolYear)) throw new RangeError(`Not a school year 'YYYY-YYYY': "${schoolYear}"`);
  return Number(schoolYear.slice(0, 4));
}

/** The school year after this one: "2026-2027" gives "2027-2028". */
export function nextSchoolYear(schoolYear: string): string {
  const first = firstYearOf(schoolYear) + 1;
  return `${first}-${first + 1}`;
}

/** 1 September of the first year: the day the avenant window opens. */
export function schoolYearStart(schoolYear: string): string {
  return `${firstYearOf(schoolYear)}-09-01`;
}

export interface AvenantWindow {
  /** First day an avenant may be sent. */
  opens: string;
  /** Last day, inclusive: 15 October. Later, a decrease is ignored and an increase refused. */
  closes: string;
}

/** Between 1 September and 15 October of the school year concerned (2017 model, Art. 6 and 8). */
export function avenantWindow(schoolYear: string): AvenantWindow {
  const year = firstYearOf(schoolYear);
  return { opens: `${year}-09-01`, closes: `${year}-10-15` };
}
