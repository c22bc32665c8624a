/**
 * Conventions per second, one core: the campaign renderer (fonts subset once,
 * static articles laid out and compressed once) beside a pdfkit baseline
 * that draws the same blocks of the same document, measured in the same run.
 * Last line: `pdf: <N>/s, pdfkit <M>/s, ratio <N/M>`.
 */
import PDFDocument from 'pdfkit';
import { loadFontBytes } from '../../templates/fonts/load-fonts.ts';
import { itemsToBlocks, textBlock } from '../../templates/convention/pdf/items.ts';
import type { Block, TextBlock } from '../../templates/convention/pdf/layout.ts';
import { MARGIN, PAGE, TEXT_WIDTH } from '../../templates/convention/pdf/layout.ts';
import { chooseModel, loadConventionModels } from '../../templates/convention/models.ts';
import {
  conventionValues, createConventionRenderer, schoolLine, signatureBlocks, type ConventionDocumentInput,
} from '../../templates/convention/render-convention.ts';
import { typeset } from '../../templates/format/french.ts';
import { fill } from '../../templates/convention/pdf/items.ts';
import { syntheticCommune } from '../fixtures/documents.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);

/** The same document as blocks, for pdfkit: first page, a page break, articles, signatures. */
function conventionBlocks(input: ConventionDocumentInput): { blocks: Block[]; footer: string } {
  const model = chooseModel(loadConventionModels(), input.schoolYear, input.model);
  const values = conventionValues(input);
  const lines = input.schools.map((s) => schoolLine(input.commune.name, s));
  return {
    blocks: [
      ...itemsToBlocks(model.front, values),
      { kind: 'pageBreak' },
      ...itemsToBlocks(model.articles, values, lines),
      ...signatureBlocks(model, values),
    ],
    footer: typeset(fill(model.footer, values)),
  };
}

function renderWithPdfkit(input: ConventionDocumentInput): Promise<Buffer> {
  const { blocks, footer } = conventionBlocks(input);
  const fonts = loadFontBytes();
  const doc = new PDFDocument({
    size: 'A4', bufferPages: true, lang: 'fr-FR',
    margins: { top: MARGIN.top, bottom: MARGIN.bottom, left: MARGIN.left, right: MARGIN.right },
    info: { Title: `Convention ENT-École ${input.schoolYear} — Commune de ${input.commune.name}`, Author: 'Région académique Occitanie', CreationDate: new Date(input.issueDate) },
  });
  doc.registerFont('R', Buffer.from(fonts.sans));
  doc.registerFont('B', Buffer.from(fonts.sansBold));
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const drawText = (b: TextBlock, x: number, width: number): void => {
    doc.font(b.font === 'bold' ? 'B' : 'R').fontSize(b.size ?? 10);
    if (b.spaceBefore) doc.moveDown(b.spaceBefore / 13);
    const indent = b.indent ?? 0;
    if (b.bullet) doc.text(b.bullet, x + indent - 12, doc.y, { lineBreak: false });
    doc.text(b.text, x + indent, doc.y, { width: width - indent, align: b.align ?? 'justify', lineGap: 2.5 });
    if (b.spaceAfter) doc.moveDown(b.spaceAfter / 13);
  };
  const draw = (block: Block): void => {
    if (block.kind === 'pageBreak') { doc.addPage(); return; }
    if (block.kind === 'fixed') { block.blocks.forEach(draw); return; }
    if (block.kind === 'text') { drawText(block, MARGIN.left, TEXT_WIDTH); return; }
    if (doc.y > PAGE.height - MARGIN.bottom - 120) doc.addPage();
    const top = doc.y;
    const width = (TEXT_WIDTH - 24) / block.columns.length;
    block.columns.forEach((column, c) => {
      doc.y = top;
      column.forEach((b) => drawText(b, MARGIN.left + c * (width + 24), width));
    });
  };
  blocks.forEach(draw);
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(i);
    doc.font('R').fontSize(8);
    doc.text(footer, MARGIN.left, PAGE.height - MARGIN.bottom + 30, { lineBreak: false });
    doc.text(`${i + 1}/${range.count}`, PAGE.width - MARGIN.right - 30, PAGE.height - MARGIN.bottom + 30, { width: 30, align: 'right', lineBreak: false });
  }
  doc.end();
  return done;
}

async function measure(label: string, render: (input: ConventionDocumentInput) => Promise<Uint8Array>, seconds: number, warmUp: number): Promise<number> {
  for (let i = 0; i < warmUp; i++) await render(syntheticCommune(100_000 + i)); // warm-up (JIT, caches)
  let count = 0;
  let bytes = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    bytes += (await render(syntheticCommune(count))).length;
    count++;
  }
  const elapsed = (performance.now() - start) / 1000;
  const rate = count / elapsed;
  console.log(`${label}: ${count} conventions in ${elapsed.toFixed(2)} s = ${rate.toFixed(0)}/s, ${(bytes / count / 1024).toFixed(1)} KiB each`);
  return rate;
}

export async function run(): Promise<void> {
  const setup = performance.now();
  const renderer = await createConventionRenderer();
  await renderer.render(syntheticCommune(0));
  console.log(`campaign set-up (font subsets, static pages): ${(performance.now() - setup).toFixed(0)} ms`);
  const ours = await measure('paraphe renderer', (input) => renderer.render(input), SECONDS, 300);
  const baseline = await measure('pdfkit baseline (same blocks, subset per document)', renderWithPdfkit, SECONDS / 2, 2);
  console.log(`pdf: ${ours.toFixed(0)}/s, pdfkit ${baseline.toFixed(0)}/s, ratio ${(ours / baseline).toFixed(1)}`);
}
