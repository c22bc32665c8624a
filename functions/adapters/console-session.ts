/**
 * The console's cookies: the session (who is logged in, their roles, the CSRF
 * token of their forms) and, between the redirect to the provider and the
 * callback, the login's checks. Both are JWTs encrypted with the console's
 * key (dir, A256GCM), each for its own purpose and with its own expiry;
 * HttpOnly, Secure, SameSite=Lax, scoped to /console.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { rolesOf, type AdminRole } from '../domain/roles.ts';
import type { LoginChecks } from './oidc-login.ts';

export interface ConsoleSession {
  sub: string;
  name: string;
  /** Who acts, for the audit trail: the email, else the subject. */
  actor: string;
  roles: AdminRole[];
  /** Every console form carries it; a post whose token differs is refused (double submit, bound to the session). */
  csrf: string;
}

export const SESSION_COOKIE = 'paraphe_console';
export const LOGIN_COOKIE = 'paraphe_console_login';
export const SESSION_TTL_SECONDS = 8 * 3600;
export const LOGIN_TTL_SECONDS = 10 * 60;

type Purpose = 'console-session' | 'console-login';

export function cookieHeader(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/console; HttpOnly; Secure; SameSite=Lax; Max-Age=${maxAgeSeconds}`;
}

export const clearedCookie = (name: string) => cookieHeader(name, '', 0);

export function readCookie(event: Pick<APIGatewayProxyEventV2, 'cookies'>, name: string): string | undefined {
  const pair = (event.cookies ?? []).find((cookie) => cookie.startsWith(`${name}=`));
  return pair?.slice(name.length + 1) || undefined;
}

export function consoleCookies(key: () => Promise<Uint8Array>, now: () => Date) {
  async function seal(purpose: Purpose, payload: Record<string, unknown>, ttlSeconds: number): Promise<string> {
    const issuedAt = Math.floor(now().getTime() / 1000);
    return new EncryptJWT(payload)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setAudience(purpose)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .encrypt(await key());
  }
  async function open(purpose: Purpose, token: string | undefined): Promise<Record<string, unknown> | undefined> {
    if (!token) return undefined;
    try {
      const { payload } = await jwtDecrypt(token, await key(), { audience: purpose, currentDate: now(), keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
      return payload;
    } catch {
      return undefined;
    }
  }
  return {
    /** A new session for the ID token's claims: a fresh CSRF token, the roles read as the API reads them. */
    async newSession(claims: Record<string, unknown>): Promise<{ session: ConsoleSession; cookie: string }> {
      const sub = String(claims.sub);
      const session: ConsoleSession = {
        sub,
        name: typeof claims.name === 'string' ? claims.name : sub,
        actor: typeof claims.email === 'string' ? claims.email : sub,
        roles: rolesOf(claims.roles),
        csrf: randomBytes(32).toString('base64url'),
      };
      return { session, cookie: cookieHeader(SESSION_COOKIE, await seal('console-session', { ...session }, SESSION_TTL_SECONDS), SESSION_TTL_SECONDS) };
    },
    async session(event: Pick<APIGatewayProxyEventV2, 'cookies'>): Promise<ConsoleSession | undefined> {
      const payload = await open('console-session', readCookie(event, SESSION_COOKIE));
      if (!payload || typeof payload.sub !== 'string' || typeof payload.csrf !== 'string') return undefined;
      return { sub: payload.sub, name: String(payload.name), actor: String(payload.actor), roles: rolesOf(payload.roles), csrf: payload.csrf };
    },
    async loginCookie(checks: LoginChecks, returnTo: string): Promise<string> {
      return cookieHeader(LOGIN_COOKIE, await seal('console-login', { ...checks, returnTo }, LOGIN_TTL_SECONDS), LOGIN_TTL_SECONDS);
    },
    async login(event: Pick<APIGatewayProxyEventV2, 'cookies'>): Promise<(LoginChecks & { returnTo: string }) | undefined> {
      const payload = await open('console-login', readCookie(event, LOGIN_COOKIE));
      if (!payload) return undefined;
      const { verifier, state, nonce, returnTo } = payload;
      if (typeof verifier !== 'string' || typeof state !== 'string' || typeof nonce !== 'string' || typeof returnTo !== 'string') return undefined;
      return { verifier, state, nonce, returnTo };
    },
  };
}

export function csrfMatches(session: ConsoleSession, given: string | undefined): boolean {
  const expected = Buffer.from(session.csrf);
  const actual = Buffer.from(given ?? '');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
