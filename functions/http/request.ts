/** Reading API Gateway HTTP API (payload 2.0) requests. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { invalidInput } from '../use-cases/input/invalid-input.ts';
import { multipartBoundary, parseMultipart, type MultipartForm } from './multipart.ts';

export function rawBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** The body as bytes: a CSV in Windows-1252 must reach the parser as it was sent. */
export function bodyBytes(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): Uint8Array {
  if (!event.body) {
    throw invalidInput([{ field: '(corps de la requête)', message: 'Le corps de la requête est vide : envoyez le fichier CSV.' }]);
  }
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

const header = (event: Pick<APIGatewayProxyEventV2, 'headers'>, name: string): string =>
  event.headers?.[name] ?? event.headers?.[name.toLowerCase()] ?? '';

export function jsonBody(event: APIGatewayProxyEventV2): unknown {
  const body = rawBody(event);
  if (body.trim() === '') {
    throw invalidInput([{ field: '(corps de la requête)', message: 'Le corps de la requête est vide : envoyez un objet JSON.' }]);
  }
  try {
    return JSON.parse(body);
  } catch {
    throw invalidInput([{ field: '(corps de la requête)', message: "Le corps de la requête n'est pas du JSON valide." }]);
  }
}

/** The values of a form, by field name. */
export type FormValues = Record<string, string>;

/** "%E9" alone is no UTF-8: decodeURIComponent refuses it, where URLSearchParams would slip in a U+FFFD. */
function decodeFormComponent(component: string): string | undefined {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

const formIssue = (field: string, message: string) => invalidInput([{ field, message }], message);

/** application/x-www-form-urlencoded, strictly: a malformed percent-encoding or a field sent twice is refused, naming the field. */
function urlEncodedForm(body: string): FormValues {
  const values = new Map<string, string>();
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decodeFormComponent(equals < 0 ? pair : pair.slice(0, equals));
    if (name === undefined) throw formIssue('(corps de la requête)', "Le formulaire envoyé est mal encodé : rechargez la page et envoyez-le à nouveau.");
    const value = decodeFormComponent(equals < 0 ? '' : pair.slice(equals + 1));
    if (value === undefined) throw formIssue(name, `Le champ « ${name} » du formulaire est mal encodé : rechargez la page et envoyez-le à nouveau.`);
    if (values.has(name)) throw formIssue(name, `Le champ « ${name} » est envoyé plusieurs fois : un formulaire n'en porte qu'un.`);
    values.set(name, value);
  }
  return Object.fromEntries(values);
}

/** The same form sent by a script as a JSON object: each value a string (or true/false for a checkbox). */
function jsonForm(parsed: unknown): FormValues {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw formIssue('(corps de la requête)', 'Le corps de la requête doit être un objet JSON dont chaque valeur est un texte.');
  }
  return Object.fromEntries(
    Object.entries(parsed).map(([name, value]) => {
      if (typeof value === 'string') return [name, value];
      if (typeof value === 'boolean') return [name, String(value)];
      throw formIssue(name, `Le champ « ${name} » doit être un texte.`);
    }),
  );
}

/** A form with a file (multipart/form-data): its text fields and its files; undefined for another content type. */
export function multipartBody(event: APIGatewayProxyEventV2): MultipartForm | undefined {
  const boundary = multipartBoundary(header(event, 'content-type'));
  if (boundary === undefined) return undefined;
  const bytes = !event.body ? new Uint8Array() : event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  return parseMultipart(bytes, boundary);
}

/**
 * An HTML form (application/x-www-form-urlencoded, or multipart/form-data for
 * its text fields) or, for scripts, a JSON object; INVALID_INPUT naming the
 * field when it cannot be read.
 */
export function formBody(event: APIGatewayProxyEventV2): FormValues {
  if (/application\/json/i.test(header(event, 'content-type'))) return jsonForm(jsonBody(event));
  const multipart = multipartBody(event);
  if (multipart) return multipart.fields;
  return urlEncodedForm(rawBody(event));
}

export function pathParameter(event: APIGatewayProxyEventV2, name: string): string {
  return event.pathParameters?.[name] ?? '';
}

/**
 * Behind CloudFront, API Gateway's sourceIp is an edge's address: a CloudFront
 * Function writes the viewer's address into a header, over whatever the client
 * sent. The CDK names that header in VIEWER_IP_HEADER; without it (the local
 * stack, or no CloudFront) the header is not trusted.
 */
const VIEWER_IP_HEADER = process.env.VIEWER_IP_HEADER?.toLowerCase();
const IP_ADDRESS = /^[0-9A-Fa-f:.]{2,45}$/;

export function clientOf(event: APIGatewayProxyEventV2): { ip: string; userAgent: string } {
  const viewerIp = VIEWER_IP_HEADER ? header(event, VIEWER_IP_HEADER).trim() : '';
  return {
    ip: (IP_ADDRESS.test(viewerIp) ? viewerIp : undefined) ?? event.requestContext?.http?.sourceIp ?? 'inconnue',
    userAgent: (event.requestContext?.http?.userAgent ?? header(event, 'user-agent')).slice(0, 512) || 'inconnu',
  };
}
