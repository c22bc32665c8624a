import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import { Construct } from 'constructs';

/** The header that carries the viewer's address to the functions (behind CloudFront, sourceIp is an edge's). */
export const VIEWER_IP_HEADER = 'x-paraphe-viewer-ip';

/** The CSP CloudFront gives an answer that carries none (API Gateway's and WAF's own): nothing loads, nothing frames it. */
export const EDGE_CONTENT_SECURITY_POLICY = "default-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Cached at the edge: the design system's files, under a versioned path and served `immutable`. */
export const CACHED_PATH_PATTERN = '/dsfr/*';

export interface PublicDomainSettings {
  domainName: string;
  /** ACM certificate for domainName in us-east-1 (CloudFront only takes those). */
  certificateArn: string;
}

export interface EdgeDistributionProps {
  api: apigw.IHttpApi;
  /** The API's regional custom domain, used as origin; without it, the execute-api host. */
  originDomainName?: string;
  /** The public name, on CloudFront; without it, the distribution's own *.cloudfront.net name. */
  publicDomain?: PublicDomainSettings;
  /** ARN of the CLOUDFRONT-scoped web ACL (us-east-1). */
  webAclArn: string;
}

/**
 * CloudFront in front of the HTTP API, so that the web ACL (which an HTTP API
 * cannot have) sees every request: all methods, query strings and headers but
 * Host go through uncached, so forms, signing pages, PDFs and the admin API's
 * Authorization header reach the functions as they were sent; only the
 * design system's files are cached.
 */
export class EdgeDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** `https://<public name>`: what the functions put in links (PUBLIC_BASE_URL). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: EdgeDistributionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const originHost = props.originDomainName ?? `${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    const origin = new origins.HttpOrigin(originHost, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      // Past the API's own 30 s integration timeout, so its answer (503/504) comes through, not CloudFront's.
      readTimeout: Duration.seconds(35),
    });
    // The viewer's address as CloudFront saw it, overwriting whatever the client sent under that name.
    const viewerIp = new cloudfront.Function(this, 'ViewerIp', {
      comment: `Paraphe: ${VIEWER_IP_HEADER} for the audit trail`,
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        `function handler(event) { var request = event.request; request.headers['${VIEWER_IP_HEADER}'] = { value: event.viewer.ip }; return request; }`,
      ),
    });

    // The functions set these headers on every answer (functions/http/security-headers.ts). API Gateway's
    // own answers (no route, the authorizer's 401, 413, 429) and WAF's carry none: CloudFront adds them
    // where the origin gave none (override false keeps each page's own CSP).
    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Paraphe: security headers on every answer, the origin first',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: false },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: false },
        contentSecurityPolicy: { contentSecurityPolicy: EDGE_CONTENT_SECURITY_POLICY, override: false },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: false },
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Paraphe: API behind WAF',
      webAclId: props.webAclArn,
      // Europe and North America edges: the users are in Occitanie.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // IPv4 only: the rate-based rule counts per address, and one IPv6 client owns a /64 of them.
      enableIpv6: false,
      ...(props.publicDomain
        ? {
            domainNames: [props.publicDomain.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.publicDomain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultBehavior: {
        origin,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        // Nothing dynamic is cached (signing pages, PDFs, admin answers). With caching disabled,
        // AllViewerExceptHostHeader also forwards Authorization; Host stays the origin's, which
        // API Gateway needs to find the API.
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        functionAssociations: [{ function: viewerIp, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        responseHeadersPolicy: securityHeaders,
      },
      additionalBehaviors: {
        [CACHED_PATH_PATTERN]: {
          origin,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          compress: true,
          responseHeadersPolicy: securityHeaders,
        },
      },
    });

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction: mayors and the rectorat are in France, but mobile and VPN addresses are often located abroad and a refused mayor cannot sign; the per-IP rate rule and the managed rules stand instead.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'No CloudFront access log: it would record every signing token (they are in the path). The web ACL log (path redacted) and the API access log (route key, never the path) record the requests.',
      },
      ...(props.publicDomain
        ? []
        : [
            {
              id: 'AwsSolutions-CFR4',
              reason:
                'Without a public domain (a dev stage) the distribution serves the default *.cloudfront.net certificate, whose TLS policy cannot be chosen; with one, TLSv1.2_2021 is the minimum.',
            },
          ]),
    );

    this.url = `https://${props.publicDomain?.domainName ?? this.distribution.distributionDomainName}`;
    // The CNAME (or alias) target to publish for the public domain.
    new CfnOutput(stack, 'DistributionDomainName', { value: this.distribution.distributionDomainName });
  }
}
