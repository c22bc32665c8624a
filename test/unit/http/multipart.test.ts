/**
 * The console's multipart/form-data reader: what a browser sends for a form
 * with a file (Node's own FormData encoder stands in for it), bytes kept as
 * they were, and a malformed body refused in French naming the field.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../functions/domain/errors.ts';
import { multipartBoundary, parseMultipart } from '../../../functions/http/multipart.ts';
import { formBody, multipartBody } from '../../../functions/http/request.ts';

/** A body as fetch encodes a FormData: its bytes and its content type. */
async function encoded(form: FormData): Promise<{ bytes: Uint8Array; contentType: string }> {
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { bytes: new Uint8Array(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}

const eventOf = (bytes: Uint8Array, contentType: string): APIGatewayProxyEventV2 =>
  ({ headers: { 'content-type': contentType }, body: Buffer.from(bytes).toString('base64'), isBase64Encoded: true }) as unknown as APIGatewayProxyEventV2;

function refusal(act: () => unknown): { field: string; message: string } {
  try {
    act();
  } catch (error) {
    if (isAppError(error) && error.code === 'INVALID_INPUT') return error.issues[0]!;
    throw error;
  }
  throw new Error('not refused');
}

const raw = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');

describe('multipart/form-data', () => {
  it('reads the text fields and the file of a form, the file byte for byte (a Windows-1252 CSV with CRLF and a NUL)', async () => {
    const csv = Buffer.from('Commune;Nom\r\nB\xe9ziers;\x92\x00fin\r\n', 'latin1');
    const form = new FormData();
    form.set('csrf', 'jeton-été');
    form.set('fichier', new Blob([csv], { type: 'text/csv' }), 'communes 2031.csv');
    const { bytes, contentType } = await encoded(form);
    const parsed = multipartBody(eventOf(bytes, contentType))!;
    expect(parsed.fields).toEqual({ csrf: 'jeton-été' });
    expect(parsed.files.fichier!.filename).toBe('communes 2031.csv');
    expect(parsed.files.fichier!.contentType).toBe('text/csv');
    expect(Buffer.from(parsed.files.fichier!.bytes).equals(csv)).toBe(true);
    // The console's CSRF check reads the same fields.
    expect(formBody(eventOf(bytes, contentType))).toEqual({ csrf: 'jeton-été' });
  });

  it('keeps a file that holds the boundary without its line break, and an empty file (no file chosen)', () => {
    const body = raw('--XyZ\nContent-Disposition: form-data; name="fichier"; filename="a.csv"\nContent-Type: text/csv\n\nx--XyZ y\n--XyZ\nContent-Disposition: form-data; name="vide"; filename=""\n\n\n--XyZ--\n');
    const parsed = parseMultipart(body, 'XyZ');
    expect(Buffer.from(parsed.files.fichier!.bytes).toString()).toBe('x--XyZ y');
    expect(parsed.files.vide).toEqual({ filename: '', contentType: 'application/octet-stream', bytes: new Uint8Array() });
  });

  it('reads a quoted boundary, a preamble and an epilogue, escaped quotes in a name and a Windows path as file name', () => {
    expect(multipartBoundary('multipart/form-data; boundary="a b:c"')).toBe('a b:c');
    expect(multipartBoundary('application/x-www-form-urlencoded')).toBeUndefined();
    const body = raw('preambule\n--a b:c\nContent-Disposition: form-data; name="dit %22oui%22"\n\nvaleur\n--a b:c\ncontent-disposition: form-data; name=f; filename="C:\\\\Users\\\\x\\\\liste.csv"\n\n1;2\n--a b:c--\nepilogue');
    const parsed = parseMultipart(body, 'a b:c');
    expect(parsed.fields).toEqual({ 'dit "oui"': 'valeur' });
    expect(parsed.files.f!.filename).toBe('liste.csv');
  });

  it.each([
    ['no boundary in the content type', () => multipartBoundary('multipart/form-data'), 'sans délimiteur'],
    ['no delimiter in the body', () => parseMultipart(raw('rien\n'), 'XyZ'), 'délimiteur introuvable'],
    ['a part never closed', () => parseMultipart(raw('--XyZ\nContent-Disposition: form-data; name="a"\n\nvaleur'), 'XyZ'), 'partie non refermée'],
    ['headers never ended', () => parseMultipart(raw('--XyZ\nContent-Disposition: form-data; name="a"'), 'XyZ'), 'en-têtes de partie inachevés'],
    ['a part without a field name', () => parseMultipart(raw('--XyZ\nContent-Disposition: form-data\n\nv\n--XyZ--'), 'XyZ'), 'sans nom de champ'],
    ['a part that is no form-data', () => parseMultipart(raw('--XyZ\nContent-Disposition: attachment; name="a"\n\nv\n--XyZ--'), 'XyZ'), 'form-data'],
  ])('refuses %s in French, on the body', (_, act, words) => {
    const issue = refusal(act);
    expect(issue.field).toBe('(corps de la requête)');
    expect(issue.message).toContain('Le formulaire envoyé est mal formé');
    expect(issue.message).toContain(words);
  });

  it('refuses a field sent twice, and a text field that is not UTF-8, naming the field', () => {
    const twice = refusal(() => parseMultipart(raw('--XyZ\nContent-Disposition: form-data; name="csrf"\n\na\n--XyZ\nContent-Disposition: form-data; name="csrf"\n\nb\n--XyZ--'), 'XyZ'));
    expect(twice).toEqual({ field: 'csrf', message: "Le champ « csrf » est envoyé plusieurs fois : un formulaire n'en porte qu'un." });
    const latin1 = refusal(() => parseMultipart(raw('--XyZ\nContent-Disposition: form-data; name="nom"\n\nB\xe9ziers\n--XyZ--'), 'XyZ'));
    expect(latin1.field).toBe('nom');
    expect(latin1.message).toContain('mal encodé');
  });
});
