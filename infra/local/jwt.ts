/**
 * What API Gateway's JWT authorizer does, for the local gateway: an admin
 * route's bearer token must be a JWT signed with a key of the issuer's JWKS
 * (found by OpenID discovery), RS256, from that issuer, for one of the
 * audiences (`aud`, or `client_id` when the token has no `aud`), not expired.
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

export interface AdminAuth {
  /** The OpenID provider's issuer URL (`iss`). */
  issuer: string;
  audience: readonly string[];
}

export type AdminTokenVerifier = (token: string) => Promise<JWTPayload | undefined>;

/** `now`: the clock expiry is judged by (a test moves it). */
export function adminTokenVerifier(auth: AdminAuth, now: () => Date = () => new Date()): AdminTokenVerifier {
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const discover = async () => {
    const response = await fetch(`${auth.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
    if (!response.ok) throw new Error(`OpenID discovery of ${auth.issuer}: ${response.status}`);
    const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: string };
    if (!jwksUri) throw new Error(`OpenID discovery of ${auth.issuer}: no jwks_uri`);
    return createRemoteJWKSet(new URL(jwksUri));
  };
  return async (token) => {
    keys ??= discover().catch((error: unknown) => {
      keys = undefined;
      throw error;
    });
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await keys, { issuer: auth.issuer, algorithms: ['RS256'], requiredClaims: ['exp'], currentDate: now() }));
    } catch {
      return undefined;
    }
    const audiences = payload.aud === undefined ? [payload.client_id] : [payload.aud].flat();
    return audiences.some((audience) => typeof audience === 'string' && auth.audience.includes(audience)) ? payload : undefined;
  };
}
