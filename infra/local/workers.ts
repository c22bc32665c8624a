/**
 * The workers of the local stack: one event source mapping per function of
 * the catalogue that reads the table's stream, each batch run in the
 * function's execution environment. `wakeEveryMs` fires the wake-jobs
 * function more often than its one-minute schedule, for tests that should not
 * wait a minute for a retry.
 */
import { functionSpecs, type FunctionSpec, type StreamSourceSpec } from '../functions.ts';
import { localRuntime, invocationError } from './lambda-runtime.ts';
import { scheduledEvent } from './scheduler.ts';
import { startStreamMapping, type StreamMapping, type StreamMappingOptions } from './stream-mapping.ts';

export interface Workers {
  mappings: StreamMapping[];
  deadLetters(): StreamMapping['deadLetters'];
  /** Fires wake-jobs once now, as its schedule would; a failed invocation throws. */
  wake(): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startWorkers(
  options: Omit<StreamMappingOptions, 'spec'> & { specs?: readonly FunctionSpec[]; wakeEveryMs?: number },
): Promise<Workers> {
  const specs = options.specs ?? functionSpecs;
  const runtime = options.runtime ?? localRuntime({ root: options.root });
  const streamed = specs.filter((spec): spec is FunctionSpec & { streamSource: StreamSourceSpec } => spec.streamSource !== undefined);
  const mappings = await Promise.all(
    streamed.map((spec) =>
      startStreamMapping({
        ...options,
        spec,
        runtime,
        ...(options.checkpointFile ? { checkpointFile: options.checkpointFile.replace(/(\.json)?$/, `-${spec.name}.json`) } : {}),
      }),
    ),
  );
  const wakeSpec = specs.find((spec) => spec.name === 'wake-jobs');
  const wake = async () => {
    if (!wakeSpec) return undefined;
    const outcome = await runtime.invoke(wakeSpec, scheduledEvent(new Date(), wakeSpec.name));
    if (!outcome.ok) throw invocationError(outcome.error);
    return outcome.result;
  };
  let waking = false;
  const timer = options.wakeEveryMs
    ? setInterval(() => {
        if (waking) return;
        waking = true;
        wake()
          .catch((error: unknown) => options.log?.(`wake-jobs failed: ${error instanceof Error ? error.message : String(error)}`))
          .finally(() => (waking = false));
      }, options.wakeEveryMs)
    : undefined;
  return {
    mappings,
    deadLetters: () => mappings.flatMap((mapping) => mapping.deadLetters),
    wake,
    async stop() {
      clearInterval(timer);
      // Closing the environments stops the batches they run: the mappings then stop without waiting for them.
      await Promise.all([...mappings.map((mapping) => mapping.stop()), options.runtime ? undefined : runtime.close()]);
    },
  };
}
