/**
 * Fonts subset once per process and repertoire, installed in every document as-is.
 *
 * Subsetting DejaVu with fontkit costs ~100 ms; doing it per document caps a
 * campaign at a few conventions per second. Instead the subset is computed
 * once over a fixed repertoire (Latin-1, Latin Extended-A, French typography,
 * ligatures) plus whatever the model text uses, and each document receives a
 * copy of the already serialized font objects. Glyph ids are assigned in a
 * fixed order (sorted repertoire first, extra characters after), so content
 * streams encoded with one font set stay valid with any larger one.
 */
import { createHash } from 'node:crypto';
import fontkit from '@pdf-lib/fontkit';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFObjectCopier, PDFRef, PDFStream, type PDFFont, type PDFObject } from 'pdf-lib';
import { loadFontBytes } from '../../fonts/load-fonts.ts';

export type FontKey = 'regular' | 'bold';

export interface PreparedFont {
  /** Resource name in every page: /F1 or /F2. */
  resource: string;
  /** char → 4-hex-digit glyph code in the subset. */
  codes: Map<string, string>;
  /** char → advance width in thousandths of an em. */
  widths: Map<string, number>;
  /** The same two, indexed by UTF-16 code unit, for the layout's inner loops (undefined/NaN: no glyph). */
  codeTable: (string | undefined)[];
  widthTable: Float64Array;
  ref: PDFRef;
}

export interface FontSet {
  regular: PreparedFont;
  bold: PreparedFont;
  /** Characters this set can draw. */
  repertoire: Set<string>;
  source: PDFDocument;
  /** The font objects as bytes, numbered from FIRST_FONT_OBJECT, for `PdfWriter.putSerialized`. */
  serialized: SerializedFonts;
}

export interface SerializedFonts {
  bytes: Uint8Array;
  objects: { number: number; offset: number }[];
  /** The /Font resource dictionary: "<< /F1 4 0 R /F2 9 0 R >>". */
  resources: string;
  /** SHA-256 of `bytes`, for the document /ID. */
  digest: string;
}

/** Objects 1-3 are the catalog, the page tree and the Info dictionary. */
export const FIRST_FONT_OBJECT = 4;

const RANGES: [number, number][] = [
  [0x20, 0x7e], [0xa0, 0x17f], [0x2010, 0x2027], [0x2030, 0x203a], [0x202f, 0x202f],
  [0x20ac, 0x20ac], [0x2116, 0x2116], [0x2122, 0x2122], [0x2212, 0x2212], [0xfb00, 0xfb06],
];

export const BASE_REPERTOIRE: readonly string[] = RANGES.flatMap(([from, to]) =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i)),
);

/** Drawn instead of a character DejaVu has no glyph for. */
export const REPLACEMENT = '?';

/** PDF subset tag ("ABCDEF+"): derived from the repertoire, so the same set gives the same bytes. */
function subsetTag(characters: string[]): string {
  const digest = createHash('sha256').update(characters.join('')).digest();
  return Array.from(digest.subarray(0, 6), (byte) => String.fromCharCode(65 + (byte % 26))).join('');
}

async function prepareFont(
  doc: PDFDocument, bytes: Uint8Array, resource: string, characters: string[],
): Promise<{ font: PDFFont; prepared: PreparedFont }> {
  const kit = fontkit.create(bytes as Buffer);
  const customName = `${subsetTag(characters)}+${kit.postscriptName}`;
  const font = await doc.embedFont(bytes, { subset: true, customName, features: { liga: false, kern: false } });
  const codes = new Map<string, string>();
  const widths = new Map<string, number>();
  for (const ch of characters) {
    const glyph = kit.glyphForCodePoint(ch.codePointAt(0)!);
    if (!glyph || glyph.id === 0) continue;
    codes.set(ch, font.encodeText(ch).toString().slice(1, -1));
    widths.set(ch, (glyph.advanceWidth * 1000) / kit.unitsPerEm);
  }
  const codeTable: (string | undefined)[] = new Array(0x10000).fill(undefined);
  const widthTable = new Float64Array(0x10000).fill(Number.NaN);
  for (const [ch, code] of codes) {
    if (ch.length !== 1) continue;
    codeTable[ch.charCodeAt(0)] = code;
    widthTable[ch.charCodeAt(0)] = widths.get(ch)!;
  }
  return { font, prepared: { resource, codes, widths, codeTable, widthTable, ref: font.ref } };
}

/**
 * The font sets made in this process, by the characters they add to the base repertoire: the same characters
 * give the same set, byte for byte, so every renderer asking for them (each campaign's, each certificate's) shares
 * it. A set is only read once made. A warm function keeps the last KEPT_SETS.
 */
const fontSets = new Map<string, Promise<FontSet>>();
const KEPT_SETS = 16;

/** Subsets the two text fonts over the base repertoire plus `extra` characters (made once per process). */
export function prepareFontSet(extra: Iterable<string> = []): Promise<FontSet> {
  const base = new Set(BASE_REPERTOIRE);
  const added = [...new Set(extra)].filter((ch) => !base.has(ch)).sort();
  const key = added.join('');
  const found = fontSets.get(key);
  if (found) return found;
  const made = makeFontSet(added);
  made.catch(() => fontSets.delete(key));
  if (fontSets.size >= KEPT_SETS) fontSets.delete(fontSets.keys().next().value!);
  fontSets.set(key, made);
  return made;
}

async function makeFontSet(added: string[]): Promise<FontSet> {
  const characters = [...BASE_REPERTOIRE, ...added];
  const source = await PDFDocument.create({ updateMetadata: false });
  source.registerFontkit(fontkit);
  const bytes = loadFontBytes();
  const regular = await prepareFont(source, bytes.sans, 'F1', characters);
  const bold = await prepareFont(source, bytes.sansBold, 'F2', characters);
  await source.flush();
  const repertoire = new Set([...regular.prepared.codes.keys()].filter((ch) => bold.prepared.codes.has(ch)));
  const serialized = serializeFonts(source, [regular.prepared, bold.prepared]);
  return { regular: regular.prepared, bold: bold.prepared, repertoire, source, serialized };
}

/** Serializes the objects reachable from the fonts once, renumbered from FIRST_FONT_OBJECT. */
function serializeFonts(source: PDFDocument, fonts: PreparedFont[]): SerializedFonts {
  const numbers = new Map<string, number>();
  const order: PDFRef[] = [];
  const visit = (object: PDFObject | undefined): void => {
    if (object instanceof PDFRef) {
      if (numbers.has(object.tag)) return;
      numbers.set(object.tag, FIRST_FONT_OBJECT + order.length);
      order.push(object);
      visit(source.context.lookup(object));
    } else if (object instanceof PDFDict) {
      for (const [, value] of object.entries()) visit(value);
    } else if (object instanceof PDFArray) {
      for (const value of object.asArray()) visit(value);
    } else if (object instanceof PDFStream) {
      visit(object.dict);
    }
  };
  for (const font of fonts) visit(font.ref);
  const renumber = (text: string): string =>
    text.replace(/(\d+) (\d+) R/g, (whole, n: string, g: string) => `${numbers.get(`${n} ${g} R`) ?? whole} 0 R`);
  const chunks: Buffer[] = [];
  const objects: { number: number; offset: number }[] = [];
  let length = 0;
  for (const ref of order) {
    const object = source.context.lookup(ref)!;
    const number = numbers.get(ref.tag)!;
    let body: Buffer;
    if (object instanceof PDFStream) {
      object.sizeInBytes(); // sets /Length
      const contents = (object as unknown as { getContents(): Uint8Array }).getContents();
      body = Buffer.concat([
        Buffer.from(`${number} 0 obj\n${renumber(object.dict.toString())}\nstream\n`, 'latin1'),
        contents,
        Buffer.from('\nendstream\nendobj\n', 'latin1'),
      ]);
    } else {
      body = Buffer.from(`${number} 0 obj\n${renumber(object.toString())}\nendobj\n`, 'latin1');
    }
    objects.push({ number, offset: length });
    chunks.push(body);
    length += body.length;
  }
  const resources = `<< ${fonts.map((f) => `/${f.resource} ${numbers.get(f.ref.tag)} 0 R`).join(' ')} >>`;
  const bytes = Buffer.concat(chunks);
  return { bytes, objects, resources, digest: createHash('sha256').update(bytes).digest('hex') };
}

/** Characters of `text` this set cannot draw yet (after NFC normalisation). */
export function missingCharacters(fonts: FontSet, text: string): string[] {
  const missing: string[] = [];
  for (const ch of text.normalize('NFC')) if (!fonts.repertoire.has(ch) && ch !== '\n') missing.push(ch);
  return missing;
}

/** Copies the serialized font objects into `doc`; returns the /Font resource dictionary. */
export function installFontSet(doc: PDFDocument, fonts: FontSet): PDFDict {
  const copier = PDFObjectCopier.for(fonts.source.context, doc.context);
  const dict = doc.context.obj({}) as PDFDict;
  for (const font of [fonts.regular, fonts.bold]) {
    const copied = copier.copy(fonts.source.context.lookup(font.ref)!);
    dict.set(PDFName.of(font.resource), doc.context.register(copied));
  }
  return dict;
}
