/// <reference lib="dom" />
/**
 * A whole campaign run from the rectorat's console in a real browser (Debian's
 * Chromium driven by playwright-core, JavaScript off), one flow in order:
 * logging in through the local OpenID provider, opening the campaign with its
 * form, importing a file with one bad row, adding one commune, sending, a
 * mayor signing from the link of their email, the signataire countersigning
 * in bulk and following the job, and the billing export. Each page this flow
 * adds (import, the import's job page with its refused row, add a commune,
 * send) has no serious or critical axe-core violation at 360 px and at
 * 1280 px; screenshots go to test-results/ with SCREENSHOTS=screen.
 */
import { readFileSync } from 'node:fs';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleInBrowser, launchChromium, screenshot } from '../support/browser.ts';
import { deliberation, leBoulou, lespignan, pezilla } from '../fixtures/seed-communes.ts';
import { eventually, mayorEmail, startTestStack, type TestStack } from '../support/stack.ts';

/** A school year no other test file opens (each file has its own table; this keeps the screenshots and mails apart). */
const YEAR = '2031-2032';
const emails = { lespignan: mayorEmail('console-campaign-lespignan'), boulou: mayorEmail('console-campaign-boulou'), pezilla: mayorEmail('console-campaign-pezilla') };

let stack: TestStack;
let browser: Browser;
/** The gestionnaire's browser, kept logged in through the flow. */
let manager: { context: BrowserContext; page: Page };
let signingUrl: string;

beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});




/**
 * Waits for the job whose page is shown to be over, then reloads the page once, as a person comes back to it:
 * the page's answer is what is checked. The waiting asks the API, not the browser, because each reload of a
 * page costs Chromium a style and layout pass over the whole design system.
 */
async function untilJobOver(page: Page): Promise<string> {
  const jobId = /\/console\/taches\/([\w-]+)$/.exec(page.url())![1];
  await eventually(async () => {
    const { state } = (await stack.admin('GET', `/admin/jobs/${jobId}`)).json;
    return state === 'done' || state === 'failed';
  }, 60_000);
  await page.reload();
  return (await page.textContent('main'))!;
}

const HEADER = "Commune;SIRET;Code INSEE;Adresse;Nom du maire;Qualité;Courriel du maire;UAI;Type d'école;Nom de l'école";
const row = (commune: typeof lespignan, insee: string, email: string, school: string) =>
  `${commune.commune.name};${commune.commune.siret};${insee};${commune.commune.address};${commune.mayor.name};Maire;${email};${school}`;
/** Lespignan's two schools, then Le Boulou's with a UAI whose check letter is wrong: line 4 is refused. */
const IMPORT_FILE = Buffer.from(
  [HEADER, row(lespignan, '34135', emails.lespignan, '0341401N;maternelle;Les Pins'), row(lespignan, '34135', emails.lespignan, '0341406U;elementaire;Jules Ferry'), row(leBoulou, '66024', emails.boulou, '0660713X;elementaire;La Suberaie')].join('\r\n'),
);

const ui = () => consoleInBrowser(browser, stack.url);
const loggedIn = (account: string) => ui().loggedIn(account);
const checkedAtBothWidths = (context: BrowserContext, page: Page, name: string) => ui().checkedAtBothWidths(context, page, name);

describe('a campaign run from the console in Chromium, JavaScript off', () => {
  it('logs a gestionnaire in through the local OpenID provider', async () => {
    manager = await loggedIn('gestionnaire');
    expect(await manager.page.textContent('h1')).toBe('Campagnes');
    expect(await manager.page.textContent('header + div')).toContain('Camille Martin (gestionnaire)');
  });

  it('opens the campaign with its form', async () => {
    const { page } = manager;
    await page.click('a:has-text("Ouvrir une campagne")');
    expect(page.url()).toBe(`${stack.url}/console/nouvelle-campagne`);
    await page.fill('#schoolYear', YEAR);
    await page.fill('#fee', '40');
    await page.fill('#endDate', '2032-09-05');
    await page.fill('#issuePlace', 'Montpellier');
    await page.fill('#issueDate', '2026-11-20');
    await page.fill('#signatory-name', 'Carole Drucker-Godard');
    await page.fill('#signatory-title', 'Rectrice de la région académique Occitanie');
    await page.click('button:has-text("Ouvrir la campagne")');
    await expect.poll(() => page.textContent('h1'), { timeout: 15_000 }).toBe(`Campagne ${YEAR} ouverte`);
    expect((await stack.admin('GET', `/admin/campaigns/${YEAR}/stats`)).status).toBe(200);
    await page.click(`a:has-text("Voir la campagne ${YEAR}")`);
    expect(await page.textContent('h1')).toBe(`Campagne ${YEAR}`);
  });

  it('imports a file with one bad row, and follows the job to that row, its line and its reason', async () => {
    const { context, page } = manager;
    await page.click('a:has-text("Importer des communes")');
    expect(page.url()).toBe(`${stack.url}/console/campagnes/${YEAR}/importer`);
    await checkedAtBothWidths(context, page, 'importer');
    await page.setInputFiles('#fichier', { name: 'communes-2031.csv', mimeType: 'text/csv', buffer: IMPORT_FILE });
    await page.click('button:has-text("Importer le fichier")');
    await expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(/\/console\/taches\/[\w-]+$/);
    const main = await untilJobOver(page);
    expect(main).toContain('Terminée');
    expect(main).toContain('1 commune importée');
    const refused = page.locator('table:has(caption:has-text("Les lignes refusées du fichier")) tbody tr');
    expect(await refused.count()).toBe(1);
    expect(await refused.locator('td').allTextContents()).toEqual(['4', 'Le Boulou', "Le code UAI 0660713X n'est pas valide : sa lettre de contrôle devrait être S."]);
    await checkedAtBothWidths(context, page, 'import-refus');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Télécharger les lignes refusées")')]);
    expect(readFileSync((await download.path())!, 'utf8')).toContain("4;Le Boulou;Le code UAI 0660713X n'est pas valide");
  });

  it('adds one commune with its form', async () => {
    const { context, page } = manager;
    await page.goto(`${stack.url}/console/campagnes/${YEAR}`);
    await page.click('a:has-text("Ajouter une commune")');
    await checkedAtBothWidths(context, page, 'ajouter');
    await page.fill('#commune-name', pezilla.commune.name);
    await page.fill('#commune-siret', pezilla.commune.siret);
    await page.fill('#commune-address', pezilla.commune.address);
    await page.fill('#mayor-name', pezilla.mayor.name);
    await page.fill('#mayor-email', emails.pezilla);
    await page.fill('#schools', '0660446B;maternelle;MARIE MELIES\n0660710N;elementaire;SARDA GARRIGA');
    await page.click('button:has-text("Ajouter la commune")');
    await expect.poll(() => page.textContent('h1'), { timeout: 15_000 }).toBe('Convention de Pézilla-la-Rivière ajoutée');
  });

  it('sends the campaign, and follows the job until every invitation is out', async () => {
    const { context, page } = manager;
    await page.click('a:has-text("Envoyer la campagne")');
    expect(page.url()).toBe(`${stack.url}/console/campagnes/${YEAR}/envoyer`);
    expect(await page.textContent('main')).toContain('2 conventions en brouillon seront envoyées');
    await checkedAtBothWidths(context, page, 'envoyer');
    await page.click('button:has-text("Envoyer les 2 conventions")');
    await expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(/\/console\/taches\/[\w-]+$/);
    const main = await untilJobOver(page);
    expect(main).toContain('Terminée');
    expect(main).toContain('2 sur 2 traitées');
    const [invitation] = await eventually(async () => {
      const inbox = await stack.inbox(emails.lespignan);
      return inbox.length > 0 && inbox;
    });
    signingUrl = /https?:\/\/\S+\/sign\/[A-Za-z0-9_-]+/.exec(invitation!.body.text ?? '')![0];
  });

  it("lets the mayor sign from the link of their email, JavaScript off, with the council's délibération", async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, javaScriptEnabled: false, locale: 'fr-FR' });
    const page = await context.newPage();
    // The email's link, on this stack's gateway.
    expect((await page.goto(`${stack.url}${new URL(signingUrl).pathname}`))?.status()).toBe(200);
    await page.fill('#signerName', lespignan.mayor.name);
    await page.click('label[for=capacity-maire]');
    await page.fill('#deliberationNumber', deliberation.deliberationNumber);
    await page.fill('#deliberationDate', deliberation.deliberationDate);
    await page.click('label[for=consent]');
    await page.click('button[type=submit]:has-text("Signer la convention")');
    await expect.poll(() => page.textContent('h1'), { timeout: 15_000 }).toContain('Convention signée, merci');
    await context.close();
    const [item] = (await stack.admin('GET', `/admin/campaigns/${YEAR}/conventions?q=lespignan`)).json.items;
    expect(item.status).toBe('signed');
    // The signed copy is sealed by its job before the countersignature seals the final one.
    await eventually(async () => (await stack.admin('GET', `/admin/conventions/${item.id}`)).json.signedDocument);
  });

  it('lets the signataire countersign the signed conventions in bulk, and follows the job to its end', async () => {
    const { context, page } = await loggedIn('signataire');
    await page.click(`a:has-text("Campagne ${YEAR}")`);
    await page.click('a:has-text("Contresigner les conventions signées")');
    expect(page.url()).toBe(`${stack.url}/console/campagnes/${YEAR}/contresigner`);
    expect(await page.textContent('main')).toContain('Lespignan');
    await page.click('button:has-text("Contresigner les 1 conventions signées")');
    await expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(/\/console\/taches\/[\w-]+$/);
    const main = await untilJobOver(page);
    expect(main).toContain('Terminée');
    expect(main).toContain('1 sur 1 traitée');
    await screenshot(page, 'console-contresignature-tache-1280');
    await context.close();
    const [item] = (await stack.admin('GET', `/admin/campaigns/${YEAR}/conventions?q=lespignan`)).json.items;
    expect(item.status).toBe('executed');
  });

  it('downloads the billing export, which holds the commune and its reference', async () => {
    const { page } = manager;
    await page.goto(`${stack.url}/console/campagnes/${YEAR}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Facturation (billing.csv)")')]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const [item] = (await stack.admin('GET', `/admin/campaigns/${YEAR}/conventions?q=lespignan`)).json.items;
    expect(item.reference).toMatch(/^ENT-2031-2032-34-\d{4}$/);
    const line = csv.split('\r\n').find((candidate) => candidate.includes('Lespignan'));
    expect(line).toContain(item.reference);
    expect(csv).not.toContain('Pézilla');
    await manager.context.close();
  });
});
