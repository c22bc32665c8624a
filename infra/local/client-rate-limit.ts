/**
 * The WAF rate-based rule of the public routes, locally: per client address,
 * the requests of the trailing window (WAF looks back from the current time),
 * every request counted, refused ones included, so a client that keeps
 * flooding stays refused.
 */
import { PUBLIC_RATE_LIMIT } from '../edge-limits.ts';

export interface RateLimit {
  limit: number;
  windowSeconds: number;
  pathPrefixes: readonly string[];
}

export function clientRateLimiter(rule: RateLimit = PUBLIC_RATE_LIMIT, now: () => number = Date.now) {
  const seen = new Map<string, number[]>();
  let sweptAt = now();
  return {
    /** Counts the request; false when its client is over the limit within the window. */
    allows(client: string, path: string): boolean {
      if (!rule.pathPrefixes.some((prefix) => path.startsWith(prefix))) return true;
      const at = now();
      const since = at - rule.windowSeconds * 1000;
      // Forget clients quiet for a whole window, so a long-running stack does not keep every address.
      if (at - sweptAt > rule.windowSeconds * 1000) {
        for (const [address, times] of seen) if ((times.at(-1) ?? 0) <= since) seen.delete(address);
        sweptAt = at;
      }
      const times = (seen.get(client) ?? []).filter((time) => time > since);
      times.push(at);
      seen.set(client, times);
      return times.length <= rule.limit;
    },
  };
}
