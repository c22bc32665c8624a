/**
 * The rectorat's console on the local stack: the académie's login through
 * the local OpenID provider's own form (authorization code + PKCE), the
 * encrypted session cookie, the pages, and the countersignature form, which
 * only a signataire's session with its CSRF token may post.
 */
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SESSION_COOKIE } from '../../functions/adapters/console-session.ts';
import { campaign2026, deliberation, leBoulou, lespignan, pezilla } from '../fixtures/seed-communes.ts';
import { CookieJar, csrfOf, follow, logIn, visit } from '../support/console-client.ts';
import { eventually, mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
/** Lespignan, signed by its mayor: what the countersignature tests act on. */
let signed: { id: string; path: string };
/** Le Boulou, sent: what the resend and cancel forms act on. */
let boulou: { id: string; path: string; email: string };
beforeAll(async () => {
  stack = await startTestStack();
  signed = await sentConvention(stack, campaign2026, { ...lespignan, mayor: { ...lespignan.mayor, email: mayorEmail('console') } });
  boulou = await sentConvention(stack, campaign2026, { ...leBoulou, mayor: { ...leBoulou.mayor, email: mayorEmail('console-boulou') } });
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
    // Each event's sentence, phrased from its fields (templates/format/audit-event.ts).
    expect(page.text).toContain(`Invitation envoyée à ${(await stack.admin('GET', `/admin/conventions/${signed.id}`)).json.mayor.email}`);
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

/** A download: its status, headers and bytes, with the jar's cookies. */
async function download(jar: CookieJar | null, url: string): Promise<{ response: Response; bytes: Uint8Array }> {
  const response = await fetch(url, { headers: jar ? { cookie: jar.header(url) } : {}, redirect: 'manual' });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

/** The same file from the admin API, with an admin token. */
async function adminDownload(path: string): Promise<{ response: Response; bytes: Uint8Array }> {
  const response = await stack.request('GET', path);
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

const withoutExportedAt = (bytes: Uint8Array) => ({ ...JSON.parse(new TextDecoder().decode(bytes)), exportedAt: undefined });

describe('downloads from the console', () => {
  it("gives billing.csv (and ?reste=1) with the admin API's bytes and headers, and none without a session", async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const page = await visit(jar, `${stack.url}/console/campagnes/2026-2027`);
    expect(page.text).toContain('href="/console/campagnes/2026-2027/billing.csv"');
    expect(page.text).toContain('href="/console/campagnes/2026-2027/billing.csv?reste=1"');
    for (const query of ['', '?reste=1']) {
      const mine = await download(jar, `${stack.url}/console/campagnes/2026-2027/billing.csv${query}`);
      const api = await adminDownload(`/admin/campaigns/2026-2027/billing.csv${query}`);
      expect(mine.response.status).toBe(200);
      expect(mine.response.headers.get('content-type')).toBe(api.response.headers.get('content-type'));
      expect(mine.response.headers.get('content-disposition')).toBe(api.response.headers.get('content-disposition'));
      expect(Buffer.from(mine.bytes).equals(Buffer.from(api.bytes))).toBe(true);
    }
    // Lespignan, countersigned above, is billed.
    expect(new TextDecoder('windows-1252').decode((await download(jar, `${stack.url}/console/campagnes/2026-2027/billing.csv`)).bytes)).toContain('Lespignan');
    expect((await download(jar, `${stack.url}/console/campagnes/2026-2027/billing.csv?reste=2`)).response.status).toBe(400);
    expect((await download(jar, `${stack.url}/console/campagnes/2031-2032/billing.csv`)).response.status).toBe(404);
    expect((await download(null, `${stack.url}/console/campagnes/2026-2027/billing.csv`)).response.status).toBe(302);
  });

  it("gives a convention's audit.json and evidence.zip as the admin API does, to a signataire too", async () => {
    await eventually(async () => (await stack.admin('GET', `/admin/conventions/${signed.id}`)).json.executedDocument);
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'signataire');
    const page = await visit(jar, `${stack.url}/console/conventions/${signed.id}`);
    expect(page.text).toContain(`href="/console/conventions/${signed.id}/audit.json"`);
    expect(page.text).toContain(`href="/console/conventions/${signed.id}/evidence.zip"`);

    const audit = await download(jar, `${stack.url}/console/conventions/${signed.id}/audit.json`);
    const apiAudit = await adminDownload(`/admin/conventions/${signed.id}/audit.json`);
    expect(audit.response.status).toBe(200);
    expect(audit.response.headers.get('content-disposition')).toBe(`attachment; filename="audit-convention-${signed.id}.json"`);
    expect(withoutExportedAt(audit.bytes)).toEqual(withoutExportedAt(apiAudit.bytes));

    const zip = await download(jar, `${stack.url}/console/conventions/${signed.id}/evidence.zip`);
    const apiZip = await adminDownload(`/admin/conventions/${signed.id}/evidence.zip`);
    expect(zip.response.status).toBe(200);
    expect(zip.response.headers.get('content-type')).toBe('application/zip');
    expect(zip.response.headers.get('content-disposition')).toBe(apiZip.response.headers.get('content-disposition'));
    const mine = unzipSync(zip.bytes);
    const theirs = unzipSync(apiZip.bytes);
    expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
    expect(Object.keys(mine).some((name) => name.endsWith('.pdf'))).toBe(true);
    // Every file is the API's, but for the instant of the export written in the audit and the LISEZMOI.
    for (const name of Object.keys(mine).filter((name) => !/audit\.json$|LISEZMOI\.txt$/.test(name))) {
      expect(Buffer.from(mine[name]!).equals(Buffer.from(theirs[name]!)), name).toBe(true);
    }
    expect((await download(null, `${stack.url}/console/conventions/${signed.id}/evidence.zip`)).response.status).toBe(302);
  });
});

describe('opening a campaign from the console', () => {
  const form = {
    schoolYear: '2027-2028', fee: '50,50', endDate: '2028-09-05', issuePlace: 'Montpellier', issueDate: '2027-11-20',
    'signatory.name': 'Carole Drucker-Godard', 'signatory.title': 'Rectrice de la région académique Occitanie', linkValidityDays: '', model: '', deliberationRequired: 'false',
  };

  it('shows the 400 field errors next to their fields, keeping what was typed, and writes nothing', async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const list = await visit(jar, `${stack.url}/console/campagnes`);
    expect(list.text).toContain('href="/console/nouvelle-campagne"');
    const page = await visit(jar, `${stack.url}/console/nouvelle-campagne`);
    expect(page.response.status).toBe(200);
    const refused = await visit(jar, `${stack.url}/console/nouvelle-campagne`, { form: { csrf: csrfOf(page.text), ...form, fee: '', endDate: '2028-02-30', linkValidityDays: '400' } });
    expect(refused.response.status).toBe(400);
    expect(refused.text).toMatch(/id="fee-error">Indiquez le montant par école, en euros \(par exemple 40\)\./);
    expect(refused.text).toMatch(/id="endDate-error">La date de fin des conventions n&#39;est pas une date du calendrier\./);
    expect(refused.text).toMatch(/id="linkValidityDays-error">La durée de validité des liens ne doit pas dépasser 365 jours\./);
    expect(refused.text).toContain('value="Montpellier"');
    expect((await stack.admin('GET', '/admin/campaigns/2027-2028/stats')).status).toBe(404);
    // A fee typed in cents, as the API takes it, is not an amount in euros a clerk means.
    const cents = await visit(jar, `${stack.url}/console/nouvelle-campagne`, { form: { csrf: csrfOf(page.text), ...form, fee: '40 €50' } });
    expect(cents.response.status).toBe(400);
    expect(cents.text).toMatch(/id="fee-error">« 40 €50 » n&#39;est pas un montant en euros/);
    expect((await stack.admin('GET', '/admin/campaigns/2027-2028/stats')).status).toBe(404);
  });

  it("opens the campaign and shows the model and fee warnings of the 201; a second time, the 409 next to the year; never a signataire's nor without the CSRF token", async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const page = await visit(jar, `${stack.url}/console/nouvelle-campagne`);
    expect((await visit(jar, `${stack.url}/console/nouvelle-campagne`, { form })).response.status).toBe(403);
    const created = await visit(jar, `${stack.url}/console/nouvelle-campagne`, { form: { csrf: csrfOf(page.text), ...form } });
    expect(created.response.status).toBe(201);
    expect(created.text).toContain('Campagne 2027-2028 ouverte');
    // "50,50" in the form is 5050 cents.
    expect(created.text).toMatch(/Montant par école : 50,50\s€/);
    expect(created.text).toContain('diffère de celui du texte');
    const campaign = (await stack.admin('GET', '/admin/campaigns/2027-2028/stats')).status;
    expect(campaign).toBe(200);
    const again = await visit(jar, `${stack.url}/console/nouvelle-campagne`, { form: { csrf: csrfOf(page.text), ...form } });
    expect(again.response.status).toBe(409);
    expect(again.text).toMatch(/id="schoolYear-error">La campagne 2027-2028 existe déjà\./);

    const signer = new CookieJar();
    const signerPage = await logIn(signer, stack.url, 'signataire');
    expect(signerPage.text).not.toContain('href="/console/nouvelle-campagne"');
    expect((await visit(signer, `${stack.url}/console/nouvelle-campagne`)).response.status).toBe(403);
    const forged = await visit(signer, `${stack.url}/console/nouvelle-campagne`, { form: { csrf: csrfOf(signerPage.text), ...form, schoolYear: '2028-2029' } });
    expect(forged.response.status).toBe(403);
    expect((await stack.admin('GET', '/admin/campaigns/2028-2029/stats')).status).toBe(404);
  });
});

describe("a gestionnaire's actions on a convention", () => {
  it('sends the link again to a corrected address, after refusing a bad one next to its field', async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const convention = await visit(jar, `${stack.url}/console/conventions/${boulou.id}`);
    expect(convention.text).toContain(`href="/console/conventions/${boulou.id}/renvoyer"`);
    const page = await visit(jar, `${stack.url}/console/conventions/${boulou.id}/renvoyer`);
    expect(page.response.status).toBe(200);
    const action = `${stack.url}/console/conventions/${boulou.id}/renvoyer`;
    const refused = await visit(jar, action, { form: { csrf: csrfOf(page.text), mayorEmail: 'pas une adresse' } });
    expect(refused.response.status).toBe(400);
    expect(refused.text).toMatch(/id="mayorEmail-error">[^<]+/);
    expect(refused.text).toContain('value="pas une adresse"');

    const corrected = mayorEmail('console-boulou-corrige');
    const done = await follow(jar, await visit(jar, action, { form: { csrf: csrfOf(page.text), mayorEmail: corrected } }));
    expect(done.text).toContain('Lien envoyé à nouveau : le maire');
    expect((await stack.admin('GET', `/admin/conventions/${boulou.id}`)).json.mayor.email).toBe(corrected);
    await eventually(async () => (await stack.inbox(corrected)).length > 0);
    // The first link died with the resend.
    expect((await stack.request('GET', boulou.path, { token: null })).status).not.toBe(200);
  });

  it("refuses a signataire's resend (403) and cancels with a reason, after refusing an empty one next to its field", async () => {
    const signer = new CookieJar();
    const signerPage = await logIn(signer, stack.url, 'signataire');
    expect((await visit(signer, `${stack.url}/console/conventions/${boulou.id}/annuler`)).response.status).toBe(403);
    expect((await visit(signer, `${stack.url}/console/conventions/${boulou.id}/renvoyer`, { form: { csrf: csrfOf(signerPage.text) } })).response.status).toBe(403);

    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const page = await visit(jar, `${stack.url}/console/conventions/${boulou.id}/annuler`);
    expect(page.text).toContain('Raison de l&#39;annulation');
    const action = `${stack.url}/console/conventions/${boulou.id}/annuler`;
    const refused = await visit(jar, action, { form: { csrf: csrfOf(page.text), reason: '' } });
    expect(refused.response.status).toBe(400);
    expect(refused.text).toMatch(/id="reason-error">[^<]+/);
    expect((await stack.admin('GET', `/admin/conventions/${boulou.id}`)).json.status).toBe('sent');

    const done = await follow(jar, await visit(jar, action, { form: { csrf: csrfOf(page.text), reason: 'Commune fusionnée au 1er janvier.' } }));
    expect(done.text).toContain('Convention annulée.');
    expect(done.text).toContain('Commune fusionnée au 1er janvier.');
    expect((await stack.admin('GET', `/admin/conventions/${boulou.id}`)).json.status).toBe('cancelled');
    // A second cancellation is the core's 409, in French.
    const twice = await visit(jar, action, { form: { csrf: csrfOf(page.text), reason: 'Encore.' } });
    expect(twice.response.status).toBe(409);
    expect(twice.text).toContain('ne peut pas être annulée');
  });
});

describe("countersigning a campaign's signed conventions from the console", () => {
  it('says what will be sealed, starts the job for a signataire only, and follows it to its end', async () => {
    const third = await sentConvention(stack, campaign2026, { ...pezilla, mayor: { ...pezilla.mayor, email: mayorEmail('console-pezilla') } });
    await signByMayor(third.id, third.path);

    const manager = new CookieJar();
    const managerPage = await logIn(manager, stack.url, 'gestionnaire');
    expect((await visit(manager, `${stack.url}/console/campagnes/2026-2027`)).text).not.toContain('/contresigner"');
    expect((await visit(manager, `${stack.url}/console/campagnes/2026-2027/contresigner`)).response.status).toBe(403);
    expect((await visit(manager, `${stack.url}/console/campagnes/2026-2027/contresigner`, { form: { csrf: csrfOf(managerPage.text) } })).response.status).toBe(403);

    const jar = new CookieJar();
    await logIn(jar, stack.url, 'signataire');
    expect((await visit(jar, `${stack.url}/console/campagnes/2026-2027`)).text).toContain('href="/console/campagnes/2026-2027/contresigner"');
    const page = await visit(jar, `${stack.url}/console/campagnes/2026-2027/contresigner`);
    expect(page.response.status).toBe(200);
    expect(page.text).toContain('1 convention signée par la commune sera contresignée');
    expect(page.text).toContain('Pézilla-la-Rivière');
    expect(page.text).not.toContain('>Lespignan<');
    expect((await visit(jar, `${stack.url}/console/campagnes/2026-2027/contresigner`, { form: {} })).response.status).toBe(403);

    const started = await visit(jar, `${stack.url}/console/campagnes/2026-2027/contresigner`, { form: { csrf: csrfOf(page.text) } });
    expect(started.response.status).toBe(303);
    const jobPath = started.response.headers.get('location')!;
    expect(jobPath).toMatch(/^\/console\/taches\/[A-Za-z0-9_-]+$/);
    const jobId = jobPath.split('/').pop()!;
    const progress = await visit(jar, `${stack.url}${jobPath}`);
    expect(progress.response.status).toBe(200);
    expect(progress.text).toContain('Contresignature de la campagne 2026-2027');

    await stack.waitForJob(jobId);
    await eventually(async () => (await stack.admin('GET', `/admin/conventions/${third.id}`)).json.status === 'executed');
    const finished = await visit(jar, `${stack.url}${jobPath}`);
    expect(finished.text).toContain('Terminée');
    const after = await visit(jar, `${stack.url}/console/campagnes/2026-2027/contresigner`);
    expect(after.text).toContain("Aucune convention de la campagne n'attend la contresignature");
    expect((await visit(jar, `${stack.url}/console/taches/pas un id`)).response.status).toBe(400);
  });
});
