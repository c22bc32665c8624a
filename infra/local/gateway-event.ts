/**
 * The two translations of the local HTTP API (payload format 2.0): a request
 * into the event Lambda receives, and a function's result into the response.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FunctionSpec, RouteSpec } from '../functions.ts';

export interface CompiledRoute {
  spec: FunctionSpec;
  route: RouteSpec;
  pattern: RegExp;
  params: string[];
}

// JSON passes as text; any other body (forms, CSV files, whatever their charset) as base64, bytes intact.
const TEXT_TYPES = /^application\/json/;

export function compileRoutes(specs: readonly FunctionSpec[]): CompiledRoute[] {
  return specs.flatMap((spec) =>
    spec.routes.map((route) => {
      const params: string[] = [];
      // {name} is one path segment; {name+} (greedy, as in API Gateway) the rest of the path.
      const source = route.path.replace(/\{(\w+)(\+?)\}/g, (_match, name: string, greedy: string) => (params.push(name), greedy ? '(.+)' : '([^/]+)'));
      return { spec, route, params, pattern: new RegExp(`^${source}$`) };
    }),
  );
}

/**
 * Whether every percent-escape of the path decodes to UTF-8: a request whose path does not is refused
 * with 400 (its path parameters cannot be given to a function). A malformed query string is not refused
 * here: its parameters are decoded as URLSearchParams does (U+FFFD for what does not decode), and the
 * function answers a French 400 naming the parameter.
 */
export function wellEncoded(url: URL): boolean {
  try {
    decodeURIComponent(url.pathname);
    return true;
  } catch {
    return false;
  }
}

/** API Gateway passes JWT claims as strings; arrays become "[a b]". */
function flattenClaims(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([key, value]) => [key, Array.isArray(value) ? `[${value.join(' ')}]` : String(value)]),
  );
}

export function httpApiEvent(input: {
  request: IncomingMessage;
  url: URL;
  headers: Record<string, string>;
  route: CompiledRoute;
  found: RegExpExecArray;
  claims?: Record<string, unknown>;
  body: Buffer;
  sourceIp: string;
}): APIGatewayProxyEventV2 {
  const { request, url, headers, route, found, claims, body } = input;
  const textual = TEXT_TYPES.test(headers['content-type'] ?? '');
  const now = new Date();
  const routeKey = `${route.route.method} ${route.route.path}`;
  // Payload 2.0 gives the Cookie header's pairs as `cookies`, and no cookie header.
  const { cookie, ...otherHeaders } = headers;
  const cookies = (cookie ?? '').split(';').map((pair) => pair.trim()).filter(Boolean);
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length ? { cookies } : {}),
    headers: otherHeaders,
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    ...(route.params.length ? { pathParameters: Object.fromEntries(route.params.map((name, index) => [name, decodeURIComponent(found[index + 1]!)])) } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: route.route.method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: input.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      ...(claims ? { authorizer: { jwt: { claims: flattenClaims(claims), scopes: null } } } : {}),
    },
    ...(body.length ? { body: textual ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !textual } : { isBase64Encoded: false }),
  } as unknown as APIGatewayProxyEventV2;
}

/**
 * The response API Gateway makes of a function's result: a result with a statusCode is a response; any
 * other value (payload 2.0) is a 200 whose JSON body is that value.
 */
export function httpResponse(result: unknown): { statusCode: number; headers: Record<string, string>; cookies: string[]; body: Buffer } {
  const structured: APIGatewayProxyStructuredResultV2 =
    result && typeof result === 'object' && 'statusCode' in result
      ? (result as APIGatewayProxyStructuredResultV2)
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: typeof result === 'string' ? result : JSON.stringify(result ?? null) };
  return {
    statusCode: structured.statusCode ?? 200,
    headers: Object.fromEntries(Object.entries(structured.headers ?? {}).map(([name, value]) => [name, String(value)])),
    cookies: structured.cookies ?? [],
    body: Buffer.from(structured.body ?? '', structured.isBase64Encoded ? 'base64' : 'utf8'),
  };
}
