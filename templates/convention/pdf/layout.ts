/**
 * A small text flow: blocks of text → lines → PDF content-stream operators,
 * page by page. Measures with the widths of the prepared fonts (no kerning,
 * no shaping: the content streams draw glyph per character), justifies with
 * TJ adjustments (Tw does not apply to two-byte encodings), breaks pages and
 * keeps headings with what follows.
 *
 * A `fixed` block (text that is the same in every document, like a preamble)
 * is laid out and compressed once; when it fits on the current page it is
 * drawn as that shared stream moved to the right height (`cm`), otherwise it
 * is laid out again here, with page breaks.
 */
import type { FontKey, FontSet, PreparedFont } from './font-set.ts';
import { REPLACEMENT } from './font-set.ts';

export const PAGE = { width: 595.28, height: 841.89 } as const;
export const MARGIN = { left: 62, right: 62, top: 64, bottom: 72 } as const;
export const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const TOP = PAGE.height - MARGIN.top;

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
}

export interface ColumnsBlock {
  kind: 'columns';
  columns: TextBlock[][];
  spaceBefore?: number;
  /** Blank space kept under the columns (room for the signatures). */
  minHeight?: number;
  /** Names the space left under the first column, reported in FlowResult.spaces (where a signature goes). */
  space?: string;
}

/** The blank space under a column: on `page` (of the flow), from `top` down to `bottom`, `width` wide from `x`. */
export interface BlankSpace {
  page: number;
  x: number;
  top: number;
  bottom: number;
  width: number;
}

/** Blocks identical in every document; `shared` is filled on first use by `fixedContent`. */
export interface FixedBlock {
  kind: 'fixed';
  blocks: Block[];
  shared?: { ops: string; height: number; compressed?: Uint8Array };
}

export type Block = TextBlock | ColumnsBlock | FixedBlock | { kind: 'pageBreak' };

/** A piece of a page's content: own operators, or a shared stream moved by `dy`. */
export type Part = string | { shared: FixedBlock; dy: number };

const BODY_SIZE = 10;
const LEADING = 1.32;

function fontOf(fonts: FontSet, key: FontKey | undefined): PreparedFont {
  return key === 'bold' ? fonts.bold : fonts.regular;
}

export function textWidth(font: PreparedFont, text: string, size: number): number {
  const table = font.widthTable;
  const fallback = font.widths.get(REPLACEMENT) ?? 500;
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) i++;
    const w = table[unit]!;
    total += w === w ? w : fallback;
  }
  return (total * size) / 1000;
}

function hex(font: PreparedFont, text: string): string {
  const table = font.codeTable;
  const fallback = font.codes.get(REPLACEMENT)!;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) i++;
    out += table[unit] ?? fallback;
  }
  return out;
}

const num = (value: number): string => (Math.round(value * 100) / 100).toString();

/** Splits text into lines no wider than `width`; words longer than a line are cut. */
export function wrap(font: PreparedFont, text: string, size: number, width: number): string[][] {
  const lines: string[][] = [];
  const space = textWidth(font, ' ', size);
  for (const paragraph of text.split('\n')) {
    let line: string[] = [];
    let lineWidth = 0;
    for (const word of paragraph.split(' ')) {
      if (word === '') continue;
      let rest = word;
      let restWidth = textWidth(font, rest, size);
      while (restWidth > width) {
        if (line.length > 0) { lines.push(line); line = []; lineWidth = 0; }
        const chars = [...rest];
        let cut = 1;
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
  let left = x;
  let shown: string;
  const natural = align === 'left' ? 0 : textWidth(font, text, size);
  // A line stretched beyond ~0.6 em per gap reads as columns (to people and to text extraction): leave it ragged.
  if (align === 'justify' && !last && words.length > 1 && (width - natural) / (words.length - 1) <= size * 0.6) {
    const stretch = num(-((width - natural) * 1000) / size / (words.length - 1));
    const spaceCode = hex(font, ' ');
    shown = '[';
    for (let i = 0; i < words.length; i++) shown += i === 0 ? `<${hex(font, words[i]!)}>` : `${stretch}<${spaceCode}${hex(font, words[i]!)}>`;
    shown += '] TJ';
  } else {
    if (align === 'center') left = x + (width - natural) / 2;
    if (align === 'right') left = x + width - natural;
    shown = `<${hex(font, text)}> Tj`;
  }
  return `BT /${font.resource} ${num(size)} Tf 1 0 0 1 ${num(left)} ${num(y)} Tm ${shown} ET\n`;
}

export interface FlowResult {
  /** Content parts per page. */
  pages: Part[][];
  /** The y where the next block would start on the last page. */
  endY: number;
  /** The named blank spaces of columns blocks. */
  spaces: Record<string, BlankSpace>;
}

interface Measured { lines: string[][]; lineHeight: number; height: number }

/**
 * Lays `blocks` out from `startY` on a first page (top of a fresh page when
 * omitted). Returns the content parts of every page touched.
 */
export function flow(fonts: FontSet, blocks: Block[], startY?: number, options: { unbounded?: boolean } = {}): FlowResult {
  const pages: Part[][] = [[]];
  const spaces: Record<string, BlankSpace> = {};
  let y = startY ?? TOP;
  let atTop = startY === undefined;
  const bottom = options.unbounded ? Number.NEGATIVE_INFINITY : MARGIN.bottom;
  const emit = (part: Part): void => { pages[pages.length - 1]!.push(part); };
  const newPage = (): void => { pages.push([]); y = TOP; atTop = true; };
  const room = (): number => y - bottom;

  const measure = (block: TextBlock, width: number): Measured => {
    const size = block.size ?? BODY_SIZE;
    const lines = wrap(fontOf(fonts, block.font), block.text, size, width - (block.indent ?? 0));
    const lineHeight = size * LEADING;
    return { lines, lineHeight, height: lines.length * lineHeight };
  };

  const drawText = (block: TextBlock, measured: Measured, x: number, width: number, top: number, paginate: boolean): number => {
    const size = block.size ?? BODY_SIZE;
    const font = fontOf(fonts, block.font);
    const indent = block.indent ?? 0;
    const { lines, lineHeight } = measured;
    let at = top;
    let ops = '';
    lines.forEach((words, index) => {
      if (paginate && at - bottom < lineHeight) {
        emit(ops); ops = '';
        newPage(); at = y;
      }
      const baseline = at - size;
      if (index === 0 && block.bullet) ops += drawLine(font, size, [block.bullet], x + indent - 12, baseline, 12, 'left', true);
      ops += drawLine(font, size, words, x + indent, baseline, width - indent, block.align ?? 'justify', index === lines.length - 1);
      at -= lineHeight;
      atTop = false;
    });
    emit(ops);
    return at;
  };

  const place = (block: Block, next: Block | undefined): void => {
    if (block.kind === 'pageBreak') { newPage(); return; }
    if (block.kind === 'fixed') {
      const shared = fixedContent(fonts, block);
      if (shared.height <= room() - 0.001) {
        emit({ shared: block, dy: y - TOP });
        y -= shared.height;
        atTop = false;
      } else {
        for (let i = 0; i < block.blocks.length; i++) place(block.blocks[i]!, block.blocks[i + 1] ?? next);
      }
      return;
    }
    if (block.kind === 'columns') {
      const gap = 24;
      const width = (TEXT_WIDTH - gap * (block.columns.length - 1)) / block.columns.length;
      const measured = block.columns.map((column) => column.map((b) => measure(b, width)));
      const heights = block.columns.map((column, c) =>
        column.reduce((h, b, i) => h + (b.spaceBefore ?? 0) + measured[c]![i]!.height + (b.spaceAfter ?? 0), 0));
      const height = Math.max(...heights, block.minHeight ?? 0);
      if (!atTop) y -= block.spaceBefore ?? 0;
      if (room() < height && !atTop) newPage();
      const top = y;
      block.columns.forEach((column, c) => {
        let cy = top;
        const x = MARGIN.left + c * (width + gap);
        column.forEach((b, i) => {
          cy -= b.spaceBefore ?? 0;
          cy = drawText(b, measured[c]![i]!, x, width, cy, false);
          cy -= b.spaceAfter ?? 0;
        });
        if (c === 0 && block.space) spaces[block.space] = { page: pages.length - 1, x, top: cy, bottom: top - height, width };
      });
      y = top - height;
      atTop = false;
      return;
    }
    const measured = measure(block, TEXT_WIDTH);
    if (!atTop) y -= block.spaceBefore ?? 0;
    let needed = measured.lineHeight;
    if (block.keepWithNext) {
      const follower = next?.kind === 'fixed' ? next.blocks[0] : next;
      const nextLines = follower?.kind === 'text' ? (follower.spaceBefore ?? 0) + (follower.size ?? BODY_SIZE) * LEADING * 2 : 0;
      needed = measured.height + nextLines;
    }
    if (room() < needed && !atTop && needed <= TOP - MARGIN.bottom) newPage();
    y = drawText(block, measured, MARGIN.left, TEXT_WIDTH, y, true);
    y -= block.spaceAfter ?? 0;
  };

  for (let i = 0; i < blocks.length; i++) place(blocks[i]!, blocks[i + 1]);
  return { pages, endY: y, spaces };
}

/** Lays out a fixed block once (from the top, as if after other text, never breaking), then reuses it. */
export function fixedContent(fonts: FontSet, block: FixedBlock): NonNullable<FixedBlock['shared']> {
  if (!block.shared) {
    const laid = flow(fonts, block.blocks, TOP, { unbounded: true });
    block.shared = { ops: laid.pages.flat().filter((p): p is string => typeof p === 'string').join(''), height: TOP - laid.endY };
  }
  return block.shared;
}

/** Operators for one line of text at an absolute position (footers, page numbers). */
export function placeText(fonts: FontSet, key: FontKey, size: number, text: string, x: number, y: number, align: Align = 'left'): string {
  const font = fontOf(fonts, key);
  const width = align === 'left' ? 0 : align === 'right' ? x - MARGIN.left : TEXT_WIDTH;
  const left = align === 'right' ? MARGIN.left : x;
  return drawLine(font, size, [text], left, y, width, align, true);
}
