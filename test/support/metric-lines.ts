/**
 * For scripts (benches, load and fault runs) that keep the functions' EMF
 * lines out of their report: Powertools' Metrics writes them straight to
 * process.stdout through its own Console (so that Lambda's JSON log format
 * keeps them whole), not through console.log. `take` sees every line written
 * to stdout; a line it takes is not printed. Returns the function that stops.
 */
export function takeStdoutLines(take: (line: string) => boolean): () => void {
  const write = process.stdout.write;
  process.stdout.write = function (this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: unknown[]) {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = text.split('\n').filter((line) => line !== '');
    const kept = lines.filter((line) => !take(line));
    if (kept.length === lines.length) return write.call(this, chunk as never, ...(rest as [never]));
    return kept.length ? write.call(this, `${kept.join('\n')}\n`, ...(rest as [never])) : true;
  } as typeof process.stdout.write;
  return () => {
    process.stdout.write = write;
  };
}

/** An EMF document: a metric line of a function. */
export const isMetricLine = (line: string) => line.startsWith('{"_aws"');
