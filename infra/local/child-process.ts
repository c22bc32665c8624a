/** What the local stack's child processes share: how one is stopped, and how Node runs a TypeScript entry. */
import type { ChildProcess } from 'node:child_process';

/** A child process of ours, stopped by its handle: `signal` (SIGTERM), then SIGKILL after 5 s. */
export function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    child.kill(signal);
  });
}

/**
 * Node's arguments before a TypeScript entry: none where Node strips types itself (Node 22.18 and later, the
 * project's), tsx's loader otherwise.
 */
export const typeScriptEntryArgs = (): string[] => (process.features.typescript ? [] : ['--import', 'tsx']);
