/**
 * The console's cookies: encrypted with the console's key, each for its own
 * purpose, until its expiry; the CSRF token is the session's own.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { consoleCookies, csrfMatches, LOGIN_COOKIE, SESSION_COOKIE } from '../../../functions/adapters/console-session.ts';

const key = new Uint8Array(randomBytes(32));
const at = (instant: string) => () => new Date(instant);
const valueOf = (setCookie: string) => setCookie.split(';')[0]!;
const claims = { sub: 'gestionnaire', name: 'Camille Martin', email: 'gestionnaire@rectorat.example.org', roles: ['gestionnaire', 'lecteur'] };

describe('the console session cookie', () => {
  it('is HttpOnly, Secure, SameSite=Lax, scoped to /console and lasts 8 hours; it gives back who logged in, with the roles read as the API reads them', async () => {
    const cookies = consoleCookies(async () => key, at('2026-12-02T08:00:00Z'));
    const { session, cookie } = await cookies.newSession(claims);
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[^;]+; Path=/console; HttpOnly; Secure; SameSite=Lax; Max-Age=28800$`));
    expect(cookie).not.toContain('gestionnaire@');
    expect(await cookies.session({ cookies: [valueOf(cookie)] })).toEqual({ ...session, actor: 'gestionnaire@rectorat.example.org', roles: ['gestionnaire'] });
  });

  it('is no session any more after 8 hours, under another key, or when it is the login cookie', async () => {
    const { cookie } = await consoleCookies(async () => key, at('2026-12-02T08:00:00Z')).newSession(claims);
    expect(await consoleCookies(async () => key, at('2026-12-02T16:00:01Z')).session({ cookies: [valueOf(cookie)] })).toBeUndefined();
    expect(await consoleCookies(async () => new Uint8Array(randomBytes(32)), at('2026-12-02T08:00:00Z')).session({ cookies: [valueOf(cookie)] })).toBeUndefined();
    const cookies = consoleCookies(async () => key, at('2026-12-02T08:00:00Z'));
    const login = await cookies.loginCookie({ verifier: 'v', state: 's', nonce: 'n' }, '/console/campagnes');
    const asSession = valueOf(login).replace(`${LOGIN_COOKIE}=`, `${SESSION_COOKIE}=`);
    expect(await cookies.session({ cookies: [asSession] })).toBeUndefined();
    expect(await cookies.login({ cookies: [valueOf(login)] })).toEqual({ verifier: 'v', state: 's', nonce: 'n', returnTo: '/console/campagnes' });
  });

  it("accepts a form's CSRF token only when it is the session's own", async () => {
    const cookies = consoleCookies(async () => key, at('2026-12-02T08:00:00Z'));
    const { session } = await cookies.newSession(claims);
    const { session: another } = await cookies.newSession(claims);
    expect(csrfMatches(session, session.csrf)).toBe(true);
    expect(csrfMatches(session, another.csrf)).toBe(false);
    expect(csrfMatches(session, undefined)).toBe(false);
    expect(csrfMatches(session, '')).toBe(false);
  });
});
