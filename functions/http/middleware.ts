/**
 * The two shapes of HTTP function: JSON routes for the rectorat (behind the
 * JWT authorizer) and HTML routes for mayors. Each wraps a handler with middy
 * and renders every error through one table; 5xx messages never leave.
 * A function that serves several routes gives one plain handler per route
 * (adminRoutes, pageRoutes): @middy/http-router dispatches on the method and
 * path, inside the same wrapper.
 */
import middy from '@middy/core';
import httpRouter, { type Method } from '@middy/http-router';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { instrumented } from '../adapters/invocation.ts';
import { log, type LogKeys } from '../adapters/logging.ts';
import { AppError } from '../domain/errors.ts';
import { rolesOf, type AdminRole } from '../domain/roles.ts';

export { rolesOf, type AdminRole };
import { describeError } from './errors.ts';
import { securityHeaders } from './security-headers.ts';

type Result = APIGatewayProxyStructuredResultV2;

// The security headers (HSTS, nosniff, referrer policy, CSP) are added to every response by securityHeaders().
export const json = (statusCode: number, body: unknown): Result => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

export const html = (statusCode: number, body: string): Result => ({
  statusCode,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  body,
});

/** A failure the caller sees as a 5xx: logged (redacted by the logger's formatter) with the invocation's keys. */
function logFailure(error: unknown, event: { rawPath?: string }): void {
  log().error({ message: 'request failed', route: event.rawPath, error: error instanceof Error ? error : String(error) });
}

/**
 * The correlation keys of an HTTP request: API Gateway's request id, and the
 * convention or job its path names (a signing page adds its convention once
 * the token is read). Lambda's own request id is the logger's function_request_id.
 */
export function requestKeys(event: { rawPath?: string; routeKey?: string; requestContext?: { requestId?: string }; pathParameters?: Record<string, string | undefined> }): LogKeys {
  const id = event.pathParameters?.id;
  const route = event.routeKey ?? '';
  return {
    requestId: event.requestContext?.requestId,
    ...(id && route.includes('/conventions/{id}') ? { conventionId: id } : {}),
    ...(id && route.includes('/jobs/{id}') ? { jobId: id } : {}),
  };
}

export interface Admin {
  /** Who acts, for the audit trail: the token's email claim or subject. */
  actor: string;
  roles: AdminRole[];
}

function adminOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): Admin {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims?.sub) throw new AppError('UNAUTHORIZED', 'Authentification requise.');
  return { actor: String(claims.email ?? claims.sub), roles: rolesOf(claims.roles) };
}

const ROLE_LABEL: Record<AdminRole, string> = { gestionnaire: 'gestionnaire', signataire: 'signataire (contresignature)' };

/** A JSON route of the rectorat: the caller must carry the JWT authorizer's claims, with the route's role (one of them, when it names several). */
export function adminRoute(
  handle: (event: APIGatewayProxyEventV2WithJWTAuthorizer, admin: Admin, context: Context) => Promise<Result>,
  options: { role: AdminRole | readonly AdminRole[] } = { role: 'gestionnaire' },
) {
  const allowed: readonly AdminRole[] = typeof options.role === 'string' ? [options.role] : options.role;
  const route = middy<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2>()
    .use(securityHeaders())
    .handler(async (event, context) => {
      const admin = adminOf(event);
      if (!allowed.some((role) => admin.roles.includes(role))) {
        const wanted = allowed.map((role) => ROLE_LABEL[role]).join(' ou ');
        throw new AppError('FORBIDDEN', `Cette action demande le rôle ${wanted}, que votre compte n'a pas.`);
      }
      return handle(event, admin, context);
    })
    .onError(async (request) => {
      const { statusCode, body } = describeError(request.error);
      if (statusCode >= 500) logFailure(request.error, request.event);
      request.response = json(statusCode, body);
    });
  return instrumented<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2>(requestKeys, (event, context) => route(event, context ?? ({} as Context)));
}

/** An HTML route for mayors: errors become pages in French, never a stack trace. */
export function pageRoute(
  handle: (event: APIGatewayProxyEventV2, context: Context) => Promise<Result>,
  renderError: (error: unknown, event: APIGatewayProxyEventV2) => Result,
) {
  const route = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(securityHeaders())
    .handler(handle)
    .onError(async (request) => {
      const result = renderError(request.error, request.event);
      if ((result.statusCode ?? 500) >= 500) logFailure(request.error, request.event);
      request.response = result;
    });
  return instrumented<APIGatewayProxyEventV2, APIGatewayProxyResultV2>(requestKeys, (event, context) => route(event, context ?? ({} as Context)));
}

/** One route of a function: API Gateway's method and path (`{param}`), as infra/functions.ts declares them. */
export interface RouteOf<Handle> {
  method: Method;
  path: string;
  handle: Handle;
}

/**
 * The routes' dispatcher (@middy/http-router, on the payload 2.0 event's method and path). A request no route
 * answers cannot come through API Gateway, whose routes are the same; invoked directly, it is NOT_FOUND, which
 * the wrapper renders as it renders any error.
 */
function dispatcher<E extends APIGatewayProxyEventV2>(routes: Array<RouteOf<(event: E, context: Context) => Promise<Result>>>) {
  const dispatch = httpRouter<E, APIGatewayProxyResultV2>({
    routes: routes.map(({ method, path, handle }) => ({ method, path, handler: handle })),
    notFoundResponse: ({ method, path }) => {
      throw new AppError('NOT_FOUND', `Aucune ressource ne répond à ${method} ${path}.`);
    },
  });
  return async (event: E, context: Context): Promise<Result> => (await dispatch(event, context)) as Result;
}

/** Several JSON routes of the rectorat in one function: one role check (adminRoute's), then the route's handler. */
export function adminRoutes(
  routes: Array<RouteOf<(event: APIGatewayProxyEventV2WithJWTAuthorizer, admin: Admin, context: Context) => Promise<Result>>>,
  options: { role: AdminRole | readonly AdminRole[] } = { role: 'gestionnaire' },
) {
  // adminRoute has checked the claims and the role; each route reads who acts from the same claims.
  const dispatch = dispatcher<APIGatewayProxyEventV2WithJWTAuthorizer>(routes.map(({ handle, ...route }) => ({ ...route, handle: (event, context) => handle(event, adminOf(event), context) })));
  return adminRoute((event, _admin, context) => dispatch(event, context), options);
}

/** Several HTML routes for mayors in one function, their errors rendered as pageRoute renders them. */
export function pageRoutes(routes: Array<RouteOf<(event: APIGatewayProxyEventV2) => Promise<Result>>>, renderError: (error: unknown, event: APIGatewayProxyEventV2) => Result) {
  const dispatch = dispatcher<APIGatewayProxyEventV2>(routes);
  return pageRoute(dispatch, renderError);
}
