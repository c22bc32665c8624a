/**
 * Model items (text as data, with `{{placeholders}}`) → layout blocks,
 * with French typography applied to everything drawn.
 */
import { typeset } from '../../format/french.ts';
import type { ModelItem } from '../models.ts';
import type { Block, TextBlock } from './layout.ts';

export type Values = Record<string, string>;

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Fills `{{name}}`; an unknown name is a bug in the model file, so it throws. */
export function fill(text: string, values: Values): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`champ inconnu dans le modèle : {{${name}}}`);
    return value;
  });
}

/** Placeholders an item uses; the school list counts as `schools`. */
export function itemPlaceholders(item: ModelItem): string[] {
  if (typeof item === 'string') return placeholdersOf(item);
  if ('text' in item) return placeholdersOf(item.text);
  if ('bullets' in item) return item.bullets.flatMap(placeholdersOf);
  return ['list' in item ? item.list : 'schools'];
}

export function isHeading(item: ModelItem | undefined): boolean {
  return typeof item === 'object' && 'text' in item && (item.style === 'heading' || item.style === 'subheading' || item.style === 'title');
}

const STYLES: Record<string, Partial<TextBlock>> = {
  title: { font: 'bold', size: 13, align: 'center', spaceAfter: 2 },
  heading: { font: 'bold', size: 10.5, align: 'left', spaceBefore: 10, spaceAfter: 4, keepWithNext: true },
  subheading: { font: 'bold', size: 10, align: 'left', spaceBefore: 6, spaceAfter: 3, keepWithNext: true },
  strong: { font: 'bold', size: 10, align: 'left', spaceAfter: 1 },
  line: { font: 'regular', size: 10, align: 'left', spaceAfter: 1 },
  body: { font: 'regular', size: 10, align: 'justify', spaceAfter: 5 },
  small: { font: 'regular', size: 9, align: 'justify', spaceAfter: 2 },
};

/** `verbatim` skips French typography (IP addresses, user agents, hashes). */
export function textBlock(text: string, style: keyof typeof STYLES = 'body', extra: Partial<TextBlock> = {}, verbatim = false): TextBlock {
  return { kind: 'text', ...STYLES[style], ...extra, text: verbatim ? text.normalize('NFC') : typeset(text) };
}

/**
 * `schoolLines` replaces a `{ schools: true }` item, one line per school;
 * `lists` the `{ list: name }` items.
 */
export function itemsToBlocks(items: ModelItem[], values: Values, schoolLines: string[] = [], lists: Record<string, string[]> = {}): Block[] {
  return items.flatMap((item, index): Block[] => {
    if (typeof item === 'string') return [textBlock(fill(item, values))];
    if ('text' in item) {
      const { text, style, ...rest } = item;
      const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      // A label introducing a list ("Liste des écoles :") stays on the page of its first line.
      const next = items[index + 1];
      const introducesList = typeof next === 'object' && ('schools' in next || 'list' in next);
      return [textBlock(fill(text, values), style ?? 'body', introducesList ? { ...defined, keepWithNext: true } : defined)];
    }
    if ('bullets' in item) {
      return item.bullets.map((b, i) =>
        textBlock(fill(b, values), 'body', { indent: 16, bullet: '–', spaceAfter: i === item.bullets.length - 1 ? 5 : 2 }));
    }
    const lines = 'list' in item ? lists[item.list] : schoolLines;
    if (!lines) throw new Error(`liste inconnue dans le modèle : ${JSON.stringify(item)}`);
    if (lines.length === 0) return [textBlock('(aucune)', 'body', { align: 'left', indent: 16, spaceAfter: 5 })];
    return lines.map((line, i) =>
      textBlock(line, 'body', { align: 'left', indent: 16, bullet: '–', spaceAfter: i === lines.length - 1 ? 5 : 1 }));
  });
}
