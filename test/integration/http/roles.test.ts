/**
 * A role is matched whole: only a claim element exactly "gestionnaire" or
 * "signataire" grants anything, whether the roles claim arrives as an array
 * or as the HTTP API JWT authorizer's flattened string "[a b]".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolesOf } from '../../../functions/http/middleware.ts';
import { campaign2026 } from '../../fixtures/seed-communes.ts';
import { startTestStack, type TestStack } from '../../support/stack.ts';

describe('the roles a token grants', () => {
  it('reads an array claim element by element, each exactly', () => {
    expect(rolesOf(['gestionnaire', 'signataire'])).toEqual(['gestionnaire', 'signataire']);
    expect(rolesOf(['gestionnaire-adjoint'])).toEqual([]);
    expect(rolesOf(['gestionnaire signataire'])).toEqual([]);
    expect(rolesOf(['Gestionnaire', ' signataire', 'signataire '])).toEqual([]);
    expect(rolesOf(['lecteur', 'signataire'])).toEqual(['signataire']);
  });

  it('takes a plain string as one role, never split', () => {
    expect(rolesOf('gestionnaire')).toEqual(['gestionnaire']);
    expect(rolesOf('signataires')).toEqual([]);
    expect(rolesOf('gestionnaire signataire')).toEqual([]);
    expect(rolesOf('gestionnaire,signataire')).toEqual([]);
  });

  it("reads API Gateway's flattened array \"[a b]\" as its elements, and nothing from a bracketed string that is not exactly that form", () => {
    expect(rolesOf('[gestionnaire signataire]')).toEqual(['gestionnaire', 'signataire']);
    expect(rolesOf('[signataire]')).toEqual(['signataire']);
    expect(rolesOf('[gestionnaire-adjoint]')).toEqual([]);
    expect(rolesOf('[]')).toEqual([]);
    for (const ambiguous of ['[gestionnaire  signataire]', '[ gestionnaire]', '[gestionnaire ]', '[gestionnaire\tsignataire]', '[[gestionnaire] signataire]', '[gestionnaire,signataire]']) {
      expect(rolesOf(ambiguous), ambiguous).toEqual([]);
    }
  });

  it('grants nothing from a claim that is neither a string nor an array', () => {
    expect(rolesOf(undefined)).toEqual([]);
    expect(rolesOf(42)).toEqual([]);
    expect(rolesOf({ gestionnaire: true })).toEqual([]);
  });
});

describe('a token whose role is not exactly one of the two, through the gateway', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
  });
  afterAll(async () => stack?.close());

  // "gestionnaire,signataire" arrives as "[gestionnaire,signataire]": once split on commas into both roles.
  it.each([['gestionnaire-adjoint'], ['signataires'], ['Gestionnaire'], ['gestionnaire,signataire']])('is refused with 403 and writes nothing (roles %j)', async (role) => {
    const response = await stack.request('POST', '/admin/campaigns', { body: campaign2026, token: await stack.tokenWithRoles([role]) });
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBeDefined();
    expect((await stack.admin('GET', `/admin/campaigns/${campaign2026.schoolYear}/stats`)).status).not.toBe(200);
  });

  it('passes with the exact role, flattened by the gateway as API Gateway does', async () => {
    const response = await stack.request('POST', '/admin/campaigns', { body: campaign2026, token: await stack.tokenWithRoles(['lecteur', 'gestionnaire']) });
    expect(response.status).toBe(201);
  });
});
