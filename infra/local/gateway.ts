/**
 * A local API Gateway (HTTP API, payload 2.0) with the WAF rule in front of
 * it: counts each client's requests to the public routes, turns each request
 * into the event Lambda would receive, checks admin routes as the JWT
 * authorizer does, and invokes the very handler modules that run in Lambda,
 * each in its own execution environment (lambda-runtime.ts), within the
 * function's timeout and memory and the API's limits.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { PUBLIC_RATE_LIMIT_RESPONSE } from '../edge-limits.ts';
import { functionSpecs, type FunctionSpec } from '../functions.ts';
import { clientRateLimiter, type RateLimit } from './client-rate-limit.ts';
import { compileRoutes, httpApiEvent, httpResponse, wellEncoded } from './gateway-event.ts';
import { adminTokenVerifier, type AdminAuth } from './jwt.ts';
import { localRuntime, type Invocation, type LambdaRuntime } from './lambda-runtime.ts';

export { lambdaContext } from './lambda-context.ts';

type LambdaHandler = (event: unknown, context: Context) => Promise<APIGatewayProxyResultV2>;

/** API Gateway HTTP API: payload at most 10 MB; integration timeout at most 30 s (quotas of HTTP APIs). */
export const API_PAYLOAD_MAX_BYTES = 10 * 1024 * 1024;
export const INTEGRATION_TIMEOUT_MS = 30_000;
/** Lambda: a synchronous invocation's event at most 6 MB (a body sent as base64 grows by a third); its response too. */
export const LAMBDA_PAYLOAD_MAX_BYTES = 6 * 1024 * 1024;

/** The handler module imported into this process (npm run invoke, tests that call a handler directly): no limits. */
export async function loadHandler(root: string, spec: FunctionSpec): Promise<LambdaHandler> {
  // One module per table and bucket, as each deployed function has its own: a handler reads its environment
  // at its cold start, and a test process may run several stacks one after the other.
  const environment = encodeURIComponent(`${process.env.TABLE_NAME ?? ''}/${process.env.BUCKET_NAME ?? ''}`);
  const mod = (await import(`${pathToFileURL(join(root, spec.entry)).href}?environment=${environment}`)) as { handler: LambdaHandler };
  return mod.handler;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** API Gateway's own answers: JSON `{"message"}`, nothing of the function's. */
function send(response: ServerResponse, statusCode: number, message: string, headers: Record<string, string> = {}): void {
  response.writeHead(statusCode, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify({ message }));
}

export interface GatewayOptions {
  root: string;
  port: number;
  /** The OpenID provider whose RS256 access tokens the admin routes take, and their audiences (API Gateway's JWT authorizer). */
  adminAuth: AdminAuth;
  specs?: readonly FunctionSpec[];
  log?: (line: string) => void;
  /** The execution environments, shared with the scheduler and the workers; the gateway's own (closed with it) otherwise. */
  runtime?: LambdaRuntime;
  /** API Gateway's integration timeout; a test shortens it. */
  integrationTimeoutMs?: number;
  /** The WAF rule of the public routes; a test lowers it. */
  rateLimit?: RateLimit;
  /**
   * Count each client by the first address of X-Forwarded-For rather than the socket's: only for tests,
   * which play several clients from 127.0.0.1. In AWS the rule counts the address CloudFront sees, which
   * no header changes; trusting the header on a real stack would let a client pick a new address each request.
   */
  trustForwardedFor?: boolean;
}

export interface Gateway {
  url: string;
  server: Server;
  runtime: LambdaRuntime;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const routes = compileRoutes(options.specs ?? functionSpecs);
  const runtime = options.runtime ?? localRuntime({ root: options.root });
  const limiter = clientRateLimiter(options.rateLimit);
  const integrationTimeoutMs = options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS;
  const log = options.log ?? (() => undefined);
  const verifyAdminToken = adminTokenVerifier(options.adminAuth);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value ?? '']),
    );
    const socketAddress = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const client = (options.trustForwardedFor && headers['x-forwarded-for']?.split(',')[0]?.trim()) || socketAddress;

    // WAF, in front of everything: the public routes' per-client rate.
    if (!limiter.allows(client, url.pathname)) {
      log(`${method} ${url.pathname} → ${PUBLIC_RATE_LIMIT_RESPONSE.status}: ${client} over the public routes' rate`);
      response.writeHead(PUBLIC_RATE_LIMIT_RESPONSE.status, { 'content-type': PUBLIC_RATE_LIMIT_RESPONSE.contentType, ...PUBLIC_RATE_LIMIT_RESPONSE.headers });
      return void response.end(PUBLIC_RATE_LIMIT_RESPONSE.body);
    }
    if (!wellEncoded(url)) return send(response, 400, 'Bad Request');

    const match = routes
      .filter((candidate) => candidate.route.method === method || (method === 'HEAD' && candidate.route.method === 'GET'))
      .map((candidate) => ({ candidate, found: candidate.pattern.exec(url.pathname) }))
      .find(({ found }) => found !== null);
    if (!match?.found) return send(response, 404, 'Not Found');
    const { candidate, found } = match;

    let claims: Record<string, unknown> | undefined;
    if (candidate.route.auth === 'admin') {
      const bearer = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
      claims = bearer ? await verifyAdminToken(bearer) : undefined;
      if (!claims) return send(response, 401, 'Unauthorized', { 'www-authenticate': 'Bearer' });
    }

    if (Number(headers['content-length'] ?? 0) > API_PAYLOAD_MAX_BYTES) return send(response, 413, 'Request Entity Too Large');
    const body = await readBody(request);
    if (body.length > API_PAYLOAD_MAX_BYTES) return send(response, 413, 'Request Entity Too Large');
    const event = httpApiEvent({ request, url, headers, route: candidate, found, body, sourceIp: socketAddress, ...(claims ? { claims } : {}) });
    const line = `${method} ${candidate.route.path}`;

    // What Lambda refuses before the function runs: an event over its synchronous payload limit.
    if (Buffer.byteLength(JSON.stringify(event)) > LAMBDA_PAYLOAD_MAX_BYTES) {
      log(`${line} → 413: event over Lambda's 6 MB payload`);
      return send(response, 413, 'Request Entity Too Large');
    }

    // API Gateway gives up at its integration timeout, counted from the request; the function goes on until
    // its own timeout (it is stopped then), as in AWS, whatever API Gateway answered.
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      runtime.invoke(candidate.spec, event),
      new Promise<'integration timeout'>((resolve) => (timer = setTimeout(() => resolve('integration timeout'), integrationTimeoutMs - (Date.now() - started)))),
    ]).finally(() => clearTimeout(timer));
    if (outcome === 'integration timeout') {
      log(`${line} → 503: no answer within ${integrationTimeoutMs} ms`);
      return send(response, 503, 'Service Unavailable');
    }
    if (!outcome.ok) return failed(response, line, outcome);
    const answer = httpResponse(outcome.result);
    if (answer.cookies.length) response.setHeader('set-cookie', answer.cookies);
    response.writeHead(answer.statusCode, answer.headers);
    response.end(method === 'HEAD' ? undefined : answer.body);
    log(`${line} → ${answer.statusCode} (${Date.now() - started} ms)`);
  }

  /** A function error, a timeout, a runtime that died, a response over 6 MB: HTTP API's 500, no detail leaves. */
  function failed(response: ServerResponse, line: string, outcome: Invocation & { ok: false }): void {
    log(`${line} → 500: ${outcome.error.errorType}: ${outcome.error.errorMessage}${outcome.error.stack ? `\n${outcome.error.stack}` : ''}`);
    send(response, 500, 'Internal Server Error');
  }

  // Node closes an idle kept-alive connection after 5 s, while undici's client keeps one for 4 s: on a
  // loaded machine the two race, and a request sent as the server closes fails with "fetch failed". The
  // server waits longer than any client here keeps a connection, as a load balancer in front of a fleet does.
  const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      // Nothing a client sends may stop the gateway: whatever escapes is this request's 500.
      log(`${request.method} ${request.url} → 500 (gateway): ${error instanceof Error ? error.stack : String(error)}`);
      if (!response.headersSent) send(response, 500, 'Internal Server Error');
      else response.destroy();
    });
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
    runtime,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.runtime) await runtime.close();
    },
  };
}
