import { departementOfUai } from '../../../functions/domain/identifiers.ts';
import { describe, expect, it } from 'vitest';
import {
  formatEuros, formatFrenchDate, formatParisDateTime, NBSP, NNBSP, typeset,
} from '../../../templates/format/french.ts';

describe('French formatting', () => {
  it('writes dates in words, with 1er for the first of the month', () => {
    expect(formatFrenchDate('2026-09-05')).toBe('5 septembre 2026');
    expect(formatFrenchDate('2024-09-01')).toBe('1er septembre 2024');
    expect(formatFrenchDate('2025-08-15')).toBe('15 août 2025');
    expect(() => formatFrenchDate('05/09/2026')).toThrow();
  });

  it('writes money from integer cents with a non-breaking space before €', () => {
    expect(formatEuros(8000)).toBe(`80${NBSP}€`);
    expect(formatEuros(4050)).toBe(`40,50${NBSP}€`);
    expect(formatEuros(240000)).toBe(`2${NNBSP}400${NBSP}€`);
    expect(formatEuros(140_000_000)).toBe(`1${NNBSP}400${NNBSP}000${NBSP}€`);
    expect(() => formatEuros(40.5)).toThrow();
  });

  it('takes the département from the first three digits of the UAI', () => {
    expect(departementOfUai('0341401N')).toBe('34');
    expect(departementOfUai('0660713S')).toBe('66');
    expect(departementOfUai('0090001A')).toBe('09');
  });

  it('prints instants in Paris time, winter and summer', () => {
    expect(formatParisDateTime('2026-11-23T09:05:00Z')).toBe('23 novembre 2026 à 10 h 05 (heure de Paris)');
    expect(formatParisDateTime('2026-07-01T22:00:00.000Z')).toBe('2 juillet 2026 à 0 h 00 (heure de Paris)');
  });

  it('applies French typography idempotently', () => {
    const once = typeset('SIRET: 123 ; "collectivité" l\'école !');
    expect(once).toBe(`SIRET${NBSP}: 123${NNBSP}; «${NBSP}collectivité${NBSP}» l’école${NNBSP}!`);
    expect(typeset(once)).toBe(once);
  });
});
