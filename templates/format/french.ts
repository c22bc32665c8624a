/**
 * French formatting for documents and emails. Pure functions: no clock, no
 * locale of the machine (Intl is only used with an explicit time zone).
 */

/** U+00A0: before « € », « : », inside « ». */
export const NBSP = '\u00a0';
/** U+202F (espace fine insécable): thousands separator, before « ; ! ? ». */
export const NNBSP = '\u202f';

const MONTHS = [
  'janvier', 'février', 'mars', 'avril', 'mai', 'juin',
  'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre',
] as const;

const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Splits "2026-09-05" into numbers; throws on anything else (dates are inputs, not guesses). */
export function parsePlainDate(date: string): { year: number; month: number; day: number } {
  const match = PLAIN_DATE.exec(date);
  if (!match) throw new Error(`date attendue au format AAAA-MM-JJ : « ${date} »`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) throw new Error(`date invalide : « ${date} »`);
  return { year, month, day };
}

/** "2026-09-05" → "5 septembre 2026"; the first of the month is "1er septembre 2024". */
export function formatFrenchDate(date: string): string {
  const { year, month, day } = parsePlainDate(date);
  return `${day === 1 ? '1er' : String(day)} ${MONTHS[month - 1]} ${year}`;
}

/** "2025-05-28" → "28/05/2025", the short form of the seeds. */
export function formatShortDate(date: string): string {
  const { year, month, day } = parsePlainDate(date);
  return `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`;
}

/** 1234567 → "1 234 567" with thin non-breaking spaces. */
export function formatInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`entier attendu : ${value}`);
  const sign = value < 0 ? '-' : '';
  return sign + String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, NNBSP);
}

/** Integer cents → "80 €", "40,50 €", "2 400 €" (non-breaking space before €). */
export function formatEuros(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new Error(`montant en centimes attendu : ${cents}`);
  const euros = Math.trunc(Math.abs(cents) / 100);
  const rest = Math.abs(cents) % 100;
  const sign = cents < 0 ? '-' : '';
  const whole = sign + formatInteger(euros);
  return `${rest === 0 ? whole : `${whole},${String(rest).padStart(2, '0')}`}${NBSP}€`;
}

/**
 * French typography on free text: typographic apostrophe, non-breaking
 * spaces before « : » and inside guillemets, thin ones before « ; ! ? ».
 * Idempotent, so it can run on text that was already typeset.
 */
export function typeset(text: string): string {
  return text
    .normalize('NFC')
    .replace(/'/g, '’')
    .replace(/[ \u00a0\u202f]*:(?=\s|$)/g, `${NBSP}:`)
    .replace(/[ \u00a0\u202f]*([;!?])(?=\s|$)/g, `${NNBSP}$1`)
    .replace(/«[ \u00a0]*/g, `«${NBSP}`)
    .replace(/[ \u00a0]*»/g, `${NBSP}»`)
    .replace(/"([^"]*)"/g, `«${NBSP}$1${NBSP}»`);
}

const PARIS_PARTS = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

/** An ISO-8601 instant → "23 novembre 2026 à 10 h 05 (heure de Paris)". */
export function formatParisDateTime(instant: string): string {
  const time = Date.parse(instant);
  if (Number.isNaN(time)) throw new Error(`horodatage ISO-8601 attendu : « ${instant} »`);
  const parts: Record<string, string> = {};
  for (const part of PARIS_PARTS.formatToParts(new Date(time))) parts[part.type] = part.value;
  const plain = `${parts.year}-${parts.month?.padStart(2, '0')}-${parts.day?.padStart(2, '0')}`;
  const hour = Number(parts.hour);
  return `${formatFrenchDate(plain)} à ${hour} h ${parts.minute?.padStart(2, '0')} (heure de Paris)`;
}
