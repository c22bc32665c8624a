/**
 * A function that serves several routes (adminRoutes, pageRoutes): @middy/http-router picks the route's plain
 * handler on the payload 2.0 event's method and path, inside the same wrapper as one route: the security headers,
 * the role check and the French error body are those of adminRoute and pageRoute.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../functions/domain/errors.ts';
import { adminRoutes, html, json, pageRoutes } from '../../../functions/http/middleware.ts';

const context = {} as Context;

const event = (method: string, path: string, roles?: string) =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    headers: {},
    requestContext: {
      requestId: 'r-1',
      http: { method, path, sourceIp: '192.0.2.1', userAgent: 'test' },
      ...(roles === undefined ? {} : { authorizer: { jwt: { claims: { sub: 'clerk', email: 'clerk@ac-exemple.fr', roles } } } }),
    },
  }) as unknown as APIGatewayProxyEventV2 as never;

type Answer = { statusCode: number; headers: Record<string, string>; body: string };

describe('adminRoutes', () => {
  const handler = adminRoutes([
    { method: 'GET', path: '/admin/campaigns/{schoolYear}/stats', handle: async (e, admin) => json(200, { route: 'stats', year: e.pathParameters?.schoolYear, actor: admin.actor }) },
    { method: 'GET', path: '/admin/campaigns/{schoolYear}/billing.csv', handle: async () => json(200, { route: 'billing' }) },
    { method: 'POST', path: '/admin/campaigns/{schoolYear}/imports', handle: async () => {
      throw new AppError('CONFLICT', 'Une importation est déjà en cours.');
    } },
  ]);
  const call = async (method: string, path: string, roles?: string) => (await handler(event(method, path, roles), context)) as Answer;

  it('runs the handler of the route the method and path name, with its path parameters and who acts', async () => {
    const stats = await call('GET', '/admin/campaigns/2026-2027/stats', '[gestionnaire]');
    expect(stats.statusCode).toBe(200);
    expect(JSON.parse(stats.body)).toEqual({ route: 'stats', year: '2026-2027', actor: 'clerk@ac-exemple.fr' });
    expect(stats.headers['strict-transport-security']).toBeDefined();
    expect(JSON.parse((await call('GET', '/admin/campaigns/2026-2027/billing.csv', '[gestionnaire]')).body)).toEqual({ route: 'billing' });
  });

  it("answers a route's error, a missing role and an unknown route as one route does: French JSON, security headers", async () => {
    const conflict = await call('POST', '/admin/campaigns/2026-2027/imports', '[gestionnaire]');
    expect(conflict.statusCode).toBe(409);
    expect(JSON.parse(conflict.body)).toMatchObject({ error: { code: 'CONFLICT', message: 'Une importation est déjà en cours.' } });
    const forbidden = await call('GET', '/admin/campaigns/2026-2027/stats', '[signataire]');
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.body).toContain('gestionnaire');
    expect((await call('GET', '/admin/campaigns/2026-2027/stats')).statusCode).toBe(401);
    const unknown = await call('DELETE', '/admin/campaigns/2026-2027/stats', '[gestionnaire]');
    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ error: { code: 'NOT_FOUND', message: 'Aucune ressource ne répond à DELETE /admin/campaigns/2026-2027/stats.' } });
    for (const answer of [conflict, forbidden, unknown]) expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('pageRoutes', () => {
  const handler = pageRoutes(
    [
      { method: 'GET', path: '/sign/{token}', handle: async (e) => html(200, `page ${e.pathParameters?.token}`) },
      { method: 'GET', path: '/sign/{token}/document', handle: async () => html(200, 'document') },
    ],
    (error) => html(error instanceof AppError && error.code === 'NOT_FOUND' ? 404 : 503, 'Ce lien n’est pas valide'),
  );
  const call = async (path: string) => (await handler(event('GET', path), context)) as Answer;

  it('serves the page and the document of one token, and renders an unknown path as the error page', async () => {
    expect(await call('/sign/abc')).toMatchObject({ statusCode: 200, body: 'page abc' });
    expect(await call('/sign/abc/document')).toMatchObject({ statusCode: 200, body: 'document' });
    const unknown = await call('/sign/abc/autre');
    expect(unknown).toMatchObject({ statusCode: 404, body: 'Ce lien n’est pas valide' });
    expect(unknown.headers['content-security-policy']).toBeDefined();
  });
});
