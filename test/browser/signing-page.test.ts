/// <reference lib="dom" />
/**
 * The signing page in a real browser (Debian's Chromium driven by
 * playwright-core): no JavaScript needed, usable at 360 px, no serious or
 * critical axe-core violation. Screenshots go to test-results/ with SCREENSHOTS=screen.
 */
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleInBrowser, launchChromium, screenshot } from '../support/browser.ts';
import { campaign2026, lespignan } from '../fixtures/seed-communes.ts';
import { mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';


let stack: TestStack;
let browser: Browser;
let signingUrl: string;

beforeAll(async () => {
  stack = await startTestStack();
  const { path } = await sentConvention(stack, campaign2026, { ...lespignan, mayor: { ...lespignan.mayor, email: mayorEmail('browser') } });
  signingUrl = `${stack.url}${path}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/**
 * The signing link opened in the mayor's one page for the file (a new page or context costs Chromium a
 * renderer; a navigation does not), at `width` pixels.
 */
let mayorPage: Page | undefined;
async function openPage(width: number): Promise<Page> {
  mayorPage ??= await (await browser.newContext({ viewport: { width, height: 800 }, javaScriptEnabled: false, locale: 'fr-FR' })).newPage();
  await mayorPage.setViewportSize({ width, height: 800 });
  const response = await mayorPage.goto(signingUrl);
  expect(response?.status()).toBe(200);
  return mayorPage;
}

/** axe's serious and critical violations on the page as shown (see consoleInBrowser: axe runs in a scripted copy of its markup). */
const seriousViolations = (page: Page) => consoleInBrowser(browser, stack.url).seriousViolations(page.context(), page);

describe('the signing page in Chromium', () => {
  it('fits a 360-pixel-wide phone without horizontal scrolling, styled by the DSFR served by Paraphe', async () => {
    const page = await openPage(360);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
    expect(font).toContain('Marianne');
    await screenshot(page, 'signing-page-360');
  });

  it('has no serious or critical accessibility violation at 360 px and at desktop width', async () => {
    for (const width of [360, 1280]) {
      const page = await openPage(width);
      expect(await seriousViolations(page), `at ${width} px`).toEqual([]);
      if (width === 1280) await screenshot(page, 'signing-page-1280');
    }
  });

  it("finds the violations of a page that has some, with axe parsed once for the file's checks", async () => {
    const page = await openPage(360);
    // The signing page's own markup with its first field's label taken away, then a picture with no text.
    await page.evaluate(() => document.querySelector('label[for=signerName]')!.remove());
    expect(await seriousViolations(page)).toEqual([expect.stringMatching(/^label:/)]);
    await page.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('afterbegin', '<img src="/nowhere.png">'));
    expect(await seriousViolations(page)).toEqual(expect.arrayContaining([expect.stringMatching(/^image-alt:/), expect.stringMatching(/^label:/)]));
  });

  it('signs with JavaScript turned off', async () => {
    const page = await openPage(360);
    await page.fill('#signerName', 'Jean François GUIBBERT');
    // As a person does: the DSFR draws radio buttons and checkboxes on their labels.
    await page.click('label[for=capacity-maire]');
    await page.fill('#deliberationNumber', '2026/048');
    await page.fill('#deliberationDate', '2026-06-08');
    await page.click('label[for=consent]');
    await page.click('button[type=submit]:has-text("Signer la convention")');
    // The signed page follows the POST; on a loaded machine it can take longer than expect.poll's default second.
    await expect.poll(() => page.textContent('h1'), { timeout: 15_000 }).toContain('Convention signée, merci');
    await screenshot(page, 'signed-page-360');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
