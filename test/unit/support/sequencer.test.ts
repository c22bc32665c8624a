import { describe, expect, it } from 'vitest';
import { sideBySide } from '../../support/sequencer.ts';

/** Files as vitest sorts them: project by project, by name, each project's longest first. */
const vitestOrder = [
  'browser/b1', 'browser/b2', 'browser/b3',
  'documents/d1', 'documents/d2',
  'infra/f1',
  'integration/i1', 'integration/i2', 'integration/i3', 'integration/i4', 'integration/i5',
  'unit/u1', 'unit/u2',
];
const projectOf = (file: string) => file.split('/')[0]!;

describe('the order npm test starts its files in', () => {
  it('pairs each browser file with one of the longest integration files, the infra file after the second pair', () => {
    expect(sideBySide(vitestOrder, projectOf).slice(0, 7)).toEqual(['browser/b1', 'integration/i1', 'browser/b2', 'integration/i2', 'infra/f1', 'browser/b3', 'integration/i3']);
  });

  it('starts the documents before the rest of the integration files, and the unit files last', () => {
    expect(sideBySide(vitestOrder, projectOf).slice(7)).toEqual(['documents/d1', 'documents/d2', 'integration/i4', 'integration/i5', 'unit/u1', 'unit/u2']);
  });

  it('keeps every file once, whichever projects run (npm run test:<project>, or a project unknown to it)', () => {
    for (const files of [vitestOrder, vitestOrder.filter((file) => file.startsWith('infra/')), vitestOrder.filter((file) => !file.startsWith('browser/')), [...vitestOrder, 'other/o1']]) {
      const ordered = sideBySide(files, projectOf);
      expect([...ordered].sort()).toEqual([...files].sort());
    }
  });
});
