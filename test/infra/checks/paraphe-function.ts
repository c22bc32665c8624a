import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../functions/adapters/config.ts';
import { EMAIL_LEASE_MS } from '../../../functions/use-cases/jobs/email-once.ts';
import { PROJECT_ROOT } from '../../../infra/app.ts';
import { ParapheFunction } from '../../../infra/paraphe-function.ts';
import { buildTestParaphe, FIXTURE_ENTRY } from '../support.ts';

const paraphe = buildTestParaphe();
const { statelessTemplate: template, specs } = paraphe;

/** Statements of the default policy attached to the role of the function `name`. */
function statementsOf(name: string): Array<{ Action: string | string[]; Resource: unknown }> {
  const fn = paraphe.stateless.functions.get(name);
  if (!fn) throw new Error(`no function ${name}`);
  const roleId = Stack.of(fn).getLogicalId(fn.role.node.defaultChild as never);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

const actionsOf = (name: string): string[] => statementsOf(name).flatMap((s) => [s.Action].flat());

function functionProps(t: Template, name: string): Record<string, any> {
  const found = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Description: `Paraphe ${name}` } }));
  expect(found).toHaveLength(1);
  return found[0]!.Properties;
}

describe('every catalogue function', () => {
  it('gets one Lambda function per entry', () => {
    template.resourceCountIs('AWS::Lambda::Function', specs.length);
  });

  it('runs Node.js 22 on ARM64 with X-Ray tracing and JSON logs', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: Match.anyValue() }),
    });
  });

  it('logs to its own group, kept one year', () => {
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 365 }, specs.length + 1);
  });

  it('receives every variable of the config schema except AWS_REGION and the local-only ones, the console settings only in the console', () => {
    const expected = Object.keys(configSchema.shape).filter(
      (key) => key !== 'AWS_REGION' && !key.endsWith('_ENDPOINT') && !key.startsWith('SEALING_P12_') && key !== 'CONSOLE_SECRET_PATH',
    );
    const consoleOnly = ['OIDC_ISSUER', 'CONSOLE_CLIENT_ID', 'CONSOLE_SECRET_ID'];
    for (const spec of specs) {
      const variables = functionProps(template, spec.name).Environment.Variables as Record<string, unknown>;
      const own = spec.consoleSession ? expected : expected.filter((key) => !consoleOnly.includes(key));
      expect(Object.keys(variables).sort(), spec.name).toEqual([...own, 'NODE_OPTIONS'].sort());
      expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(variables.SENDER_EMAIL).toBe('ne-pas-repondre@paraphe.example.org');
      expect(variables.RECTORAT_CONTACT_EMAIL).toBe('ent-ecole@example.org');
      expect(JSON.stringify(variables.SEALING_SECRET_ID)).toMatch(/SealingCertificate/);
      expect(variables.TSA_URL).toBe('https://tsa.example.org/');
    }
  });

  it('takes memory and timeout from the catalogue, 512 MB and 10 s otherwise', () => {
    for (const spec of specs) {
      const props = functionProps(template, spec.name);
      expect(props.MemorySize).toBe(spec.memoryMb ?? 512);
      expect(props.Timeout).toBe(spec.timeoutSeconds ?? 10);
    }
  });

  it("stops the jobs worker before a job's email claim lapses, so no second try can race a live one", () => {
    const timeoutMs = (functionProps(template, 'run-jobs').Timeout as number) * 1000;
    expect(timeoutMs).toBeLessThan(EMAIL_LEASE_MS);
  });

  it('uses its own role, with no AWS managed policy', () => {
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });
});

describe('grants follow the catalogue', () => {
  it('gives read-only table access to table: read, writes to table: readwrite, and none without table', () => {
    for (const spec of specs) {
      const actions = actionsOf(spec.name);
      if (!spec.table) {
        expect(actions.filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
        continue;
      }
      expect(actions).toContain('dynamodb:Query');
      if (spec.table === 'readwrite') expect(actions).toContain('dynamodb:PutItem');
      else expect(actions).not.toContain('dynamodb:PutItem');
    }
  });

  it('names the gsi1 index instead of a wildcard on indexes', () => {
    const dynamoStatements = statementsOf(specs[0]!.name).filter((s) => [s.Action].flat()[0]!.startsWith('dynamodb:'));
    expect(JSON.stringify(dynamoStatements)).toContain('/index/gsi1');
    expect(JSON.stringify(dynamoStatements)).not.toContain('/index/*');
  });

  it('lets only bucket users touch documents, writers put, and nobody delete', () => {
    for (const spec of specs) {
      const actions = actionsOf(spec.name);
      expect(actions.includes('s3:GetObject')).toBe(spec.bucket !== undefined);
      expect(actions.includes('s3:PutObject')).toBe(spec.bucket === 'readwrite');
      expect(actions.some((a) => a.startsWith('s3:Delete'))).toBe(false);
    }
  });

  it('lets only the functions that seal documents read the sealing certificate, and only the console its own secret', () => {
    for (const spec of specs) {
      const reads = JSON.stringify(statementsOf(spec.name).filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue')).map((s) => s.Resource));
      expect(actionsOf(spec.name).includes('secretsmanager:GetSecretValue'), spec.name).toBe(spec.sealsDocuments === true || spec.consoleSession === true);
      expect(reads.includes('SealingCertificate'), spec.name).toBe(spec.sealsDocuments === true);
      expect(reads.includes('ConsoleSecret'), spec.name).toBe(spec.consoleSession === true);
    }
  });

  it('lets only senders of email call SES, on the identity and its configuration set', () => {
    for (const spec of specs) {
      const ses = statementsOf(spec.name).filter((s) => [s.Action].flat().includes('ses:SendRawEmail'));
      expect(ses.length).toBe(spec.sendsEmail ? 1 : 0);
      if (spec.sendsEmail) {
        const resources = JSON.stringify(ses[0]!.Resource);
        expect(resources).toContain(':identity/');
        expect(resources).toContain(':configuration-set/');
        expect(resources).not.toContain('"*"');
      }
    }
  });
});

describe('the bundle', () => {
  // One real esbuild run, on the fixture handler: quick, and it proves the
  // afterBundling hook puts fonts and models where the code reads them.
  it('is a minified ESM index.mjs with a require shim, its source map, the fonts at its side and the models below', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'paraphe-bundle-'));
    try {
      const app = new App({ outdir });
      const stack = new Stack(app, 'BundleTest', { env: { region: 'eu-west-3' } });
      const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
      new ParapheFunction(stack, 'Fn', {
        spec: { name: 'bundle-test', entry: FIXTURE_ENTRY, routes: [], table: 'read' },
        projectRoot: PROJECT_ROOT,
        table: { table, indexNames: [] },
        bucket: new s3.Bucket(stack, 'Bucket'),
        sendingIdentity: { emailIdentityArn: 'arn:aws:ses:eu-west-3:1:identity/x', configurationSetArn: 'arn:aws:ses:eu-west-3:1:configuration-set/x' },
        sealingSecret: new secretsmanager.Secret(stack, 'Secret'),
        consoleSecret: new secretsmanager.Secret(stack, 'ConsoleSecret'),
        environment: {
          TABLE_NAME: 't',
          BUCKET_NAME: 'b',
          SENDER_EMAIL: 'a@example.org',
          PUBLIC_BASE_URL: 'https://example.org',
          RECTORAT_CONTACT_EMAIL: 'r@example.org',
          SEALING_SECRET_ID: 'sealing',
        },
      });
      app.synth();
      const assetDirs = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
      expect(assetDirs).toHaveLength(1);
      const dir = join(outdir, assetDirs[0]!);
      const files = readdirSync(dir);
      expect(files).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map', 'DejaVuSans.ttf', 'DejaVuSerif-Bold.ttf', 'LICENSE-DejaVu.txt', 'models']));
      expect(readdirSync(join(dir, 'models'))).toEqual(expect.arrayContaining(['2023-2024.json', '2025-2026.json']));
      expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).toMatch(/^import \{ createRequire \} from 'module'; const require = createRequire\(import\.meta\.url\);/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
