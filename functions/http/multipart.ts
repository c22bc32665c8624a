/**
 * multipart/form-data (RFC 7578), as a browser posts a form with a file: the
 * console's import form. The body is read as bytes (API Gateway gives it
 * base64-encoded), so a CSV in Windows-1252 reaches the import as it was
 * chosen. Strict like the url-encoded forms: a malformed body, or a field sent
 * twice, is refused in French naming the field; never a guess.
 */
import { invalidInput } from '../use-cases/input/invalid-input.ts';

/** A file of the form: its name as the browser gave it (maybe empty: no file chosen), its type and its bytes. */
export interface UploadedFile {
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface MultipartForm {
  /** The text fields, decoded as UTF-8 (the console's pages are UTF-8, so its forms are). */
  fields: Record<string, string>;
  files: Record<string, UploadedFile>;
}

const BODY = '(corps de la requête)';
const malformed = (detail: string) => {
  const message = `Le formulaire envoyé est mal formé (${detail}) : rechargez la page et envoyez-le à nouveau.`;
  return invalidInput([{ field: BODY, message }], message);
};

/** The boundary of a `multipart/form-data; boundary=…` content type, quoted or not; undefined for another type. */
export function multipartBoundary(contentType: string): string | undefined {
  if (!/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const found = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  const boundary = found?.[1] ?? found?.[2];
  if (!boundary) throw malformed('sans délimiteur « boundary »');
  return boundary;
}

/** One parameter of a Content-Disposition header: name="…" (browsers escape " as %22 and line breaks as %0D%0A). */
function dispositionParameter(header: string, name: string): string | undefined {
  const pattern = new RegExp(`;\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
  const found = pattern.exec(header);
  if (!found) return undefined;
  if (found[2] !== undefined) return found[2];
  return found[1]!.replace(/\\(.)/g, '$1').replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * The body's parts. The delimiter is CRLF + "--" + boundary, the first one
 * without its CRLF (a preamble before it is ignored); "--" after the last one
 * ends the body, and anything after it is the epilogue.
 */
export function parseMultipart(body: Uint8Array, boundary: string): MultipartForm {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary}`);
  const form: MultipartForm = { fields: {}, files: {} };
  const seen = new Set<string>();
  let at = bytes.indexOf(delimiter);
  if (at < 0 || (at > 0 && bytes.indexOf(Buffer.concat([CRLF, delimiter])) !== at - 2)) throw malformed('délimiteur introuvable');
  for (;;) {
    at += delimiter.length;
    // "--" after a delimiter: the closing one.
    if (bytes[at] === 0x2d && bytes[at + 1] === 0x2d) return form;
    // Transport padding (spaces, tabs) may follow the delimiter, then CRLF.
    while (bytes[at] === 0x20 || bytes[at] === 0x09) at += 1;
    if (bytes[at] !== 0x0d || bytes[at + 1] !== 0x0a) throw malformed('délimiteur sans fin de ligne');
    at += 2;
    const headersEnd = bytes.indexOf(HEADER_END, at);
    // A part without headers has its blank line at once.
    const noHeaders = bytes[at] === 0x0d && bytes[at + 1] === 0x0a;
    if (headersEnd < 0 && !noHeaders) throw malformed('en-têtes de partie inachevés');
    const headerText = noHeaders ? '' : bytes.subarray(at, headersEnd).toString('utf8');
    const contentStart = noHeaders ? at + 2 : headersEnd + 4;
    const next = bytes.indexOf(Buffer.concat([CRLF, delimiter]), contentStart);
    if (next < 0) throw malformed('partie non refermée');
    const content = bytes.subarray(contentStart, next);
    at = next + 2;

    const headers = new Map<string, string>();
    for (const line of headerText.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = headers.get('content-disposition') ?? '';
    if (!/^form-data\s*(;|$)/i.test(disposition)) throw malformed('partie sans « Content-Disposition: form-data »');
    const name = dispositionParameter(disposition, 'name');
    if (name === undefined || name === '') throw malformed('partie sans nom de champ');
    if (seen.has(name)) {
      const message = `Le champ « ${name} » est envoyé plusieurs fois : un formulaire n'en porte qu'un.`;
      throw invalidInput([{ field: name, message }], message);
    }
    seen.add(name);
    const filename = dispositionParameter(disposition, 'filename');
    if (filename !== undefined) {
      // A path some old browsers send (C:\Users\…\communes.csv): its last part.
      form.files[name] = { filename: filename.split(/[\\/]/).pop() ?? '', contentType: headers.get('content-type') ?? 'application/octet-stream', bytes: new Uint8Array(content) };
    } else {
      try {
        form.fields[name] = new TextDecoder('utf-8', { fatal: true }).decode(content);
      } catch {
        const message = `Le champ « ${name} » du formulaire est mal encodé : rechargez la page et envoyez-le à nouveau.`;
        throw invalidInput([{ field: name, message }], message);
      }
    }
  }
}
