/**
 * The order in which `npm test` starts its files (vitest's `sequence.sequencer`). vitest's own order runs the
 * projects one after another, by name: the browser files (Chromium keeps both cores busy) first, then the
 * integration files, which wait on the servers a good part of their time, so the run spent its second half
 * at about 1.6 cores of 2. This one starts them side by side: each browser file paired with one of the longest
 * integration files, the infra file (a CDK synth, about 17 core-seconds) and the documents early rather than
 * last, then the rest of the integration files, then the unit files. Within a project the order is vitest's:
 * the longest first by the last run's durations, or the largest first on a fresh clone.
 *
 * The integration files share their worker processes (`isolate: false`), and vitest hands a worker on to the
 * next file only when that file is of the same project: a browser or documents file next in line ends the
 * worker, so they are all placed before the bulk of the integration files.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export class SideBySide extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return sideBySide(await super.sort(files), (spec) => spec.project.name);
  }
}

/** The order above, from vitest's: nothing added, nothing left out. */
export function sideBySide<T>(sorted: readonly T[], projectOf: (file: T) => string): T[] {
  const of = (name: string) => sorted.filter((file) => projectOf(file) === name);
  const browser = of('browser');
  const integration = of('integration');
  const first: T[] = [];
  for (let i = 0; i < Math.max(browser.length, 2); i++) {
    first.push(...[browser[i], integration[i]].filter((file) => file !== undefined));
    if (i === 1) first.push(...of('infra'));
  }
  first.push(...of('documents'));
  const placed = new Set(first);
  return [...first, ...sorted.filter((file) => !placed.has(file) && projectOf(file) !== 'unit'), ...of('unit')];
}
