/// <reference lib="dom" />
/**
 * The signing page in a real browser (Debian's Chromium driven by
 * playwright-core): no JavaScript needed, usable at 360 px, no serious or
 * critical axe-core violation. Screenshots go to test-results/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AXE_SOURCE, launchChromium, SHOTS } from '../support/browser.ts';
import { campaign2026, lespignan } from '../fixtures/seed-communes.ts';
import { mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';


let stack: TestStack;
let browser: Browser;
let signingUrl: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startTestStack();
  const { path } = await sentConvention(stack, campaign2026, { ...lespignan, mayor: { ...lespignan.mayor, email: mayorEmail('browser') } });
  signingUrl = `${stack.url}${path}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function openPage(width: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 800 }, javaScriptEnabled: false, locale: 'fr-FR' });
  const page = await context.newPage();
  const response = await page.goto(signingUrl);
  expect(response?.status()).toBe(200);
  return page;
}

async function seriousViolations(page: Page) {
  // axe needs script; the page runs none and its CSP forbids inline script, so axe runs in a scripted copy that bypasses the CSP.
  const context = await browser.newContext({ viewport: page.viewportSize()!, locale: 'fr-FR', bypassCSP: true });
  const scripted = await context.newPage();
  await scripted.goto(page.url());
  await scripted.addScriptTag({ content: AXE_SOURCE });
  const results = await scripted.evaluate(async () => (window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; help: string; nodes: unknown[] }[] }> } }).axe.run());
  await context.close();
  return results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id}: ${violation.help}`);
}

describe('the signing page in Chromium', () => {
  it('fits a 360-pixel-wide phone without horizontal scrolling, styled by the DSFR served by Paraphe', async () => {
    const page = await openPage(360);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
    expect(font).toContain('Marianne');
    await page.screenshot({ path: join(SHOTS, 'signing-page-360.png'), fullPage: true });
  });

  it('has no serious or critical accessibility violation at 360 px and at desktop width', async () => {
    for (const width of [360, 1280]) {
      const page = await openPage(width);
      expect(await seriousViolations(page), `at ${width} px`).toEqual([]);
      if (width === 1280) await page.screenshot({ path: join(SHOTS, 'signing-page-1280.png'), fullPage: true });
    }
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
    await page.screenshot({ path: join(SHOTS, 'signed-page-360.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
  });
});
