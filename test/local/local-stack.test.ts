import { describe, expect, it } from 'vitest';
import { signLocalToken, verifyLocalToken } from '../../infra/local/jwt.ts';
import { assertJava, JavaMissingError } from '../../infra/local/servers.ts';

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

describe('local admin tokens', () => {
  const secret = 'a'.repeat(64);
  const now = new Date('2026-11-23T10:00:00Z');

  it('are accepted while valid, with their claims', () => {
    const token = signLocalToken(secret, { sub: 'clerk', roles: ['gestionnaire'] }, now);
    expect(verifyLocalToken(secret, token, now)).toMatchObject({ sub: 'clerk', roles: ['gestionnaire'] });
  });

  it('are refused once expired, when signed with another secret, or when their payload is altered', () => {
    const token = signLocalToken(secret, { sub: 'clerk' }, now, 60);
    expect(verifyLocalToken(secret, token, new Date(now.getTime() + 60_000))).toBeUndefined();
    expect(verifyLocalToken('b'.repeat(64), token, now)).toBeUndefined();
    const [header, , signature] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ sub: 'intruder', iss: 'https://paraphe.local/oidc', aud: 'paraphe-admin', exp: 9e9 })).toString('base64url');
    expect(verifyLocalToken(secret, `${header}.${forgedPayload}.${signature}`, now)).toBeUndefined();
  });
});
