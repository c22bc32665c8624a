import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { z } from 'zod';
import { DEFAULT_ADMIN_AUDIENCE, DEFAULT_CONSOLE_CLIENT_ID } from './admin-auth.ts';
import type { FunctionSpec } from './functions.ts';
import { ParapheNagChecks } from './nag.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';
import { WEB_ACL_REGION, WebAclStack } from './web-acl-stack.ts';

/**
 * Every setting is read from CDK context (`cdk deploy -c senderEmail=…` or
 * cdk.json) first, then from the environment variable, then the default.
 * Defaults are placeholders good for synth and a dev account; the stage
 * `prod` refuses them (see `PLACEHOLDER_SETTINGS`).
 */
const SETTINGS = {
  stage: { env: 'PARAPHE_STAGE', default: 'dev' },
  region: { env: 'PARAPHE_REGION', default: 'eu-west-3' },
  senderEmail: { env: 'PARAPHE_SENDER_EMAIL', default: 'ne-pas-repondre@paraphe.example.org' },
  rectoratContactEmail: { env: 'PARAPHE_RECTORAT_CONTACT_EMAIL', default: 'ent-ecole@example.org' },
  /** Who receives the daily digest, comma-separated: the contact address when absent. */
  rectoratDigestEmails: { env: 'PARAPHE_RECTORAT_DIGEST_EMAILS', default: undefined },
  oidcIssuer: { env: 'PARAPHE_OIDC_ISSUER', default: 'https://login.example.org/realms/paraphe' },
  oidcAudience: { env: 'PARAPHE_OIDC_AUDIENCE', default: DEFAULT_ADMIN_AUDIENCE },
  /** The console's client id at the OpenID provider (its secret goes in the console secret, by hand). */
  consoleClientId: { env: 'PARAPHE_CONSOLE_CLIENT_ID', default: DEFAULT_CONSOLE_CLIENT_ID },
  /** The RFC 3161 time-stamping authority of every seal (PAdES B-T): a qualified one, chosen by the académie. */
  tsaUrl: { env: 'PARAPHE_TSA_URL', default: 'https://tsa.example.org/' },
  objectLockRetentionDays: { env: 'PARAPHE_OBJECT_LOCK_RETENTION_DAYS', default: '3650' },
  /** The public name (CloudFront), with its ACM certificate in us-east-1. */
  domainName: { env: 'PARAPHE_DOMAIN_NAME', default: undefined },
  certificateArn: { env: 'PARAPHE_CERTIFICATE_ARN', default: undefined },
  /** The API's regional custom domain (CloudFront's origin), with its ACM certificate in the stacks' region. */
  apiDomainName: { env: 'PARAPHE_API_DOMAIN_NAME', default: undefined },
  apiCertificateArn: { env: 'PARAPHE_API_CERTIFICATE_ARN', default: undefined },
  alarmEmail: { env: 'PARAPHE_ALARM_EMAIL', default: undefined },
} as const satisfies Record<string, { env: string; default: string | undefined }>;

type SettingName = keyof typeof SETTINGS;

const PLACEHOLDER_SETTINGS: readonly SettingName[] = ['senderEmail', 'rectoratContactEmail', 'oidcIssuer', 'oidcAudience', 'tsaUrl'];

/**
 * Without them CloudFront would serve its *.cloudfront.net name and reach the API by its
 * execute-api host, which then stays open to anyone who bypasses the web ACL: fine for dev only.
 */
const PROD_REQUIRED_SETTINGS: readonly SettingName[] = ['domainName', 'certificateArn', 'apiDomainName', 'apiCertificateArn'];

const hostName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a host name such as paraphe.ac-example.fr (lowercase, no scheme)');

const settingsSchema = z
  .object({
    stage: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'lowercase letters, digits and dashes'),
    region: z.string().min(1),
    senderEmail: z.email(),
    rectoratContactEmail: z.email(),
    rectoratDigestEmails: z.string().min(3).optional(),
    oidcIssuer: z.url({ protocol: /^https$/ }),
    oidcAudience: z
      .string()
      .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean))
      .pipe(z.array(z.string()).min(1)),
    consoleClientId: z.string().min(1),
    tsaUrl: z.url({ protocol: /^https?$/ }),
    objectLockRetentionDays: z.coerce.number().int().min(1).max(36_500),
    domainName: hostName.optional(),
    certificateArn: z
      .string()
      .regex(new RegExp(`^arn:aws[a-z-]*:acm:${WEB_ACL_REGION}:\\d{12}:certificate/`), `an ACM certificate ARN in ${WEB_ACL_REGION} (CloudFront takes no other region)`)
      .optional(),
    apiDomainName: hostName.optional(),
    apiCertificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:/, 'an ACM certificate ARN').optional(),
    alarmEmail: z.email().optional(),
  })
  .refine((s) => (s.apiDomainName === undefined) === (s.apiCertificateArn === undefined), {
    message: 'apiDomainName and apiCertificateArn go together',
    path: ['apiDomainName'],
  })
  .refine((s) => (s.domainName === undefined) === (s.certificateArn === undefined), {
    message: 'domainName and certificateArn go together',
    path: ['domainName'],
  })
  .refine((s) => s.domainName === undefined || s.apiDomainName !== undefined, {
    message: 'a public domainName needs apiDomainName (+ apiCertificateArn), the origin CloudFront reaches once the execute-api endpoint is off',
    path: ['apiDomainName'],
  })
  .refine((s) => s.domainName === undefined || s.domainName !== s.apiDomainName, {
    message: 'must differ from domainName: the public name points at CloudFront, this one at the API',
    path: ['apiDomainName'],
  })
  .refine((s) => (s.apiCertificateArn?.split(':')[3] ?? s.region) === s.region, {
    message: 'the API certificate must be in the stacks\' region',
    path: ['apiCertificateArn'],
  });

export type ParapheSettings = z.infer<typeof settingsSchema>;

/** Reads and validates the settings; fails naming every bad or missing one. */
export function readSettings(
  context: (key: string) => unknown,
  env: Record<string, string | undefined> = process.env,
): ParapheSettings {
  const raw: Record<string, unknown> = {};
  const defaulted: SettingName[] = [];
  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
    const fromContext = context(name);
    const value = fromContext !== undefined ? String(fromContext) : (env[setting.env] ?? setting.default);
    if (fromContext === undefined && env[setting.env] === undefined) defaulted.push(name);
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${describe(issue.path.join('.'))}: ${issue.message}`);
    throw new Error(`Invalid Paraphe settings: ${problems.join('; ')}`);
  }
  const placeholders = PLACEHOLDER_SETTINGS.filter((name) => defaulted.includes(name));
  if (parsed.data.stage === 'prod' && placeholders.length > 0) {
    throw new Error(`Stage prod needs real values, not placeholders, for: ${placeholders.map(describe).join(', ')}`);
  }
  const missing = PROD_REQUIRED_SETTINGS.filter((name) => parsed.data[name] === undefined);
  if (parsed.data.stage === 'prod' && missing.length > 0) {
    throw new Error(
      `Stage prod serves the API through CloudFront and its web ACL only, and needs: ${missing.map(describe).join(', ')}`,
    );
  }
  return parsed.data;
}

function describe(name: string): string {
  const setting = SETTINGS[name as SettingName];
  return setting ? `${name} (context ${name} or ${setting.env})` : name;
}

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ParapheStacks {
  webAcl: WebAclStack;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/** Builds both stacks of one stage into `app`, with the AwsSolutions checks on. */
export function createParaphe(
  app: App,
  settings: ParapheSettings,
  options: { functions?: readonly FunctionSpec[]; projectRoot?: string } = {},
): ParapheStacks {
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: settings.region };
  const prefix = `Paraphe-${settings.stage}`;
  const mailDomain = settings.senderEmail.split('@')[1] ?? settings.senderEmail;

  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    env,
    description: 'Paraphe: table, documents bucket, SES identity (retained)',
    terminationProtection: settings.stage === 'prod',
    mailDomain,
    objectLockRetentionDays: settings.objectLockRetentionDays,
  });
  const webAcl = new WebAclStack(app, `${prefix}-WebAcl`, {
    env: { account: env.account, region: WEB_ACL_REGION },
    description: 'Paraphe: web ACL of the CloudFront distribution (CLOUDFRONT scope lives in us-east-1)',
    terminationProtection: settings.stage === 'prod',
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    env,
    description: 'Paraphe: functions, HTTP API, schedules, alarms',
    stateful: stateful.resources,
    projectRoot: options.projectRoot ?? PROJECT_ROOT,
    functions: options.functions,
    senderEmail: settings.senderEmail,
    rectoratContactEmail: settings.rectoratContactEmail,
    rectoratDigestEmails: settings.rectoratDigestEmails ?? settings.rectoratContactEmail,
    tsaUrl: settings.tsaUrl,
    adminAuth: { issuer: settings.oidcIssuer, audience: settings.oidcAudience },
    consoleClientId: settings.consoleClientId,
    customDomain:
      settings.apiDomainName && settings.apiCertificateArn
        ? { domainName: settings.apiDomainName, certificateArn: settings.apiCertificateArn }
        : undefined,
    publicDomain:
      settings.domainName && settings.certificateArn
        ? { domainName: settings.domainName, certificateArn: settings.certificateArn }
        : undefined,
    webAclArn: webAcl.webAclArn,
    alarmEmail: settings.alarmEmail,
  });

  Tags.of(app).add('project', 'paraphe');
  Tags.of(app).add('stage', settings.stage);
  Validations.of(app).addPlugins(new ParapheNagChecks(app));
  return { webAcl, stateful, stateless };
}

function main(): void {
  const app = new App();
  createParaphe(app, readSettings((key) => app.node.tryGetContext(key)));
}

const invokedPath = process.argv[1] ? path.resolve(process.argv[1]) : '';
if (invokedPath === fileURLToPath(import.meta.url)) main();
