/// <reference lib="dom" />
/**
 * The rectorat's console in a real browser (Debian's Chromium driven by
 * playwright-core, JavaScript off): logging in through the local OpenID
 * provider's form, the campaigns page at 360 px and at desktop width with no
 * serious or critical axe-core violation, and a gestionnaire's forged
 * countersign post refused, a signataire's countersignature. Screenshots go to test-results/ with SCREENSHOTS=screen.
 */
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleInBrowser, launchChromium, screenshot } from '../support/browser.ts';
import { campaign2026, deliberation, lespignan } from '../fixtures/seed-communes.ts';
import { eventually, mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';


let stack: TestStack;
let browser: Browser;
let conventionId: string;
let signingPath: string;

beforeAll(async () => {
  stack = await startTestStack();
  ({ id: conventionId, path: signingPath } = await sentConvention(stack, campaign2026, { ...lespignan, mayor: { ...lespignan.mayor, email: mayorEmail('console-browser') } }));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});



const ui = () => consoleInBrowser(browser, stack.url);
const loggedIn = (account: string, width: number) => ui().loggedIn(account, width);
/** `account`'s session for the file, logged in once: logging in is the first test's subject, not the others'. */
const session = (account: string) => ui().session(account);
const seriousViolations = (context: BrowserContext, page: Page) => ui().seriousViolations(context, page);
const checkedAtBothWidths = (context: BrowserContext, page: Page, name: string) => ui().checkedAtBothWidths(context, page, name);

describe('the console in Chromium', () => {
  it('logs a gestionnaire in through the local provider and shows the campaigns, usable at 360 px and at desktop width', async () => {
    const { context, page } = await loggedIn('gestionnaire', 360);
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      expect(await page.textContent('h1')).toBe('Campagnes');
      expect(await page.textContent('main')).toContain('Campagne 2026-2027');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      // No menu to open (that needs script): the logout button is in sight at every width.
      expect(await page.isVisible('button:has-text("Se déconnecter")')).toBe(true);
      expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Marianne');
      await screenshot(page, `console-campagnes-${width}`);
      expect(await seriousViolations(context, page), `at ${width} px`).toEqual([]);
    }
    await context.close();
  });

  it("follows a campaign to a convention's page and its history, with no serious accessibility violation", async () => {
    const { context, page } = await session('gestionnaire');
    await page.goto(`${stack.url}/console/campagnes`);
    await page.click('a:has-text("Campagne 2026-2027")');
    await page.selectOption('#departement', '34');
    await page.click('button:has-text("Filtrer")');
    await page.click('a:has-text("Lespignan")');
    expect(page.url()).toBe(`${stack.url}/console/conventions/${conventionId}`);
    expect(await page.textContent('main')).toContain('Historique');
    expect(await page.locator('button:has-text("Contresigner")').count()).toBe(0);
    await screenshot(page, 'console-convention-360');
    expect(await seriousViolations(context, page)).toEqual([]);
  });

  it('keeps the campaign page, the campaign form, the resend and cancel pages, and the countersignature page usable at 360 px and at desktop width, with no serious violation', async () => {
    const pages: { account: string; path: string; name: string; says: string }[] = [
      { account: 'gestionnaire', path: '/console/campagnes/2026-2027', name: 'campagne', says: 'Lespignan' },
      { account: 'gestionnaire', path: '/console/nouvelle-campagne', name: 'nouvelle-campagne', says: 'Montant par école, en euros' },
      { account: 'gestionnaire', path: `/console/conventions/${conventionId}/renvoyer`, name: 'renvoyer', says: 'Lespignan' },
      { account: 'gestionnaire', path: `/console/conventions/${conventionId}/annuler`, name: 'annuler', says: 'Lespignan' },
      { account: 'signataire', path: '/console/campagnes/2026-2027/contresigner', name: 'contresigner-campagne', says: 'Campagne 2026-2027' },
    ];
    for (const { account, path, name, says } of pages) {
      const { context, page } = await session(account);
      await page.goto(`${stack.url}${path}`);
      expect(await page.textContent('main'), name).toContain(says);
      await checkedAtBothWidths(context, page, name);
    }
  });

  it("refuses a gestionnaire's forged countersign post with 403, even with the session's own CSRF token", async () => {
    const { context, page } = await session('gestionnaire');
    await page.goto(`${stack.url}/console/campagnes`);
    const csrf = await page.getAttribute('input[name=csrf]', 'value');
    // The browser's own cookies, as a form another page made would send them.
    const forged = await context.request.post(`${stack.url}/console/conventions/${conventionId}/contresigner`, { form: { csrf: csrf! }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('rôle signataire');
    expect((await stack.admin('GET', `/admin/conventions/${conventionId}`)).json.countersignature).toBeUndefined();
  });

  it('lets a signataire countersign with the form, JavaScript off, once the commune has signed', async () => {
    const signed = await stack.request('POST', signingPath, { token: null, form: { signerName: lespignan.mayor.name, capacity: 'maire', consent: 'on', ...deliberation } });
    expect(signed.status).toBe(200);
    await eventually(async () => (await stack.admin('GET', `/admin/conventions/${conventionId}`)).json.signedDocument);
    const { page } = await session('signataire');
    await page.goto(`${stack.url}/console/conventions/${conventionId}`);
    await page.click('button:has-text("Contresigner la convention")');
    await expect.poll(() => page.textContent('main'), { timeout: 15_000 }).toContain('Convention contresignée');
    await screenshot(page, 'console-countersigned-360');
    expect((await stack.admin('GET', `/admin/conventions/${conventionId}`)).json.status).toBe('executed');
  });
});
