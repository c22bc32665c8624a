/**
 * Filling and sending a campaign from the rectorat's console, over HTTP on the
 * local stack: importing a CSV file through the form with a file (multipart,
 * with its CSRF token), the import's job page with every refused row and its
 * line and reason, refus.csv; adding one commune with its errors next to their
 * fields; sending the campaign, whose job emails the mayors. Only a
 * gestionnaire's session with its CSRF token may post these forms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaign2026, leBoulou, lespignan, pezilla } from '../fixtures/seed-communes.ts';
import { CookieJar, csrfOf, follow, logIn, visit, type Visit } from '../support/console-client.ts';
import { eventually, mayorEmail, startTestStack, type TestStack } from '../support/stack.ts';

const YEAR = '2030-2031';
let stack: TestStack;
const emails = { lespignan: mayorEmail('setup-lespignan'), boulou: mayorEmail('setup-boulou'), pezilla: mayorEmail('setup-pezilla') };

beforeAll(async () => {
  stack = await startTestStack();
  const created = await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: YEAR, endDate: '2031-09-05', issueDate: '2026-11-20' });
  expect(created.status).toBe(201);
});
afterAll(async () => stack?.close());

/** The page's text with its HTML entities read back (the templates escape every apostrophe). */
const text = (page: Visit) => page.text.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** Posts a form with a file as a browser does (multipart/form-data), with the jar's cookies. */
async function upload(jar: CookieJar, url: string, fields: Record<string, string>, file?: { name: string; bytes: Uint8Array<ArrayBuffer> }): Promise<Visit> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set('fichier', file ? new Blob([file.bytes], { type: 'text/csv' }) : new Blob([]), file?.name ?? '');
  const response = await fetch(url, { method: 'POST', headers: { cookie: jar.header(url) }, body: form, redirect: 'manual' });
  jar.store(url, response);
  return { url, response, text: await response.text() };
}

/** Reloads a job's page until the job is over, as a person follows it. */
async function jobPageWhenOver(jar: CookieJar, path: string): Promise<Visit> {
  return eventually(async () => {
    const page = await visit(jar, `${stack.url}${path}`);
    return /Terminée|Échouée/.test(page.text) && page;
  });
}

const HEADER = "Commune;SIRET;Code INSEE;Adresse;Nom du maire;Qualité;Courriel du maire;UAI;Type d'école;Nom de l'école";
const row = (commune: typeof lespignan, insee: string, email: string, school: string) =>
  `${commune.commune.name};${commune.commune.siret};${insee};${commune.commune.address};${commune.mayor.name};Maire;${email};${school}`;
/** Lespignan's two schools, then Le Boulou's with a UAI whose check letter is wrong (line 4). */
const importFile = new TextEncoder().encode(
  [HEADER, row(lespignan, '34135', emails.lespignan, '0341401N;maternelle;Les Pins'), row(lespignan, '34135', emails.lespignan, '0341406U;elementaire;Jules Ferry'), row(leBoulou, '66024', emails.boulou, '0660713X;elementaire;La Suberaie')].join('\r\n'),
);
const BAD_UAI = "Le code UAI 0660713X n'est pas valide : sa lettre de contrôle devrait être S.";

describe('importing communes from the console', () => {
  let jobPath: string;

  it('starts the import with the form (multipart, CSRF token as a field), then shows each refused row with its line and reason on the job page', async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const campaign = await visit(jar, `${stack.url}/console/campagnes/${YEAR}`);
    expect(campaign.text).toContain(`href="/console/campagnes/${YEAR}/importer"`);
    const page = await visit(jar, `${stack.url}/console/campagnes/${YEAR}/importer`);
    expect(page.response.status).toBe(200);
    expect(page.text).toContain('enctype="multipart/form-data"');
    expect(text(page)).toContain(`POST /admin/campaigns/${YEAR}/imports/uploads`);

    const started = await upload(jar, `${stack.url}/console/campagnes/${YEAR}/importer`, { csrf: csrfOf(page.text) }, { name: 'communes.csv', bytes: importFile });
    expect(started.response.status).toBe(303);
    jobPath = started.response.headers.get('location')!;
    expect(jobPath).toMatch(/^\/console\/taches\/[\w-]+$/);

    const done = await jobPageWhenOver(jar, jobPath);
    expect(done.text).toContain('Terminée');
    expect(text(done)).toContain('1 commune importée');
    expect(text(done)).toContain(`<tr><td>4</td><td>Le Boulou</td><td>${BAD_UAI}</td></tr>`);
    expect(done.text).toContain(`href="${jobPath}/refus.csv"`);
    const listed = (await stack.admin('GET', `/admin/campaigns/${YEAR}/conventions`)).json.items.map((item: { commune: { name: string } }) => item.commune.name);
    expect(listed).toEqual(['Lespignan']);
  });

  it('gives the refused rows as refus.csv: UTF-8 with a BOM, « ; », the line, the commune and the reason', async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'signataire');
    const response = await fetch(`${stack.url}${jobPath}/refus.csv`, { headers: { cookie: jar.header(stack.url) } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="refus-[\w-]+\.csv"$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).split('\r\n');
    expect(lines[0]).toBe('Ligne;Commune;Raison');
    expect(lines[1]).toBe(`4;Le Boulou;${BAD_UAI}`);
    expect(lines.filter(Boolean)).toHaveLength(2);
  });

  it("refuses the form without its file, a spreadsheet that is not CSV, and a file above the page's 4 MB (413), each next to the field, starting nothing", async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const page = await visit(jar, `${stack.url}/console/campagnes/${YEAR}/importer`);
    const action = `${stack.url}/console/campagnes/${YEAR}/importer`;
    const none = await upload(jar, action, { csrf: csrfOf(page.text) });
    expect(none.response.status).toBe(400);
    expect(none.text).toContain('id="fichier-error">Choisissez le fichier CSV à importer.</p>');

    const xlsx = await upload(jar, action, { csrf: csrfOf(page.text) }, { name: 'communes.xlsx', bytes: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]) });
    expect(xlsx.response.status).toBe(400);
    expect(text(xlsx)).toContain('id="fichier-error">Le fichier « communes.xlsx » est un classeur, pas un fichier CSV');

    const big = new Uint8Array(Math.round(4.2 * 1024 * 1024)).fill(0x41);
    const tooLarge = await upload(jar, action, { csrf: csrfOf(page.text) }, { name: 'grand.csv', bytes: big });
    expect(tooLarge.response.status).toBe(413);
    expect(text(tooLarge)).toMatch(/id="fichier-error">Le fichier fait 4,2 Mo : cette page accepte au plus 4 Mo\. Découpez-le, ou importez-le par l'API d'administration/);
    expect(tooLarge.text).not.toMatch(/at \w+ \(|node_modules/);
    // The only job of the campaign's imports is the first one: its conventions are Lespignan's.
    expect((await stack.admin('GET', `/admin/campaigns/${YEAR}/conventions`)).json.items).toHaveLength(1);
  });

  it("refuses an import post without the session's CSRF token (403), and a signataire's, even with it, writing nothing", async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const action = `${stack.url}/console/campagnes/${YEAR}/importer`;
    const without = await upload(jar, action, {}, { name: 'communes.csv', bytes: importFile });
    expect(without.response.status).toBe(403);
    expect(text(without)).toContain("Ce formulaire n'est plus valide");
    expect((await upload(jar, action, { csrf: 'x'.repeat(43) }, { name: 'communes.csv', bytes: importFile })).response.status).toBe(403);

    const signer = new CookieJar();
    const landed = await logIn(signer, stack.url, 'signataire');
    const campaign = await visit(signer, `${stack.url}/console/campagnes/${YEAR}`);
    expect(campaign.text).not.toContain(`/console/campagnes/${YEAR}/importer`);
    const page = await visit(signer, action);
    expect(page.response.status).toBe(403);
    expect(text(page)).toContain("Cette action demande le rôle gestionnaire, que votre compte n'a pas.");
    const forged = await upload(signer, action, { csrf: csrfOf(landed.text) }, { name: 'communes.csv', bytes: importFile });
    expect(forged.response.status).toBe(403);
    expect((await stack.admin('GET', `/admin/campaigns/${YEAR}/conventions`)).json.items).toHaveLength(1);
  });
});

describe('adding one commune from the console', () => {
  const form = {
    'commune.name': pezilla.commune.name, 'commune.siret': pezilla.commune.siret, 'commune.address': pezilla.commune.address,
    'mayor.name': pezilla.mayor.name, 'mayor.title': '', 'mayor.email': emails.pezilla,
    schools: '0660446B;maternelle;MARIE MELIES\r\n0660710N;élémentaire;SARDA GARRIGA', endDate: '',
  };

  it('shows each error next to its field with what was typed, a school by its line in the list, and writes nothing', async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const page = await visit(jar, `${stack.url}/console/campagnes/${YEAR}/ajouter`);
    expect(page.response.status).toBe(200);
    const refused = await visit(jar, `${stack.url}/console/campagnes/${YEAR}/ajouter`, {
      form: { csrf: csrfOf(page.text), ...form, 'commune.siret': '21660140100014', schools: '0660446B;maternelle;MARIE MELIES\r\n0660710X;école;SARDA', endDate: '2030-09-05' },
    });
    expect(refused.response.status).toBe(400);
    expect(text(refused)).toContain('id="commune-siret-error">Le SIRET n\'est pas valide (sa clé de contrôle ne correspond pas)');
    expect(refused.text).toContain('value="21660140100014"');
    expect(text(refused)).toMatch(/id="schools-error">Ligne 2 : Le code UAI « 0660710X » n'est pas valide : sa lettre de contrôle devrait être N\. Ligne 2 : Le type d'école doit être/);
    expect(refused.text).toContain('0660710X;école;SARDA</textarea>');
    expect((await stack.admin('GET', `/admin/campaigns/${YEAR}/conventions`)).json.items).toHaveLength(1);

    // An end date outside the school year is the core's rule (add-convention.ts), shown next to its field too.
    const late = await visit(jar, `${stack.url}/console/campagnes/${YEAR}/ajouter`, { form: { csrf: csrfOf(page.text), ...form, endDate: '2030-09-05' } });
    expect(late.response.status).toBe(400);
    expect(text(late)).toContain("id=\"endDate-error\">La date de fin de la convention (2030-09-05) doit tomber en 2031");
  });

  it('adds the commune as a draft at the campaign fee; a second time, the 409 next to the SIRET', async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const page = await visit(jar, `${stack.url}/console/campagnes/${YEAR}/ajouter`);
    expect((await visit(jar, `${stack.url}/console/campagnes/${YEAR}/ajouter`, { form })).response.status).toBe(403);
    const added = await visit(jar, `${stack.url}/console/campagnes/${YEAR}/ajouter`, { form: { csrf: csrfOf(page.text), ...form } });
    expect(added.response.status).toBe(201);
    expect(text(added)).toContain('Convention de Pézilla-la-Rivière ajoutée');
    expect(text(added)).toMatch(/2 écoles, 80\s€\./);
    const items = (await stack.admin('GET', `/admin/campaigns/${YEAR}/conventions?q=pezilla`)).json.items;
    expect(items).toHaveLength(1);
    const convention = (await stack.admin('GET', `/admin/conventions/${items[0].id}`)).json;
    expect(convention).toMatchObject({ status: 'draft', amountCents: 8000, mayor: { title: 'Maire', email: emails.pezilla }, endDate: '2031-09-05' });
    expect(convention.schools).toEqual([{ uai: '0660446B', type: 'maternelle', name: 'MARIE MELIES' }, { uai: '0660710N', type: 'elementaire', name: 'SARDA GARRIGA' }]);
    expect(convention.history[0].actor).toBe('gestionnaire@rectorat.example.org');

    const again = await visit(jar, `${stack.url}/console/campagnes/${YEAR}/ajouter`, { form: { csrf: csrfOf(page.text), ...form } });
    expect(again.response.status).toBe(409);
    expect(again.text).toContain('id="commune-siret-error">Une convention existe déjà pour le SIRET 21660140100013 dans cette campagne.');
  });

  it("refuses a signataire's form (403), even with the session's CSRF token", async () => {
    const signer = new CookieJar();
    const landed = await logIn(signer, stack.url, 'signataire');
    expect((await visit(signer, `${stack.url}/console/campagnes/${YEAR}/ajouter`)).response.status).toBe(403);
    const forged = await visit(signer, `${stack.url}/console/campagnes/${YEAR}/ajouter`, { form: { csrf: csrfOf(landed.text), ...form, 'commune.siret': leBoulou.commune.siret } });
    expect(forged.response.status).toBe(403);
    expect((await stack.admin('GET', `/admin/campaigns/${YEAR}/conventions`)).json.items).toHaveLength(2);
  });
});

describe('sending the campaign from the console', () => {
  it("refuses a signataire's send and a send without the CSRF token (403), sending nothing", async () => {
    const signer = new CookieJar();
    const landed = await logIn(signer, stack.url, 'signataire');
    expect((await visit(signer, `${stack.url}/console/campagnes/${YEAR}/envoyer`)).response.status).toBe(403);
    expect((await visit(signer, `${stack.url}/console/campagnes/${YEAR}/envoyer`, { form: { csrf: csrfOf(landed.text) } })).response.status).toBe(403);
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    expect((await visit(jar, `${stack.url}/console/campagnes/${YEAR}/envoyer`, { form: {} })).response.status).toBe(403);
    const items = (await stack.admin('GET', `/admin/campaigns/${YEAR}/conventions`)).json.items;
    expect(items.map((item: { status: string }) => item.status)).toEqual(['draft', 'draft']);
  });

  it('says how many drafts will be emailed, starts the send job, follows it to its end, and the mayors get their invitations', async () => {
    const jar = new CookieJar();
    await logIn(jar, stack.url, 'gestionnaire');
    const page = await visit(jar, `${stack.url}/console/campagnes/${YEAR}/envoyer`);
    expect(page.response.status).toBe(200);
    expect(page.text).toContain('2 conventions en brouillon seront envoyées');
    expect(text(page)).toContain('Pézilla-la-Rivière');
    expect(page.text).toContain(emails.lespignan);
    const started = await visit(jar, `${stack.url}/console/campagnes/${YEAR}/envoyer`, { form: { csrf: csrfOf(page.text) } });
    expect(started.response.status).toBe(303);
    const done = await jobPageWhenOver(jar, started.response.headers.get('location')!);
    expect(text(done)).toContain(`Envoi de la campagne ${YEAR}`);
    expect(done.text).toContain('Terminée');
    expect(done.text).toContain('2 sur 2 traitées');
    for (const email of [emails.lespignan, emails.pezilla]) {
      const [invitation] = await eventually(async () => {
        const inbox = await stack.inbox(email);
        return inbox.length > 0 && inbox;
      });
      expect(invitation!.body.text).toMatch(/\/sign\/[A-Za-z0-9_-]+/);
    }
    const after = await follow(jar, await visit(jar, `${stack.url}/console/campagnes/${YEAR}/envoyer`));
    expect(text(after)).toContain("Aucune convention de la campagne n'est en brouillon");
  });
});
