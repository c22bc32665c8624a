import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CACHED_PATH_PATTERN, EDGE_CONTENT_SECURITY_POLICY, VIEWER_IP_HEADER } from '../../../infra/edge-distribution.ts';
import { PUBLIC_RATE_LIMIT, PUBLIC_RATE_LIMIT_BODY, PUBLIC_RATE_LIMIT_STATUS, ROUTE_THROTTLE } from '../../../infra/edge-limits.ts';
import { BODY_OVER_8KB_LABEL, WEB_ACL_REGION } from '../../../infra/web-acl-stack.ts';
import { buildTestParaphe, DOMAIN_SETTINGS } from '../support.ts';

/** IDs of the CloudFront managed policies (Use managed cache / origin request policies, CloudFront Developer Guide). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

const dev = buildTestParaphe();
const withDomains = buildTestParaphe({ settings: { ...DOMAIN_SETTINGS } });

type Rule = Record<string, any>;
const webAcl = Object.values(dev.webAclTemplate.findResources('AWS::WAFv2::WebACL'))[0]!.Properties as Record<string, any>;
const rules = webAcl.Rules as Rule[];
const rule = (name: string): Rule => {
  const found = rules.find((candidate) => candidate.Name === name);
  if (!found) throw new Error(`no rule ${name}`);
  return found;
};

describe('the web ACL', () => {
  it('is a CLOUDFRONT web ACL, in its own stack in us-east-1, allowing by default', () => {
    expect(dev.webAcl.region).toBe(WEB_ACL_REGION);
    expect(webAcl).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
  });

  it('limits each client IP on the signing and avenant paths with the shared figures, answering 429 and a French page', () => {
    const rate = rule('PublicRoutesPerIp');
    expect(rate.Statement.RateBasedStatement).toMatchObject({
      Limit: PUBLIC_RATE_LIMIT.limit,
      EvaluationWindowSec: PUBLIC_RATE_LIMIT.windowSeconds,
      AggregateKeyType: 'IP',
    });
    const prefixes = (rate.Statement.RateBasedStatement.ScopeDownStatement.OrStatement.Statements as Rule[]).map((s) => s.ByteMatchStatement);
    expect(prefixes.map((s) => s.SearchString)).toEqual(['/sign/', '/avenant/']);
    for (const match of prefixes) expect(match).toMatchObject({ FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH' });

    expect(PUBLIC_RATE_LIMIT_STATUS).toBe(429);
    const response = rate.Action.Block.CustomResponse;
    expect(response).toMatchObject({ ResponseCode: PUBLIC_RATE_LIMIT_STATUS, ResponseHeaders: [{ Name: 'Retry-After', Value: String(PUBLIC_RATE_LIMIT.windowSeconds) }] });
    expect(webAcl.CustomResponseBodies[response.CustomResponseBodyKey]).toEqual({ ContentType: 'TEXT_HTML', Content: PUBLIC_RATE_LIMIT_BODY });
    expect(PUBLIC_RATE_LIMIT_BODY).toMatch(/lang="fr".*Trop de demandes/);
    expect(new TextEncoder().encode(PUBLIC_RATE_LIMIT_BODY).length).toBeLessThan(4096);
  });

  it('runs the IP reputation list, the Common rule set and the known bad inputs rule set', () => {
    const managed = rules.flatMap((r) => (r.Statement.ManagedRuleGroupStatement ? [r.Statement.ManagedRuleGroupStatement] : []));
    expect(managed.map((group) => `${group.VendorName}/${group.Name}`).sort()).toEqual([
      'AWS/AWSManagedRulesAmazonIpReputationList',
      'AWS/AWSManagedRulesCommonRuleSet',
      'AWS/AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    for (const r of rules.filter((candidate) => candidate.Statement.ManagedRuleGroupStatement)) expect(r.OverrideAction).toEqual({ None: {} });
  });

  it('lets the admin import through with its large body, and blocks bodies over 8 KB everywhere else', () => {
    const common = rule('AWSManagedRulesCommonRuleSet');
    expect(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
    const large = rule('LargeBodyOutsideAdmin');
    expect(large.Priority).toBeGreaterThan(common.Priority);
    expect(large.Action).toEqual({ Block: {} });
    const [label, notAdmin] = large.Statement.AndStatement.Statements as Rule[];
    expect(label).toEqual({ LabelMatchStatement: { Scope: 'LABEL', Key: BODY_OVER_8KB_LABEL } });
    expect(notAdmin!.NotStatement.Statement.ByteMatchStatement).toMatchObject({ SearchString: '/admin/', PositionalConstraint: 'STARTS_WITH', FieldToMatch: { UriPath: {} } });
  });

  it('gives every rule a distinct priority and metrics', () => {
    expect(new Set(rules.map((r) => r.Priority)).size).toBe(rules.length);
    for (const r of rules) expect(r.VisibilityConfig).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
  });

  it('logs to an aws-waf-logs- group, without the path (signing tokens) or the Authorization header', () => {
    dev.webAclTemplate.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-'), RetentionInDays: 365 });
    dev.webAclTemplate.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
      RedactedFields: [{ UriPath: {} }, { SingleHeader: { Name: 'authorization' } }],
    });
  });
});

const distributionOf = (template: typeof dev.statelessTemplate) =>
  Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig as Record<string, any>;

describe('the CloudFront distribution', () => {
  it('is protected by the web ACL of the us-east-1 stack', () => {
    const config = distributionOf(dev.statelessTemplate);
    expect(config.WebACLId).toEqual({ 'Fn::GetStackOutput': expect.objectContaining({ StackName: dev.webAcl.stackName, Region: WEB_ACL_REGION }) });
  });

  it("reaches the API by its regional custom domain, over TLS 1.2, and answers on the public domain with the us-east-1 certificate", () => {
    const config = distributionOf(withDomains.statelessTemplate);
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0]).toMatchObject({
      DomainName: DOMAIN_SETTINGS.apiDomainName,
      CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
    });
    expect(config.Aliases).toEqual([DOMAIN_SETTINGS.domainName]);
    expect(config.ViewerCertificate).toMatchObject({ AcmCertificateArn: DOMAIN_SETTINGS.certificateArn, MinimumProtocolVersion: 'TLSv1.2_2021' });
  });

  it('passes every method, query string and header but Host (so Authorization too), caching nothing but the design system', () => {
    const config = distributionOf(dev.statelessTemplate);
    expect(config.DefaultCacheBehavior).toMatchObject({
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      ViewerProtocolPolicy: 'redirect-to-https',
    });
    expect(config.CacheBehaviors).toHaveLength(1);
    expect(config.CacheBehaviors[0]).toMatchObject({ PathPattern: CACHED_PATH_PATTERN, CachePolicyId: CACHING_OPTIMIZED, AllowedMethods: ['GET', 'HEAD'] });
    expect(CACHED_PATH_PATTERN).toBe('/dsfr/*');
  });

  it("hands the viewer's address to the functions in a header of its own, and serves IPv4 only (the rate rule counts per address)", () => {
    const config = distributionOf(dev.statelessTemplate);
    expect(config.IPV6Enabled).toBe(false);
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([expect.objectContaining({ EventType: 'viewer-request' })]);
    const fn = Object.values(dev.statelessTemplate.findResources('AWS::CloudFront::Function'))[0]!.Properties;
    expect(fn.FunctionCode).toContain(`request.headers['${VIEWER_IP_HEADER}'] = { value: event.viewer.ip }`);
  });

  it("adds the security headers to the answers that carry none (API Gateway's and WAF's own), keeping each page's own", () => {
    const config = distributionOf(dev.statelessTemplate);
    const policies = dev.statelessTemplate.findResources('AWS::CloudFront::ResponseHeadersPolicy');
    expect(Object.keys(policies)).toHaveLength(1);
    const [policyId, policy] = Object.entries(policies)[0]!;
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    expect(config.CacheBehaviors[0].ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 730 * 86_400, IncludeSubdomains: true, Override: false });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.ReferrerPolicy).toMatchObject({ ReferrerPolicy: 'no-referrer', Override: false });
    expect(headers.ContentSecurityPolicy).toEqual({ ContentSecurityPolicy: EDGE_CONTENT_SECURITY_POLICY, Override: false });
    expect(EDGE_CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(EDGE_CONTENT_SECURITY_POLICY).toContain("base-uri 'none'");
  });

  it('tells every function the name of that header, which is then the only one whose address the audit trail trusts', () => {
    const functions = Object.values(dev.statelessTemplate.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) expect(fn.Properties.Environment.Variables.VIEWER_IP_HEADER).toBe(VIEWER_IP_HEADER);
  });
});

describe('the execute-api endpoint', () => {
  it('is disabled once the API has its custom domain, so nobody reaches the API around CloudFront', () => {
    withDomains.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
  });

  it('stays on in a stage without domains, where it is the origin of the distribution', () => {
    dev.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: false });
    const origin = distributionOf(dev.statelessTemplate).Origins[0].DomainName;
    expect(JSON.stringify(origin)).toContain('.execute-api.');
  });
});

describe('route throttling', () => {
  const stage = Object.values(dev.statelessTemplate.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
  const routes = dev.specs.flatMap((spec) => spec.routes);

  it('gives every public route the smaller public budget, and leaves the admin routes the stage default', () => {
    expect(ROUTE_THROTTLE.public.rateLimit).toBeLessThan(ROUTE_THROTTLE.admin.rateLimit);
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: ROUTE_THROTTLE.admin.rateLimit,
      ThrottlingBurstLimit: ROUTE_THROTTLE.admin.burstLimit,
    });
    const settings = stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    const publicKeys = routes.filter((r) => r.auth === 'public').map((r) => `${r.method} ${r.path}`);
    expect(Object.keys(settings).sort()).toEqual(publicKeys.sort());
    expect(publicKeys).toEqual(expect.arrayContaining(['POST /sign/{token}', 'GET /sign/{token}', 'POST /avenant/{token}']));
    for (const key of publicKeys) {
      expect(settings[key]).toEqual({ ThrottlingRateLimit: ROUTE_THROTTLE.public.rateLimit, ThrottlingBurstLimit: ROUTE_THROTTLE.public.burstLimit });
    }
  });

  it('deploys the stage after the routes its settings name', () => {
    const publicRouteIds = Object.entries(dev.statelessTemplate.findResources('AWS::ApiGatewayV2::Route', { Properties: { AuthorizationType: 'NONE' } })).map(([id]) => id);
    expect(publicRouteIds.length).toBeGreaterThan(0);
    expect(stage.DependsOn).toEqual(expect.arrayContaining(publicRouteIds));
  });
});
