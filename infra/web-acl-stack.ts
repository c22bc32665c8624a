import { Arn, ArnFormat, CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import {
  PUBLIC_RATE_LIMIT,
  PUBLIC_RATE_LIMIT_BODY,
  PUBLIC_RATE_LIMIT_RETRY_AFTER_SECONDS,
  PUBLIC_RATE_LIMIT_STATUS,
} from './edge-limits.ts';

/** A web ACL for CloudFront exists in us-east-1 only; this stack is deployed there. */
export const WEB_ACL_REGION = 'us-east-1';

/** The label the Common rule set puts on a body over 8 KB (its SizeRestrictions_BODY rule). */
export const BODY_OVER_8KB_LABEL = 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body';

/** Paths whose requests may carry a body over 8 KB: the authenticated admin API (imports up to 4 MB). */
export const LARGE_BODY_PATH_PREFIX = '/admin/';

const RATE_LIMITED_BODY_KEY = 'rate-limited';

/** Managed rule groups, in the order they run (after the IP reputation list and the rate rule). */
export const MANAGED_RULE_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'] as const;

/**
 * The web ACL in front of the API (through CloudFront): per-client limits of
 * the public routes, and AWS managed protections. Its ARN reaches the
 * distribution in the stateless stack as a weak cross-region reference
 * (`Fn::GetStackOutput` with `Region`), so no custom resource is needed.
 */
export class WebAclStack extends Stack {
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      description: 'Paraphe: per-client limit of the public signing routes, AWS managed rules',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('paraphe-web-acl'),
      customResponseBodies: {
        [RATE_LIMITED_BODY_KEY]: { contentType: 'TEXT_HTML', content: PUBLIC_RATE_LIMIT_BODY },
      },
      rules: [
        managedGroup('AWSManagedRulesAmazonIpReputationList', 0),
        publicRateRule(1),
        managedGroup('AWSManagedRulesCommonRuleSet', 2, [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        largeBodyOutsideAdminRule(3),
        managedGroup('AWSManagedRulesKnownBadInputsRuleSet', 4),
      ],
    });
    this.webAclArn = webAcl.attrArn;
    this.createLogging(webAcl);
    new CfnOutput(this, 'WebAclArn', { value: webAcl.attrArn });
  }

  /**
   * Requests WAF blocked or counted, kept one year. The path (it holds the signing token) and
   * the Authorization header (an admin's JWT) are redacted, as the API access log never has them.
   */
  private createLogging(webAcl: wafv2.CfnWebACL): void {
    const group = new logs.LogGroup(this, 'WebAclLogs', {
      // WAF only delivers to groups whose name starts with aws-waf-logs-.
      logGroupName: `aws-waf-logs-${this.stackName}`,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new wafv2.CfnLoggingConfiguration(this, 'WebAclLogging', {
      resourceArn: webAcl.attrArn,
      // WAF wants the group's ARN without the `:*` that LogGroup.logGroupArn carries.
      logDestinationConfigs: [
        Arn.format({ service: 'logs', resource: 'log-group', resourceName: group.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }, this),
      ],
      redactedFields: [{ uriPath: {} }, { singleHeader: { Name: 'authorization' } }],
    });
  }
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}

function managedGroup(
  name: string,
  priority: number,
  ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[],
): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ...(ruleActionOverrides ? { ruleActionOverrides } : {}) } },
    visibilityConfig: visibility(name),
  };
}

/** `uri path starts with <prefix>`, after URL decoding and path normalisation (no `//sign/` or `%2Fsign` detours). */
function pathStartsWith(prefix: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'STARTS_WITH',
      searchString: prefix,
      textTransformations: [
        { priority: 0, type: 'URL_DECODE' },
        { priority: 1, type: 'NORMALIZE_PATH' },
      ],
    },
  };
}

/**
 * Per client IP, over WAF's evaluation window, on the signing and avenant
 * paths only: a flooding client gets 429 and a French page, everyone else
 * (other mayors, the rectorat) is served.
 */
function publicRateRule(priority: number): wafv2.CfnWebACL.RuleProperty {
  const [first, ...others] = PUBLIC_RATE_LIMIT.pathPrefixes.map(pathStartsWith);
  return {
    name: 'PublicRoutesPerIp',
    priority,
    action: {
      block: {
        customResponse: {
          responseCode: PUBLIC_RATE_LIMIT_STATUS,
          customResponseBodyKey: RATE_LIMITED_BODY_KEY,
          responseHeaders: [{ name: 'Retry-After', value: String(PUBLIC_RATE_LIMIT_RETRY_AFTER_SECONDS) }],
        },
      },
    },
    statement: {
      rateBasedStatement: {
        limit: PUBLIC_RATE_LIMIT.limit,
        evaluationWindowSec: PUBLIC_RATE_LIMIT.windowSeconds,
        aggregateKeyType: 'IP',
        scopeDownStatement: others.length > 0 ? { orStatement: { statements: [first!, ...others] } } : first!,
      },
    },
    visibilityConfig: visibility('paraphe-public-per-ip'),
  };
}

/**
 * The Common rule set's SizeRestrictions_BODY only counts (it would block the admin import, a body
 * of up to 4 MB); this rule blocks what it labelled everywhere but under /admin/, where the JWT
 * authorizer already stands. No public form comes near 8 KB.
 */
function largeBodyOutsideAdminRule(priority: number): wafv2.CfnWebACL.RuleProperty {
  return {
    name: 'LargeBodyOutsideAdmin',
    priority,
    action: { block: {} },
    statement: {
      andStatement: {
        statements: [
          { labelMatchStatement: { scope: 'LABEL', key: BODY_OVER_8KB_LABEL } },
          { notStatement: { statement: pathStartsWith(LARGE_BODY_PATH_PREFIX) } },
        ],
      },
    },
    visibilityConfig: visibility('paraphe-large-body-outside-admin'),
  };
}
