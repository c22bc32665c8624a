import { describe, expect, it } from 'vitest';
import { calendarFile, escapeText } from '../../../templates/email/ics.ts';

const deadline = (description: string, summary = 'Échéance de signature') => ({ uid: 'c-1@paraphe', date: '2027-03-31', summary, description });

/** The content lines of an iCalendar file, unfolded (RFC 5545 3.1): CRLF then one space or tab continues the line. */
const unfold = (file: string) => file.replace(/\r\n[ \t]/g, '').split('\r\n');

describe('the .ics deadline', () => {
  it('escapes TEXT as RFC 5545 says: backslash, semicolon, comma and every kind of line break', () => {
    expect(escapeText('a\\b;c,d')).toBe('a\\\\b\\;c\\,d');
    expect(escapeText('un\r\ndeux\rtrois\nquatre\u2028cinq')).toBe('un\\ndeux\\ntrois\\nquatre\\ncinq');
  });

  it('lets no raw CR, LF or other control character into a value', () => {
    const file = calendarFile([deadline('Mairie\rde\u0000 Lespignan\u0007\r\nligne 2', 'Sommaire\r')], '2027-03-01T07:00:00Z');
    // Every CR of the file ends a content line; every LF follows a CR.
    expect(file).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
    expect(file).not.toMatch(/[\u0000-\u0008\u000b-\u000c\u000e-\u001f\u007f]/);
    const lines = unfold(file);
    expect(lines).toContain('DESCRIPTION:Mairie\\nde Lespignan\\nligne 2');
    expect(lines).toContain('SUMMARY:Sommaire\\n');
    expect(lines.filter((line) => line !== '').every((line) => /^[A-Z-]+[:;]/.test(line))).toBe(true);
  });

  it('folds lines longer than 75 octets without cutting a UTF-8 character, and unfolds to the same text', () => {
    const description = `${'Œuilly, L’Isle-Jourdain; '.repeat(12)}fin`;
    const file = calendarFile([deadline(description)], '2027-03-01T07:00:00Z');
    for (const line of file.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(file).not.toContain('\ufffd');
    expect(unfold(file)).toContain(`DESCRIPTION:${escapeText(description)}`);
  });
});
