/**
 * A small text flow: blocks of text → lines → PDF content-stream operators,
 * page by page. Measures with the widths of the prepared fonts (no kerning,
 * no shaping: the content streams draw glyph per character), justifies with
 * TJ adjustments (Tw does not apply to two-byte encodings), breaks pages and
 * keeps headings with what follows.
 */
import type { FontKey, FontSet, PreparedFont } from './font-set.ts';
import { REPLACEMENT } from './font-set.ts';

export const PAGE = { width: 595.28, height: 841.89 } as const;
export const MARGIN = { left: 62, right: 62, top: 64, bottom: 72 } as const;
export const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;

export type Align = 'left' | 'justify' | 'center' | 'right';

export interface TextBlock {
  kind: 'text';
  text: string;
  font?: FontKey;
  size?: number;
  align?: Align;
  /** Left indent in points (bullets hang from it). */
  indent?: number;
  /** Drawn in the indent before the first line ("–", "•"). */
  bullet?: string;
  spaceBefore?: number;
  spaceAfter?: number;
  /** Headings: never the last thing on a page. */
  keepWithNext?: boolean;
  /** Never split this block across pages. */
  keepTogether?: boolean;
}

export interface ColumnsBlock {
  kind: 'columns';
  columns: TextBlock[][];
  spaceBefore?: number;
  /** Blank space kept under the columns (room for the signatures). */
  minHeight?: number;
}

export type Block = TextBlock | ColumnsBlock | { kind: 'pageBreak' };

const BODY_SIZE = 10;
const LEADING = 1.32;

function fontOf(fonts: FontSet, key: FontKey | undefined): PreparedFont {
  return key === 'bold' ? fonts.bold : fonts.regular;
}

export function textWidth(font: PreparedFont, text: string, size: number): number {
  let total = 0;
  for (const ch of text) total += font.widths.get(ch) ?? font.widths.get(REPLACEMENT) ?? 500;
  return (total * size) / 1000;
}

function hex(font: PreparedFont, text: string): string {
  let out = '';
  for (const ch of text) out += font.codes.get(ch) ?? font.codes.get(REPLACEMENT)!;
  return out;
}

const num = (value: number): string => (Math.round(value * 100) / 100).toString();

/** Splits text into lines no wider than `width`; words longer than a line are cut. */
export function wrap(font: PreparedFont, text: string, size: number, width: number): string[][] {
  const lines: string[][] = [];
  for (const paragraph of text.split('\n')) {
    let line: string[] = [];
    let lineWidth = 0;
    const space = textWidth(font, ' ', size);
    for (const word of paragraph.split(' ').filter((w) => w !== '')) {
      let rest = word;
      let restWidth = textWidth(font, rest, size);
      while (restWidth > width) {
        if (line.length > 0) { lines.push(line); line = []; lineWidth = 0; }
        let cut = 1;
        const chars = [...rest];
        while (cut < chars.length && textWidth(font, chars.slice(0, cut + 1).join(''), size) <= width) cut++;
        lines.push([chars.slice(0, cut).join('')]);
        rest = chars.slice(cut).join('');
        restWidth = textWidth(font, rest, size);
      }
      if (rest === '') continue;
      const needed = line.length === 0 ? restWidth : lineWidth + space + restWidth;
      if (needed > width + 0.001 && line.length > 0) {
        lines.push(line);
        line = [rest];
        lineWidth = restWidth;
      } else {
        line.push(rest);
        lineWidth = needed;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Operators drawing one line at (x, y). */
function drawLine(
  font: PreparedFont, size: number, words: string[], x: number, y: number, width: number, align: Align, last: boolean,
): string {
  const text = words.join(' ');
  const natural = textWidth(font, text, size);
  let left = x;
  if (align === 'center') left = x + (width - natural) / 2;
  if (align === 'right') left = x + width - natural;
  let shown: string;
  if (align === 'justify' && !last && words.length > 1) {
    const stretch = ((width - natural) * 1000) / size / (words.length - 1);
    const spaceCode = hex(font, ' ');
    shown = `[${words.map((w) => `<${hex(font, w)}>`).join(`${num(-stretch)}<${spaceCode}>`)}] TJ`;
  } else {
    shown = `<${hex(font, text)}> Tj`;
  }
  return `BT /${font.resource} ${num(size)} Tf 1 0 0 1 ${num(left)} ${num(y)} Tm ${shown} ET\n`;
}

export interface FlowResult {
  /** Content-stream text per page. */
  pages: string[];
  /** Baseline room left on the last page: the y where the next block would start. */
  endY: number;
}

/**
 * Lays `blocks` out from `startY` on a first page (top of a fresh page when
 * omitted). Returns one content string per page touched.
 */
export function flow(fonts: FontSet, blocks: Block[], startY: number = PAGE.height - MARGIN.top): FlowResult {
  const pages: string[] = [''];
  let y = startY;
  const newPage = (): void => { pages.push(''); y = PAGE.height - MARGIN.top; };
  const room = (): number => y - MARGIN.bottom;

  const measure = (block: TextBlock, width: number): { lines: string[][]; height: number; lineHeight: number } => {
    const size = block.size ?? BODY_SIZE;
    const font = fontOf(fonts, block.font);
    const lines = wrap(font, block.text, size, width - (block.indent ?? 0));
    const lineHeight = size * LEADING;
    return { lines, lineHeight, height: lines.length * lineHeight };
  };

  const drawText = (block: TextBlock, x: number, width: number, at: () => number, advance: (h: number) => void, paginate: boolean): void => {
    const size = block.size ?? BODY_SIZE;
    const font = fontOf(fonts, block.font);
    const indent = block.indent ?? 0;
    const { lines, lineHeight } = measure(block, width);
    lines.forEach((words, index) => {
      if (paginate && room() < lineHeight) newPage();
      const baseline = at() - size;
      let ops = '';
      if (index === 0 && block.bullet) ops += drawLine(font, size, [block.bullet], x + indent - 12, baseline, 12, 'left', true);
      ops += drawLine(font, size, words, x + indent, baseline, width - indent, block.align ?? 'justify', index === lines.length - 1);
      pages[pages.length - 1] += ops;
      advance(lineHeight);
    });
  };

  blocks.forEach((block, index) => {
    if (block.kind === 'pageBreak') { newPage(); return; }
    if (block.kind === 'columns') {
      const gap = 24;
      const width = (TEXT_WIDTH - gap * (block.columns.length - 1)) / block.columns.length;
      const heights = block.columns.map((column) =>
        column.reduce((h, b) => h + (b.spaceBefore ?? 0) + measure(b, width).height + (b.spaceAfter ?? 0), 0));
      const height = Math.max(...heights, block.minHeight ?? 0) + (block.spaceBefore ?? 0);
      if (room() < height && y < PAGE.height - MARGIN.top) newPage();
      else y -= block.spaceBefore ?? 0;
      const top = y;
      block.columns.forEach((column, c) => {
        let cy = top;
        const x = MARGIN.left + c * (width + gap);
        for (const b of column) {
          cy -= b.spaceBefore ?? 0;
          drawText(b, x, width, () => cy, (h) => { cy -= h; }, false);
          cy -= b.spaceAfter ?? 0;
        }
      });
      y = top - Math.max(...heights, block.minHeight ?? 0);
      return;
    }
    const { height, lineHeight } = measure(block, TEXT_WIDTH);
    const atTop = y >= PAGE.height - MARGIN.top - 0.001;
    if (!atTop) y -= block.spaceBefore ?? 0;
    let needed = block.keepTogether ? height : lineHeight;
    if (block.keepWithNext) {
      const next = blocks[index + 1];
      const nextLine = next && next.kind === 'text' ? (next.spaceBefore ?? 0) + measure(next, TEXT_WIDTH).lineHeight * 2 : 0;
      needed = height + nextLine;
    }
    if (room() < needed && !atTop && needed <= PAGE.height - MARGIN.top - MARGIN.bottom) newPage();
    drawText(block, MARGIN.left, TEXT_WIDTH, () => y, (h) => { y -= h; }, true);
    y -= block.spaceAfter ?? 0;
  });
  return { pages, endY: y };
}

/** Operators for one line of text at an absolute position (footers, page numbers). */
export function placeText(fonts: FontSet, key: FontKey, size: number, text: string, x: number, y: number, align: Align = 'left'): string {
  const font = fontOf(fonts, key);
  const width = align === 'left' ? 0 : align === 'right' ? x - MARGIN.left : TEXT_WIDTH;
  const left = align === 'right' ? MARGIN.left : x;
  return drawLine(font, size, [text], left, y, width, align, true);
}
