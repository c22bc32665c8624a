/**
 * Every response of a Paraphe function, whatever its kind (page, PDF, JSON,
 * error, design-system file), carries the same security headers: HSTS for at
 * least a year with subdomains, nosniff, a referrer policy, and a CSP that
 * forbids plugins, <base>, framing, and forms posted elsewhere. Read through
 * the local gateway, as a browser would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DSFR_BASE_PATH } from '../../../templates/pages/dsfr-assets.ts';
import { campaign2026, lespignan } from '../../fixtures/seed-communes.ts';
import { mayorEmail, sentConvention, startTestStack, type TestStack } from '../../support/stack.ts';

let stack: TestStack;
let convention: { id: string; path: string };
beforeAll(async () => {
  stack = await startTestStack();
  convention = await sentConvention(stack, campaign2026, { ...lespignan, mayor: { ...lespignan.mayor, email: mayorEmail('headers') } });
});
afterAll(async () => stack?.close());

function expectSecurityHeaders(response: Response): void {
  const hsts = response.headers.get('strict-transport-security') ?? '';
  expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(365 * 24 * 3600);
  expect(hsts).toMatch(/;\s*includeSubDomains/);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  const csp = (response.headers.get('content-security-policy') ?? '').split(';').map((directive) => directive.trim());
  for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"]) expect(csp).toContain(directive);
}

describe('the security headers', () => {
  it('are on the signing page of a valid link', async () => {
    const response = await stack.request('GET', convention.path, { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expectSecurityHeaders(response);
  });

  it('are on the page of an invalid link (404)', async () => {
    const response = await stack.request('GET', '/sign/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { token: null });
    expect(response.status).toBe(404);
    expectSecurityHeaders(response);
  });

  it('are on the PDF of the convention', async () => {
    const response = await stack.request('GET', `${convention.path}/document`, { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expectSecurityHeaders(response);
  });

  it('are on a JSON answer of the admin API', async () => {
    const response = await stack.request('GET', `/admin/conventions/${convention.id}`);
    expect(response.status).toBe(200);
    expectSecurityHeaders(response);
  });

  it('are on JSON errors: 404 and 400', async () => {
    const missing = await stack.request('GET', '/admin/conventions/0b6f3a2e-4c1d-4b8e-9f7a-2d5c8e1b3a90');
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing);
    const refused = await stack.request('POST', '/admin/campaigns', { body: { schoolYear: 'demain' } });
    expect(refused.status).toBe(400);
    expectSecurityHeaders(refused);
  });

  it("are on the design system's files, and on a file it does not have", async () => {
    const css = await stack.request('GET', `${DSFR_BASE_PATH}/dsfr.min.css`, { token: null });
    expect(css.status).toBe(200);
    expectSecurityHeaders(css);
    const missing = await stack.request('GET', `${DSFR_BASE_PATH}/absent.css`, { token: null });
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing);
  });
});
