/**
 * Builds the real app (both stacks, cdk-nag on) with the feature flags of
 * cdk.json, but never bundles: the bundling-stacks context is empty and every
 * catalogue entry points at one tiny fixture handler, so template tests are
 * fast and do not depend on handler files existing yet.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createParaphe, PROJECT_ROOT, readSettings, type ParapheStacks } from '../../infra/app.ts';
import { functionSpecs, type FunctionSpec } from '../../infra/functions.ts';

export const FIXTURE_ENTRY = 'test/infra/fixtures/handler.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

export interface TestParaphe extends ParapheStacks {
  app: App;
  specs: readonly FunctionSpec[];
  statefulTemplate: Template;
  statelessTemplate: Template;
  webAclTemplate: Template;
}

/**
 * Each build synthesises three stacks (seconds of CPU). The infra project's modules run in one file
 * (infra.test.ts loads test/infra/checks/), so the builds are kept by their options and shared between them:
 * a test reads them and never adds to them. A test that adds a construct asks for a `fresh` one.
 */
const builds = new Map<string, TestParaphe>();

export function buildTestParaphe(
  options: { functions?: readonly FunctionSpec[]; settings?: Record<string, string>; fresh?: boolean } = {},
): TestParaphe {
  // Keyed by the settings as the app reads them: a setting given at its default is the default build.
  const key = JSON.stringify({ functions: options.functions?.map((spec) => spec.name), settings: readSettings((name) => options.settings?.[name], {}) });
  const built = options.fresh ? undefined : builds.get(key);
  if (built) return built;
  const paraphe = build(options);
  if (!options.fresh) builds.set(key, paraphe);
  return paraphe;
}

function build(options: { functions?: readonly FunctionSpec[]; settings?: Record<string, string> }): TestParaphe {
  const specs = options.functions ?? functionSpecs;
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const settings = readSettings((key) => options.settings?.[key], {});
  const stacks = createParaphe(app, settings, {
    functions: specs.map((spec) => ({ ...spec, entry: FIXTURE_ENTRY })),
    projectRoot: PROJECT_ROOT,
  });
  return {
    app,
    specs,
    ...stacks,
    statefulTemplate: Template.fromStack(stacks.stateful),
    statelessTemplate: Template.fromStack(stacks.stateless),
    webAclTemplate: Template.fromStack(stacks.webAcl),
  };
}

/** A stage with both names: the public one on CloudFront, the API's regional one as its origin. */
export const DOMAIN_SETTINGS = {
  domainName: 'paraphe.example.org',
  certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-1111-1111-1111-111111111111',
  apiDomainName: 'api.paraphe.example.org',
  apiCertificateArn: 'arn:aws:acm:eu-west-3:111111111111:certificate/00000000-0000-0000-0000-000000000000',
} as const;

/** A scheduled entry, as the reminder and digest functions will be declared. */
export const scheduledSpec: FunctionSpec = {
  name: 'extra-schedule',
  entry: 'functions/send-reminders/handler.ts',
  routes: [],
  schedule: { cron: '0 8 * * ? *', description: 'Relances avant le 15 octobre et avant les échéances' },
  table: 'readwrite',
  sendsEmail: true,
};

/** The logical id of the resource of `type` whose properties match, or a failed lookup. */
export function logicalIdOf(template: Template, type: string, props: unknown): string {
  const ids = Object.keys(template.findResources(type, { Properties: props }));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching, found ${ids.length}`);
  return ids[0]!;
}
