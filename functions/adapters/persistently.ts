const BACKOFF_MS = [200, 400, 800, 1_600, 3_200, 6_400, 6_400];

/**
 * Whether a failed call may pass if made again: no answer at all (a refused,
 * reset or timed-out connection, as while a server restarts), a server error,
 * throttling or a transaction conflict. A definite refusal (a 4xx such as a
 * validation error or a denied access) will not, and is not retried.
 */
export function mayPassLater(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  if (status === undefined || status >= 500) return true;
  return /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|SlowDown|TransactionCanceled|TransactionInProgress/.test(name ?? '');
}

/**
 * Retries a write that may pass later, with backoff, for about 20 s on top of
 * the SDK's own retries: for a write that must outlast an outage because what
 * it records already happened (an email sent, a signature recorded). The SDK
 * does not retry a refused connection (a server restarting); this does. A
 * lost condition is an answer, not an error: `transact` returns false.
 */
export async function persistently<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      const delay = BACKOFF_MS[attempt];
      if (delay === undefined || !mayPassLater(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
