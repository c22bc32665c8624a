/**
 * One execution environment of the local Lambda runtime (lambda-runtime.ts),
 * run in a worker thread: it imports the function's handler module once (the
 * init phase), then runs one invocation at a time for as long as the pool
 * keeps it warm. It is stopped from outside (worker.terminate()) at the
 * function's timeout, or by V8 when its heap outgrows the function's memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context.ts';

export interface EnvironmentInit {
  entryUrl: string;
  functionName: string;
  timeoutSeconds: number;
  memoryMb: number;
}

export interface InvokeMessage {
  requestId: string;
  event: unknown;
  /** Epoch milliseconds at which the function's timeout stops this invocation. */
  deadline: number;
}

/** Lambda's error payload: the type and message of what the handler threw. */
export interface FunctionError {
  errorType: string;
  errorMessage: string;
  stack?: string;
}

export type EnvironmentMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: FunctionError }
  | { type: 'result'; requestId: string; result: unknown }
  | { type: 'error'; requestId: string; error: FunctionError };

/** Lambda: a synchronous invocation's response is at most 6 MB, as JSON. */
export const RESPONSE_MAX_BYTES = 6 * 1024 * 1024;

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const toFunctionError = (error: unknown, fallbackType = 'Error'): FunctionError =>
  error instanceof Error
    ? { errorType: error.name || fallbackType, errorMessage: error.message, ...(error.stack ? { stack: error.stack } : {}) }
    : { errorType: fallbackType, errorMessage: String(error) };

const init = workerData as EnvironmentInit;
const port = parentPort!;
const post = (message: EnvironmentMessage) => port.postMessage(message);

let handler: Handler | undefined;
try {
  const loaded = (await import(init.entryUrl)) as { handler?: unknown };
  if (typeof loaded.handler !== 'function') throw Object.assign(new Error(`${init.entryUrl} exports no handler`), { name: 'Runtime.HandlerNotFound' });
  handler = loaded.handler as Handler;
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'init-error', error: toFunctionError(error, 'Runtime.ImportModuleError') });
}

port.on('message', async ({ requestId, event, deadline }: InvokeMessage) => {
  const context = lambdaContext(init.functionName, init.timeoutSeconds, init.memoryMb, deadline, requestId);
  try {
    const result = await handler!(event, context);
    const size = result === undefined ? 0 : Buffer.byteLength(JSON.stringify(result));
    if (size > RESPONSE_MAX_BYTES) {
      post({
        type: 'error',
        requestId,
        error: { errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size (${size} bytes) exceeded maximum allowed payload size (${RESPONSE_MAX_BYTES} bytes).` },
      });
      return;
    }
    post({ type: 'result', requestId, result });
  } catch (error) {
    post({ type: 'error', requestId, error: toFunctionError(error) });
  }
});
