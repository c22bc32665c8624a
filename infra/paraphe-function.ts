import * as path from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { z } from 'zod';
import type { configSchema } from '../functions/adapters/config.ts';
import type { FunctionSpec } from './functions.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import type { TableRef } from './stateful-stack.ts';

/**
 * What a function reads from its environment in AWS: the input of the config
 * schema without AWS_REGION (set by Lambda) and the local-only variables (the
 * *_ENDPOINT overrides, the sealing certificate file). A new required variable
 * in the schema fails the type check here until it is wired.
 */
export type FunctionEnvironment = Omit<
  z.input<typeof configSchema>,
  'AWS_REGION' | 'DYNAMODB_ENDPOINT' | 'S3_ENDPOINT' | 'SES_ENDPOINT' | 'SEALING_P12_PATH' | 'SEALING_P12_PASSPHRASE' | 'CONSOLE_SECRET_PATH'
>;

/** The SES resources a function that sends email is allowed to send through. */
export interface SendingIdentity {
  emailIdentityArn: string;
  /** Default configuration set of the identity; SES authorises sends on it too. */
  configurationSetArn: string;
}

export interface ParapheFunctionProps {
  spec: FunctionSpec;
  /** Absolute path of the project root (holds package-lock.json and templates/). */
  projectRoot: string;
  environment: FunctionEnvironment;
  table: TableRef;
  bucket: IBucket;
  sendingIdentity: SendingIdentity;
  /** Secrets Manager secret holding the PKCS#12 sealing certificate. */
  sealingSecret: ISecret;
  /** Secrets Manager secret of the console: its cookie key and OpenID client secret. */
  consoleSecret: ISecret;
  logRetention?: logs.RetentionDays;
}

/**
 * The IAM actions each access level grants: exactly those of the SDK commands
 * the adapters send (functions/adapters), nothing the code never calls (no
 * Scan, no DescribeTable, no DeleteObject, no SendEmail). A test greps the
 * adapters for the commands and checks both directions.
 *
 * DynamoDB authorises each action inside TransactWriteItems by its own
 * action (Put → PutItem, Update → UpdateItem, Delete → DeleteItem,
 * ConditionCheck → ConditionCheckItem); there is no TransactWriteItems action
 * to grant. DeleteItem stays: guards, reminder slots and rotated signing links
 * are deleted (DeleteCommand and Delete in transactions); BatchWriteItem stays:
 * a job's rejected rows are recorded 25 at a time (job-repository
 * recordFailures).
 */
export const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  readwrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
} as const satisfies Record<NonNullable<FunctionSpec['table']>, readonly string[]>;

/**
 * GetObject also covers HeadObject; GetObjectVersion reads evidence by its
 * recorded version id; PutObject also signs the presigned import uploads.
 */
export const BUCKET_ACTIONS = {
  read: ['s3:GetObject', 's3:GetObjectVersion'],
  readwrite: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
} as const satisfies Record<NonNullable<FunctionSpec['bucket']>, readonly string[]>;

/** The mailer sends MIME messages (SendRawEmailCommand) only. */
export const SEND_EMAIL_ACTIONS = ['ses:SendRawEmail'] as const;

export const SEALING_SECRET_ACTIONS = ['secretsmanager:GetSecretValue'] as const;

/**
 * Files the code reads at run time with `new URL(<relative>, import.meta.url)`.
 * In the bundle every module is `index.mjs` at the root of the package, so
 * each folder is copied where that same relative URL lands from there:
 * templates/fonts/load-fonts.ts reads `./X.ttf` → fonts at the root;
 * templates/convention/models.ts reads `./models/` → `models/`.
 */
export const RUNTIME_ASSETS: readonly { from: string; files: string; to: string }[] = [
  { from: 'templates/fonts', files: '*.ttf', to: '.' },
  { from: 'templates/fonts', files: 'LICENSE-DejaVu.txt', to: '.' },
  { from: 'templates/convention/models', files: '*.json', to: 'models' },
  { from: 'templates/avenant', files: 'avenant-text.json', to: '.' },
  // The French State's design system, served by the static-assets function (templates/pages/dsfr-assets.ts).
  { from: 'node_modules/@gouvfr/dsfr/dist', files: 'dsfr.min.css', to: 'dsfr' },
  { from: 'node_modules/@gouvfr/dsfr/dist/fonts', files: 'Marianne-*.woff2', to: 'dsfr/fonts' },
  { from: 'node_modules/@gouvfr/dsfr/dist/favicon', files: '*', to: 'dsfr/favicon' },
];

function copyRuntimeAssets(inputDir: string, outputDir: string): string[] {
  return RUNTIME_ASSETS.map(({ from, files, to }) => {
    const target = path.join(outputDir, to);
    return `mkdir -p "${target}" && cp "${path.join(inputDir, from)}"/${files} "${target}/"`;
  });
}

/** ESM bundles have no `require`; some CommonJS dependencies still call it. */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * One Lambda function of the catalogue with the project's defaults (Node 22 on
 * ARM64, minified ESM bundle with source maps, X-Ray, JSON logs kept one year)
 * and, from the same catalogue entry, both its environment and its grants.
 */
export class ParapheFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ParapheFunctionProps) {
    super(scope, id);
    const { spec, projectRoot } = props;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });

    // Our own role instead of AWSLambdaBasicExecutionRole: logs go to this
    // function's group only, and every grant below is visible in one policy.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Paraphe ${spec.name}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(projectRoot, spec.entry),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb ?? 512,
      timeout: Duration.seconds(spec.timeoutSeconds ?? 10),
      description: `Paraphe ${spec.name}`,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        ...definedOnly(props.environment),
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        externalModules: ['@aws-sdk/*'],
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: copyRuntimeAssets,
        },
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords (tracing: ACTIVE) and, for the stream worker, dynamodb:ListStreams (its event source mapping) support no resource-level permissions.',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'The project targets Node.js 22 (nodejs22.x) on purpose: the code, its types and the local stack are built and tested on Node 22; moving to a newer runtime is a deliberate, tested change.',
    });

    if (spec.table) this.grantTable(props.table, spec.table);
    if (spec.bucket) this.grantBucket(props.bucket, spec.bucket);
    if (spec.sendsEmail) this.grantSendEmail(props.sendingIdentity);
    if (sealsDocuments(spec)) this.grantSecretValue(props.sealingSecret);
    if (spec.consoleSession) this.grantSecretValue(props.consoleSecret);
  }

  /** Item-level actions on the table and its named indexes; no wildcard ARNs. */
  private grantTable(table: TableRef, access: NonNullable<FunctionSpec['table']>): void {
    const stack = Stack.of(this);
    const indexArns = table.indexNames.map((name) =>
      stack.formatArn({
        service: 'dynamodb',
        resource: 'table',
        resourceName: `${table.table.tableName}/index/${name}`,
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...TABLE_ACTIONS[access]],
        resources: [table.table.tableArn, ...indexArns],
      }),
    );
  }

  /**
   * Documents are read and written, never deleted: the bucket is under Object
   * Lock and no function needs to remove a signed convention.
   */
  private grantBucket(bucket: IBucket, access: NonNullable<FunctionSpec['bucket']>): void {
    const objects = bucket.arnForObjects('*');
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...BUCKET_ACTIONS[access]],
        resources: [objects],
      }),
    );
    // ListBucket turns a missing key into a 404 instead of a 403.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
    acknowledgeWildcardResource(
      this.role,
      objects,
      'Documents are keyed by convention id at run time; access is limited to objects of the one documents bucket.',
    );
  }

  private grantSendEmail(identity: SendingIdentity): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...SEND_EMAIL_ACTIONS],
        resources: [identity.emailIdentityArn, identity.configurationSetArn],
      }),
    );
  }

  /** The value only (the code never describes the secret); the secret is under the AWS-managed key, so no kms grant. */
  private grantSecretValue(secret: ISecret): void {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...SEALING_SECRET_ACTIONS], resources: [secret.secretArn] }));
  }
}

/** Only the functions that seal a PDF may read the sealing certificate. */
export function sealsDocuments(spec: FunctionSpec): boolean {
  return spec.sealsDocuments === true;
}

function definedOnly(env: FunctionEnvironment): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
