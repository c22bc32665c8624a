/**
 * What the browser tests share: Debian's Chromium (never a downloaded browser), axe-core's source to inject in
 * a page, the folder where the screenshots are kept, and the console's login and page checks.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';

/**
 * Debian's Chromium in its headless shell (package chromium-headless-shell): the same build as Debian's
 * chromium, without the browser's windowing layer, which is what Playwright itself runs for headless tests.
 * A new page costs it about a third of what the full browser's headless mode costs, a navigation half
 * (docs/architecture.md, "What a test run costs"). CHROMIUM_PATH=/usr/bin/chromium runs the full browser.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium-headless-shell';
export const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const SHOTS = join(PROJECT_ROOT, 'test-results');

/**
 * A screenshot in test-results/`name`.png, for a person to look at, when asked for: what the screen shows
 * with SCREENSHOTS=screen (`SCREENSHOTS=screen npm run test:browser`), the whole page with SCREENSHOTS=full.
 * No check reads them, so a plain `npm test` takes none: they cost Chromium about 5 core-seconds a run (the
 * screen about 0.1 core-second each, a whole page about 0.5, as it lays out and draws the page at its full
 * height).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const wanted = process.env.SCREENSHOTS;
  if (wanted !== 'screen' && wanted !== 'full') return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: wanted === 'full' });
}

/** Chromium's flags for these machines: no sandbox (root in a container), no GPU, no network of its own. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's Chromium, headless, with those flags. */
export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

/**
 * The console as a person sees it in Chromium, JavaScript off: logging in through the local provider's form,
 * and each page checked as it is shown, at 360 px and at 1280 px.
 */
const instances = new WeakMap<Browser, Map<string, ReturnType<typeof makeConsoleInBrowser>>>();

/** One per browser and address, so that its scripted page is shared by every check. */
export function consoleInBrowser(browser: Browser, baseUrl: string) {
  const byUrl = instances.get(browser) ?? new Map<string, ReturnType<typeof makeConsoleInBrowser>>();
  instances.set(browser, byUrl);
  const found = byUrl.get(baseUrl) ?? makeConsoleInBrowser(browser, baseUrl);
  byUrl.set(baseUrl, found);
  return found;
}

function makeConsoleInBrowser(browser: Browser, baseUrl: string) {
  /** A person at `width` pixels logs in as `account` (password = account); the page the console lands on. */
  async function loggedIn(account: string, width = 1280): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height: 800 }, javaScriptEnabled: false, locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/console`);
    await page.fill('#login', account);
    await page.fill('#password', account);
    await page.click('button[type=submit]');
    await expect.poll(() => page.url(), { timeout: 15_000 }).toBe(`${baseUrl}/console/campagnes`);
    await page.waitForLoadState('load');
    return { context, page };
  }

  /**
   * `account`'s session, logged in once (at 360 px) for this browser and address, and its one page, which every
   * check navigates: a new page costs Chromium a renderer (about half a core-second), a navigation does not.
   */
  const sessions = new Map<string, Promise<{ context: BrowserContext; page: Page }>>();
  function session(account: string): Promise<{ context: BrowserContext; page: Page }> {
    const found = sessions.get(account) ?? loggedIn(account, 360);
    sessions.set(account, found);
    return found;
  }

  /**
   * axe-core's serious and critical violations on the page exactly as shown (a form's answer to a POST too,
   * which a second GET would not give). axe needs script; the console runs none and its CSP forbids inline
   * script: axe runs in a scripted copy of the page's markup, on the same origin so that the design system's
   * stylesheet loads as it does for the page. The copy needs no session: the stylesheet is public. One scripted
   * page serves every check (its browser cache keeps the stylesheet), and axe is parsed in it once: replacing
   * the markup (document.open) keeps the window's globals, and axe reads the document afresh at each run.
   */
  let scripted: Promise<Page> | undefined;
  const scriptedPage = (): Promise<Page> =>
    (scripted ??= (async () => {
      const scriptedContext = await browser.newContext({ locale: 'fr-FR', bypassCSP: true });
      const copy = await scriptedContext.newPage();
      await copy.goto(`${baseUrl}/console/axe-origin`);
      return copy;
    })());

  async function seriousViolations(_context: BrowserContext, page: Page): Promise<string[]> {
    const copy = await scriptedPage();
    await copy.setViewportSize(page.viewportSize()!);
    await copy.setContent(await page.content(), { waitUntil: 'load' });
    if (!(await copy.evaluate(() => 'axe' in window))) await copy.addScriptTag({ content: AXE_SOURCE });
    // Only the violations' names cross back to Node: axe's full results (every pass, with its nodes) are large.
    return copy.evaluate(async () => {
      type Axe = { run: (options: object) => Promise<{ violations: { id: string; impact: string; help: string }[] }> };
      const { violations } = await (window as unknown as { axe: Axe }).axe.run({ resultTypes: ['violations'] });
      return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id}: ${violation.help}`);
    });
  }

  /** The page as it is, at 360 px and at 1280 px: no sideways scrolling, no serious or critical violation, a screenshot each if asked for (SCREENSHOTS). */
  async function checkedAtBothWidths(context: BrowserContext, page: Page, name: string): Promise<void> {
    // DSFR's icon stylesheet is not served: an icon class would draw a plain square instead of its icon.
    expect(await page.locator('[class*="fr-icon-"]').count(), `${name}: icon classes`).toBe(0);
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      // What is wider than the screen (a table) scrolls inside its own box.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${width} px`).toBeLessThanOrEqual(width);
      await screenshot(page, `console-${name}-${width}`);
      expect(await seriousViolations(context, page), `${name} at ${width} px`).toEqual([]);
    }
  }

  return { loggedIn, session, seriousViolations, checkedAtBothWidths };
}
