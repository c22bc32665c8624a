/**
 * The PDF fonts are subset once per process and repertoire (templates/convention/pdf/font-set.ts): every
 * renderer asking for the same characters shares one set, which the documents only read.
 */
import { describe, expect, it } from 'vitest';
import { BASE_REPERTOIRE, prepareFontSet } from '../../../templates/convention/pdf/font-set.ts';

describe('the font sets', () => {
  it('are made once for the same added characters, in whatever order and repetition they are asked', async () => {
    const first = await prepareFontSet('ŉǅ');
    expect(await prepareFontSet('ǅŉǅ')).toBe(first);
    expect(first.repertoire.has('ǅ')).toBe(true);
  });

  it('count characters of the base repertoire as nothing added', async () => {
    expect(await prepareFontSet(BASE_REPERTOIRE.slice(0, 40))).toBe(await prepareFontSet());
  });

  it('are distinct for other added characters, with their own glyphs', async () => {
    const other = await prepareFontSet('Ǆ');
    expect(other).not.toBe(await prepareFontSet('ŉǅ'));
    expect(other.repertoire.has('Ǆ')).toBe(true);
    expect(other.repertoire.has('ǅ')).toBe(false);
  });
});
