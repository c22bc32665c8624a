/** Reading API Gateway HTTP API (payload 2.0) requests. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { invalidInput } from '../core/errors.ts';

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

/** An HTML form (application/x-www-form-urlencoded) or, for scripts, a JSON object. */
export function formBody(event: APIGatewayProxyEventV2): Record<string, string> {
  const body = rawBody(event);
  if (header(event, 'content-type').includes('application/json')) {
    const parsed = jsonBody(event);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  }
  return Object.fromEntries(new URLSearchParams(body));
}

export function pathParameter(event: APIGatewayProxyEventV2, name: string): string {
  return event.pathParameters?.[name] ?? '';
}

export function clientOf(event: APIGatewayProxyEventV2): { ip: string; userAgent: string } {
  return {
    ip: event.requestContext?.http?.sourceIp ?? 'inconnue',
    userAgent: (event.requestContext?.http?.userAgent ?? header(event, 'user-agent')).slice(0, 512) || 'inconnu',
  };
}
