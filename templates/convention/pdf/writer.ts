/**
 * A minimal PDF 1.7 serializer: numbered objects, a classic xref table, a
 * trailer with a content-derived /ID. pdf-lib's writer rebuilds and
 * re-serializes every object (the font's width arrays, number by number) for
 * each document; here the font objects arrive already serialized, so a
 * convention costs little more than concatenating buffers.
 */
import { createHash } from 'node:crypto';

const HEADER = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');

/** A PDF text string: literal when ASCII, UTF-16BE with BOM (hex) otherwise. */
export function pdfText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
  const utf16 = Buffer.from(text, 'utf16le').swap16();
  return `<FEFF${utf16.toString('hex').toUpperCase()}>`;
}

/** "D:20250528000000Z" */
export function pdfDate(date: Date): string {
  return `(D:${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z)`;
}

export class PdfWriter {
  private readonly chunks: Uint8Array[] = [HEADER];
  /** Chunks standing for themselves in the /ID hash by a precomputed digest (the font objects). */
  private readonly digests = new Map<number, string>();
  private readonly offsets: number[] = [];
  private length = HEADER.length;
  private next = 1;

  /** Reserves the next object number (objects may be written in any order). */
  reserve(): number {
    return this.next++;
  }

  /** Object number the next `reserve()` returns. */
  get nextNumber(): number {
    return this.next;
  }

  /**
   * Appends bytes that already hold complete "n 0 obj … endobj" objects, at
   * known relative offsets; `digest` (of those bytes) spares hashing them again.
   */
  putSerialized(bytes: Uint8Array, objects: { number: number; offset: number }[], digest?: string): void {
    for (const { number, offset } of objects) this.offsets[number] = this.length + offset;
    for (const { number } of objects) this.next = Math.max(this.next, number + 1);
    if (digest) this.digests.set(this.chunks.length, digest);
    this.push(bytes);
  }

  put(number: number, body: string): void {
    this.offsets[number] = this.length;
    this.push(Buffer.from(`${number} 0 obj\n${body}\nendobj\n`, 'latin1'));
  }

  putStream(number: number, dict: string, data: Uint8Array | string): void {
    if (typeof data === 'string') data = Buffer.from(data, 'latin1');
    this.offsets[number] = this.length;
    this.push(Buffer.from(`${number} 0 obj\n<<${dict} /Length ${data.length}>>\nstream\n`, 'latin1'));
    this.push(data);
    this.push(Buffer.from('\nendstream\nendobj\n', 'latin1'));
  }

  finish(root: number, info: number): Uint8Array {
    const count = this.next;
    const id = createHash('md5');
    this.chunks.forEach((chunk, index) => id.update(this.digests.get(index) ?? chunk));
    const digest = id.digest('hex').toUpperCase();
    let xref = `xref\n0 ${count}\n0000000000 65535 f \n`;
    for (let n = 1; n < count; n++) {
      const offset = this.offsets[n];
      if (offset === undefined) throw new Error(`objet PDF ${n} réservé mais jamais écrit`);
      xref += `${String(offset).padStart(10, '0')} 00000 n \n`;
    }
    xref += `trailer\n<</Size ${count} /Root ${root} 0 R /Info ${info} 0 R /ID [<${digest}> <${digest}>]>>\nstartxref\n${this.length}\n%%EOF\n`;
    this.push(Buffer.from(xref, 'latin1'));
    return Buffer.concat(this.chunks, this.length);
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
}
