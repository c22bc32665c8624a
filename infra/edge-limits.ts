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

/**
 * What a refused client gets: the rate-based rule's Block action with a custom
 * response (WAF's default would be a bare 403), so the mayor reads why and
 * when to come back. WAF allows custom bodies of up to 4 KB in text/html.
 */
export const PUBLIC_RATE_LIMIT_RESPONSE = {
  status: 429,
  contentType: 'text/html; charset=utf-8',
  headers: { 'retry-after': String(PUBLIC_RATE_LIMIT.windowSeconds) },
  body:
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Trop de demandes</title></head><body>' +
    '<h1>Trop de demandes</h1><p>Cette page a été demandée trop souvent depuis votre connexion en peu de temps. ' +
    'Patientez une minute, puis rechargez-la.</p></body></html>',
} as const;
