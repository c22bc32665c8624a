/**
 * A national campaign, measured locally: 35,000 conventions generated the way
 * the Lambda fan-out would (batches of BATCH conventions, each with its own
 * renderer, as a fresh invocation would have), on one core.
 *   npx tsx test/bench/national-generation.ts [count] [batch]
 * Prints the total time, the rate, the slowest batch, the peak RSS and the bytes.
 */
import { createHash } from 'node:crypto';
import { createConventionRenderer } from '../../templates/convention/render-convention.ts';
import { syntheticCommune } from '../fixtures/documents.ts';

const COUNT = Number(process.argv[2] ?? 35_000);
const BATCH = Number(process.argv[3] ?? 1_000);

const start = performance.now();
let bytes = 0;
let peakRss = 0;
let slowest = 0;
const digest = createHash('sha256');
for (let first = 0; first < COUNT; first += BATCH) {
  const batchStart = performance.now();
  const renderer = await createConventionRenderer(); // cold start of one invocation
  for (let i = first; i < Math.min(first + BATCH, COUNT); i++) {
    const pdf = await renderer.render(syntheticCommune(i));
    bytes += pdf.length;
    digest.update(pdf);
  }
  slowest = Math.max(slowest, performance.now() - batchStart);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const seconds = (performance.now() - start) / 1000;
console.log(`national: ${COUNT} conventions in ${seconds.toFixed(1)} s (${(COUNT / seconds).toFixed(0)}/s, one core), ` +
  `${Math.ceil(COUNT / BATCH)} batches of ${BATCH}, slowest batch ${(slowest / 1000).toFixed(1)} s, ` +
  `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB, ${(bytes / 2 ** 30).toFixed(2)} GiB of PDF, digest ${digest.digest('hex').slice(0, 16)}`);
