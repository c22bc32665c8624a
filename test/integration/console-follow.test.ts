/**
 * Following a campaign from the rectorat's console, over HTTP on the local stack: the campaign's dashboard
 * (figures by académie and département, what falls due in 14 days, an address SES reported as bouncing),
 * the jobs list, avenants (prepared with a field error, then with the 15 October warning; countersigned by
 * a signataire, refused to a gestionnaire) and the titres de perception.
 */
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { addDays, parisDateOf } from '../../functions/domain/calendar.ts';
import { jobDefinitions } from '../../functions/use-cases/jobs/handlers.ts';
import { runJob } from '../../functions/use-cases/jobs/run-job.ts';
import { functionSpecs } from '../../infra/functions.ts';
import { lambdaContext, loadHandler } from '../../infra/local/gateway.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { formatFrenchDate } from '../../templates/format/french.ts';
import { FOLLOW_ROUTES } from '../../functions/console/follow-pages.ts';
import { campaign2026, deliberation, leBoulou, lespignan } from '../fixtures/seed-communes.ts';
import { CookieJar, csrfOf, logIn, visit } from '../support/console-client.ts';
import { sesBounceEvent } from '../support/ses-events.ts';
import { eventually, mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.close());

const withEmail = <T extends { mayor: object }>(fixture: T, label: string) => ({ ...fixture, mayor: { ...fixture.mayor, email: mayorEmail(label) } });
/** A commune of the académie de Toulouse (Haute-Garonne). */
const blagnac = {
  commune: { name: 'Blagnac', siret: '21310069600011', address: '2 PLACE DES ARTS, 31700 BLAGNAC' },
  mayor: { name: 'Joseph CARLES', title: 'Maire', email: '' },
  schools: [{ uai: '0311101D', type: 'elementaire', name: 'JEAN-JAURES' }],
};
const signForm = { signerName: 'Jean François GUIBBERT', capacity: 'maire', consent: 'on', ...deliberation };

async function session(account: 'gestionnaire' | 'signataire'): Promise<CookieJar> {
  const jar = new CookieJar();
  expect((await logIn(jar, stack.url, account)).response.status).toBe(200);
  return jar;
}

/** A permanent bounce of `address`, delivered to the real ses-events function as EventBridge would. */
async function bounce(address: string): Promise<unknown> {
  const handler = await loadHandler(PROJECT_ROOT, functionSpecs.find((spec) => spec.name === 'ses-events')!);
  return handler(sesBounceEvent({ address, at: new Date() }), lambdaContext('ses-events'));
}

describe("a campaign's dashboard", () => {
  const year = '2032-2033';
  const today = parisDateOf(new Date().toISOString());
  const endDate = addDays(today, 12);
  let ids: { lespignan: string; blagnac: string };
  let blagnacEmail: string;
  let sendJobId: string;

  beforeAll(async () => {
    // Links valid 10 days and conventions ending in 12: both fall due within the dashboard's 14 days.
    expect((await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: year, endDate, issueDate: today, linkValidityDays: 10 })).status).toBe(201);
    const l = await stack.admin('POST', `/admin/campaigns/${year}/conventions`, withEmail(lespignan, 'follow-lespignan'));
    const b = withEmail(blagnac, 'follow-blagnac');
    blagnacEmail = b.mayor.email;
    const added = await stack.admin('POST', `/admin/campaigns/${year}/conventions`, b);
    expect([l.status, added.status, added.json.error]).toEqual([201, 201, undefined]);
    ids = { lespignan: l.json.id, blagnac: added.json.id };
    const job = await stack.sendCampaign(year);
    expect(job).toMatchObject({ state: 'done', done: 2, total: 2 });
    sendJobId = job.id;
  });

  it('gives the counts and amounts by académie (Montpellier, Toulouse) and by département, and by status', async () => {
    const page = await visit(await session('gestionnaire'), `${stack.url}/console/campagnes/${year}/tableau-de-bord`);
    expect(page.response.status).toBe(200);
    // Conventions, schools, signed, exécutoires, expected, signed amount.
    expect(page.text).toContain('<tr><th scope="row">Académie de Montpellier</th><td>1</td><td>2</td><td>0</td><td>0</td><td>80\u00a0€</td><td>0\u00a0€</td></tr>');
    expect(page.text).toContain('<tr><th scope="row">Académie de Toulouse</th><td>1</td><td>1</td><td>0</td><td>0</td><td>40\u00a0€</td><td>0\u00a0€</td></tr>');
    expect(page.text).toContain('<tr><th scope="row">31 (Toulouse)</th><td>1</td>');
    expect(page.text).toContain('<tr><th scope="row">34 (Montpellier)</th><td>1</td>');
    expect(page.text).toContain('Montant attendu : 120\u00a0€');
    expect(page.text).toMatch(/Envoyée<\/span><\/a><\/th><td>2<\/td>/);
    expect(page.text).toContain("Aucune tâche de la campagne n'est en cours.");
  });

  it('lists what falls due in the next 14 days: the reminders, the links that expire, the end of the conventions', async () => {
    const page = await visit(await session('gestionnaire'), `${stack.url}/console/campagnes/${year}/tableau-de-bord`);
    const due = page.text.slice(page.text.indexOf('id="echeances"'), page.text.indexOf('id="adresses"'));
    const row = (date: string, id: string) => `<tr><td>${formatFrenchDate(date)}</td><td><a href="/console/conventions/${id}">`;
    expect(due).toContain(`${row(addDays(today, 10), ids.blagnac)}Blagnac</a></td><td>Fin de validité du lien de signature</td></tr>`);
    expect(due).toContain(`${row(endDate, ids.lespignan)}Lespignan</a></td><td>Fin de la convention : sans signature, elle arrive à échéance</td></tr>`);
    expect(due).toContain('Relance du maire : convention non signée');
    // The end-date notice 7 days before the end (moved to a working day earlier, never later).
    expect(due).toContain('Rappel au maire : fin prochaine de la convention');
  });

  it('shows an address SES reported as bouncing, with the way to send the link to a corrected address', async () => {
    const jar = await session('gestionnaire');
    const before = await visit(jar, `${stack.url}/console/campagnes/${year}/tableau-de-bord`);
    expect(before.text).toContain("Aucune adresse de maire de la campagne n'est en échec.");
    expect(await bounce(blagnacEmail)).toEqual({ marked: 1, confirmed: 0 });

    const after = await visit(jar, `${stack.url}/console/campagnes/${year}/tableau-de-bord`);
    const section = after.text.slice(after.text.indexOf('id="adresses"'));
    expect(section).toContain(`<a href="/console/conventions/${ids.blagnac}">Blagnac</a> (31)`);
    expect(section).toContain(blagnacEmail);
    expect(section).toContain('Adresse rejetée : smtp; 550 5.1.1 user unknown');
    expect(section).toContain(`href="/console/conventions/${ids.blagnac}/renvoyer">Corriger l'adresse et renvoyer le lien`);
    expect(section).not.toContain('Lespignan');

    // Sent to a corrected address, the convention leaves the list.
    const form = await visit(jar, `${stack.url}/console/conventions/${ids.blagnac}/renvoyer`);
    const resent = await visit(jar, `${stack.url}/console/conventions/${ids.blagnac}/renvoyer`, { form: { csrf: csrfOf(form.text), mayorEmail: mayorEmail('follow-blagnac-corrigee') } });
    expect(resent.response.status).toBe(303);
    const corrected = await visit(jar, `${stack.url}/console/campagnes/${year}/tableau-de-bord`);
    expect(corrected.text).toContain("Aucune adresse de maire de la campagne n'est en échec.");
  });

  it('lists the jobs, the latest first, each with its state, progress and link', async () => {
    const page = await visit(await session('signataire'), `${stack.url}/console/taches`);
    expect(page.response.status).toBe(200);
    expect(page.text).toMatch(new RegExp(`<tr><td><a href="/console/taches/${sendJobId}">[^<]+</a></td><td><p class="fr-badge fr-badge--sm fr-badge--success">Terminée</p></td><td>2 sur 2</td>`));
  });

  it('is linked from the campaign page, and refuses a bad school year with a 400 page in French', async () => {
    const jar = await session('gestionnaire');
    expect((await visit(jar, `${stack.url}/console/campagnes/${year}`)).text).toContain(`href="/console/campagnes/${year}/tableau-de-bord"`);
    const bad = await visit(jar, `${stack.url}/console/campagnes/2032/tableau-de-bord`);
    expect(bad.response.status).toBe(400);
    expect(bad.text).toContain('schoolYear');
    expect(bad.text).not.toMatch(/at \w+ \(|node_modules/);
  });
});

describe('avenants from the console', () => {
  const year = '2025-2026';
  let convention: { id: string; path: string; email: string };

  beforeAll(async () => {
    // 2025-2026: its 15 October is past for good, so the late rule applies whatever the day; it ends in 2099.
    const campaign = { ...campaign2026, schoolYear: year, endDate: '2099-09-05', issueDate: '2025-06-01' };
    convention = await sentConvention(stack, campaign, withEmail(lespignan, 'follow-avenant'));
    expect((await stack.request('POST', convention.path, { token: null, form: signForm })).status).toBe(200);
  });

  it('offers a gestionnaire the avenant form, shows a bad line next to the list, then prepares it with the 15 October warning', async () => {
    const jar = await session('gestionnaire');
    const page = await visit(jar, `${stack.url}/console/conventions/${convention.id}`);
    expect(page.text).toContain(`href="/console/conventions/${convention.id}/avenant">Préparer un avenant`);
    const form = await visit(jar, `${stack.url}/console/conventions/${convention.id}/avenant`);
    expect(form.response.status).toBe(200);
    expect(form.text).toContain('0341401N ; maternelle');
    expect(form.text).toContain('La règle du 15 octobre');

    const bad = await visit(jar, `${stack.url}/console/conventions/${convention.id}/avenant`, { form: { csrf: csrfOf(form.text), schools: '0341401N ; maternelle\n0341406U ; lycée' } });
    expect(bad.response.status).toBe(400);
    expect(bad.text).toMatch(/<textarea[^>]+id="schools"[^>]+aria-describedby="schools-hint schools-error" aria-invalid="true"/);
    expect(bad.text).toContain('<div class="fr-error-text" id="schools-error"><ul><li>Ligne 2 : Le type d&#39;école doit être');
    expect(bad.text).toContain('0341406U ; lycée</textarea>');
    expect((await stack.admin('GET', `/admin/conventions/${convention.id}`)).json.pendingAvenantId).toBeUndefined();

    const added = '0341401N ; maternelle\n0341406U ; élémentaire\n0340001S ; primaire ; NOUVELLE ECOLE';
    const prepared = await visit(jar, `${stack.url}/console/conventions/${convention.id}/avenant`, { form: { csrf: csrfOf(form.text), schools: added } });
    expect(prepared.response.status).toBe(201);
    expect(prepared.text).toContain('Avenant préparé pour Lespignan');
    expect(prepared.text).toContain('15 octobre 2025');
    expect(prepared.text).toContain('0340001S');
    const [email] = (await stack.inbox(convention.email)).filter((sent) => /\/avenant\/[A-Za-z0-9_-]{43}/.test(sent.body.text ?? ''));
    expect(email).toBeDefined();
  });

  it('lets a signataire countersign the signed avenant; a gestionnaire gets no button, and 403 to a forged post, which writes nothing', async () => {
    const [email] = (await stack.inbox(convention.email)).filter((sent) => /\/avenant\/[A-Za-z0-9_-]{43}/.test(sent.body.text ?? ''));
    const avenantPath = new URL(/https?:\/\/\S+\/avenant\/[A-Za-z0-9_-]{43}/.exec(email!.body.text!)![0]).pathname;
    expect((await stack.request('POST', avenantPath, { token: null, form: signForm })).status).toBe(200);
    const deps = composeDeps(loadConfig(process.env));
    const [avenant] = await deps.avenants.ofConvention(convention.id);
    // Countersigning needs the signed copy, which its job seals.
    await eventually(async () => (await deps.avenants.get(convention.id, avenant!.id))?.signedDocument);
    const action = `${stack.url}/console/conventions/${convention.id}/avenants/${avenant!.id}/contresigner`;

    const manager = await session('gestionnaire');
    const seen = await visit(manager, `${stack.url}/console/conventions/${convention.id}`);
    expect(seen.text).toContain('Signé par la commune, à contresigner');
    expect(seen.text).not.toContain(`action="/console/conventions/${convention.id}/avenants/${avenant!.id}/contresigner"`);
    const forged = await visit(manager, action, { form: { csrf: csrfOf(seen.text) } });
    expect(forged.response.status).toBe(403);
    expect(forged.text).toContain('rôle signataire');
    expect((await deps.avenants.get(convention.id, avenant!.id))?.status).toBe('signed');

    const signer = await session('signataire');
    const page = await visit(signer, `${stack.url}/console/conventions/${convention.id}`);
    expect(page.text).toContain(`action="/console/conventions/${convention.id}/avenants/${avenant!.id}/contresigner"`);
    const done = await visit(signer, action, { form: { csrf: csrfOf(page.text) } });
    expect(done.response.status).toBe(303);
    expect(done.response.headers.get('location')).toBe(`/console/conventions/${convention.id}?avenant-contresigne=1`);
    const after = await visit(signer, `${stack.url}${done.response.headers.get('location')}`);
    expect(after.text).toContain('Avenant contresigné');
    expect(after.text).toContain('Contresigné</p>');
    expect((await deps.avenants.get(convention.id, avenant!.id))?.status).toBe('executed');

    // Its proof file, from the console.
    const zip = await visit(signer, `${stack.url}/console/conventions/${convention.id}/avenants/${avenant!.id}/evidence.zip`);
    expect(zip.response.status).toBe(200);
    expect(zip.response.headers.get('content-type')).toBe('application/zip');
    const again = await fetch(`${stack.url}/console/conventions/${convention.id}/avenants/${avenant!.id}/evidence.zip`, { headers: { cookie: signer.header(stack.url) } });
    expect(Object.keys(unzipSync(new Uint8Array(await again.arrayBuffer())))).toEqual(expect.arrayContaining(['audit.json', 'avenant.pdf', 'avenant-signe.pdf']));
  });
});

describe('billing and the titres de perception', () => {
  const year = '2024-2025';
  let boulou: { id: string; path: string; email: string };

  beforeAll(async () => {
    const campaign = { ...campaign2026, schoolYear: year, endDate: '2099-09-05', issueDate: '2024-06-01' };
    boulou = await sentConvention(stack, campaign, withEmail(leBoulou, 'follow-titre'));
    expect((await stack.request('POST', boulou.path, { token: null, form: { ...signForm, signerName: leBoulou.mayor.name } })).status).toBe(200);
    await eventually(async () => (await stack.admin('GET', `/admin/conventions/${boulou.id}`)).json.signedDocument);
    expect((await stack.request('POST', `/admin/conventions/${boulou.id}/countersign`, { token: await stack.tokenWithRoles(['signataire']) })).status).toBe(200);
  });

  const reste = async () => Buffer.from(await (await stack.request('GET', `/admin/campaigns/${year}/billing.csv?reste=1`)).arrayBuffer()).toString('utf8');

  it('lists the exécutoire convention to invoice, refuses a titre dated in the future next to its field, then records it: ?reste=1 no longer lists it', async () => {
    const jar = await session('gestionnaire');
    const page = await visit(jar, `${stack.url}/console/campagnes/${year}/facturation`);
    expect(page.response.status).toBe(200);
    expect(page.text).toContain(`href="/console/campagnes/${year}/billing.csv?reste=1"`);
    expect(page.text).toContain(`<a href="/console/conventions/${boulou.id}">Le Boulou</a>`);
    expect(page.text).toContain(`action="/console/conventions/${boulou.id}/titre"`);
    expect(await reste()).toContain('Le Boulou;');

    const tomorrow = addDays(parisDateOf(new Date().toISOString()), 1);
    const refused = await visit(jar, `${stack.url}/console/conventions/${boulou.id}/titre`, { form: { csrf: csrfOf(page.text), number: 'T-2025-0042', date: tomorrow } });
    expect(refused.response.status).toBe(400);
    expect(refused.text).toContain(`<p class="fr-error-text" id="titre-${boulou.id}-date-error">La date du titre ne peut pas être après aujourd&#39;hui`);
    expect(refused.text).toContain(`value="T-2025-0042"`);
    expect((await stack.admin('GET', `/admin/conventions/${boulou.id}`)).json.titre).toBeUndefined();

    const empty = await visit(jar, `${stack.url}/console/conventions/${boulou.id}/titre`, { form: { csrf: csrfOf(page.text), number: '', date: '' } });
    expect(empty.response.status).toBe(400);
    expect(empty.text).toContain(`id="titre-${boulou.id}-number-error"`);

    const today = parisDateOf(new Date().toISOString());
    const recorded = await visit(jar, `${stack.url}/console/conventions/${boulou.id}/titre`, { form: { csrf: csrfOf(page.text), number: 'T-2025-0042', date: today } });
    expect(recorded.response.status).toBe(303);
    const after = await visit(jar, `${stack.url}${recorded.response.headers.get('location')}`);
    expect(after.text).toContain('Titre de perception enregistré');
    expect(after.text).toContain("Aucune convention exécutoire n'attend son titre de perception.");
    expect((await stack.admin('GET', `/admin/conventions/${boulou.id}`)).json.titre).toMatchObject({ number: 'T-2025-0042', date: today });
    expect(await reste()).not.toContain('Le Boulou;');
    const fromConsole = await fetch(`${stack.url}/console/campagnes/${year}/billing.csv?reste=1`, { headers: { cookie: jar.header(stack.url) } });
    expect(Buffer.from(await fromConsole.arrayBuffer()).toString('utf8')).not.toContain('Le Boulou;');

    // Recorded once: a second titre is refused (409), as by the admin API.
    const twice = await visit(jar, `${stack.url}/console/conventions/${boulou.id}/titre`, { form: { csrf: csrfOf(page.text), number: 'T-2025-0043', date: today } });
    expect(twice.response.status).toBe(409);
    expect(twice.text).toContain('déjà enregistré');
  });

  it("refuses a signataire's titre (403), writing nothing", async () => {
    const jar = await session('signataire');
    const page = await visit(jar, `${stack.url}/console/campagnes/${year}/facturation`);
    expect(page.text).not.toContain('/titre"');
    const forged = await visit(jar, `${stack.url}/console/conventions/${boulou.id}/titre`, { form: { csrf: csrfOf(page.text), number: 'X', date: '2025-01-01' } });
    expect(forged.response.status).toBe(403);
  });
});

describe("the console's follow-up routes", () => {
  it('are each listed at API Gateway, public (the function checks its session)', () => {
    const routes = functionSpecs.find((spec) => spec.name === 'console')!.routes.map((route) => `${route.method} ${route.path}`);
    for (const route of FOLLOW_ROUTES) expect(routes).toContain(route);
  });
});

describe("a campaign's running jobs", () => {
  it("shows a send whose invitations are not yet out on the dashboard and the jobs list, with its progress", async () => {
    // The stack's worker stops (this is the file's last test): the send fans out here, and its invitations wait.
    await stack.workers.stop();
    const year = '2033-2034';
    expect((await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: year, endDate: '2099-09-05' })).status).toBe(201);
    expect((await stack.admin('POST', `/admin/campaigns/${year}/conventions`, withEmail(lespignan, 'follow-running'))).status).toBe(201);
    const started = await stack.admin('POST', `/admin/campaigns/${year}/send`);
    expect(started.status).toBe(202);
    const deps = composeDeps(loadConfig(process.env));
    expect(await runJob(deps, jobDefinitions, (await deps.jobs.get(started.json.jobId))!, { remainingMs: () => 60_000 })).toBe('done');

    const jar = await session('gestionnaire');
    const dashboard = await visit(jar, `${stack.url}/console/campagnes/${year}/tableau-de-bord`);
    const running = dashboard.text.slice(dashboard.text.indexOf('id="taches"'), dashboard.text.indexOf('id="echeances"'));
    expect(running).toMatch(new RegExp(`<a href="/console/taches/${started.json.jobId}">[^<]+</a></td><td><p class="fr-badge fr-badge--sm fr-badge--info">En cours</p></td><td>0 sur 1</td>`));
    // Only this campaign's jobs: not the sends of the other campaigns, which are done anyway.
    expect(running.match(/href="\/console\/taches\//g)).toHaveLength(1);
    const jobs = await visit(jar, `${stack.url}/console/taches`);
    expect(jobs.text).toMatch(new RegExp(`<a href="/console/taches/${started.json.jobId}">[^<]+</a></td><td><p class="fr-badge fr-badge--sm fr-badge--info">En cours</p>`));
  });
});
