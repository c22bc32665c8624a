/**
 * Per-client limits of the public routes, in one place: the CDK app turns them
 * into a WAF rate-based rule on the CloudFront distribution in front of the
 * HTTP API, and the local gateway enforces the same figures per client
 * address, so that a flooding client is refused here as it would be in AWS.
 *
 * AWS WAF rate-based rules count requests per client IP over an evaluation
 * window of 60, 120, 300 or 600 s, with a limit of at least 10 requests.
 */
export const PUBLIC_RATE_LIMIT = {
  /** Requests one client IP may make to the public signing routes in one window. */
  limit: 100,
  /** WAF's evaluation window, in seconds (60, 120, 300 or 600). */
  windowSeconds: 60,
  /** Path prefixes the rule covers: the mayor's signing and avenant pages and forms. */
  pathPrefixes: ['/sign/', '/avenant/'] as const,
} as const;

/** Whether a request path falls under the public rate-based rule. */
export const underPublicRateLimit = (path: string): boolean => PUBLIC_RATE_LIMIT.pathPrefixes.some((prefix) => path.startsWith(prefix));
