/**
 * Turns laid-out pages into PDF bytes (PdfWriter; pdf-lib only for metadata of loaded documents). Pages may share a
 * pre-compressed content stream (the static articles, compressed once per
 * campaign) and add their own; every page gets a footer with "n/N".
 * Deterministic: dates come from the caller, no ids, no clock.
 */
import { deflateSync } from 'node:zlib';
import type { PDFDocument } from 'pdf-lib';
import type { FontSet } from './font-set.ts';
import { MARGIN, PAGE, placeText, type BlankSpace, type Part } from './layout.ts';
import { PdfWriter, pdfDate, pdfText } from './writer.ts';

/** A page's content, in drawing order: own operators, shared fixed blocks, precompressed streams. */
export type PageContent = (Part | Uint8Array)[];

export interface DocumentMeta {
  title: string;
  author: string;
  subject: string;
  keywords: string[];
  /** Creation and modification date written in the Info dictionary. */
  date: Date;
  /** Left part of every footer; the right part is "n/N". */
  footer: string;
  /** Recorded in its page's dictionary (/ParapheSignatureSpace [x top bottom width]) for the signed copy to fill. */
  signatureSpace?: BlankSpace;
}

/** The page entry naming the commune's signature space; read back by signature-mention.ts. */
export const SIGNATURE_SPACE_KEY = 'ParapheSignatureSpace';

const encoder = new TextEncoder();

/** Deflates a content stream: hard (9) when shared by a campaign, fast (1) for one document. */
export function compressContent(ops: string, level = 9): Uint8Array {
  return deflateSync(encoder.encode(ops), { level });
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
  const writer = new PdfWriter();
  const [catalog, tree, info] = [writer.reserve(), writer.reserve(), writer.reserve()];
  writer.putSerialized(fonts.serialized.bytes, fonts.serialized.objects, fonts.serialized.digest);
  const resources = writer.reserve();
  writer.put(resources, `<< /Font ${fonts.serialized.resources} /ProcSet [/PDF /Text] >>`);
  const kids: number[] = [];
  pages.forEach((content, index) => {
    const page = writer.reserve();
    kids.push(page);
    const streams: number[] = [];
    const putCompressed = (bytes: Uint8Array): void => {
      const number = writer.reserve();
      writer.putStream(number, '/Filter /FlateDecode', bytes);
      streams.push(number);
    };
    // Deflating a few hundred bytes costs more (zlib set-up) than it saves.
    const putOwn = (ops: string): void => {
      const number = writer.reserve();
      if (ops.length < 1024) writer.putStream(number, '', ops);
      else writer.putStream(number, '/Filter /FlateDecode', compressContent(ops, 1));
      streams.push(number);
    };
    let own = '';
    for (const part of content) {
      if (typeof part === 'string') { own += part; continue; }
      const shared = part instanceof Uint8Array ? part : (part.shared.shared!.compressed ??= compressContent(part.shared.shared!.ops));
      const moved = !(part instanceof Uint8Array) && part.dy !== 0;
      own += moved ? `q 1 0 0 1 0 ${(part as { dy: number }).dy.toFixed(2)} cm\n` : '';
      if (own !== '') putOwn(own);
      putCompressed(shared);
      own = moved ? 'Q\n' : '';
    }
    putOwn(own + footerOps(fonts, meta.footer, index, pages.length));
    const space = meta.signatureSpace?.page === index ? meta.signatureSpace : undefined;
    const spaceEntry = space ? ` /${SIGNATURE_SPACE_KEY} [${[space.x, space.top, space.bottom, space.width].map((n) => (Math.round(n * 100) / 100).toString()).join(' ')}]` : '';
    writer.put(page, `<< /Type /Page /Parent ${tree} 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] /Resources ${resources} 0 R /Contents [${streams.map((n) => `${n} 0 R`).join(' ')}]${spaceEntry} >>`);
  });
  writer.put(tree, `<< /Type /Pages /Kids [${kids.map((n) => `${n} 0 R`).join(' ')}] /Count ${kids.length} >>`);
  writer.put(catalog, `<< /Type /Catalog /Pages ${tree} 0 R /Lang (fr-FR) /ViewerPreferences << /DisplayDocTitle true >> >>`);
  const date = pdfDate(meta.date);
  writer.put(info, `<< /Title ${pdfText(meta.title)} /Author ${pdfText(meta.author)} /Subject ${pdfText(meta.subject)} ` +
    `/Keywords ${pdfText(meta.keywords.join(' '))} /Creator (Paraphe) /Producer (Paraphe) /CreationDate ${date} /ModDate ${date} >>`);
  return writer.finish(catalog, info);
}
