import { describe, expect, it } from 'vitest';
import { communeDepartement, conventionReference, referenceOrId } from '../../../functions/domain/convention-reference.ts';

describe('the reference of a convention', () => {
  it('reads ENT-<school year>-<département>-<number on four digits>', () => {
    expect(conventionReference('2026-2027', '34', 42)).toBe('ENT-2026-2027-34-0042');
    expect(conventionReference('2026-2027', '31', 12345)).toBe('ENT-2026-2027-31-12345');
  });

  it('numbers from 1: no number 0, no fraction', () => {
    expect(() => conventionReference('2026-2027', '34', 0)).toThrow();
    expect(() => conventionReference('2026-2027', '34', 1.5)).toThrow();
  });

  it("takes the commune's département from its SIRET (21 + code INSEE)", () => {
    expect(communeDepartement('21340135900012')).toBe('34');
    expect(communeDepartement('21660024700011')).toBe('66');
    expect(communeDepartement('21971101000019')).toBe('971');
  });

  it('prints the identifier of a convention added before references', () => {
    expect(referenceOrId({ id: 'c-1' })).toBe('c-1');
    expect(referenceOrId({ id: 'c-1', reference: 'ENT-2026-2027-34-0001' })).toBe('ENT-2026-2027-34-0001');
  });
});
