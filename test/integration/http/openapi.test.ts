/**
 * The admin API's OpenAPI document: every admin route of the catalogue is in
 * it, described from the very schemas its handler parses with, it passes
 * Redocly's recommended rules, and the local stack serves it to either role.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avenantRequestSchema, newCampaignSchema, newConventionSchema } from '../../../functions/use-cases/input/inputs.ts';
import { adminApiDocument } from '../../../functions/get-openapi/admin-api.ts';
import { adminOperations } from '../../../functions/get-openapi/admin-operations.ts';
import { cancelBodySchema, conventionListQuerySchema } from '../../../functions/http/admin-requests.ts';
import { campaignSchema, campaignSendStartedSchema, jobViewSchema } from '../../../functions/http/admin-responses.ts';
import { errorBodySchema } from '../../../functions/http/errors.ts';
import { functionSpecs } from '../../../infra/functions.ts';
import { PROJECT_ROOT } from '../../../infra/local/paths.ts';
import { campaign2026 } from '../../fixtures/seed-communes.ts';
import { startTestStack, type TestStack } from '../../support/stack.ts';

const adminRouteKeys = functionSpecs.flatMap((spec) => spec.routes.filter((route) => route.auth === 'admin').map((route) => `${route.method} ${route.path}`));
const documentedRouteKeys = (document: ReturnType<typeof adminApiDocument>) =>
  Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    (['get', 'put', 'post', 'delete', 'patch'] as const).filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
  );

describe('the OpenAPI document of the admin API', () => {
  const document = adminApiDocument();

  it('describes every admin route of infra/functions.ts, and no route the catalogue lacks', () => {
    expect(adminRouteKeys.length).toBeGreaterThan(15);
    expect(documentedRouteKeys(document).sort()).toEqual([...adminRouteKeys].sort());
  });

  it('gives every operation a summary, a description, the error body and the bearer JWT scheme with both roles described', () => {
    for (const key of adminRouteKeys) {
      const operation = adminOperations[key as keyof typeof adminOperations];
      expect(operation.summary, key).toBeTruthy();
      expect(operation.description, key).toBeTruthy();
      expect(Object.keys(operation.responses), key).toEqual(expect.arrayContaining(['401', '403', '500']));
    }
    const scheme = document.components?.securitySchemes?.bearerJwt as { type: string; scheme: string; description: string };
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(scheme.description).toMatch(/`gestionnaire`/);
    expect(scheme.description).toMatch(/`signataire`/);
    expect(adminOperations['POST /admin/conventions/{id}/countersign'].security).toEqual([{ bearerJwt: ['signataire'] }]);
    expect(document.components?.schemas?.Error).toMatchObject({
      properties: { error: { required: ['code', 'message', 'fields'], properties: { fields: { type: 'array' } } } },
    });
  });

  it('documents the request bodies and queries with the very schema instances the handlers parse with', () => {
    const jsonSchema = (key: keyof typeof adminOperations) => (adminOperations[key].requestBody as { content: Record<string, { schema: unknown }> }).content['application/json']!.schema;
    expect(jsonSchema('POST /admin/campaigns')).toBe(newCampaignSchema);
    expect(jsonSchema('POST /admin/campaigns/{schoolYear}/conventions')).toBe(newConventionSchema);
    expect(jsonSchema('POST /admin/conventions/{id}/avenants')).toBe(avenantRequestSchema);
    expect(jsonSchema('POST /admin/conventions/{id}/cancel')).toBe(cancelBodySchema);
    expect(adminOperations['GET /admin/campaigns/{schoolYear}/conventions'].requestParams?.query).toBe(conventionListQuerySchema);
    // The rendering follows the schema: a rule of the handler's schema is a rule of the document.
    expect(document.components?.schemas?.NewCampaign).toMatchObject({
      required: expect.arrayContaining(['schoolYear', 'feeCents', 'endDate', 'issuePlace', 'issueDate', 'signatory']),
      properties: { feeCents: { type: 'integer', exclusiveMinimum: 0, maximum: 1_000_000 }, linkValidityDays: { default: 60, maximum: 365 } },
    });
  });

  it("passes `redocly lint` with the repository's redocly.yaml (recommended rules), with no error and no warning", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'paraphe-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(document, null, 2));
    const lint = await promisify(execFile)(join(PROJECT_ROOT, 'node_modules/.bin/redocly'), ['lint', file, '--config', join(PROJECT_ROOT, 'redocly.yaml'), '--format=json'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }).catch((failure: { stdout?: string; stderr?: string }) => failure);
    const report = JSON.parse(lint.stdout ?? '{}') as { totals?: { errors: number; warnings: number }; problems?: unknown[] };
    expect(report.problems, lint.stderr).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });
});

describe('GET /admin/openapi.json through the local gateway', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
  });
  afterAll(async () => stack?.close());

  it('serves the document to a gestionnaire and to a signataire alone; 401 without a token, 403 with no role', async () => {
    const served = await stack.request('GET', '/admin/openapi.json');
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await served.json()).toEqual(JSON.parse(JSON.stringify(adminApiDocument())));
    expect((await stack.request('GET', '/admin/openapi.json', { token: await stack.tokenWithRoles(['signataire']) })).status).toBe(200);
    expect((await stack.request('GET', '/admin/openapi.json', { token: null })).status).toBe(401);
    const roleless = await stack.request('GET', '/admin/openapi.json', { token: await stack.tokenWithRoles(['lecteur']) });
    expect(roleless.status).toBe(403);
    expect(errorBodySchema.parse(await roleless.json()).error.code).toBe('FORBIDDEN');
  });

  it('describes what the routes really answer: a campaign, a refusal field by field, an unknown job, a send and its job', async () => {
    const created = await stack.admin('POST', '/admin/campaigns', campaign2026);
    expect(created.status).toBe(201);
    expect(campaignSchema.safeParse(created.json).error).toBeUndefined();
    const refused = await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: '2031-2032', feeCents: 40.5 });
    expect(refused.status).toBe(400);
    expect(errorBodySchema.parse(refused.json).error.fields.map((issue) => issue.field)).toEqual(['feeCents']);
    const unknownJob = await stack.admin('GET', '/admin/jobs/no-such-job');
    expect(unknownJob.status).toBe(404);
    expect(errorBodySchema.parse(unknownJob.json).error.code).toBe('NOT_FOUND');
    const sent = await stack.admin('POST', `/admin/campaigns/${campaign2026.schoolYear}/send`);
    expect(sent.status).toBe(202);
    expect(campaignSendStartedSchema.safeParse(sent.json).error).toBeUndefined();
    const job = await stack.admin('GET', sent.json.job);
    expect(job.status).toBe(200);
    expect(jobViewSchema.safeParse(job.json).error).toBeUndefined();
  });
});
