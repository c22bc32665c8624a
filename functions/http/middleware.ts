/**
 * The two shapes of HTTP function: JSON routes for the rectorat (behind the
 * JWT authorizer) and HTML routes for mayors. Each wraps a handler with middy
 * and renders every error through one table; 5xx messages never leave.
 */
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { redact } from '../adapters/logging.ts';
import { AppError } from '../core/errors.ts';
import { describeError } from './errors.ts';

type Result = APIGatewayProxyStructuredResultV2;

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export const json = (statusCode: number, body: unknown): Result => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS },
  body: JSON.stringify(body),
});

export const html = (statusCode: number, body: string): Result => ({
  statusCode,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
    ...SECURITY_HEADERS,
  },
  body,
});

function logFailure(error: unknown, event: { rawPath?: string; requestContext?: { requestId?: string } }): void {
  // Structured JSON, without any token or email address.
  console.error(
    redact(
      JSON.stringify({
        level: 'ERROR',
        message: 'request failed',
        requestId: event.requestContext?.requestId,
        route: event.rawPath,
        error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
      }),
    ),
  );
}

export interface Admin {
  /** Who acts, for the audit trail: the token's email claim or subject. */
  actor: string;
  roles: string[];
}

function adminOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): Admin {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims?.sub) throw new AppError('UNAUTHORIZED', 'Authentification requise.');
  const roles = claims.roles;
  return {
    actor: String(claims.email ?? claims.sub),
    // API Gateway's JWT authorizer passes an array claim as the string "[a b]".
    roles: Array.isArray(roles) ? roles.map(String) : String(roles ?? '').replace(/^\[|\]$/g, '').split(/[ ,]+/).filter(Boolean),
  };
}

/**
 * The two roles of the rectorat: "gestionnaire" does everything but
 * countersigning, which is the "signataire"'s.
 */
export type AdminRole = 'gestionnaire' | 'signataire';

const ROLE_LABEL: Record<AdminRole, string> = { gestionnaire: 'gestionnaire', signataire: 'signataire (contresignature)' };

/** A JSON route of the rectorat: the caller must carry the JWT authorizer's claims, with the route's role. */
export function adminRoute(
  handle: (event: APIGatewayProxyEventV2WithJWTAuthorizer, admin: Admin, context: Context) => Promise<Result>,
  options: { role: AdminRole } = { role: 'gestionnaire' },
) {
  return middy<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2>()
    .handler(async (event, context) => {
      const admin = adminOf(event);
      if (!admin.roles.includes(options.role)) {
        throw new AppError('FORBIDDEN', `Cette action demande le rôle ${ROLE_LABEL[options.role]}, que votre compte n'a pas.`);
      }
      return handle(event, admin, context);
    })
    .onError(async (request) => {
      const { statusCode, body } = describeError(request.error);
      if (statusCode >= 500) logFailure(request.error, request.event);
      request.response = json(statusCode, body);
    });
}

/** An HTML route for mayors: errors become pages in French, never a stack trace. */
export function pageRoute(
  handle: (event: APIGatewayProxyEventV2) => Promise<Result>,
  renderError: (error: unknown, event: APIGatewayProxyEventV2) => Result,
) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .handler(handle)
    .onError(async (request) => {
      const result = renderError(request.error, request.event);
      if ((result.statusCode ?? 500) >= 500) logFailure(request.error, request.event);
      request.response = result;
    });
}
