/**
 * Logs through Powertools' Logger, one JSON line each, and none carries a
 * signing token or an email address: every line, error messages and stacks
 * included, goes through `redact` in the log formatter. Each invocation (and
 * each job inside the jobs worker) logs through its own child logger, held in
 * an AsyncLocalStorage, so its correlation keys (requestId, conventionId,
 * jobId) reach every line it causes, adapters' included, and never the lines
 * of an invocation or a job running beside it (the local gateway runs many
 * invocations in one process; the worker runs jobs side by side).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

/**
 * What a log line may not carry: a signing token (in a path, or bare: 32
 * random bytes in base64url) or an email address (SES puts the refused
 * recipient in its error messages).
 */
export function redact(text: string): string {
  return text
    .replace(/\/(sign|avenant)\/[A-Za-z0-9_-]+/g, '/$1/{token}')
    .replace(/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, '{token}')
    .replace(/[^\s"'<>()[\]{},;:]+@[^\s"'<>()[\]{},;:]+\.[A-Za-z]{2,}/g, '{courriel}');
}

/**
 * Powertools' standard keys (level, message, timestamp, service, the Lambda
 * context's function_request_id…), then the keys of the line, every string
 * redacted. Errors are formatted here rather than by the logger's JSON
 * replacer, so that their message and stack are redacted too.
 */
export class RedactingLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const base = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_name: attributes.lambdaContext?.functionName,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      xray_trace_id: attributes.xRayTraceId,
    };
    const seen = new WeakSet<object>();
    const clean = (value: unknown): unknown => {
      if (typeof value === 'string') return redact(value);
      if (value instanceof Error) return clean(this.formatError(value));
      if (typeof value !== 'object' || value === null) return value;
      if (seen.has(value)) return undefined;
      seen.add(value);
      if (Array.isArray(value)) return value.map(clean);
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, clean(inner)]));
    };
    return new LogItem({ attributes: clean({ ...base, ...additional }) as LogAttributes });
  }
}

/** The function's logger, outside any invocation (module load, tests). */
export const rootLogger = new Logger({ serviceName: 'paraphe', logFormatter: new RedactingLogFormatter() });

/**
 * The logging scope of an invocation or a job: its keys, and its child logger,
 * made at its first line only (most invocations log nothing, and a Logger is
 * not free to build).
 */
interface Scope {
  make(): Logger;
  logger?: Logger;
}

const current = new AsyncLocalStorage<Scope>();

function loggerOf(scope: Scope | undefined): Logger {
  if (!scope) return rootLogger;
  scope.logger ??= scope.make();
  return scope.logger;
}

/** The logger of the invocation, or of the job, running here. */
export function log(): Logger {
  return loggerOf(current.getStore());
}

export type LogKeys = Record<string, string | number | boolean | undefined>;

const defined = (keys: LogKeys) => Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined && value !== ''));

function withKeys(parent: Logger, keys: LogKeys): Logger {
  const child = parent.createChild();
  child.appendPersistentKeys(defined(keys));
  return child;
}

/** Runs `work` with a child of the current logger carrying these keys as well: a job inside the worker's invocation. */
export function withLogKeys<T>(keys: LogKeys, work: () => Promise<T>): Promise<T> {
  const parent = current.getStore();
  return current.run({ make: () => withKeys(loggerOf(parent), keys) }, work);
}

/** Adds keys to the lines that follow in this invocation or job (a convention known once its token is read). */
export function appendLogKeys(keys: LogKeys): void {
  log().appendPersistentKeys(defined(keys));
}

/** The Lambda context fields the logger reads (Powertools' `addContext`). */
export interface InvocationContext {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
}

/**
 * Runs one invocation with its own logger: Lambda's context (the request id as
 * function_request_id, cold_start) and the given keys on every line.
 */
export function inInvocation<T>(context: InvocationContext | undefined, keys: LogKeys, work: () => Promise<T>): Promise<T> {
  const coldStart = isColdStart();
  const make = () => {
    // addContext then createChild, with no await between: the child takes this invocation's context.
    if (context) rootLogger.addContext(context as never);
    return withKeys(rootLogger, { ...keys, cold_start: coldStart });
  };
  return current.run({ make }, work);
}

let invocations = 0;
/** The first invocation of this environment (Powertools counts it at addContext, which a silent invocation never calls). */
function isColdStart(): boolean {
  invocations += 1;
  return invocations === 1;
}

/**
 * An event handler (schedules, EventBridge) whose failures reach the runtime's
 * log redacted: same name, redacted message and stack.
 */
export function withRedactedErrors<E, R, C = undefined>(handle: (event: E, context?: C) => Promise<R>): (event: E, context?: C) => Promise<R> {
  return async (event, context) => {
    try {
      return await handle(event, context);
    } catch (error) {
      if (!(error instanceof Error)) throw new Error(redact(String(error)));
      const redacted = new Error(redact(error.message));
      redacted.name = error.name;
      redacted.stack = error.stack && redact(error.stack);
      throw redacted;
    }
  };
}
