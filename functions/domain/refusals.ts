/**
 * What a domain rule refuses, as data: a code naming the rule and what the rule saw. The domain never words
 * a refusal; templates/format/refusals.ts says each code in French (exhaustively: a code added here without
 * its words does not compile), and whoever shows it calls that: the use case that raises the AppError, or
 * functions/http/errors.ts for a refusal that reaches it as thrown.
 */
import type { RectoratParty } from './campaign-text.ts';
import { AppError, type ErrorCode } from './errors.ts';

export type RuleRefusal =
  /** The commune already has a convention in the campaign (its SIRET's guard is taken). */
  | { code: 'commune-taken'; communeName: string; siret: string; schoolYear: string }
  /** Schools of the list are already in other communes' conventions for the year; `index` is the school's place in the list. */
  | { code: 'schools-taken'; schoolYear: string; taken: readonly { index: number; uai: string; communeName: string }[] }
  /** The convention can no longer be signed or declined: the commune signed it. */
  | { code: 'already-signed' }
  /** The convention can no longer be signed or declined: the commune declined it. */
  | { code: 'already-declined' }
  /** The campaign requires the délibération and the form gives neither its number nor its date. */
  | { code: 'deliberation-missing' }
  /** The délibération is dated after the day of the signature (Paris): the council votes first. */
  | { code: 'deliberation-after-today'; date: string; today: string }
  /** The campaign names a convention text that does not exist. */
  | { code: 'text-unknown'; model: string; available: readonly string[] }
  /** The campaign names a text whose party is not the one its school year's conventions name. */
  | { code: 'text-of-other-party'; text: string; textParty: RectoratParty; schoolYear: string; party: RectoratParty }
  /** No text of the right party precedes the campaign's school year. */
  | { code: 'no-text-for-year'; schoolYear: string; party: RectoratParty; available: readonly string[] };

export type RefusalCode = RuleRefusal['code'];

/** The error code each refusal is raised with, and so its HTTP status (functions/http/errors.ts). */
export const REFUSAL_ERROR_CODES: Record<RefusalCode, ErrorCode> = {
  'commune-taken': 'ALREADY_EXISTS',
  'schools-taken': 'ALREADY_EXISTS',
  'already-signed': 'ALREADY_SIGNED',
  'already-declined': 'CONFLICT',
  'deliberation-missing': 'INVALID_INPUT',
  'deliberation-after-today': 'INVALID_INPUT',
  'text-unknown': 'INVALID_INPUT',
  'text-of-other-party': 'INVALID_INPUT',
  'no-text-for-year': 'INVALID_INPUT',
};

/**
 * A refusal thrown through layers that only pass it on (a repository's guard, below the use case). Its
 * message is the bare code, for the logs: whoever shows it phrases `refusal`.
 */
export class RefusedError extends AppError {
  readonly refusal: RuleRefusal;

  constructor(refusal: RuleRefusal) {
    super(REFUSAL_ERROR_CODES[refusal.code], refusal.code);
    this.name = 'RefusedError';
    this.refusal = refusal;
  }
}

export const isRefused = (error: unknown): error is RefusedError => error instanceof RefusedError;
