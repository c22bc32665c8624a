/**
 * Checks of the identifiers of the domain: UAI (school code) and SIRET
 * (establishment number of a commune). Pure, no I/O.
 */
const UAI_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

/** The check letter of a UAI: the letter at (first seven digits mod 23). */
export function uaiCheckLetter(digits: string): string {
  return UAI_LETTERS[Number(digits) % 23]!;
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
  if (!/^\d{3}$/.test(digits)) throw new Error(`UAI invalide : « ${uai} »`);
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

/** Luhn checksum over the 14 digits of a SIRET. */
export function isValidSiret(siret: string): boolean {
  return /^\d{14}$/.test(siret) && luhnSum(siret) % 10 === 0;
}

/** The digit that completes 13 digits into a valid SIRET. */
export function siretCheckDigit(first13: string): string {
  return String((10 - (luhnSum(`${first13}0`) % 10)) % 10);
}

/** "2026-2027": two consecutive years. */
export function isValidSchoolYear(schoolYear: string): boolean {
  const match = /^(\d{4})-(\d{4})$/.exec(schoolYear);
  return match !== null && Number(match[2]) === Number(match[1]) + 1;
}
