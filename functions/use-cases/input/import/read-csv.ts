/**
 * Reading the rectorat's import file: bytes to text, text to rows. Excel
 * exports CSV in Windows-1252 unless told otherwise, LibreOffice and scripts
 * in UTF-8; the separator is « ; » in a French Excel and « , » elsewhere.
 * Line numbers are those a clerk sees in a text editor, so the report can
 * point at them.
 */
import { invalidInput } from '../invalid-input.ts';

/**
 * Windows-1252's 0x80-0x9F, which differ from Latin-1. Node 20's TextDecoder
 * decodes 'windows-1252' as Latin-1 there (0x92 stays U+0092 instead of ’),
 * so the C1 controls it yields are mapped here; on a runtime that decodes
 * them right, nothing is left to map. 0x81, 0x8D, 0x8F, 0x90, 0x9D are unused.
 */
const CP1252_C1: Record<number, string> = {
  0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰',
  0x8a: 'Š', 0x8b: '‹', 0x8c: 'Œ', 0x8e: 'Ž', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•',
  0x96: '–', 0x97: '—', 0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›', 0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ',
};

/** UTF-8 (with or without BOM) when the bytes are valid UTF-8, else Windows-1252. */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    // ignoreBOM false (the default): a leading BOM is dropped.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Any byte sequence is valid Windows-1252: a Latin-1 file lands here too, the same for every letter of French.
    return new TextDecoder('windows-1252').decode(bytes).replace(/[\u0080-\u009f]/g, (char) => CP1252_C1[char.charCodeAt(0)] ?? char);
  }
}

export interface CsvRow {
  /** Physical line of the file (1 = the first line) where the row starts. */
  line: number;
  cells: string[];
}

export type CsvSeparator = ';' | ',';

/** The separator of the header line: whichever of « ; » and « , » it holds more of, outside quotes. */
export function detectSeparator(text: string): CsvSeparator {
  const header = text.replace(/^[\s]*/, '').split(/\r\n|\n|\r/, 1)[0] ?? '';
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (const char of header) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === ';') semicolons += 1;
    else if (!quoted && char === ',') commas += 1;
  }
  return commas > semicolons ? ',' : ';';
}

/**
 * RFC 4180 rows: quoted cells may hold the separator, doubled quotes and line
 * breaks; CRLF, LF and a lone CR all end a line. A row whose cells are all
 * blank (an empty line, or Excel's « ;;;; ») is skipped. The first row returned
 * is the header.
 */
export function parseCsv(text: string, separator: CsvSeparator = detectSeparator(text)): CsvRow[] {
  const rows: CsvRow[] = [];
  let line = 1;
  let rowLine = 1;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let quoteLine = 0;
  let wasQuoted = false;

  const endRow = () => {
    cells.push(cell);
    if (wasQuoted || cells.some((value) => value.trim() !== '')) rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
    wasQuoted = false;
  };

  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === '\n' || (char === '\r' && text[i + 1] !== '\n')) line += 1;
        cell += char;
      }
    } else if (char === '"' && cell.trim() === '') {
      // A quote opens a quoted cell only at its start (spaces before it are Excel-tolerated noise).
      quoted = true;
      wasQuoted = true;
      quoteLine = line;
      cell = '';
    } else if (char === separator) {
      cells.push(cell);
      cell = '';
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      endRow();
      line += 1;
      rowLine = line;
    } else {
      cell += char;
    }
  }
  if (quoted) {
    throw invalidInput(
      [{ field: `ligne ${quoteLine}`, message: `Ligne ${quoteLine} : un guillemet ouvre une cellule qui n'est jamais refermée. Vérifiez les guillemets de cette ligne.` }],
      'Le fichier CSV est mal formé.',
    );
  }
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}
