const BACKOFF_MS = [200, 400, 800, 1_600, 3_200, 6_400, 6_400];

/**
 * Retries a write through any error it throws, with backoff, for about 20 s on
 * top of the SDK's own retries: for a write that must outlast an outage
 * because what it records already happened (an email sent, a signature
 * recorded). The SDK does not retry a refused connection (a server
 * restarting); this does. A lost condition is an answer, not an error:
 * `transact` returns false.
 */
export async function persistently<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      const delay = BACKOFF_MS[attempt];
      if (delay === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
