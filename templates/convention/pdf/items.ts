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
  return ['schools'];
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

export function textBlock(text: string, style: keyof typeof STYLES = 'body', extra: Partial<TextBlock> = {}): TextBlock {
  return { kind: 'text', ...STYLES[style], ...extra, text: typeset(text) };
}

/** `schoolLines` replaces a `{ schools: true }` item, one line per school. */
export function itemsToBlocks(items: ModelItem[], values: Values, schoolLines: string[] = []): Block[] {
  return items.flatMap((item): Block[] => {
    if (typeof item === 'string') return [textBlock(fill(item, values))];
    if ('text' in item) {
      const { text, style, ...rest } = item;
      const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      return [textBlock(fill(text, values), style ?? 'body', defined)];
    }
    if ('bullets' in item) {
      return item.bullets.map((b, i) =>
        textBlock(fill(b, values), 'body', { indent: 16, bullet: '–', spaceAfter: i === item.bullets.length - 1 ? 5 : 2 }));
    }
    return schoolLines.map((line, i) =>
      textBlock(line, 'body', { align: 'left', indent: 16, bullet: '–', spaceAfter: i === schoolLines.length - 1 ? 5 : 1 }));
  });
}
