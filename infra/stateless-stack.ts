import { CfnOutput, Duration, Stack, TimeZone, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import { EdgeDistribution, VIEWER_IP_HEADER, type PublicDomainSettings } from './edge-distribution.ts';
import { ROUTE_THROTTLE } from './edge-limits.ts';
import { functionSpecs, SCHEDULE_TIME_ZONE, type FunctionSpec, type RouteSpec } from './functions.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { ParapheFunction } from './paraphe-function.ts';
import type { StatefulResources } from './stateful-stack.ts';

export interface AdminAuthSettings {
  /** OIDC issuer URL of the rectorat's identity provider (the JWT `iss`). */
  issuer: string;
  /** Accepted JWT audiences (`aud`, or `client_id` for access tokens). */
  audience: readonly string[];
}

/** The API's regional custom domain: CloudFront's origin, and what lets the execute-api endpoint be turned off. */
export interface CustomDomainSettings {
  domainName: string;
  /** ACM certificate for domainName, in the stack's region. */
  certificateArn: string;
}

/** Throttling of one route (token bucket, all clients together). */
export interface RouteThrottle {
  rateLimit: number;
  burstLimit: number;
}

export interface StatelessStackProps extends StackProps {
  stateful: StatefulResources;
  projectRoot: string;
  senderEmail: string;
  rectoratContactEmail: string;
  rectoratDigestEmails?: string;
  /** The RFC 3161 time-stamping authority that stamps every seal (TSA_URL). */
  tsaUrl: string;
  adminAuth: AdminAuthSettings;
  /** The console's client id at the same OpenID provider (the issuer of adminAuth). */
  consoleClientId: string;
  /**
   * The API's regional custom domain, CloudFront's origin. With it the execute-api endpoint is
   * disabled; without it (a dev stage) CloudFront reaches the execute-api host, which stays open.
   */
  customDomain?: CustomDomainSettings;
  /** The public name, on CloudFront; PUBLIC_BASE_URL follows. Default: the distribution's *.cloudfront.net name. */
  publicDomain?: PublicDomainSettings;
  /** ARN of the CLOUDFRONT-scoped web ACL (the us-east-1 stack). */
  webAclArn: string;
  /** Subscribed to the alarm topic when given. */
  alarmEmail?: string;
  /** The catalogue; defaults to infra/functions.ts. Tests pass their own. */
  functions?: readonly FunctionSpec[];
  /** Per-route budgets; default ROUTE_THROTTLE (infra/edge-limits.ts). */
  routeThrottle?: { public: RouteThrottle; admin: RouteThrottle };
  /** SES's sending quota of the account and region, in messages per second; every email path together stays within it. */
  sesMaxSendRate?: number;
}

/** HTTP API fields logged per request; the route key, never the path (it carries signing tokens). */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

/**
 * Everything that can be replaced at will: one function per catalogue entry,
 * the HTTP API with a route per catalogue route, the schedules, the alarms.
 */
export class StatelessStack extends Stack {
  readonly functions = new Map<string, ParapheFunction>();
  readonly api: apigw.HttpApi;
  readonly edge: EdgeDistribution;
  readonly publicBaseUrl: string;
  private readonly stage: apigw.HttpStage;
  private readonly publicRouteKeys: string[] = [];

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const specs = props.functions ?? functionSpecs;
    const { stateful } = props;

    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Paraphe: conventions ENT-École',
      createDefaultStage: false,
      // Only CloudFront (and its web ACL) in front: no second door, once the custom domain is its origin.
      disableExecuteApiEndpoint: props.customDomain !== undefined,
    });
    const domain = props.customDomain && this.createDomain(props.customDomain);
    const throttle = props.routeThrottle ?? ROUTE_THROTTLE;
    this.stage = this.createDefaultStage(domain, throttle.admin);
    this.edge = new EdgeDistribution(this, 'Edge', {
      api: this.api,
      originDomainName: props.customDomain?.domainName,
      publicDomain: props.publicDomain,
      webAclArn: props.webAclArn,
    });
    this.publicBaseUrl = this.edge.url;

    const adminAuthorizer = new HttpJwtAuthorizer('AdminJwt', props.adminAuth.issuer, {
      jwtAudience: [...props.adminAuth.audience],
    });
    const scheduledRunsDlq = specs.some((spec) => spec.schedule || spec.eventRule) ? this.createScheduledRunsDlq() : undefined;
    const jobsDlq = specs.some((spec) => spec.streamSource) ? this.createQueue('JobsDlq', 'This queue is itself the on-failure destination of the jobs stream.') : undefined;

    for (const spec of specs) {
      const fn = new ParapheFunction(this, toPascal(spec.name), {
        spec,
        projectRoot: props.projectRoot,
        table: stateful.table,
        bucket: stateful.documentsBucket,
        sendingIdentity: stateful.sendingIdentity,
        sealingSecret: stateful.sealingSecret,
        consoleSecret: stateful.consoleSecret,
        environment: {
          TABLE_NAME: stateful.table.table.tableName,
          BUCKET_NAME: stateful.documentsBucket.bucketName,
          SENDER_EMAIL: props.senderEmail,
          PUBLIC_BASE_URL: this.publicBaseUrl,
          // The header CloudFront's viewer-request function fills with the viewer's address (the audit trail's IP).
          VIEWER_IP_HEADER,
          RECTORAT_CONTACT_EMAIL: props.rectoratContactEmail,
          RECTORAT_DIGEST_EMAILS: props.rectoratDigestEmails ?? props.rectoratContactEmail,
          // Every function: the config requires it even where nothing is sealed.
          SEALING_SECRET_ID: stateful.sealingSecret.secretArn,
          TSA_URL: props.tsaUrl,
          SES_MAX_SEND_RATE: String(props.sesMaxSendRate ?? 14),
          // A job still pending an hour past the stream mapping's maximum record age lost its record.
          JOB_REDELIVER_AFTER_SECONDS: String(redeliverAfterSeconds(specs)),
          ...(spec.consoleSession
            ? { OIDC_ISSUER: props.adminAuth.issuer, CONSOLE_CLIENT_ID: props.consoleClientId, CONSOLE_SECRET_ID: stateful.consoleSecret.secretArn }
            : {}),
        },
      });
      this.functions.set(spec.name, fn);
      this.addRoutes(fn, spec.routes, adminAuthorizer);
      if (spec.schedule && scheduledRunsDlq) this.addSchedule(fn, spec, scheduledRunsDlq);
      if (spec.eventRule && scheduledRunsDlq) this.addEventRule(fn, spec, scheduledRunsDlq);
      if (spec.streamSource && jobsDlq) this.addStreamSource(fn, spec, stateful.table.table, jobsDlq);
    }

    this.throttlePublicRoutes(throttle.public);
    this.createAlarms(scheduledRunsDlq, props.alarmEmail, jobsDlq, specs);
    new CfnOutput(this, 'PublicBaseUrl', { value: this.publicBaseUrl });
  }

  private createDomain(settings: CustomDomainSettings): apigw.DomainName {
    const domain = new apigw.DomainName(this, 'Domain', {
      domainName: settings.domainName,
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', settings.certificateArn),
    });
    // The CNAME (or alias) target to publish for domainName.
    new CfnOutput(this, 'ApiDomainTarget', { value: domain.regionalDomainName });
    return domain;
  }

  private createDefaultStage(domain: apigw.DomainName | undefined, throttle: RouteThrottle): apigw.HttpStage {
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_YEAR });
    return new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      // Every route's default (the admin ones keep it): a few thousand communes sign once a year;
      // this leaves room for a campaign launch while capping what a runaway client can cost.
      throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
      ...(domain ? { domainMapping: { domainName: domain } } : {}),
    });
  }

  private addRoutes(fn: ParapheFunction, routes: readonly RouteSpec[], adminAuthorizer: HttpJwtAuthorizer): void {
    if (routes.length === 0) return;
    const integration = new HttpLambdaIntegration(`${fn.node.id}Integration`, fn.function);
    for (const route of routes) {
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration,
        authorizer: route.auth === 'admin' ? adminAuthorizer : new apigw.HttpNoneAuthorizer(),
      });
      if (route.auth === 'public' && created) {
        this.publicRouteKeys.push(`${route.method} ${route.path}`);
        // Route settings name the route: it must exist before the stage that throttles it.
        this.stage.node.addDependency(created);
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: route.path.startsWith('/console')
            ? "Console route: the function checks its own encrypted session cookie (the académie's OpenID Connect login) and sends a request without one to the login."
            : 'Public signing route: mayors have no account; the function authorises the request with the unguessable, expiring signing token in the path.',
        });
      }
    }
  }

  /**
   * Each public route gets the smaller budget (HttpStage has no route settings: the L1 property).
   * HTTP API throttles each route on its own bucket, so a flood of the signing routes spends the
   * public budgets, never the admin routes'.
   */
  private throttlePublicRoutes(throttle: RouteThrottle): void {
    if (this.publicRouteKeys.length === 0) return;
    const cfnStage = this.stage.node.defaultChild as apigw.CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      this.publicRouteKeys.map((key) => [key, { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit }]),
    );
  }

  /**
   * The queue receives both the schedules' undeliverable invocations and, since
   * Scheduler invokes Lambda asynchronously, the runs that still fail after
   * Lambda's own retries.
   */
  private createScheduledRunsDlq(): sqs.Queue {
    return this.createQueue('ScheduledRunsDlq', 'This queue is itself the dead-letter queue of the schedules and of the scheduled functions.');
  }

  private createQueue(id: string, reason: string): sqs.Queue {
    const queue = new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
    return queue;
  }

  /**
   * The outbox's delivery: the table's stream, filtered to pending jobs, with every retry setting made
   * explicit (by default Lambda retries a failing batch until its records expire, 24 h, blocking the shard).
   * A batch that keeps failing is bisected, then its records' coordinates go to the jobs DLQ.
   */
  private addStreamSource(fn: ParapheFunction, spec: FunctionSpec, table: dynamodb.ITable, dlq: sqs.Queue): void {
    const source = spec.streamSource!;
    fn.function.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: source.batchSize,
        parallelizationFactor: source.parallelizationFactor,
        retryAttempts: source.maxRetryAttempts,
        maxRecordAge: Duration.seconds(source.maxRecordAgeSeconds),
        bisectBatchOnError: source.bisectOnError,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(dlq),
        filters: [lambda.FilterCriteria.filter(source.filter)],
      }),
    );
  }

  private addSchedule(fn: ParapheFunction, spec: FunctionSpec, dlq: sqs.Queue): void {
    const schedule = spec.schedule;
    if (!schedule) return;
    fn.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(dlq),
    });
    // Our own role so it is named, scoped to this account's schedules, and its
    // one wildcard (the function's versions, `<arn>:*`) can be acknowledged.
    const role = new iam.Role(this, `${fn.node.id}ScheduleRole`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    acknowledgeWildcardResource(
      role,
      `${fn.function.functionArn}:*`,
      'The Scheduler Lambda target grants invoke on the function and its qualified versions (<arn>:*); nothing else.',
    );
    new scheduler.Schedule(this, `${fn.node.id}Schedule`, {
      description: schedule.description,
      schedule: scheduler.ScheduleExpression.expression(
        toCronExpression(schedule.cron),
        TimeZone.of(SCHEDULE_TIME_ZONE),
      ),
      target: new LambdaInvoke(fn.function, {
        role,
        deadLetterQueue: dlq,
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
        // Shaped like an EventBridge "Scheduled Event" so handlers read the
        // planned instant from `time`, not from the clock.
        input: scheduler.ScheduleTargetInput.fromObject({
          version: '0',
          id: scheduler.ContextAttribute.executionId,
          'detail-type': 'Scheduled Event',
          source: 'aws.scheduler',
          time: scheduler.ContextAttribute.scheduledTime,
          resources: [scheduler.ContextAttribute.scheduleArn],
          detail: { name: spec.name, attempt: scheduler.ContextAttribute.attemptNumber },
        }),
      }),
    });
  }

  /** An EventBridge rule on the default bus (where the SES configuration set publishes), with retries and the same DLQ. */
  private addEventRule(fn: ParapheFunction, spec: FunctionSpec, dlq: sqs.Queue): void {
    const rule = spec.eventRule!;
    new events.Rule(this, `${fn.node.id}Rule`, {
      description: rule.description,
      eventPattern: { source: rule.source, detailType: rule.detailType, ...(rule.detail ? { detail: rule.detail } : {}) },
      targets: [new eventTargets.LambdaFunction(fn.function, { deadLetterQueue: dlq, retryAttempts: 3, maxEventAge: Duration.hours(6) })],
    });
  }

  private createAlarms(dlq: sqs.Queue | undefined, alarmEmail: string | undefined, jobsDlq?: sqs.Queue, specs: readonly FunctionSpec[] = functionSpecs): void {
    const topic = new sns.Topic(this, 'AlarmTopic', { enforceSSL: true });
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and states only, no personal data; CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key.',
    });
    if (alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(alarmEmail));
    const action = new cwActions.SnsAction(topic);

    const alarms: cloudwatch.Alarm[] = [];
    for (const [name, fn] of this.functions) {
      alarms.push(
        fn.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }).createAlarm(
          this,
          `${fn.node.id}ErrorsAlarm`,
          {
            alarmDescription: `Paraphe ${name}: the function failed at least once in 5 minutes.`,
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          },
        ),
      );
    }
    if (dlq) {
      alarms.push(
        dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }).createAlarm(this, 'DlqDepthAlarm', {
          alarmDescription: 'Paraphe: a scheduled run (reminders, digest) failed for good and waits in the DLQ.',
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    if (jobsDlq) {
      const worker = [...this.functions.entries()].find(([name]) => specs.find((spec) => spec.name === name)?.streamSource)?.[1];
      alarms.push(
        jobsDlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }).createAlarm(this, 'JobsDlqDepthAlarm', {
          alarmDescription: 'Paraphe: the jobs worker failed a batch of the stream for good; its coordinates wait in the jobs DLQ.',
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        new cloudwatch.Metric({ namespace: 'Paraphe', metricName: 'JobsFailed', dimensionsMap: { Scope: 'Jobs' }, period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }).createAlarm(
          this,
          'JobsFailedAlarm',
          {
            alarmDescription: 'Paraphe: a job failed for good after its retries; GET /admin/jobs/{id} says which and why.',
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          },
        ),
      );
      if (worker) {
        alarms.push(
          new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'IteratorAge', dimensionsMap: { FunctionName: worker.function.functionName }, period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }).createAlarm(
            this,
            'JobsBacklogAlarm',
            {
              alarmDescription: 'Paraphe: jobs wait more than 30 minutes in the stream: the worker does not keep up.',
              threshold: 30 * 60 * 1000,
              evaluationPeriods: 2,
              comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
              treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
            },
          ),
        );
      }
    }
    alarms.push(
      this.api.metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }).createAlarm(
        this,
        'Api5xxAlarm',
        {
          alarmDescription: 'Paraphe API answered 5xx at least 5 times in 5 minutes.',
          threshold: 5,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      ),
    );
    for (const alarm of alarms) alarm.addAlarmAction(action);
  }
}

/** How long a job may stay pending before wake-jobs writes it again: an hour past the worker's maximum record age. */
export function redeliverAfterSeconds(specs: readonly FunctionSpec[]): number {
  const ages = specs.flatMap((spec) => (spec.streamSource ? [spec.streamSource.maxRecordAgeSeconds] : []));
  return Math.max(0, ...ages) + 3600;
}

/** The catalogue writes the six cron fields; Scheduler wants them inside `cron(...)`. */
export function toCronExpression(cron: string): string {
  const trimmed = cron.trim();
  return trimmed.startsWith('cron(') ? trimmed : `cron(${trimmed})`;
}

function toPascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
