import { describe, expect, it } from 'vitest';
import { deliberationIssues } from '../../../functions/domain/deliberation.ts';

const today = '2026-10-05';

describe('the délibération to sign', () => {
  it('is required by default: its number and its date are asked for, each next to its field', () => {
    expect(deliberationIssues({ required: true, today })).toEqual([
      { field: 'deliberationNumber', message: expect.stringContaining('Indiquez le numéro de la délibération') },
      { field: 'deliberationDate', message: expect.stringContaining('Indiquez la date de la séance du conseil municipal') },
    ]);
    expect(deliberationIssues({ required: true, number: '48/2023', date: '2023-09-25', today })).toEqual([]);
  });

  it('may be left out when the campaign does not require it', () => {
    expect(deliberationIssues({ required: false, today })).toEqual([]);
  });

  it('cannot be dated after the day of the signature (Paris): the council votes first', () => {
    expect(deliberationIssues({ required: true, number: '12', date: '2026-10-06', today })).toEqual([
      { field: 'deliberationDate', message: expect.stringContaining("ne peut pas être postérieure à aujourd'hui") },
    ]);
    expect(deliberationIssues({ required: false, number: '12', date: today, today })).toEqual([]);
  });
});
