/** Reads generated PDFs back with poppler (pdftotext, pdffonts, pdfinfo) and qpdf, as a reader would. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'paraphe-pdf-'));
let counter = 0;

export function savePdf(bytes: Uint8Array, name = 'document'): string {
  const file = join(dir, `${name}-${counter++}.pdf`);
  writeFileSync(file, bytes);
  return file;
}

/** Same text for the eye: NFKC (ligatures, NBSP), typographic apostrophe → ', whitespace collapsed. */
export function normalize(text: string): string {
  return text.normalize('NFKC').replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim();
}

export function pdfText(file: string, page?: number): string {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  const result = spawnSync('pdftotext', ['-enc', 'UTF-8', ...range, file, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  // poppler reports broken content streams on stderr but still exits 0.
  if (result.status !== 0 || /error/i.test(result.stderr)) throw new Error(`pdftotext ${file}: ${result.stderr}`);
  return result.stdout;
}

export function pdfInfo(file: string): Record<string, string> {
  const out = execFileSync('pdfinfo', ['-enc', 'UTF-8', file], { encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').filter((l) => l.includes(':')).map((l) => {
    const at = l.indexOf(':');
    return [l.slice(0, at).trim(), l.slice(at + 1).trim()];
  }));
}

export interface FontRow { name: string; type: string; embedded: boolean; subset: boolean; unicode: boolean }

export function pdfFonts(file: string): FontRow[] {
  const lines = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter((l) => l.trim() !== '');
  return lines.map((line) => {
    const cols = line.trim().split(/\s+/);
    // name type... encoding emb sub uni objectId gen
    const [emb, sub, uni] = cols.slice(-5, -2);
    return { name: cols[0]!, type: cols.slice(1, -6).join(' '), embedded: emb === 'yes', subset: sub === 'yes', unicode: uni === 'yes' };
  });
}

/** qpdf --check: exit status 0 and no warnings. */
export function qpdfCheck(file: string): { ok: boolean; output: string } {
  const result = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  return { ok: result.status === 0 && !/WARNING/i.test(output), output };
}

export interface Word { page: number; text: string; xMin: number; yMin: number; xMax: number; yMax: number }

/** Every word with its box (points, origin top-left), from `pdftotext -bbox`. */
export function pdfWords(file: string): { pages: { width: number; height: number }[]; words: Word[] } {
  const html = execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const pages: { width: number; height: number }[] = [];
  const words: Word[] = [];
  const token = /<page width="([\d.]+)" height="([\d.]+)">|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g;
  for (const m of html.matchAll(token)) {
    if (m[1]) pages.push({ width: Number(m[1]), height: Number(m[2]) });
    else words.push({ page: pages.length, xMin: Number(m[3]), yMin: Number(m[4]), xMax: Number(m[5]), yMax: Number(m[6]), text: m[7]! });
  }
  return { pages, words };
}

/** Pairs of words whose boxes intersect on the same page (glyph boxes shrunk a little: ascenders touch). */
export function overlappingWords(words: Word[]): [Word, Word][] {
  const pad = 0.6;
  const found: [Word, Word][] = [];
  const byPage = new Map<number, Word[]>();
  for (const w of words) byPage.set(w.page, [...(byPage.get(w.page) ?? []), w]);
  for (const list of byPage.values()) {
    const sorted = [...list].sort((a, b) => a.yMin - b.yMin);
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i]!;
      for (let j = i + 1; j < sorted.length && sorted[j]!.yMin < a.yMax - pad; j++) {
        const b = sorted[j]!;
        const xOverlap = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin);
        const yOverlap = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin);
        if (xOverlap > pad && yOverlap > 2.5) found.push([a, b]);
      }
    }
  }
  return found;
}
