import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { JOB_TAG } from '../../../functions/use-cases/jobs/email-once.ts';
import { functionSpecs } from '../../../infra/functions.ts';
import { toCronExpression } from '../../../infra/stateless-stack.ts';
import { buildTestParaphe, DOMAIN_SETTINGS, logicalIdOf, scheduledSpec } from '../support.ts';

const { statelessTemplate: template, specs } = buildTestParaphe();
const routes = specs.flatMap((spec) => spec.routes.map((route) => ({ ...route, name: spec.name })));

describe('the HTTP API', () => {
  it('has one route per catalogue route, admin ones behind the JWT authorizer and public ones open', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', routes.length);
    for (const route of routes) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
        AuthorizationType: route.auth === 'admin' ? 'JWT' : 'NONE',
        ...(route.auth === 'admin' ? { AuthorizerId: Match.anyValue() } : { AuthorizerId: Match.absent() }),
      });
    }
  });

  it('sends each route to the function that declares it', () => {
    for (const route of routes) {
      const fnId = logicalIdOf(template, 'AWS::Lambda::Function', { Description: `Paraphe ${route.name}` });
      const integrations = template.findResources('AWS::ApiGatewayV2::Integration', {
        Properties: { IntegrationUri: { 'Fn::GetAtt': [fnId, 'Arn'] } },
      });
      const integrationIds = Object.keys(integrations);
      expect(integrationIds).toHaveLength(1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationIds[0] }]] },
      });
    }
  });

  it('checks admin tokens against the configured OIDC issuer and audience', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://login.example.org/realms/paraphe', Audience: ['paraphe-admin'] },
    });
  });

  it("gives the console, and only it, the same OIDC issuer, its client id and its secret's ARN", () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as { Properties: { Description: string; Environment: { Variables: Record<string, unknown> } } }[];
    for (const fn of functions) {
      const variables = fn.Properties.Environment.Variables;
      if (fn.Properties.Description === 'Paraphe console') {
        expect(variables).toMatchObject({ OIDC_ISSUER: 'https://login.example.org/realms/paraphe', CONSOLE_CLIENT_ID: 'paraphe-console' });
        expect(JSON.stringify(variables.CONSOLE_SECRET_ID)).toContain('ConsoleSecret');
      } else {
        expect(Object.keys(variables).filter((name) => /^(OIDC|CONSOLE)_/.test(name)), fn.Properties.Description).toEqual([]);
      }
    }
    expect(functions.some((fn) => fn.Properties.Description === 'Paraphe console')).toBe(true);
  });

  it('throttles the default stage and writes access logs without the request path', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('routeKey') },
    });
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    expect(stage.Properties.AccessLogSettings.Format).not.toContain('$context.path');
  });

  it('gives the functions the distribution URL as PUBLIC_BASE_URL when no domain is set (a dev stage)', () => {
    const distributionId = Object.keys(template.findResources('AWS::CloudFront::Distribution'))[0];
    template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PUBLIC_BASE_URL: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] } }) },
    });
  });

  it('serves the API custom domain (the origin) and uses the public domain as PUBLIC_BASE_URL when both are set', () => {
    const { statelessTemplate } = buildTestParaphe({ settings: DOMAIN_SETTINGS });
    statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: DOMAIN_SETTINGS.apiDomainName });
    statelessTemplate.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    statelessTemplate.allResourcesProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PUBLIC_BASE_URL: `https://${DOMAIN_SETTINGS.domainName}` }) },
    });
  });
});

describe('schedules', () => {
  it('exist only for entries with a schedule', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', specs.filter((s) => s.schedule).length);
  });

  describe('with a scheduled entry in the catalogue', () => {
    const { statelessTemplate: scheduled } = buildTestParaphe({ functions: [...functionSpecs, scheduledSpec] });
    const fnId = logicalIdOf(scheduled, 'AWS::Lambda::Function', { Description: `Paraphe ${scheduledSpec.name}` });
    const dlqId = Object.keys(scheduled.findResources('AWS::SQS::Queue'))[0];

    it('fires it at its cron in Europe/Paris, with retries and the dead-letter queue', () => {
      scheduled.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 8 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Paris',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 21600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
        },
      });
    });

    it('passes the scheduled time as `time`, so a run can be replayed for a given day', () => {
      const schedule = Object.values(scheduled.findResources('AWS::Scheduler::Schedule'))[0]!;
      const input = JSON.parse(schedule.Properties.Target.Input as string);
      expect(input).toMatchObject({ 'detail-type': 'Scheduled Event', time: '<aws.scheduler.scheduled-time>' });
    });

    it('sends the runs that fail after Lambda retries to the same dead-letter queue', () => {
      scheduled.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fnId },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
      });
    });

    it('alarms as soon as a message waits in the dead-letter queue', () => {
      scheduled.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });
  });

  it('accepts the six cron fields bare or already wrapped', () => {
    expect(toCronExpression('0 8 * * ? *')).toBe('cron(0 8 * * ? *)');
    expect(toCronExpression('cron(0 8 * * ? *)')).toBe('cron(0 8 * * ? *)');
  });
});

describe('alarms', () => {
  it('watch the errors of every function and notify the alarm topic', () => {
    for (const spec of specs) {
      const fnId = logicalIdOf(template, 'AWS::Lambda::Function', { Description: `Paraphe ${spec.name}` });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
        Threshold: 1,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
      });
    }
  });

  it('email the alarm address when one is set', () => {
    const { statelessTemplate } = buildTestParaphe({ settings: { alarmEmail: 'exploitation@example.org' } });
    statelessTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'exploitation@example.org',
    });
  });
});

describe('SES sends, bounces and complaints', () => {
  it('reach the ses-events function through an EventBridge rule on the default bus, with retries and the dead-letter queue', () => {
    const spec = specs.find((candidate) => candidate.eventRule)!;
    const fnId = logicalIdOf(template, 'AWS::Lambda::Function', { Description: `Paraphe ${spec.name}` });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ses'],
        'detail-type': ['Email Sent', 'Email Bounced', 'Email Complaint Received'],
        // Sends only of jobs' emails, by the tag every job's email carries.
        detail: { $or: [{ eventType: ['Bounce', 'Complaint'] }, { eventType: ['Send'], mail: { tags: { [JOB_TAG]: [{ exists: true }] } } }] },
      },
      Targets: [{ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 3 }, DeadLetterConfig: { Arn: {} } }],
    });
  });
});

describe('the jobs worker', () => {
  it('reads the table stream through an event source mapping that lets only pending jobs through, with bounded retries, bisection, a maximum record age, partial batch responses and a dead-letter queue', () => {
    const spec = specs.find((candidate) => candidate.streamSource)!;
    const source = spec.streamSource!;
    const fnId = logicalIdOf(template, 'AWS::Lambda::Function', { Description: `Paraphe ${spec.name}` });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: source.batchSize,
      ParallelizationFactor: source.parallelizationFactor,
      MaximumRetryAttempts: source.maxRetryAttempts,
      MaximumRecordAgeInSeconds: source.maxRecordAgeSeconds,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(source.filter) }] },
    });
    expect(source.filter).toEqual({ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entity: { S: ['job'] }, state: { S: ['pending'] } } } });
  });

  it('raises an alarm when a batch reaches the jobs dead-letter queue, when a job fails for good, and when jobs wait in the stream', () => {
    for (const description of ['jobs DLQ', 'failed for good', 'worker does not keep up']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmDescription: Match.stringLikeRegexp(description), AlarmActions: Match.anyValue() });
    }
  });

  it('writes a pending job again only after the stream mapping gave up on its record (past the maximum record age)', () => {
    const source = specs.find((candidate) => candidate.streamSource)!.streamSource!;
    const wakeId = logicalIdOf(template, 'AWS::Lambda::Function', { Description: 'Paraphe wake-jobs' });
    const variables = template.toJSON().Resources[wakeId].Properties.Environment.Variables as Record<string, string>;
    expect(Number(variables.JOB_REDELIVER_AFTER_SECONDS)).toBeGreaterThan(source.maxRecordAgeSeconds);
  });

  it('wakes the jobs waiting for a retry every minute', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(* * * * ? *)', ScheduleExpressionTimezone: 'Europe/Paris' });
  });
});
