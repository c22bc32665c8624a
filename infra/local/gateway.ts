/**
 * A local API Gateway (HTTP API, payload 2.0): turns each request into the
 * event Lambda would receive, checks admin routes as the JWT authorizer does,
 * and calls the very handler modules that run in Lambda.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { functionSpecs, type FunctionSpec, type RouteSpec } from '../functions.ts';
import { verifyLocalToken } from './jwt.ts';

type LambdaHandler = (event: unknown, context: Context) => Promise<APIGatewayProxyResultV2>;

interface CompiledRoute {
  spec: FunctionSpec;
  route: RouteSpec;
  pattern: RegExp;
  params: string[];
}

// JSON passes as text; any other body (forms, CSV files, whatever their charset) as base64, bytes intact.
const TEXT_TYPES = /^application\/json/;

/** API Gateway HTTP API: payload at most 10 MB; integration timeout at most 30 s (quotas of HTTP APIs). */
export const API_PAYLOAD_MAX_BYTES = 10 * 1024 * 1024;
export const INTEGRATION_TIMEOUT_MS = 30_000;
/** Lambda: a synchronous invocation's event at most 6 MB (a body sent as base64 grows by a third). */
export const LAMBDA_PAYLOAD_MAX_BYTES = 6 * 1024 * 1024;

function compile(specs: readonly FunctionSpec[]): CompiledRoute[] {
  return specs.flatMap((spec) =>
    spec.routes.map((route) => {
      const params: string[] = [];
      // {name} is one path segment; {name+} (greedy, as in API Gateway) the rest of the path.
      const source = route.path.replace(/\{(\w+)(\+?)\}/g, (_match, name: string, greedy: string) => (params.push(name), greedy ? '(.+)' : '([^/]+)'));
      return { spec, route, params, pattern: new RegExp(`^${source}$`) };
    }),
  );
}

/** API Gateway passes JWT claims as strings; arrays become "[a b]". */
function flattenClaims(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([key, value]) => [key, Array.isArray(value) ? `[${value.join(' ')}]` : String(value)]),
  );
}

export function lambdaContext(functionName: string, timeoutSeconds = 30): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-3:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

class TimeoutError extends Error {
  constructor(readonly limitMs: number) {
    super(`No answer within ${limitMs} ms`);
  }
}

export async function loadHandler(root: string, spec: FunctionSpec): Promise<LambdaHandler> {
  const mod = (await import(pathToFileURL(join(root, spec.entry)).href)) as { handler: LambdaHandler };
  return mod.handler;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, statusCode: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  response.writeHead(statusCode, { 'content-type': 'application/json', ...headers });
  response.end(body);
}

export interface GatewayOptions {
  root: string;
  port: number;
  jwtSecret: string;
  specs?: readonly FunctionSpec[];
  log?: (line: string) => void;
}

export async function startGateway(options: GatewayOptions): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const routes = compile(options.specs ?? functionSpecs);
  const handlers = new Map<string, Promise<LambdaHandler>>();
  const handlerOf = (spec: FunctionSpec) => {
    if (!handlers.has(spec.name)) handlers.set(spec.name, loadHandler(options.root, spec));
    return handlers.get(spec.name)!;
  };

  const server = createServer(async (request, response) => {
    const started = Date.now();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const match = routes
      .filter((candidate) => candidate.route.method === method || (method === 'HEAD' && candidate.route.method === 'GET'))
      .map((candidate) => ({ candidate, found: candidate.pattern.exec(url.pathname) }))
      .find(({ found }) => found !== null);
    if (!match?.found) return send(response, 404, JSON.stringify({ message: 'Not Found' }));
    const { candidate, found } = match;

    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value ?? '']),
    );
    let authorizer: { jwt: { claims: Record<string, string>; scopes: null } } | undefined;
    if (candidate.route.auth === 'admin') {
      const bearer = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
      const claims = bearer ? verifyLocalToken(options.jwtSecret, bearer, new Date()) : undefined;
      if (!claims) return send(response, 401, JSON.stringify({ message: 'Unauthorized' }), { 'www-authenticate': 'Bearer' });
      authorizer = { jwt: { claims: flattenClaims(claims), scopes: null } };
    }

    const declared = Number(headers['content-length'] ?? 0);
    if (declared > API_PAYLOAD_MAX_BYTES) return send(response, 413, JSON.stringify({ message: 'Request Entity Too Large' }));
    const bodyBytes = await readBody(request);
    if (bodyBytes.length > API_PAYLOAD_MAX_BYTES) return send(response, 413, JSON.stringify({ message: 'Request Entity Too Large' }));
    const textual = TEXT_TYPES.test(headers['content-type'] ?? '');
    const now = new Date();
    const routeKey = `${candidate.route.method} ${candidate.route.path}`;
    const event = {
      version: '2.0',
      routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
      ...(candidate.params.length
        ? { pathParameters: Object.fromEntries(candidate.params.map((name, index) => [name, decodeURIComponent(found[index + 1]!)])) }
        : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'localhost',
        http: {
          method: candidate.route.method,
          path: url.pathname,
          protocol: `HTTP/${request.httpVersion}`,
          sourceIp: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey,
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
        ...(authorizer ? { authorizer } : {}),
      },
      ...(bodyBytes.length
        ? { body: textual ? bodyBytes.toString('utf8') : bodyBytes.toString('base64'), isBase64Encoded: !textual }
        : { isBase64Encoded: false }),
    } as unknown as APIGatewayProxyEventV2;

    // What Lambda refuses before the function runs: an event over its synchronous payload limit.
    if (Buffer.byteLength(JSON.stringify(event)) > LAMBDA_PAYLOAD_MAX_BYTES) {
      options.log?.(`${method} ${candidate.route.path} → 413: event over Lambda's 6 MB payload`);
      return send(response, 413, JSON.stringify({ message: 'Request Entity Too Large' }));
    }

    let timer: NodeJS.Timeout | undefined;
    try {
      const handler = await handlerOf(candidate.spec);
      // The function stops at its timeout, and API Gateway gives up at 30 s, whichever comes first: a handler
      // that runs longer answers nothing useful, as in AWS (the work it left half-done is its own problem).
      const limitMs = Math.min(INTEGRATION_TIMEOUT_MS, (candidate.spec.timeoutSeconds ?? 10) * 1000);
      const result = await Promise.race([
        handler(event, lambdaContext(candidate.spec.name, candidate.spec.timeoutSeconds ?? 10)),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new TimeoutError(limitMs)), limitMs))),
      ]);
      const structured = typeof result === 'string' ? { statusCode: 200, body: result } : result;
      const body = structured.isBase64Encoded ? Buffer.from(structured.body ?? '', 'base64') : Buffer.from(structured.body ?? '', 'utf8');
      const outHeaders = Object.fromEntries(Object.entries(structured.headers ?? {}).map(([name, value]) => [name, String(value)]));
      if (structured.cookies?.length) response.setHeader('set-cookie', structured.cookies);
      response.writeHead(structured.statusCode ?? 200, outHeaders);
      response.end(method === 'HEAD' ? undefined : body);
      options.log?.(`${method} ${candidate.route.path} → ${structured.statusCode ?? 200} (${Date.now() - started} ms)`);
    } catch (error) {
      if (error instanceof TimeoutError) {
        // API Gateway's answer to an integration that did not answer in time.
        options.log?.(`${method} ${candidate.route.path} → 503: no answer within ${error.limitMs} ms`);
        return send(response, 503, JSON.stringify({ message: 'Service Unavailable' }));
      }
      // What API Gateway answers when a function throws: no detail leaves.
      options.log?.(`${method} ${candidate.route.path} → 500: ${error instanceof Error ? error.stack : String(error)}`);
      send(response, 500, JSON.stringify({ message: 'Internal Server Error' }));
    } finally {
      clearTimeout(timer);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
