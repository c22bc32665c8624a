/**
 * What stands in front of the functions: WAF's per-client rate on the public
 * routes, and API Gateway's refusal of a request it cannot decode. Neither
 * ever stops the gateway.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PUBLIC_RATE_LIMIT, PUBLIC_RATE_LIMIT_RESPONSE } from '../../../infra/edge-limits.ts';
import type { FunctionSpec } from '../../../infra/functions.ts';
import { startGateway, type Gateway } from '../../../infra/local/gateway.ts';
import { DEFAULT_ADMIN_AUDIENCE } from '../../../infra/admin-auth.ts';
import { machineToken } from '../../../infra/local/oidc.ts';
import { PROJECT_ROOT } from '../../../infra/local/paths.ts';

const { oidcIssuer } = inject('servers');
const adminAuth = { issuer: oidcIssuer, audience: [DEFAULT_ADMIN_AUDIENCE] };
const specs: FunctionSpec[] = [
  {
    name: 'echo',
    entry: 'test/fixtures/handlers/lambda-limits.ts',
    routes: [
      { method: 'GET', path: '/sign/{token}', auth: 'public' },
      { method: 'GET', path: '/admin/conventions/{id}', auth: 'admin' },
      { method: 'GET', path: '/dsfr/{version}/{file+}', auth: 'public' },
    ],
  },
];

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({
    root: PROJECT_ROOT,
    port: 0,
    adminAuth,
    specs,
    rateLimit: { ...PUBLIC_RATE_LIMIT, limit: 10 },
    trustForwardedFor: true,
  });
});
afterAll(async () => gateway?.close());

const get = (path: string, client: string, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}${path}`, { headers: { 'x-forwarded-for': client, ...headers } });

describe("the public routes' per-client rate", () => {
  it('refuses a client past the limit with a French page, while another client and the admin routes go on', async () => {
    const flood = [];
    for (let index = 0; index < 11; index += 1) flood.push((await get('/sign/abc', '203.0.113.7')).status);
    expect(flood.slice(0, 10).every((status) => status === 200)).toBe(true);
    const refused = await get('/sign/abc', '203.0.113.7');
    expect(refused.status).toBe(PUBLIC_RATE_LIMIT_RESPONSE.status);
    expect(refused.headers.get('content-type')).toContain('text/html');
    expect(await refused.text()).toContain('Trop de demandes');
    expect((await get('/avenant/abc', '203.0.113.7')).status).toBe(PUBLIC_RATE_LIMIT_RESPONSE.status);

    expect((await get('/sign/abc', '198.51.100.4')).status).toBe(200);
    expect((await get('/admin/conventions/c-1', '203.0.113.7', { authorization: `Bearer ${await machineToken(oidcIssuer, ['gestionnaire'])}` })).status).toBe(200);
  });
});

describe('a path or query whose percent-encoding does not decode', () => {
  it.each([
    '/dsfr/%E0%A4%A/x',
    '/sign/%E0%A4%A',
    '/sign/abc%ZZ',
    '/admin/conventions/%C3',
  ])('%s is refused with 400, and the gateway keeps serving', async (path) => {
    const client = `192.0.2.${path.length}`;
    const response = await get(path, client, { authorization: `Bearer ${await machineToken(oidcIssuer, ['gestionnaire'])}` });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: 'Bad Request' });
    expect((await get('/sign/ok%C3%A9', client)).status).toBe(200);
  });
});

describe('a query string whose percent-encoding does not decode', () => {
  it.each(['/sign/abc?telecharger=%E0%A4%A', '/admin/conventions/c-1?x=%'])(
    '%s reaches the function with U+FFFD where a byte did not decode (the function answers, naming the parameter)',
    async (path) => {
      const response = await get(path, `198.51.100.${path.length}`, { authorization: `Bearer ${await machineToken(oidcIssuer, ['gestionnaire'])}` });
      expect(response.status).toBe(200);
    },
  );
});

describe('the gateway of the whole catalogue', () => {
  it('answers 400 to a malformed design-system path instead of stopping', async () => {
    const whole = await startGateway({ root: PROJECT_ROOT, port: 0, adminAuth });
    try {
      expect((await fetch(`${whole.url}/dsfr/%E0%A4%A/x`)).status).toBe(400);
      expect((await fetch(`${whole.url}/sign/%E0%A4%A`)).status).toBe(400);
      expect((await fetch(`${whole.url}/nowhere`)).status).toBe(404);
    } finally {
      await whole.close();
    }
  });
});
