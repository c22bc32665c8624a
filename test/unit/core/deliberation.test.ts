import { describe, expect, it } from 'vitest';
import { deliberationRefusals } from '../../../functions/domain/deliberation.ts';

const today = '2026-10-05';

describe('the délibération to sign', () => {
  it('is required by default: without its number and its date, the form is refused', () => {
    expect(deliberationRefusals({ required: true, today })).toEqual([{ code: 'deliberation-missing' }]);
    expect(deliberationRefusals({ required: true, number: '48/2023', date: '2023-09-25', today })).toEqual([]);
  });

  it('may be left out when the campaign does not require it', () => {
    expect(deliberationRefusals({ required: false, today })).toEqual([]);
  });

  it('cannot be dated after the day of the signature (Paris): the council votes first', () => {
    expect(deliberationRefusals({ required: true, number: '12', date: '2026-10-06', today })).toEqual([
      { code: 'deliberation-after-today', date: '2026-10-06', today },
    ]);
    expect(deliberationRefusals({ required: false, number: '12', date: today, today })).toEqual([]);
  });
});
