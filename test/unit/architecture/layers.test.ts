/**
 * The dependency rule (docs/architecture.md, "Layers"): domain ← templates ← use-cases ← adapters ← handlers.
 * The first tests hold the repository to it; the others show that the rule catches each kind of import
 * against the grain, and French prose in the domain, on sources made up here.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applicationSources, domainProse, importsOf, layerViolations, stringLiteralsOf } from '../../support/layers.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('the layers of functions/ and templates/', () => {
  const sources = applicationSources(ROOT);

  it('import only downwards: no file imports against the grain', () => {
    expect(sources.size).toBeGreaterThan(100);
    expect(layerViolations(sources)).toEqual([]);
  });

  it('leave the words to the templates: no string literal of the domain holds French prose', () => {
    expect(domainProse(sources).map((found) => `${found.file}:${found.line} "${found.text}"`)).toEqual([]);
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

describe('the domain words nothing', () => {
  const prose = (files: Record<string, string>) => domainProse(new Map(Object.entries(files))).map((found) => `${found.file}:${found.line} ${found.text}`);

  it('refuses a domain rule that throws a French sentence, with or without accents, in any kind of string', () => {
    expect(
      prose({
        'functions/domain/avenant-rules.ts': [
          "import { AppError } from './errors.ts';",
          'export function checkOpen(convention: { status: string; commune: { name: string } }) {',
          "  if (convention.status === 'cancelled') throw new AppError('CONFLICT', \"La convention n'est plus modifiable.\");",
          "  if (convention.status === 'draft') throw new AppError('CONFLICT', 'Le brouillon doit être envoyé avant un avenant.');",
          '  if (convention.status === "expired") return `La convention de ${convention.commune.name} est échue`;',
          '  return undefined;',
          '}',
        ].join('\n'),
      }),
    ).toEqual([
      "functions/domain/avenant-rules.ts:3 La convention n'est plus modifiable.",
      'functions/domain/avenant-rules.ts:4 Le brouillon doit être envoyé avant un avenant.',
      'functions/domain/avenant-rules.ts:5 La convention de … est échue',
    ]);
  });

  it('lets the domain keep codes, keys, English errors, patterns and French comments; and French outside the domain', () => {
    expect(
      prose({
        'functions/domain/reminder-policy.ts': [
          '// Le rappel part la veille de l\'échéance : a comment may say so in French.',
          "export type ReminderKind = 'unsigned' | 'avenant-window-open' | 'avenant-deadline' | 'end-date';",
          "const SUFFIX = { signed: '-signee', executed: '-executoire' };",
          "const LINE = /^ligne \\d+$/;",
          'const half = (days: number) => days / 2;',
          "const QUOTE = /['’]/g; /* la commune, l'école */",
          "throw new RangeError(`Not a plain date 'YYYY-MM-DD': \"${date}\"`);",
          "const sorted = names.sort((a, b) => a.localeCompare(b, 'fr'));",
        ].join('\n'),
        'templates/format/refusals.ts': "export const words = 'La commune a déjà une convention.';",
        'functions/use-cases/input/inputs.ts': "const message = 'Le SIRET doit compter 14 chiffres.';",
      }),
    ).toEqual([]);
  });

  it('reads string literals past regexes, divisions, comments and template expressions', () => {
    const source = [
      "const a = 'un';",
      'const b = total / 2 + "deux" / 1;',
      'const c = /["\'`]/.test(x) ? `trois ${ { d: \'quatre\' }.d } cinq` : "six"; // \'pas une\'',
      "/* 'pas plus' */ const e = value.replace(/\\/|'/g, '') + 'sept';",
    ].join('\n');
    expect(stringLiteralsOf(source).map((literal) => literal.text)).toEqual(['un', 'deux', 'quatre', 'trois … cinq', 'six', '', 'sept']);
  });
});
