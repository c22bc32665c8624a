/**
 * A local Lambda runtime: each function has a small pool of execution
 * environments, each a worker thread (lambda-worker.ts) that imports the
 * handler module once and runs one invocation at a time. A warm environment is
 * reused; a new one starts when all are busy, up to `maxEnvironments`, beyond
 * which invocations wait for one, as under a reserved concurrency. Lambda
 * would scale further, but here each environment loads its own copy of the
 * SDK and the templates (about a second of CPU): by default a function
 * read from a stream gets its parallelization factor, any other 2.
 *
 * The function's limits hold as in Lambda: at its timeout the environment is
 * terminated, so the handler really stops, and the invocation fails with
 * `Sandbox.Timedout`; its V8 heap is bounded by its memory size, and an
 * environment that runs out of it fails its invocation (`Runtime.OutOfMemory`)
 * and is replaced. Only the V8 heap is bounded: Buffers and native memory are
 * not, so the local limit is more lenient than Lambda's.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS, type FunctionSpec } from '../functions.ts';
import { lambdaContext } from './lambda-context.ts';
import type { EnvironmentInit, EnvironmentMessage, FunctionError, InvokeMessage } from './lambda-worker.ts';

export type { FunctionError } from './lambda-worker.ts';

export type Invocation = { ok: true; result: unknown } | { ok: false; error: FunctionError };

export interface LambdaRuntime {
  invoke(spec: FunctionSpec, event: unknown): Promise<Invocation>;
  /** The function's environments now, warm and busy (for tests). */
  environments(functionName: string): { idle: number; busy: number };
  /**
   * Calls `listener` with the function each time one of its invocations ends, whatever its outcome: what it
   * wrote is then on the table's stream, and the stream mappings read it at once rather than at their next
   * idle poll. Returns the unsubscribe.
   */
  afterInvocation(listener: (spec: FunctionSpec) => void): () => void;
  /** Terminates every environment; invocations still running fail. */
  close(): Promise<void>;
}

export interface LambdaRuntimeOptions {
  root: string;
  /** Environments per function at most; further invocations wait for one. */
  maxEnvironments?: (spec: FunctionSpec) => number;
  /** A warm environment unused this long is shut down. Default 10 minutes. */
  idleMs?: number;
}

/** Lambda's init phase may take 10 s; beyond, it is run again within the invocation and its timeout. */
const INIT_LIMIT_MS = 10_000;
const WORKER_URL = new URL('./lambda-worker.ts', import.meta.url);
// Worker threads do not inherit the loader the stack runs under: each one registers tsx to import TypeScript.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The listeners of `afterInvocation`, told in turn; one that throws does not stop the others. */
function invocationListeners() {
  const listeners = new Set<(spec: FunctionSpec) => void>();
  return {
    add(listener: (spec: FunctionSpec) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    tell(spec: FunctionSpec): void {
      for (const listener of listeners) {
        try {
          listener(spec);
        } catch {
          // A listener's failure is its own.
        }
      }
    },
  };
}

const timedOut = (requestId: string, seconds: number): FunctionError => ({
  errorType: 'Sandbox.Timedout',
  errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds.toFixed(2)} seconds`,
});

interface Environment {
  worker: Worker;
  ready: Promise<FunctionError | undefined>;
  /** The invocation running, if any: settled by the worker's answer, its timeout or its death. */
  running?: { requestId: string; settle(outcome: Invocation): void };
  /** Its init failed, it timed out or it died: never reused. */
  broken?: boolean;
  idleTimer?: NodeJS.Timeout;
}

interface Pool {
  idle: Environment[];
  all: Set<Environment>;
  waiting: ((environment: Environment) => void)[];
}

export function createLambdaRuntime(options: LambdaRuntimeOptions): LambdaRuntime {
  const pools = new Map<string, Pool>();
  const maxEnvironments = options.maxEnvironments ?? ((spec: FunctionSpec) => spec.streamSource?.parallelizationFactor ?? 2);
  let closed = false;
  const ended = invocationListeners();

  const poolOf = (name: string): Pool => {
    if (!pools.has(name)) pools.set(name, { idle: [], all: new Set(), waiting: [] });
    return pools.get(name)!;
  };

  function discard(pool: Pool, environment: Environment): void {
    clearTimeout(environment.idleTimer);
    pool.all.delete(environment);
    pool.idle = pool.idle.filter((candidate) => candidate !== environment);
    void environment.worker.terminate();
  }

  function start(spec: FunctionSpec, pool: Pool): Environment {
    const memoryMb = spec.memoryMb ?? DEFAULT_MEMORY_MB;
    const init: EnvironmentInit = {
      entryUrl: pathToFileURL(join(options.root, spec.entry)).href,
      functionName: spec.name,
      timeoutSeconds: spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      memoryMb,
    };
    const worker = new Worker(WORKER_URL, {
      workerData: init,
      execArgv: ['--import', TSX_LOADER],
      // Handlers read their environment at first import: the stack's, as it stands when the environment starts.
      env: {
        ...process.env,
        AWS_LAMBDA_FUNCTION_NAME: spec.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      },
      resourceLimits: { maxOldGenerationSizeMb: memoryMb },
    });
    const environment: Environment = { worker, ready: undefined as unknown as Environment['ready'] };
    environment.ready = new Promise((resolve) => {
      worker.on('message', (message: EnvironmentMessage) => {
        if (message.type === 'ready') resolve(undefined);
        else if (message.type === 'init-error') {
          environment.broken = true;
          resolve(message.error);
        }
        else if (environment.running?.requestId === message.requestId) {
          environment.running.settle(message.type === 'result' ? { ok: true, result: message.result } : { ok: false, error: message.error });
        }
      });
      const died = (error: FunctionError) => {
        environment.broken = true;
        resolve(error);
        environment.running?.settle({ ok: false, error });
        discard(pool, environment);
      };
      worker.on('error', (error: Error & { code?: string }) =>
        died(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? { errorType: 'Runtime.OutOfMemory', errorMessage: 'Runtime exited with error: signal: killed' }
            : { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: ${error.name}: ${error.message}`, ...(error.stack ? { stack: error.stack } : {}) },
        ),
      );
      worker.on('exit', (code) => died({ errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: exit status ${code}` }));
    });
    pool.all.add(environment);
    return environment;
  }

  /** A warm environment (the most recently used, as Lambda favours), a new one, or the next one freed. */
  function acquire(spec: FunctionSpec, pool: Pool): Environment | Promise<Environment> {
    const warm = pool.idle.pop();
    if (warm) {
      clearTimeout(warm.idleTimer);
      return warm;
    }
    if (pool.all.size < maxEnvironments(spec)) return start(spec, pool);
    return new Promise((resolve) => pool.waiting.push(resolve));
  }

  function release(pool: Pool, environment: Environment): void {
    if (!pool.all.has(environment)) return;
    const next = pool.waiting.shift();
    if (next) return next(environment);
    environment.worker.unref();
    environment.idleTimer = setTimeout(() => discard(pool, environment), options.idleMs ?? 600_000).unref();
    pool.idle.push(environment);
  }

  async function invoke(spec: FunctionSpec, event: unknown): Promise<Invocation> {
    if (closed) return { ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: 'The local Lambda runtime is closed' } };
    const pool = poolOf(spec.name);
    const environment = await acquire(spec, pool);
    environment.worker.ref();
    const requestId = randomUUID();
    const timeoutSeconds = spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await new Promise<Invocation>((resolve) => {
      environment.running = { requestId, settle: resolve };
      timer = setTimeout(() => resolve({ ok: false, error: timedOut(requestId, timeoutSeconds) }), INIT_LIMIT_MS + timeoutSeconds * 1000);
      void environment.ready.then((initError) => {
        if (initError) return resolve({ ok: false, error: initError });
        // The invoke phase: the function's timeout from now, the handler told the same deadline.
        clearTimeout(timer);
        const deadline = Date.now() + timeoutSeconds * 1000;
        timer = setTimeout(() => resolve({ ok: false, error: timedOut(requestId, timeoutSeconds) }), timeoutSeconds * 1000);
        try {
          environment.worker.postMessage({ requestId, event, deadline } satisfies InvokeMessage);
        } catch (error) {
          resolve({ ok: false, error: { errorType: 'Runtime.InvalidEvent', errorMessage: error instanceof Error ? error.message : String(error) } });
        }
      });
    });
    clearTimeout(timer);
    environment.running = undefined;
    ended.tell(spec);
    // An environment that failed its init, timed out or died is not reused: a fresh one runs the next invocation.
    if (!outcome.ok && outcome.error.errorType === 'Sandbox.Timedout') environment.broken = true;
    if (!environment.broken && pool.all.has(environment)) release(pool, environment);
    else {
      discard(pool, environment);
      const next = pool.waiting.shift();
      if (next) next(start(spec, pool));
    }
    return outcome;
  }

  return {
    invoke,
    afterInvocation: ended.add,
    environments: (name) => {
      const pool = pools.get(name);
      return { idle: pool?.idle.length ?? 0, busy: (pool?.all.size ?? 0) - (pool?.idle.length ?? 0) };
    },
    async close() {
      closed = true;
      const all = [...pools.values()].flatMap((pool) => [...pool.all]);
      await Promise.all(all.map((environment) => environment.worker.terminate()));
      for (const pool of pools.values()) for (const environment of pool.all) discard(pool, environment);
    },
  };
}

/** An invocation's failure as an Error, for callers that throw (the scheduler, wake-jobs). */
export const invocationError = (error: FunctionError): Error => Object.assign(new Error(error.errorMessage), { name: error.errorType });

/**
 * The functions imported into this process instead, for a test stack that trades Lambda's isolation for
 * speed (PARAPHE_LAMBDA_RUNTIME=in-process): the timeout is reported as in Lambda, but the handler is not
 * stopped and the memory is not bounded.
 */
export function createInProcessRuntime(options: { root: string }): LambdaRuntime {
  const modules = new Map<string, Promise<(event: unknown, context: unknown) => Promise<unknown>>>();
  // Each runtime is one execution environment: its handler modules are its own (a query makes the module
  // loader import them anew), so they read the environment of the stack that started it at their cold start,
  // even in a process that ran another stack before.
  const environment = randomUUID();
  const ended = invocationListeners();
  return {
    async invoke(spec, event) {
      const timeoutSeconds = spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      const requestId = randomUUID();
      let timer: NodeJS.Timeout | undefined;
      try {
        if (!modules.has(spec.name)) modules.set(spec.name, import(`${pathToFileURL(join(options.root, spec.entry)).href}?environment=${environment}`).then((loaded) => loaded.handler));
        const handler = await modules.get(spec.name)!;
        const context = lambdaContext(spec.name, timeoutSeconds, spec.memoryMb ?? DEFAULT_MEMORY_MB, Date.now() + timeoutSeconds * 1000, requestId);
        return await Promise.race([
          handler(event, context).then((result): Invocation => ({ ok: true, result })),
          new Promise<Invocation>((resolve) => (timer = setTimeout(() => resolve({ ok: false, error: timedOut(requestId, timeoutSeconds) }), timeoutSeconds * 1000))),
        ]);
      } catch (error) {
        return { ok: false, error: error instanceof Error ? { errorType: error.name, errorMessage: error.message, ...(error.stack ? { stack: error.stack } : {}) } : { errorType: 'Error', errorMessage: String(error) } };
      } finally {
        clearTimeout(timer);
        ended.tell(spec);
      }
    },
    afterInvocation: ended.add,
    environments: () => ({ idle: 0, busy: 0 }),
    close: async () => undefined,
  };
}

/** The runtime a local stack uses: worker-thread environments, unless PARAPHE_LAMBDA_RUNTIME=in-process. */
export const localRuntime = (options: LambdaRuntimeOptions): LambdaRuntime =>
  process.env.PARAPHE_LAMBDA_RUNTIME === 'in-process' ? createInProcessRuntime(options) : createLambdaRuntime(options);
