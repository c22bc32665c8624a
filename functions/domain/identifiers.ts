/**
 * Checks of the identifiers of the domain: UAI (school code), SIRET
 * (establishment number of a commune) and INSEE code (a commune's code). Pure,
 * no I/O. What they say when one is wrong is the input parser's
 * (use-cases/input/), which calls these.
 */
const UAI_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

/** The check letter of a UAI: the letter at (first seven digits mod 23). */
export function uaiCheckLetter(digits: string): string {
  return UAI_LETTERS[Number(digits) % 23]!;
}

/** Seven digits and a letter: a UAI's shape, its check letter aside. */
export function isUaiShaped(uai: string): boolean {
  return /^\d{7}[A-Z]$/.test(uai);
}

export function isValidUai(uai: string): boolean {
  const match = /^(\d{7})([A-Z])$/.exec(uai);
  return match !== null && uaiCheckLetter(match[1]!) === match[2];
}

/** The département of a school from its UAI: "0341401N" gives "34", "0660446B" gives "66". */
export function uaiDepartement(uai: string): string {
  return uai.slice(1, 3);
}

/** "0341401N" → "34", "0660713S" → "66", "0971234A" → "971" (overseas keep three digits). */
export function departementOfUai(uai: string): string {
  const digits = uai.slice(0, 3);
  if (!/^\d{3}$/.test(digits)) throw new Error(`Not a UAI: "${uai}"`);
  return digits.startsWith('0') ? digits.slice(1) : digits;
}

/** The Luhn sum of a digit string, every second digit from the right doubled. */
function luhnSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum;
}

/** Fourteen digits: a SIRET's shape, its Luhn key aside. */
export function isSiretShaped(siret: string): boolean {
  return /^\d{14}$/.test(siret);
}

/** Luhn checksum over the 14 digits of a SIRET. */
export function isValidSiret(siret: string): boolean {
  return isSiretShaped(siret) && luhnSum(siret) % 10 === 0;
}

/** The digit that completes 13 digits into a valid SIRET. */
export function siretCheckDigit(first13: string): string {
  return String((10 - (luhnSum(`${first13}0`) % 10)) % 10);
}

/** A commune's INSEE code: five digits, or Corsica's 2A/2B and three digits ("34135", "2A004"). */
export function isInseeCode(insee: string): boolean {
  return /^(\d{5}|2[AB]\d{3})$/.test(insee);
}

/** The département of an INSEE code as a UAI writes it: 34135 → 34, 97101 → 971, and Corsica's 2A/2B → 620/720. */
export function inseeDepartement(insee: string): string {
  if (insee.startsWith('97')) return insee.slice(0, 3);
  if (insee.startsWith('2A')) return '620';
  if (insee.startsWith('2B')) return '720';
  return insee.slice(0, 2);
}

/** "2026-2027": two consecutive years. */
export function isValidSchoolYear(schoolYear: string): boolean {
  const match = /^(\d{4})-(\d{4})$/.exec(schoolYear);
  return match !== null && Number(match[2]) === Number(match[1]) + 1;
}
