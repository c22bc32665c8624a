/**
 * The dependency rule (docs/architecture.md, "Layers"): domain ← templates ← use-cases ← adapters ← handlers.
 * The first test holds the repository to it; the others show that the rule catches each kind of import
 * against the grain, on sources made up here.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applicationSources, importsOf, layerViolations } from '../../support/layers.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('the layers of functions/ and templates/', () => {
  it('import only downwards: no file imports against the grain', () => {
    const sources = applicationSources(ROOT);
    expect(sources.size).toBeGreaterThan(100);
    expect(layerViolations(sources)).toEqual([]);
  });
});

describe('the dependency rule', () => {
  const check = (files: Record<string, string>) => layerViolations(new Map(Object.entries(files))).map((violation) => `${violation.file} → ${violation.imports}: ${violation.rule}`);

  it('refuses a domain rule that phrases its result with a template', () => {
    expect(check({ 'functions/domain/avenant-rules.ts': "import { formatEuros } from '../../templates/format/french.ts';" })).toEqual([
      'functions/domain/avenant-rules.ts → templates/format/french.ts: domain may not import templates',
    ]);
  });

  it('refuses a template that calls a use case, even for a type', () => {
    expect(check({ 'templates/pages/console/jobs-page.ts': "import type { JobView } from '../../../functions/use-cases/get-job.ts';" })).toEqual([
      'templates/pages/console/jobs-page.ts → functions/use-cases/get-job.ts: templates may not import use-cases',
    ]);
  });

  it('refuses a use case that reaches an adapter, or the disk', () => {
    expect(
      check({
        'functions/use-cases/send-campaign.ts': "import { createMailer } from '../adapters/ses.ts';\nimport { readFileSync } from 'node:fs';",
      }),
    ).toEqual([
      'functions/use-cases/send-campaign.ts → functions/adapters/ses.ts: use-cases may not import adapters',
      'functions/use-cases/send-campaign.ts → node:fs: use-cases may not use node:fs',
    ]);
  });

  it('refuses a domain file that talks to AWS, and a handler that imports another function', () => {
    expect(
      check({
        'functions/domain/model.ts': "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        'functions/sign-convention/handler.ts': "import { handler } from '../signing-page/handler.ts';\nimport { json } from '../http/middleware.ts';",
      }),
    ).toEqual([
      'functions/domain/model.ts → @aws-sdk/client-dynamodb: domain may not use @aws-sdk/client-dynamodb',
      'functions/sign-convention/handler.ts → functions/signing-page/handler.ts: a handler imports another function',
    ]);
  });

  it('refuses a handler that calls a repository itself, however its deps are named; a use case may, and a handler may use other ports', () => {
    expect(
      check({
        'functions/request-avenant/handler.ts': [
          "import { deps } from '../adapters/composition.ts';",
          'const d = deps();',
          'export const handler = async (id: string) => {',
          '  const convention = await d.conventions.get(id);',
          '  await deps().jobs',
          '    .wakeDue(new Date().toISOString());',
          '  return d.mailer.send({ to: d.contactEmail });',
          '};',
        ].join('\n'),
        'functions/console/campaign-setup-pages.ts': 'const campaignOf = (d: BaseDeps, year: string) => d.campaigns.get(year);',
        'functions/use-cases/request-avenant.ts': 'export const find = (deps: Pick<Deps, "conventions">, id: string) => deps.conventions.get(id);',
        'functions/sign-convention/handler.ts': 'export const handler = () => signConvention(d, { token: d.documents === undefined ? "" : "x" });',
      }),
    ).toEqual([
      'functions/request-avenant/handler.ts → conventions.get: a handler calls a repository: call a use case',
      'functions/request-avenant/handler.ts → jobs.wakeDue: a handler calls a repository: call a use case',
      'functions/console/campaign-setup-pages.ts → campaigns.get: a handler calls a repository: call a use case',
    ]);
  });

  it('lets each layer import the ones below it', () => {
    expect(
      check({
        'templates/email/digest.ts': "import type { Convention } from '../../functions/domain/model.ts';",
        'functions/use-cases/sign-convention.ts': "import { signedEmail } from '../../templates/email/signed.ts';\nimport { sha256Hex } from '../domain/sha256.ts';",
        'functions/adapters/dynamodb/conventions.ts': "import type { Deps } from '../../use-cases/ports.ts';",
        'functions/sign-convention/handler.ts': "import { deps } from '../adapters/composition.ts';\nimport { signConvention } from '../use-cases/sign-convention.ts';",
      }),
    ).toEqual([]);
  });

  it('reads static, type-only, re-exported and dynamic imports', () => {
    const source = [
      "import { a } from './a.ts';",
      "import type { B } from './b.ts';",
      "export { c } from './c.ts';",
      "export * from './d.ts';",
      "const e = await import('./e.ts');",
      "import './f.ts';",
      'import {\n  g,\n  h,\n} from "./g.ts";',
    ].join('\n');
    expect(importsOf(source).sort()).toEqual(['./a.ts', './b.ts', './c.ts', './d.ts', './e.ts', './f.ts', './g.ts']);
  });
});
