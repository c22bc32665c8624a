/**
 * A function that serves several routes dispatches them with @middy/http-router (adminRoutes, pageRoutes in
 * functions/http/middleware.ts): the routes its handler declares are exactly those API Gateway sends it
 * (infra/functions.ts), so no request reaches a function that has no handler for it, and no handler waits
 * for a route that never comes. Read from the sources: loading the handlers would build their AWS clients.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { functionSpecs } from '../../../infra/functions.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The `{ method: '…', path: '…' }` of a handler's route table, as "METHOD /path". */
const declaredRoutes = (source: string) => [...source.matchAll(/\{\s*method:\s*'([A-Z]+)',\s*path:\s*'([^']+)'/g)].map((match) => `${match[1]} ${match[2]}`).sort();

const routed = functionSpecs.filter((spec) => /\b(adminRoutes|pageRoutes)\(/.test(readFileSync(`${ROOT}/${spec.entry}`, 'utf8')));

describe("the routes of a function's router", () => {
  it('are used by the functions that serve several routes', () => {
    expect(routed.map((spec) => spec.name).sort()).toEqual(['avenant-page', 'campaign-reports', 'countersign-convention', 'get-convention', 'import-campaign', 'signing-page']);
  });

  it.each(routed.map((spec) => [spec.name, spec] as const))('%s: are the routes API Gateway sends it', (_name, spec) => {
    const expected = (spec.routes ?? []).map((route) => `${route.method} ${route.path}`).sort();
    expect(declaredRoutes(readFileSync(`${ROOT}/${spec.entry}`, 'utf8'))).toEqual(expected);
  });
});
