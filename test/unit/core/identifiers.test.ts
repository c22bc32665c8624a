import { describe, expect, it } from 'vitest';
import { isValidSchoolYear, isValidSiret, isValidUai, uaiCheckLetter, uaiDepartement } from '../../../functions/domain/identifiers.ts';

describe('UAI', () => {
  it.each(['0660446B', '0660710N', '0660713S', '0341401N', '0341406U'])('accepts the seed school %s', (uai) => {
    expect(isValidUai(uai)).toBe(true);
  });

  it('refuses a UAI whose check letter is wrong', () => {
    expect(isValidUai('0341401M')).toBe(false);
    expect(uaiCheckLetter('0341401')).toBe('N');
  });

  it('never yields I, O or Q as a check letter', () => {
    const letters = new Set(Array.from({ length: 23 }, (_, rest) => uaiCheckLetter(String(rest).padStart(7, '0'))));
    expect(letters.size).toBe(23);
    for (const excluded of ['I', 'O', 'Q']) expect(letters.has(excluded)).toBe(false);
  });

  it('refuses anything but seven digits and a letter', () => {
    for (const uai of ['341401N', '03414010', '0341401n', '0341401NN', '']) expect(isValidUai(uai)).toBe(false);
  });

  it('reads the département from the digits', () => {
    expect(uaiDepartement('0341401N')).toBe('34');
    expect(uaiDepartement('0660713S')).toBe('66');
  });
});

describe('SIRET', () => {
  it.each(['21340135900012', '21660024700011'])('accepts the seed SIRET %s', (siret) => {
    expect(isValidSiret(siret)).toBe(true);
  });

  it('refuses a SIRET with one digit changed or of the wrong length', () => {
    expect(isValidSiret('21340135900013')).toBe(false);
    expect(isValidSiret('2134013590001')).toBe(false);
    expect(isValidSiret('2134013590001A')).toBe(false);
  });
});

describe('school year', () => {
  it('is two consecutive years', () => {
    expect(isValidSchoolYear('2026-2027')).toBe(true);
    expect(isValidSchoolYear('2026-2028')).toBe(false);
    expect(isValidSchoolYear('2026')).toBe(false);
  });
});
