/**
 * The rectorat's console on the local stack: the académie's login through
 * the local OpenID provider's own form (authorization code + PKCE), the
 * encrypted session cookie, the pages, and the countersignature form, which
 * only a signataire's session with its CSRF token may post.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SESSION_COOKIE } from '../../functions/http/console-session.ts';
import { campaign2026, deliberation, leBoulou, lespignan } from '../fixtures/seed-communes.ts';
import { CookieJar, csrfOf, follow, logIn, visit } from '../support/console-client.ts';
import { eventually, mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
/** Lespignan, signed by its mayor: what the countersignature tests act on. */
let signed: { id: string; path: string };
beforeAll(async () => {
  stack = await startTestStack();
  signed = await sentConvention(stack, campaign2026, { ...lespignan, mayor: { ...lespignan.mayor, email: mayorEmail('console') } });
  await sentConvention(stack, campaign2026, { ...leBoulou, mayor: { ...leBoulou.mayor, email: mayorEmail('console-boulou') } });
});
afterAll(async () => stack?.close());

async function signByMayor(id: string, path: string): Promise<void> {
  const response = await stack.request('POST', path, { token: null, form: { signerName: lespignan.mayor.name, capacity: 'maire', consent: 'on', ...deliberation } });
  expect(response.status).toBe(200);
  await eventually(async () => (await stack.admin('GET', `/admin/conventions/${id}`)).json.signedDocument);
}

describe('console login', () => {
  it('sends a visitor without a session to the provider, with PKCE (S256), a state and a nonce, and keeps the checks in an encrypted cookie', async () => {
    const jar = new CookieJar();
    const first = await visit(jar, `${stack.url}/console/campagnes`);
    expect(first.response.status).toBe(302);
    const to = new URL(first.response.headers.get('location')!);
    expect(to.origin).toBe(inject('servers').oidcIssuer);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('redirect_uri')).toBe(`${stack.url}/console/callback`);
    expect(to.searchParams.get('state')).toBeTruthy();
    expect(to.searchParams.get('nonce')).toBeTruthy();
    const cookie = first.response.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/paraphe_console_login=[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+; Path=\/console; HttpOnly; Secure; SameSite=Lax; Max-Age=600/);
  });

  it('logs a gestionnaire in through the provider form and lands on the page asked for, with a session cookie', async () => {
    const jar = new CookieJar();
    const landed = await logIn(jar, stack.url, 'gestionnaire');
    expect(landed.response.status).toBe(200);
    expect(landed.url).toBe(`${stack.url}/console/campagnes`);
    expect(landed.text).toContain('Campagne 2026-2027');
    expect(landed.text).toContain('Camille Martin (gestionnaire)');
    expect(jar.get(stack.url, SESSION_COOKIE)).toBeTruthy();
  });

  it('refuses a wrong password on the provider form, and gives no session', async () => {
    const jar = new CookieJar();
    const page = await logIn(jar, stack.url, 'signataire', 'gestionnaire');
    expect(page.response.status).toBe(401);
    expect(page.text).toContain('Identifiant ou mot de passe incorrect.');
    expect(jar.get(stack.url, SESSION_COOKIE)).toBeUndefined();
  });

  it('treats a session cookie that was tampered with as no session', async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const cookie = jar.get(stack.url, SESSION_COOKIE)!;
    jar.set(stack.url, SESSION_COOKIE, `${cookie.slice(0, -4)}AAAA`);
    expect((await visit(jar, `${stack.url}/console/campagnes`)).response.status).toBe(302);
  });

  it('refuses a callback that no login of this browser started', async () => {
    const page = await visit(new CookieJar(), `${stack.url}/console/callback?code=x&state=y`);
    expect(page.response.status).toBe(401);
    expect(page.text).toContain('recommencez depuis la console');
  });

  it('logs out with the form (CSRF token), clearing the session and ending the one at the provider', async () => {
    const jar = new CookieJar();
    const landed = await logIn(jar, stack.url, 'gestionnaire');
    const out = await visit(jar, `${stack.url}/console/deconnexion`, { form: { csrf: csrfOf(landed.text) } });
    expect(out.response.status).toBe(303);
    expect(out.response.headers.get('location')).toContain(`${inject('servers').oidcIssuer}/session/end`);
    expect(jar.get(stack.url, SESSION_COOKIE)).toBeUndefined();
    expect((await visit(jar, `${stack.url}/console/campagnes`)).response.status).toBe(302);
  });
});

describe('console pages', () => {
  it("lists a campaign's conventions, filtered by status and département, beside its figures by département", async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const all = await visit(jar, `${stack.url}/console/campagnes/2026-2027`);
    expect(all.text).toContain('Lespignan');
    expect(all.text).toContain('Le Boulou');
    const herault = await visit(jar, `${stack.url}/console/campagnes/2026-2027?status=&departement=34&q=`);
    expect(herault.text).toContain('Lespignan');
    expect(herault.text).not.toContain('Le Boulou');
    const drafts = await visit(jar, `${stack.url}/console/campagnes/2026-2027?status=draft`);
    expect(drafts.text).toContain('0 convention');
    // The figures by département cover the whole campaign, whatever the filter.
    expect(drafts.text).toMatch(/<td>34<\/td><td>Montpellier<\/td><td>1<\/td>/);
    expect(drafts.text).toMatch(/<td>66<\/td><td>Montpellier<\/td><td>1<\/td>/);
  });

  it('refuses a bad filter with a 400 page naming the field in French, never a stack trace', async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const page = await visit(jar, `${stack.url}/console/campagnes/2026-2027?status=bogus`);
    expect(page.response.status).toBe(400);
    expect(page.response.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('status : Statut inconnu.');
    expect(page.text).not.toMatch(/at \w+ \(|node_modules/);
    expect((await visit(jar, `${stack.url}/console/conventions/pas-un-uuid`)).response.status).toBe(400);
  });

  it("shows a convention with its history", async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const page = await visit(jar, `${stack.url}/console/conventions/${signed.id}`);
    expect(page.response.status).toBe(200);
    expect(page.text).toContain('Convention de Lespignan, 2026-2027');
    expect(page.text).toContain('Convention créée');
    expect(page.text).toContain('Envoyée au maire');
  });
});

describe('countersigning from the console', () => {
  it('shows a gestionnaire no countersign button, and answers 403 to a forged countersign post, writing nothing', async () => {
    await signByMayor(signed.id, signed.path);
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const page = await visit(jar, `${stack.url}/console/conventions/${signed.id}`);
    expect(page.text).toContain('Signée par la commune');
    expect(page.text).not.toContain('Contresigner la convention');
    const forged = await visit(jar, `${stack.url}/console/conventions/${signed.id}/contresigner`, { form: { csrf: csrfOf(page.text) } });
    expect(forged.response.status).toBe(403);
    expect(forged.text).toContain('rôle signataire');
    expect((await stack.admin('GET', `/admin/conventions/${signed.id}`)).json.status).toBe('signed');
  });

  it("refuses a signataire's post without the session's CSRF token (403), then countersigns with the page's form", async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'signataire');
    const page = await visit(jar, `${stack.url}/console/conventions/${signed.id}`);
    expect(page.text).toContain('Contresigner la convention');
    const action = `${stack.url}/console/conventions/${signed.id}/contresigner`;
    expect((await visit(jar, action, { form: {} })).response.status).toBe(403);
    expect((await visit(jar, action, { form: { csrf: 'x'.repeat(43) } })).response.status).toBe(403);
    expect((await stack.admin('GET', `/admin/conventions/${signed.id}`)).json.status).toBe('signed');

    const done = await follow(jar, await visit(jar, action, { form: { csrf: csrfOf(page.text) } }));
    expect(done.response.status).toBe(200);
    expect(done.text).toContain('Convention contresignée');
    const convention = (await stack.admin('GET', `/admin/conventions/${signed.id}`)).json;
    expect(convention.status).toBe('executed');
    expect(convention.countersignature.actor).toBe('signataire@rectorat.example.org');
  });

  it('refuses a form post without a session (401)', async () => {
    const response = await visit(new CookieJar(), `${stack.url}/console/conventions/${signed.id}/contresigner`, { form: { csrf: 'x' } });
    expect(response.response.status).toBe(401);
  });
});
