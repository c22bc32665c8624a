/**
 * Local stand-in for the académie's OpenID Connect issuer: HS256 tokens signed
 * with a secret kept under .local/. The gateway checks them as the HTTP API
 * JWT authorizer checks real ones (issuer, audience, expiry) and passes the
 * claims to the handler the same way.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const LOCAL_ISSUER = 'https://paraphe.local/oidc';
export const LOCAL_AUDIENCE = 'paraphe-admin';

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

export function ensureJwtSecret(path: string): string {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return readFileSync(path, 'utf8').trim();
}

export function signLocalToken(
  secret: string,
  claims: { sub: string; email?: string; roles?: string[] },
  now: Date,
  ttlSeconds = 12 * 3600,
): string {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, iat: issuedAt, exp: issuedAt + ttlSeconds, roles: ['gestionnaire', 'signataire'], ...claims }),
  );
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** The claims of a valid token, or undefined: bad signature, wrong issuer or audience, expired. */
export function verifyLocalToken(secret: string, token: string, now: Date): Record<string, unknown> | undefined {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return undefined;
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (claims.iss !== LOCAL_ISSUER || claims.aud !== LOCAL_AUDIENCE) return undefined;
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now.getTime()) return undefined;
  return claims;
}
