/**
 * What a function writes to stdout and stderr, line by line, as Lambda reads
 * it: Powertools' Logger and Metrics write through their own Console straight
 * to process.stdout/stderr (not console.log), so that is what is captured.
 */
import { vi } from 'vitest';

export interface CapturedLines {
  /** Every line written since the capture began. */
  readonly raw: string[];
  /** Every line, parsed as JSON (a line that is not JSON fails the test: Lambda's JSON log format expects JSON). */
  json(): Record<string, any>[];
  stop(): void;
}

export function captureLogLines(): CapturedLines {
  const raw: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) => {
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
  return {
    raw,
    json: () => raw.map((line) => JSON.parse(line) as Record<string, any>),
    stop: () => spies.forEach((spy) => spy.mockRestore()),
  };
}
