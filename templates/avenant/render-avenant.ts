/**
 * The avenant: a change of the list of schools of a convention for a new
 * school year (docs/domain.md, 2017 model Art. 6 and 8). It names the convention
 * it amends, the old and the new list, the new count and amount, and the
 * 1 September – 15 October window. Rendered one at a time, so no campaign cache.
 */
import { readFileSync } from 'node:fs';
import { formatEuros, formatFrenchDate, parsePlainDate, typeset, NBSP } from '../format/french.ts';
import { assemblePdf } from '../convention/pdf/assemble.ts';
import { missingCharacters, prepareFontSet, type FontSet } from '../convention/pdf/font-set.ts';
import { fill, itemsToBlocks } from '../convention/pdf/items.ts';
import { flow } from '../convention/pdf/layout.ts';
import type { ConventionModel } from '../convention/models.ts';
import {
  conventionValues, schoolLine, signatureBlocks, type ConventionDocumentInput,
} from '../convention/render-convention.ts';

type School = ConventionDocumentInput['schools'][number];

export interface AvenantDocumentInput {
  /** Identifier of this avenant (printed in the footer and the metadata). */
  avenantId: string;
  /** The convention it amends. */
  conventionId: string;
  conventionSchoolYear: string;
  /** The school year the new list applies to, "2026-2027". */
  schoolYear: string;
  feeCents: number;
  previousAmountCents: number;
  /** schools.length × feeCents. */
  amountCents: number;
  issuePlace: string;
  issueDate: string;
  rectorat: { name: string; title: string };
  commune: { name: string; siret: string; address: string };
  mayor: { name: string; title: string };
  previousSchools: School[];
  schools: School[];
}

type AvenantText = Pick<ConventionModel, 'title' | 'footer' | 'front' | 'articles' | 'issued' | 'signatures'>;

let text: AvenantText | undefined;
let baseFonts: Promise<FontSet> | undefined;

function avenantText(): AvenantText {
  text ??= JSON.parse(readFileSync(new URL('./avenant-text.json', import.meta.url), 'utf8')) as AvenantText;
  return text;
}

/** 1 September and 15 October of the first year of "2026-2027". */
export function avenantWindow(schoolYear: string): { start: string; deadline: string } {
  const year = schoolYear.slice(0, 4);
  return { start: `${year}-09-01`, deadline: `${year}-10-15` };
}

export async function renderAvenantPdf(input: AvenantDocumentInput): Promise<Uint8Array> {
  parsePlainDate(input.issueDate);
  if (input.amountCents !== input.schools.length * input.feeCents) {
    throw new Error(`avenant ${input.avenantId} : le montant ${input.amountCents} ne vaut pas ${input.schools.length} × ${input.feeCents}`);
  }
  const model = avenantText();
  const window = avenantWindow(input.schoolYear);
  const keep = (s: string): string => s.replace(/ /g, NBSP);
  const values = {
    ...conventionValues({ ...input, endDate: input.issueDate }),
    conventionId: input.conventionId,
    conventionSchoolYear: input.conventionSchoolYear,
    previousCount: String(input.previousSchools.length),
    previousAmount: keep(formatEuros(input.previousAmountCents)),
    windowStart: keep(formatFrenchDate(window.start)),
    deadline: keep(formatFrenchDate(window.deadline)),
  };
  const line = (s: School): string => schoolLine(input.commune.name, s);
  const before = new Set(input.previousSchools.map((s) => s.uai));
  const after = new Set(input.schools.map((s) => s.uai));
  const lists = {
    previousSchools: input.previousSchools.map(line),
    schools: input.schools.map(line),
    addedSchools: input.schools.filter((s) => !before.has(s.uai)).map(line),
    removedSchools: input.previousSchools.filter((s) => !after.has(s.uai)).map(line),
  };
  baseFonts ??= prepareFontSet(JSON.stringify(model));
  let fonts = await baseFonts;
  const missing = missingCharacters(fonts, JSON.stringify(values) + JSON.stringify(lists));
  if (missing.length > 0) fonts = await prepareFontSet([...JSON.stringify(model), ...missing]);

  const laid = flow(fonts, [
    ...itemsToBlocks(model.front, values, [], lists),
    ...itemsToBlocks(model.articles, values, [], lists),
    ...signatureBlocks(model as ConventionModel, values),
  ]);
  const { year, month, day } = parsePlainDate(input.issueDate);
  return assemblePdf(fonts, laid.pages, {
    title: `Avenant ENT-École ${input.schoolYear} — Commune de ${input.commune.name}`,
    author: 'Région académique Occitanie',
    subject: `${model.title}, convention ${input.conventionId}, année scolaire ${input.schoolYear}, commune de ${input.commune.name} (SIRET ${input.commune.siret})`,
    keywords: ['ENT-École', 'avenant', input.schoolYear, input.avenantId, input.conventionId, input.commune.siret],
    date: new Date(Date.UTC(year, month - 1, day)),
    footer: typeset(fill(model.footer, values)),
  });
}
