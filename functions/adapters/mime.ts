/**
 * A small MIME writer for SES SendRawEmail: multipart/alternative (text and
 * HTML) inside multipart/mixed when there are attachments. UTF-8 throughout,
 * headers encoded per RFC 2047, bodies in base64 wrapped at 76 columns.
 */
import type { OutgoingEmail } from '../use-cases/ports.ts';

const wrap = (base64: string): string => base64.replace(/.{1,76}/g, '$&\r\n');
const b64 = (data: string | Uint8Array): string => wrap(Buffer.from(data).toString('base64'));
const encodeHeader = (value: string): string =>
  /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;

export function buildMimeMessage(email: OutgoingEmail & { from: string }, boundarySeed: string): Uint8Array {
  const alternative = `alt-${boundarySeed}`;
  const mixed = `mixed-${boundarySeed}`;
  const attachments = email.attachments ?? [];
  const lines: string[] = [
    `From: ${email.from}`,
    `To: ${email.to.join(', ')}`,
    `Subject: ${encodeHeader(email.subject)}`,
    'MIME-Version: 1.0',
  ];
  const body = [
    `--${alternative}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64(email.text),
    `--${alternative}`,
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64(email.html),
    `--${alternative}--`,
    '',
  ];
  if (attachments.length === 0) {
    lines.push(`Content-Type: multipart/alternative; boundary="${alternative}"`, '', ...body);
  } else {
    lines.push(`Content-Type: multipart/mixed; boundary="${mixed}"`, '', `--${mixed}`);
    lines.push(`Content-Type: multipart/alternative; boundary="${alternative}"`, '', ...body);
    for (const attachment of attachments) {
      lines.push(
        `--${mixed}`,
        `Content-Type: ${attachment.contentType}; name="${encodeHeader(attachment.filename)}"`,
        `Content-Disposition: attachment; filename="${encodeHeader(attachment.filename)}"`,
        'Content-Transfer-Encoding: base64',
        '',
        b64(attachment.content),
      );
    }
    lines.push(`--${mixed}--`, '');
  }
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
