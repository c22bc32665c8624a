/** A small iCalendar (RFC 5545) writer: all-day events that put a deadline in the mayor's calendar. */
export interface CalendarDeadline {
  uid: string;
  /** Plain date of the deadline. */
  date: string;
  summary: string;
  description: string;
}

/**
 * RFC 5545 TEXT (3.3.11): backslash, semicolon and comma escaped, every line
 * break (CRLF, a lone CR or LF, U+2028/U+2029) written \n, and the other
 * control characters, which TEXT cannot hold (tab aside), left out: no raw CR
 * or LF ever ends a content line early.
 */
export const escapeText = (value: string): string =>
  value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|[\r\n\u2028\u2029]/g, '\\n')
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');

/** Lines longer than 75 octets are folded: CRLF and a space, never inside a UTF-8 character. */
export function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  for (const char of line) {
    if (Buffer.byteLength(current + char, 'utf8') > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
    }
    current += char;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const compactDate = (date: string) => date.replaceAll('-', '');

function dayAfter(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/** `stamp` is the instant the calendar is made (the sweep's scheduled time), so the file is reproducible. */
export function calendarFile(deadlines: CalendarDeadline[], stamp: string): string {
  const dtstamp = `${stamp.slice(0, 19).replace(/[-:]/g, '')}Z`;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Region academique Occitanie//Paraphe//FR',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    ...deadlines.flatMap((deadline) => [
      'BEGIN:VEVENT',
      `UID:${deadline.uid}`,
      `DTSTAMP:${dtstamp}`,
      `DTSTART;VALUE=DATE:${compactDate(deadline.date)}`,
      `DTEND;VALUE=DATE:${compactDate(dayAfter(deadline.date))}`,
      `SUMMARY:${escapeText(deadline.summary)}`,
      `DESCRIPTION:${escapeText(deadline.description)}`,
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
