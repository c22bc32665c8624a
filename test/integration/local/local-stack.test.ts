import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, inject, it } from 'vitest';
import { DEFAULT_ADMIN_AUDIENCE } from '../../../infra/admin-auth.ts';
import { adminTokenVerifier } from '../../../infra/local/jwt.ts';
import { machineToken } from '../../../infra/local/oidc.ts';
import { assertJava, JavaMissingError } from '../../../infra/local/servers.ts';

describe('npm start without Java', () => {
  it('says in one sentence that Java is missing and which command installs it', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => assertJava()).toThrow(JavaMissingError);
      expect(() => assertJava()).toThrow(/apt-get install -y openjdk-17-jre-headless/);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe("the local gateway's check of admin tokens, as API Gateway's JWT authorizer", () => {
  const { oidcIssuer } = inject('servers');
  const verify = adminTokenVerifier({ issuer: oidcIssuer, audience: [DEFAULT_ADMIN_AUDIENCE] });

  it("accepts an RS256 token the local OpenID provider issued for the API's audience, with its roles", async () => {
    const token = await machineToken(oidcIssuer, ['gestionnaire']);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256' });
    expect(await verify(token)).toMatchObject({ iss: oidcIssuer, aud: DEFAULT_ADMIN_AUDIENCE, roles: ['gestionnaire'] });
  });

  it('refuses it once expired, for another audience, or with an altered payload', async () => {
    const token = await machineToken(oidcIssuer, ['gestionnaire']);
    const later = adminTokenVerifier({ issuer: oidcIssuer, audience: [DEFAULT_ADMIN_AUDIENCE] }, () => new Date(Date.now() + 13 * 3600_000));
    expect(await later(token)).toBeUndefined();
    expect(await adminTokenVerifier({ issuer: oidcIssuer, audience: ['another-api'] })(token)).toBeUndefined();
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['signataire'] })).toString('base64url');
    expect(await verify(`${header}.${forged}.${signature}`)).toBeUndefined();
  });

  it('refuses a token with the right claims signed by another key, or with HS256', async () => {
    const claims = { iss: oidcIssuer, aud: DEFAULT_ADMIN_AUDIENCE, sub: 'intruder', roles: ['signataire'] };
    const { privateKey } = await generateKeyPair('RS256');
    const otherKey = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setIssuedAt().setExpirationTime('1h').sign(privateKey);
    expect(await verify(otherKey)).toBeUndefined();
    const hmac = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(new Uint8Array(32));
    expect(await verify(hmac)).toBeUndefined();
  });
});
