/**
 * Turns laid-out pages into PDF bytes with pdf-lib. Pages may share a
 * pre-compressed content stream (the static articles, compressed once per
 * campaign) and add their own; every page gets a footer with "n/N".
 * Deterministic: dates come from the caller, no ids, no clock.
 */
import { deflateSync } from 'node:zlib';
import { PDFArray, PDFDocument, PDFName, PDFRawStream, type PDFRef } from 'pdf-lib';
import { installFontSet, type FontSet } from './font-set.ts';
import { MARGIN, PAGE, placeText } from './layout.ts';

export interface PageContent {
  /** A FlateDecode-compressed content stream shared by many documents. */
  shared?: Uint8Array;
  /** Operators drawn by this document only. */
  own?: string;
}

export interface DocumentMeta {
  title: string;
  author: string;
  subject: string;
  keywords: string[];
  /** Creation and modification date written in the Info dictionary. */
  date: Date;
  /** Left part of every footer; the right part is "n/N". */
  footer: string;
}

const encoder = new TextEncoder();

/** Compresses a content stream once, to be shared through `PageContent.shared`. */
export function compressContent(ops: string): Uint8Array {
  return deflateSync(encoder.encode(ops));
}

function streamRef(doc: PDFDocument, bytes: Uint8Array, compressed: boolean): PDFRef {
  const dict = doc.context.obj(compressed ? { Filter: 'FlateDecode' } : {});
  return doc.context.register(PDFRawStream.of(dict, bytes));
}

function footerOps(fonts: FontSet, footer: string, index: number, count: number): string {
  const y = MARGIN.bottom - 34;
  const right = PAGE.width - MARGIN.right;
  return (
    `q 0.6 G 0.5 w ${MARGIN.left} ${y + 12} m ${right} ${y + 12} l S Q\n` +
    `0.25 g\n${placeText(fonts, 'regular', 8, footer, MARGIN.left, y)}` +
    `${placeText(fonts, 'regular', 8, `${index + 1}/${count}`, right, y, 'right')}0 g\n`
  );
}

/** Fills the Info dictionary and the catalog language (fr-FR). */
export function setMetadata(doc: PDFDocument, meta: Omit<DocumentMeta, 'footer'>): void {
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  doc.setAuthor(meta.author);
  doc.setSubject(meta.subject);
  doc.setKeywords(meta.keywords);
  doc.setCreator('Paraphe');
  doc.setProducer('Paraphe (pdf-lib)');
  doc.setCreationDate(meta.date);
  doc.setModificationDate(meta.date);
  doc.setLanguage('fr-FR');
}

export async function assemblePdf(fonts: FontSet, pages: PageContent[], meta: DocumentMeta): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  setMetadata(doc, meta);
  const resources = doc.context.register(doc.context.obj({ Font: installFontSet(doc, fonts) }));
  pages.forEach((content, index) => {
    const page = doc.addPage([PAGE.width, PAGE.height]);
    const streams: PDFRef[] = [];
    if (content.shared) streams.push(streamRef(doc, content.shared, true));
    const own = (content.own ?? '') + footerOps(fonts, meta.footer, index, pages.length);
    streams.push(streamRef(doc, compressContent(own), true));
    page.node.set(PDFName.of('Resources'), resources);
    page.node.set(PDFName.Contents, PDFArray.withContext(doc.context));
    const array = page.node.lookup(PDFName.Contents, PDFArray);
    for (const ref of streams) array.push(ref);
  });
  return doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
}
