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
 * What a client over the limit receives: WAF's custom response in AWS (the rate-based rule's
 * block action), the same status and page from the local gateway.
 */
export const PUBLIC_RATE_LIMIT_STATUS = 429;

/** `Retry-After` of that response, in seconds: one evaluation window. */
export const PUBLIC_RATE_LIMIT_RETRY_AFTER_SECONDS = PUBLIC_RATE_LIMIT.windowSeconds;

/** The page of that response (WAF custom response bodies are static, at most 4 KB). */
export const PUBLIC_RATE_LIMIT_BODY =
  '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Trop de demandes</title></head>' +
  '<body><h1>Trop de demandes</h1><p>Votre connexion a envoyé trop de demandes en peu de temps. ' +
  'Merci de patienter une minute, puis de recharger la page.</p></body></html>';

/**
 * API Gateway route-level throttling (token bucket per route, all clients together): every public
 * route has a smaller budget than the admin routes, so a flood of the public routes that gets past
 * WAF (many addresses) is refused there before it reaches the admin ones' Lambda capacity.
 */
export const ROUTE_THROTTLE = {
  /** Each public route (signing and avenant pages, forms, PDFs, design-system assets). */
  public: { rateLimit: 10, burstLimit: 20 },
  /** Each admin route (the stage's default). */
  admin: { rateLimit: 25, burstLimit: 50 },
} as const;

/** The same response as one value, for the local gateway: status, type, headers and page. */
export const PUBLIC_RATE_LIMIT_RESPONSE = {
  status: PUBLIC_RATE_LIMIT_STATUS,
  contentType: 'text/html; charset=utf-8',
  headers: { 'retry-after': String(PUBLIC_RATE_LIMIT_RETRY_AFTER_SECONDS) },
  body: PUBLIC_RATE_LIMIT_BODY,
} as const;
