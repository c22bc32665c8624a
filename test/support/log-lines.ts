/**
 * What a function writes, line by line, as Lambda's JSON log format records
 * it. Powertools' Logger and Metrics write through their own Console straight
 * to process.stdout/stderr: those lines are kept as written. The global
 * console is what Lambda's Node.js runtime patches under the JSON format:
 * each call becomes one {timestamp, level, requestId, message} object whose
 * message is the formatted text, so an EMF document printed with console.log
 * is no longer a top-level EMF document (and CloudWatch extracts nothing).
 * The capture does the same, so a test reads what CloudWatch would.
 */
import { format } from 'node:util';
import { vi } from 'vitest';

export interface CapturedLines {
  /** Every line written since the capture began. */
  readonly raw: string[];
  /** Every line, parsed as JSON (a line that is not JSON fails the test: Lambda's JSON log format expects JSON). */
  json(): Record<string, any>[];
  stop(): void;
}

const CONSOLE_LEVELS = { log: 'INFO', info: 'INFO', debug: 'DEBUG', trace: 'TRACE', warn: 'WARN', error: 'ERROR' } as const;

export function captureLogLines(): CapturedLines {
  const raw: string[] = [];
  const streams = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write.bind(stream);
    return vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      // Vitest's own reporter writes here too: keep only what looks like a structured line.
      if (text.trimStart().startsWith('{')) {
        raw.push(...text.split('\n').filter((line) => line.trim() !== ''));
        return true;
      }
      return write(chunk as never, ...(rest as [never]));
    }) as typeof stream.write);
  });
  const consoles = Object.entries(CONSOLE_LEVELS).map(([method, level]) =>
    vi.spyOn(console, method as keyof typeof CONSOLE_LEVELS).mockImplementation((...args: unknown[]) => {
      raw.push(JSON.stringify({ timestamp: new Date().toISOString(), level, requestId: undefined, message: format(...args) }));
    }),
  );
  return {
    raw,
    json: () => raw.map((line) => JSON.parse(line) as Record<string, any>),
    stop: () => [...streams, ...consoles].forEach((spy) => spy.mockRestore()),
  };
}
