import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  avenantRequestSchema,
  declineFormSchema,
  multilineText,
  newCampaignSchema,
  newConventionSchema,
  parseInput,
  signatureFormSchema,
  text,
} from '../../../functions/use-cases/input/inputs.ts';
import type { FieldIssue } from '../../../functions/domain/errors.ts';
import { campaign2026, lespignan } from '../../fixtures/seed-communes.ts';

/** The issues parseInput throws, or [] when the input is accepted. */
function issuesOf(schema: z.ZodType, input: unknown): FieldIssue[] {
  try {
    parseInput(schema, input);
    return [];
  } catch (error) {
    return (error as { issues: FieldIssue[] }).issues;
  }
}

const name = z.object({ name: text('Le nom de la commune') });
const reason = z.object({ reason: multilineText('La raison du refus') });

const FORBIDDEN_EVERYWHERE: [string, string][] = [
  ['NUL', '\u0000'],
  ['BEL', '\u0007'],
  ['ESC', '\u001b'],
  ['DEL', '\u007f'],
  ['C1 NEL', '\u0085'],
  ['C1 CSI', '\u009b'],
  ['LRE', '\u202a'],
  ['RLE', '\u202b'],
  ['PDF', '\u202c'],
  ['LRO', '\u202d'],
  ['RLO', '\u202e'],
  ['LRI', '\u2066'],
  ['RLI', '\u2067'],
  ['FSI', '\u2068'],
  ['PDI', '\u2069'],
  ['LRM', '\u200e'],
  ['RLM', '\u200f'],
  ['ALM', '\u061c'],
  ['a replacement character', '\ufffd'],
  ['a lone high surrogate', '\ud800'],
  ['a lone low surrogate', '\udc00'],
];

describe('the text of every field', () => {
  it.each(FORBIDDEN_EVERYWHERE)('refuses %s in a single-line field, naming the field and the character in French', (_, char) => {
    const [issue, ...others] = issuesOf(name, { name: `Lespi${char}gnan` });
    expect(others).toEqual([]);
    expect(issue?.field).toBe('name');
    expect(issue?.message).toMatch(/^Le nom de la commune contient un caractère/);
  });

  it.each(FORBIDDEN_EVERYWHERE)('refuses %s in a multi-line field too', (_, char) => {
    expect(issuesOf(reason, { reason: `Pas de délibération${char} encore.` })).toEqual([{ field: 'reason', message: expect.stringMatching(/^La raison du refus contient/) }]);
  });

  it.each([
    ['a line feed', '\n'],
    ['a carriage return', '\r'],
    ['CRLF', '\r\n'],
    ['a line separator', '\u2028'],
  ])('refuses %s in a name: it must hold on one line', (_, char) => {
    expect(issuesOf(name, { name: `Lespi${char}gnan` })).toEqual([{ field: 'name', message: 'Le nom de la commune doit tenir sur une seule ligne.' }]);
  });

  it('refuses a tab in a name, and says to put a space instead', () => {
    expect(issuesOf(name, { name: 'Le\tBoulou' })[0]?.message).toMatch(/tabulation/);
  });

  it('lets a reason span several lines, with its breaks made \\n, and hold a tab', () => {
    expect(parseInput(reason, { reason: 'Première ligne\r\nDeuxième\rTroisième\n\tfin' })).toEqual({ reason: 'Première ligne\nDeuxième\nTroisième\n\tfin' });
    expect(issuesOf(reason, { reason: 'a\u2029b' })[0]?.message).toMatch(/seule ligne/);
  });

  it.each(['L’Isle-Jourdain', 'Œuilly', 'Pézilla-la-Rivière', 'Saint-Jean (31) / Haute-Garonne', 'Ἀθῆναι', 'أ', '👍🏽 Mairie', 'Evil) /ByteRange [0 10 20 30] /X ('])(
    'keeps %s as it was typed',
    (value) => {
      expect(parseInput(name, { name: value })).toEqual({ name: value });
    },
  );

  it('says in French that a value which is not a string must be one', () => {
    expect(issuesOf(name, { name: { number: 12 } })).toEqual([{ field: 'name', message: 'Le nom de la commune doit être un texte.' }]);
    expect(issuesOf(name, { name: ['Lespignan'] })).toEqual([{ field: 'name', message: 'Le nom de la commune doit être un texte.' }]);
    expect(issuesOf(name, { name: 12 })).toEqual([{ field: 'name', message: 'Le nom de la commune doit être un texte.' }]);
  });

  it('words in French what a schema left unworded', () => {
    expect(issuesOf(z.object({ count: z.number() }), { count: 'douze' })).toEqual([{ field: 'count', message: 'Cette valeur doit être un nombre.' }]);
    expect(issuesOf(newCampaignSchema, { ...campaign2026, linkValidityDays: 'soixante' })).toEqual([
      { field: 'linkValidityDays', message: expect.stringMatching(/^La durée de validité des liens/) },
    ]);
  });
});

/** Every string in a value, with its path. */
function stringLeaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringLeaves(item, [...path, index]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => stringLeaves(item, [...path, key]));
  return [];
}

function withLeaf(value: unknown, path: (string | number)[], change: (leaf: string) => string): unknown {
  if (path.length === 0) return change(value as string);
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[head!] = withLeaf(copy[head!], rest, change);
  return copy;
}

const signature = { signerName: 'Jean François GUIBBERT', capacity: 'delegation', delegateFunction: 'DGS', deliberationNumber: '2026/048', deliberationDate: '2026-10-02', consent: 'on' };

describe('no field of any input escapes the text rules', () => {
  const inputs: [string, z.ZodType, unknown][] = [
    ['a campaign', newCampaignSchema, campaign2026],
    ['a convention', newConventionSchema, { ...lespignan, schools: lespignan.schools.map((school, index) => ({ ...school, name: `École ${index}` })) }],
    ['a signature (convention or avenant)', signatureFormSchema, signature],
    ['a decline', declineFormSchema, { declinedBy: 'François COMES', reason: 'Le conseil municipal n’a pas délibéré.' }],
    ['an avenant', avenantRequestSchema, { schools: [{ uai: '0341401N', type: 'maternelle', name: 'Les Pins' }] }],
  ];

  it.each(inputs)('%s: the sample is accepted as it is', (_, schema, sample) => {
    expect(issuesOf(schema, sample)).toEqual([]);
  });

  for (const [label, schema, sample] of inputs) {
    for (const path of stringLeaves(sample)) {
      it(`${label}: ${path.join('.')} refuses a right-to-left override and a control character`, () => {
        for (const char of ['\u202e', '\u0007']) {
          const issues = issuesOf(schema, withLeaf(sample, path, (leaf) => `${leaf.slice(0, 2)}${char}${leaf.slice(2)}`));
          expect(issues.map((issue) => issue.field)).toContain(path.join('.'));
          for (const issue of issues) expect(issue.message).not.toMatch(/invalid|expected|received|too (small|big)/i);
        }
      });
    }
  }
});

describe('the délibération of a signature', () => {
  it('needs its date when it has a number', () => {
    expect(issuesOf(signatureFormSchema, { ...signature, deliberationDate: '' })).toEqual([
      { field: 'deliberationDate', message: 'Indiquez la date de la délibération, ou effacez son numéro.' },
    ]);
    const { deliberationDate: _, ...withoutDate } = signature;
    expect(issuesOf(signatureFormSchema, withoutDate).map((issue) => issue.field)).toEqual(['deliberationDate']);
  });

  it('needs its number when it has a date', () => {
    expect(issuesOf(signatureFormSchema, { ...signature, deliberationNumber: '  ' })).toEqual([
      { field: 'deliberationNumber', message: 'Indiquez le numéro de la délibération, ou effacez sa date.' },
    ]);
  });

  it('may be left out altogether, and its date must be one of the calendar', () => {
    expect(issuesOf(signatureFormSchema, { ...signature, deliberationNumber: '', deliberationDate: '' })).toEqual([]);
    expect(issuesOf(signatureFormSchema, { ...signature, deliberationDate: '2026-02-30' })).toEqual([
      { field: 'deliberationDate', message: "La date de la délibération n'est pas une date du calendrier." },
    ]);
  });
});
