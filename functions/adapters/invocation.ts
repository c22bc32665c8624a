/**
 * What every function does around its invocation: its own logger (Lambda's
 * request id and the event's correlation keys on every line), and its
 * metrics flushed at the end, whatever happened. The same wrapper runs in
 * Lambda and behind the local gateway.
 */
import type { Context } from 'aws-lambda';
import { inInvocation, log, type LogKeys, withRedactedErrors } from './logging.ts';
import { withMetrics } from './metrics.ts';

export function instrumented<E, R>(
  keysOf: (event: E) => LogKeys,
  handle: (event: E, context?: Context) => Promise<R>,
): (event: E, context?: Context) => Promise<R> {
  return (event, context) =>
    inInvocation(context, keysOf(event), () => withMetrics(() => handle(event, context)));
}

/**
 * A function fed by events (schedules, EventBridge, the table's stream): its
 * failure is logged with the invocation's keys, then reaches the runtime
 * (which logs it and retries) with its message and stack redacted.
 */
export function eventHandler<E, R>(handle: (event: E, context?: Context) => Promise<R>, keysOf: (event: E) => LogKeys = () => ({})) {
  return instrumented<E, R>(
    keysOf,
    withRedactedErrors<E, R, Context>(async (event, context) => {
      try {
        return await handle(event, context);
      } catch (error) {
        log().error('invocation failed', error as Error);
        throw error;
      }
    }),
  );
}
