/**
 * The security headers of every HTTP response, in one place: a middy
 * middleware (after and onError, like @middy/http-security-headers) that
 * every HTTP function uses (adminRoute, pageRoute, static-assets), so a page,
 * a PDF, a JSON answer, an error and a design-system file carry the same set.
 *
 * Hand-written rather than @middy/http-security-headers: that package is not
 * installed here, and its defaults (a CSP per content type, permissions and
 * cross-origin policies) would have to be overridden header by header to say
 * what follows; five constant headers are shorter than that configuration.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';

/** Pages: the design system's CSS and fonts from this origin, forms posted here only, never framed. */
export const PAGE_CSP =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Anything else (JSON, PDF, CSS, fonts): nothing to load, run or embed. */
export const DOCUMENT_CSP = "default-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** HSTS for two years with subdomains; no referrer, since a signing link's path is its token. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** The headers a response must carry, given its content type; a CSP the response set itself is kept. */
export function securedHeaders(headers: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  const type = String(Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '');
  const hasCsp = Object.keys(headers).some((name) => name.toLowerCase() === 'content-security-policy');
  return {
    ...headers,
    ...SECURITY_HEADERS,
    ...(hasCsp ? {} : { 'content-security-policy': type.startsWith('text/html') ? PAGE_CSP : DOCUMENT_CSP }),
  };
}

type Request = middy.Request<unknown, APIGatewayProxyResultV2>;

function secure(request: Request): void {
  const response = request.response;
  if (response === undefined || response === null) return;
  // A bare string or object answer is a 200 JSON body to API Gateway: make it structured to carry headers.
  const structured = typeof response === 'object' && 'statusCode' in response ? response : { statusCode: 200, body: typeof response === 'string' ? response : JSON.stringify(response) };
  request.response = { ...structured, headers: securedHeaders(structured.headers) };
}

/** Register first: its after and onError run last, on the response the route (or its error renderer) made. */
export function securityHeaders(): middy.MiddlewareObj<unknown, APIGatewayProxyResultV2> {
  return { after: secure, onError: secure };
}
