/**
 * Convention PDFs for a whole campaign. The expensive work (font subsets,
 * layout and compression of the articles that are the same for every
 * commune) happens once per renderer; each convention then lays out only its
 * first page (parties, preamble) and its tail (schools, amount, end date,
 * signatures), which continues on the last static page.
 */
import { departementOfUai } from '../../functions/domain/identifiers.ts';
import { formatEuros, formatFrenchDate, parsePlainDate, typeset, NBSP } from '../format/french.ts';
import { assemblePdf, compressContent, type PageContent } from './pdf/assemble.ts';
import { missingCharacters, prepareFontSet, type FontSet } from './pdf/font-set.ts';
import { isHeading, itemPlaceholders, itemsToBlocks, textBlock, fill, type Values } from './pdf/items.ts';
import { flow, type Block, type FixedBlock } from './pdf/layout.ts';
import { chooseModel, loadConventionModels, modelCharacters, type ConventionModel, type ModelItem } from './models.ts';

export type SchoolType = 'maternelle' | 'elementaire' | 'primaire';

export interface ConventionDocumentInput {
  conventionId: string;
  /** "ENT-2026-2027-34-0042", printed at the top of the first page; absent for a convention added before references. */
  reference?: string;
  schoolYear: string;
  /** Text model school year, e.g. "2023-2024"; default: latest model whose year <= schoolYear. */
  model?: string;
  feeCents: number;
  amountCents: number;
  endDate: string;
  issuePlace: string;
  issueDate: string;
  rectorat: { name: string; title: string };
  commune: { name: string; siret: string; address: string };
  mayor: { name: string; title: string };
  schools: { uai: string; type: SchoolType; name: string }[];
}

export interface ConventionRenderer { render(input: ConventionDocumentInput): Promise<Uint8Array> }

const SCHOOL_TYPES: Record<SchoolType, string> = {
  maternelle: 'ECOLE MATERNELLE PUBLIQUE',
  elementaire: 'ECOLE ELEMENTAIRE PUBLIQUE',
  primaire: 'ECOLE PRIMAIRE PUBLIQUE',
};

/** Placeholders that are the same for every commune of a campaign. */
const CAMPAIGN_FIELDS = new Set(['schoolYear', 'fee', 'feeEuros']);

/** Dates and amounts never break across lines. */
const unbreakable = (text: string): string => text.replace(/ /g, NBSP);

const upper = (text: string): string => text.normalize('NFC').toLocaleUpperCase('fr-FR');

/** "LESPIGNAN - 34 - ECOLE MATERNELLE PUBLIQUE - 0341401N" (school name after the type when given). */
export function schoolLine(communeName: string, school: ConventionDocumentInput['schools'][number]): string {
  const type = SCHOOL_TYPES[school.type];
  const name = school.name.trim();
  return `${upper(communeName)} - ${departementOfUai(school.uai)} - ${type}${name ? ` ${name}` : ''} - ${school.uai}`;
}

export function conventionValues(input: ConventionDocumentInput): Values {
  return {
    schoolYear: input.schoolYear,
    fee: formatEuros(input.feeCents),
    /** "50 euros", as the 2021-2022 text words its fee. */
    feeEuros: formatEuros(input.feeCents).replace(/\u00a0€$/, '\u00a0euros'),
    count: String(input.schools.length),
    amount: unbreakable(formatEuros(input.amountCents)),
    endDate: unbreakable(formatFrenchDate(input.endDate)),
    issuePlace: input.issuePlace,
    issueDate: unbreakable(formatFrenchDate(input.issueDate)),
    rectorName: input.rectorat.name,
    rectorTitle: input.rectorat.title.replace(/\.\s*$/, ''),
    COMMUNE: upper(input.commune.name),
    communeName: input.commune.name,
    siret: input.commune.siret,
    address: input.commune.address,
    mayorName: input.mayor.name,
    MAYOR_TITLE: upper(input.mayor.title),
    mayorTitle: input.mayor.title,
  };
}

const isCampaignItem = (item: ModelItem): boolean => itemPlaceholders(item).every((name) => CAMPAIGN_FIELDS.has(name));

/** Articles before the first one naming a per-commune field; headings stay with what follows. */
function splitArticles(articles: ModelItem[]): { fixed: ModelItem[]; variable: ModelItem[] } {
  let cut = articles.findIndex((item) => !isCampaignItem(item));
  if (cut < 0) cut = articles.length;
  while (cut > 0 && isHeading(articles[cut - 1])) cut--;
  return { fixed: articles.slice(0, cut), variable: articles.slice(cut) };
}

/**
 * Items → blocks, where each run of items that are the same for the whole
 * campaign becomes one FixedBlock, laid out and compressed once (`cache`).
 * A run's trailing headings stay outside, with the text they introduce.
 */
function segmentedBlocks(items: ModelItem[], values: Values, lines: string[], cache: Map<string, FixedBlock>, key: string): Block[] {
  const blocks: Block[] = [];
  let index = 0;
  while (index < items.length) {
    let end = index;
    while (end < items.length && isCampaignItem(items[end]!)) end++;
    let fixedEnd = end;
    if (end < items.length) while (fixedEnd > index && isHeading(items[fixedEnd - 1])) fixedEnd--;
    if (fixedEnd > index) {
      const id = `${key}|${index}`;
      let fixed = cache.get(id);
      if (!fixed) {
        fixed = { kind: 'fixed', blocks: itemsToBlocks(items.slice(index, fixedEnd), values) };
        cache.set(id, fixed);
      }
      blocks.push(fixed);
    }
    let next = end;
    while (next < items.length && !isCampaignItem(items[next]!)) next++;
    blocks.push(...itemsToBlocks(items.slice(fixedEnd, next), values, lines));
    index = next;
  }
  return blocks;
}

interface StaticPart { pages: Uint8Array[]; endY: number }

/** The blank space under the commune's signature lines, where the signed copy writes who signed and under which délibération. */
export const COMMUNE_SIGNATURE = 'commune-signature';

export function signatureBlocks(model: ConventionModel, values: Values): Block[] {
  return [
    textBlock(fill(model.issued, values), 'body', { align: 'left', spaceBefore: 10, keepWithNext: true }),
    {
      kind: 'columns',
      spaceBefore: 8,
      minHeight: 110,
      space: COMMUNE_SIGNATURE,
      columns: model.signatures.map((lines) =>
        lines.map((line, i) => textBlock(fill(line, values), i === 0 ? 'strong' : 'body', { align: 'left', spaceAfter: 1 }))),
    },
  ];
}

function validate(input: ConventionDocumentInput): void {
  parsePlainDate(input.endDate);
  parsePlainDate(input.issueDate);
  if (input.schools.length === 0) throw new Error(`convention ${input.conventionId} : aucune école`);
  if (input.amountCents !== input.schools.length * input.feeCents) {
    throw new Error(`convention ${input.conventionId} : le montant ${input.amountCents} ne vaut pas ${input.schools.length} × ${input.feeCents}`);
  }
}

function inputText(input: ConventionDocumentInput): string {
  return [input.issuePlace, input.rectorat.name, input.rectorat.title, input.commune.name, input.commune.siret,
    input.commune.address, input.mayor.name, input.mayor.title, ...input.schools.flatMap((s) => [s.uai, s.name]),
    upper(input.commune.name), upper(input.mayor.title)].join(' ');
}

/**
 * `text`: the text a campaign pinned (parsed from its stored content), used whatever the input names;
 * otherwise `model` or the input's, among the shipped files.
 */
export async function createConventionRenderer(options: { model?: string; text?: ConventionModel } = {}): Promise<ConventionRenderer> {
  const models = options.text ? [options.text] : loadConventionModels();
  const modelText = models.map(modelCharacters).join('');
  const baseFonts = await prepareFontSet(modelText);
  const staticParts = new Map<string, StaticPart>();
  const fixedBlocks = new Map<string, FixedBlock>();

  // An input with characters the base set lacks gets a larger set, which prepareFontSet keeps for the process.
  const fontsFor = (text: string): Promise<FontSet> => {
    const missing = missingCharacters(baseFonts, text);
    return missing.length === 0 ? Promise.resolve(baseFonts) : prepareFontSet([...modelText, ...missing]);
  };

  // Drawn with the base set: glyph codes of base characters are the same in every extended set.
  const staticPart = (model: ConventionModel, fixed: ModelItem[], values: Values, key: string): StaticPart => {
    let part = staticParts.get(key);
    if (!part) {
      const laid = flow(baseFonts, itemsToBlocks(fixed, values));
      const ops = laid.pages.map((parts) => parts.filter((p): p is string => typeof p === 'string').join(''));
      part = { pages: ops.map((page) => compressContent(page)), endY: laid.endY };
      staticParts.set(key, part);
    }
    return part;
  };

  return {
    async render(input) {
      validate(input);
      const model = options.text ?? chooseModel(models, input.schoolYear, input.model ?? options.model);
      const values = conventionValues(input);
      const key = `${model.model}|${values.schoolYear}|${values.fee}`;
      const fonts = await fontsFor(inputText(input));
      const { fixed, variable } = splitArticles(model.articles);
      const lines = input.schools.map((school) => schoolLine(input.commune.name, school));

      // The reference at the top of the first page, where a finance office looks for it (a footer of the
      // 2023-2024 text has no room left beside the page number).
      const reference = input.reference ? [textBlock(`Référence : ${input.reference}`, 'line', { align: 'right', spaceAfter: 6 })] : [];
      const front = flow(fonts, [...reference, ...segmentedBlocks(model.front, values, lines, fixedBlocks, `${key}|front`)]);
      const pages: PageContent[] = front.pages;
      let startY = front.endY;
      if (fixed.length > 0) {
        const part = staticPart(model, fixed, values, key);
        pages.push(...part.pages.map((shared) => [shared]));
        startY = part.endY;
      }
      const annex: Block[] = model.annex ? [{ kind: 'pageBreak' }, ...itemsToBlocks(model.annex, values, lines)] : [];
      const tailBlocks = [...segmentedBlocks(variable, values, lines, fixedBlocks, `${key}|tail`), ...signatureBlocks(model, values), ...annex];
      const tail = flow(fonts, tailBlocks, startY);
      const space = tail.spaces[COMMUNE_SIGNATURE];
      const signatureSpace = space && { ...space, page: pages.length - 1 + space.page };
      const [first, ...rest] = tail.pages;
      pages[pages.length - 1]!.push(...(first ?? []));
      pages.push(...rest);

      const { year, month, day } = parsePlainDate(input.issueDate);
      return assemblePdf(fonts, pages, {
        title: `Convention ENT-École ${input.schoolYear} — Commune de ${input.commune.name}`,
        author: 'Région académique Occitanie',
        subject: `${model.title}, année scolaire ${input.schoolYear}, commune de ${input.commune.name} (SIRET ${input.commune.siret})`,
        keywords: ['ENT-École', 'convention', input.schoolYear, input.conventionId, ...(input.reference ? [input.reference] : []), input.commune.siret],
        date: new Date(Date.UTC(year, month - 1, day)),
        footer: typeset(fill(model.footer, values)),
        ...(signatureSpace ? { signatureSpace } : {}),
      });
    },
  };
}

const renderers = new Map<string, Promise<ConventionRenderer>>();

/** One-off rendering; keeps one renderer per requested model across calls. */
export async function renderConventionPdf(input: ConventionDocumentInput): Promise<Uint8Array> {
  const key = input.model ?? '';
  let renderer = renderers.get(key);
  if (!renderer) {
    renderer = createConventionRenderer(input.model ? { model: input.model } : {});
    renderers.set(key, renderer);
    renderer.catch(() => renderers.delete(key));
  }
  return (await renderer).render(input);
}
