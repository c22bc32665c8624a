import { describe, expect, it } from 'vitest';
import { pdfTextString } from '../../../functions/adapters/pdf-text-string.ts';

describe('a PDF text string for the seal', () => {
  it('keeps printable ASCII in PDFDocEncoding, escaping every delimiter as an octal byte', () => {
    expect(pdfTextString('Lespignan')).toBe('Lespignan');
    expect(pdfTextString('Evil) /ByteRange [0 10 20 30] /X (')).toBe('Evil\\051 \\057ByteRange \\1330 10 20 30\\135 \\057X \\050');
    expect(pdfTextString('a\\b')).toBe('a\\134b');
  });

  it('writes anything else as UTF-16BE with its byte order mark', () => {
    expect(pdfTextString('Œ’')).toBe('\\376\\377\\001R \\031');
    expect(pdfTextString('é')).toBe('\\376\\377\\000\\351');
  });

  it('never lets a delimiter or a name appear raw, whatever the text', () => {
    for (const value of ['L’Isle) /Contents <00>', '(\u0000\u001b\r\n)', 'Ω/ByteRange']) {
      expect(pdfTextString(value)).not.toMatch(/[()<>[\]/\r\n\u0000]|\\[^0-7]/);
    }
  });

  it('replaces only what a text string cannot hold: control characters by spaces, a lone surrogate by U+FFFD', () => {
    expect(pdfTextString('a\tb\u001bc')).toBe('a b c');
    expect(pdfTextString('x\ud800')).toBe('\\376\\377\\000x\\377\\375');
  });
});
