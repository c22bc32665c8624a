/// <reference lib="dom" />
/**
 * The console's follow-up pages in a real browser (Chromium through playwright-core, JavaScript off): the
 * campaign's dashboard, the jobs list, the billing page with its titre forms, the avenant form (as it comes
 * and with an error next to the list) and a convention's avenants, each at 360 px and at 1280 px, no wider than
 * the screen and with no serious or critical axe-core violation. Screenshots go to test-results/ with SCREENSHOTS=screen.
 */
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../infra/functions.ts';
import { lambdaContext, loadHandler } from '../../infra/local/gateway.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { consoleInBrowser, launchChromium } from '../support/browser.ts';
import { sesBounceEvent } from '../support/ses-events.ts';
import { campaign2026, deliberation, leBoulou, lespignan } from '../fixtures/seed-communes.ts';
import { eventually, mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';

/** A school year whose 15 October is past for good: an avenant can be prepared whatever the day (the late rule applies). */
const YEAR = '2024-2025';
let stack: TestStack;
let browser: Browser;
let executedId: string;

beforeAll(async () => {
  stack = await startTestStack();
  // An exécutoire convention (to invoice, to amend) whose mayor's address then bounces, and one still waiting for its signature.
  const campaign = { ...campaign2026, schoolYear: YEAR, endDate: '2099-09-05', issueDate: '2024-06-01', linkValidityDays: 10 };
  const lespignanEmail = mayorEmail('follow-browser');
  const executed = await sentConvention(stack, campaign, { ...lespignan, mayor: { ...lespignan.mayor, email: lespignanEmail } });
  executedId = executed.id;
  expect((await stack.request('POST', executed.path, { token: null, form: { signerName: lespignan.mayor.name, capacity: 'maire', consent: 'on', ...deliberation } })).status).toBe(200);
  await eventually(async () => (await stack.admin('GET', `/admin/conventions/${executedId}`)).json.signedDocument);
  expect((await stack.request('POST', `/admin/conventions/${executedId}/countersign`, { token: await stack.tokenWithRoles(['signataire']) })).status).toBe(200);
  await sentConvention(stack, campaign, { ...leBoulou, mayor: { ...leBoulou.mayor, email: mayorEmail('follow-browser-boulou') } });
  const ses = await loadHandler(PROJECT_ROOT, functionSpecs.find((spec) => spec.name === 'ses-events')!);
  await ses(sesBounceEvent({ address: lespignanEmail, at: new Date() }), lambdaContext('ses-events'));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});



/** The page as it is shown (after `act`, if given), at both widths, in `account`'s session (one login per account for the file): no wider than the screen, no serious violation, a screenshot if asked for. */
async function checkAtBothWidths(name: string, account: string, path: string, expectText: string, act?: (page: Page) => Promise<void>) {
  const ui = consoleInBrowser(browser, stack.url);
  const { context, page } = await ui.session(account);
  await page.goto(`${stack.url}${path}`);
  if (act) await act(page);
  expect(await page.textContent('main')).toContain(expectText);
  await ui.checkedAtBothWidths(context, page, name);
}

describe("the console's follow-up pages in Chromium", () => {
  it("shows the campaign's dashboard, reached from the campaign's page", async () => {
    await checkAtBothWidths('tableau-de-bord', 'gestionnaire', `/console/campagnes/${YEAR}`, 'Adresses en échec', async (page) => {
      await page.click('a:has-text("Tableau de bord")');
      expect(page.url()).toBe(`${stack.url}/console/campagnes/${YEAR}/tableau-de-bord`);
    });
  });

  it('shows the jobs list', async () => {
    await checkAtBothWidths('taches', 'signataire', '/console/taches', 'Terminée');
  });

  it('shows the billing page with its titre form, and an error next to its field', async () => {
    await checkAtBothWidths('facturation', 'gestionnaire', `/console/campagnes/${YEAR}/facturation`, 'Lespignan');
    await checkAtBothWidths('facturation-erreur', 'gestionnaire', `/console/campagnes/${YEAR}/facturation`, 'La date du titre ne peut pas être après', async (page) => {
      await page.fill(`#titre-${executedId}-number`, 'T-2031-0001');
      await page.fill(`#titre-${executedId}-date`, '2099-01-01');
      await page.click('button:has-text("Enregistrer le titre")');
      await page.waitForLoadState('load');
    });
  });

  it('shows the avenant form, then the list refused next to it', async () => {
    await checkAtBothWidths('avenant', 'gestionnaire', `/console/conventions/${executedId}/avenant`, 'La règle du 15 octobre');
    await checkAtBothWidths('avenant-erreur', 'gestionnaire', `/console/conventions/${executedId}/avenant`, 'Ligne 1', async (page) => {
      await page.fill('#schools', 'PAS-UNE-UAI ; primaire');
      await page.click('button:has-text("Préparer et envoyer")');
      await page.waitForLoadState('load');
    });
  });

  it("shows a convention's avenants, prepared from the console", async () => {
    // A school is added; then one is removed, which replaces the first avenant (not signed).
    for (const [name, list] of [
      ['avenant-prepare', '0341401N ; maternelle\n0341406U ; élémentaire\n0340001S ; primaire ; NOUVELLE ECOLE'],
      ['avenant-remplace', '0341401N ; maternelle'],
    ] as const) {
      await checkAtBothWidths(name, 'gestionnaire', `/console/conventions/${executedId}/avenant`, 'Avenant préparé', async (page) => {
        await page.fill('#schools', list);
        await page.click('button:has-text("Préparer et envoyer")');
        await page.waitForLoadState('load');
      });
    }
    await checkAtBothWidths('convention-avenants', 'signataire', `/console/conventions/${executedId}`, 'Remplacé par un avenant plus récent');
  });
});
