/**
 * The commune's signature space of the signed copy, filled as the seeds' are:
 * "Pour le Maire et par délégation, Directeur Général des Services", the
 * signer, the délibération that authorised the signature, and when it was
 * signed. The original's pages are kept as they were; the mention is drawn
 * over the blank space the renderer recorded on its page
 * (/ParapheSignatureSpace), as a form XObject with its own fonts. A document
 * without that entry (an avenant, a convention sent before it existed) is
 * left as it is: its certificate page says the same.
 */
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRawStream, type PDFDocument } from 'pdf-lib';
import { parisDateOf } from '../../functions/domain/calendar.ts';
import { formatFrenchDate, typeset } from '../format/french.ts';
import { compressContent, SIGNATURE_SPACE_KEY } from './pdf/assemble.ts';
import { installFontSet, type FontSet } from './pdf/font-set.ts';
import { PAGE, placeText, wrap } from './pdf/layout.ts';

export interface SignatureMention {
  signerName: string;
  capacity: 'maire' | 'delegation';
  delegateFunction?: string;
  deliberation?: { number: string; date: string };
  signedAt: string;
}

/** The lines written in the commune's signature space. */
export function signatureMentionLines(mention: SignatureMention, certificatePage: number): string[] {
  const role = mention.delegateFunction?.trim();
  const deliberation = mention.deliberation;
  return [
    mention.capacity === 'maire' ? 'Le Maire' : `Pour le Maire et par délégation${role ? `, ${role}` : ''}`,
    mention.signerName,
    ...(deliberation ? [`Délibération N° ${deliberation.number}${deliberation.date ? ` du ${formatFrenchDate(deliberation.date)}` : ''}`] : []),
    `Signé électroniquement le ${formatFrenchDate(parisDateOf(mention.signedAt))} (certificat de signature, page ${certificatePage})`,
  ].map(typeset);
}

const LEADING = 1.25;

/** Draws `lines` in the recorded signature space; false when the document has none. `fonts` must draw every character of them. */
export function fillSignatureSpace(doc: PDFDocument, lines: string[], fonts: FontSet): boolean {
  const page = doc.getPages().find((candidate) => candidate.node.get(PDFName.of(SIGNATURE_SPACE_KEY)));
  if (!page) return false;
  const [x, top, bottom, width] = page.node.lookup(PDFName.of(SIGNATURE_SPACE_KEY), PDFArray).asArray().map((n) => (n as PDFNumber).asNumber()) as [number, number, number, number];
  const laid = (size: number) => lines.flatMap((line) => wrap(fonts.regular, line, size, width).map((words) => words.join(' ')));
  // The space is the blank the seeds leave for a hand signature: a long function or number takes a smaller size.
  let size = 9;
  while (size > 6.5 && laid(size).length * size * LEADING > top - bottom - 4) size -= 0.5;
  const ops = laid(size).map((line, i) => placeText(fonts, 'regular', size, line, x, top - 4 - size - i * size * LEADING)).join('');

  const form = doc.context.register(PDFRawStream.of(
    doc.context.obj({ Type: 'XObject', Subtype: 'Form', BBox: [0, 0, PAGE.width, PAGE.height], Resources: doc.context.obj({ Font: installFontSet(doc, fonts) }), Filter: 'FlateDecode' }),
    compressContent(`0.1 0.1 0.45 rg\n${ops}`),
  ));
  // The pages share one resource dictionary: this page gets its own copy, with the mention.
  const resources = page.node.Resources()!.clone(doc.context);
  const xobjects = resources.lookupMaybe(PDFName.of('XObject'), PDFDict)?.clone(doc.context) ?? (doc.context.obj({}) as PDFDict);
  xobjects.set(PDFName.of('ParapheSignature'), form);
  resources.set(PDFName.of('XObject'), xobjects);
  page.node.set(PDFName.of('Resources'), resources);
  page.node.addContentStream(doc.context.register(PDFRawStream.of(doc.context.obj({}), new TextEncoder().encode('q /ParapheSignature Do Q\n'))));
  return true;
}
