/**
 * A PDF text string (ISO 32000-1, 7.9.2.2) for any Unicode text, written as
 * the body of a literal string: what goes between the parentheses of
 * pdf-lib's PDFString.of, which writes its argument as it is (escaping is the
 * caller's, see Hopding/pdf-lib#510).
 *
 * Printable ASCII stays PDFDocEncoding (identical there); anything else makes
 * the whole string UTF-16BE with its byte order mark. Every byte other than a
 * letter, a digit, a space or a little harmless punctuation is an octal
 * escape, so no name can close the string (« ) »), escape from it (« \ »),
 * or leave a « /ByteRange » or « /Contents » in the file for the signing
 * library to find. Only what a text string cannot hold is replaced: control
 * characters (an ESC would start a language code in UTF-16) become spaces,
 * and a lone surrogate becomes U+FFFD.
 */
const LITERAL = /^[A-Za-z0-9 .,;:'_@+&!?*="-]$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// C0, DEL and C1 controls, and the line and paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const escapeByte = (byte: number): string => {
  const char = String.fromCharCode(byte);
  return LITERAL.test(char) ? char : `\\${byte.toString(8).padStart(3, '0')}`;
};

export function pdfTextString(value: string): string {
  const text = value.replace(LONE_SURROGATE, '\ufffd').replace(CONTROL, ' ');
  if (PRINTABLE_ASCII.test(text)) return [...Buffer.from(text, 'latin1')].map(escapeByte).join('');
  const utf16be = Buffer.from(text, 'utf16le').swap16();
  return [0xfe, 0xff, ...utf16be].map(escapeByte).join('');
}
