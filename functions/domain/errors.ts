/**
 * The one error vocabulary of Paraphe. The core throws AppError with a code;
 * functions/http/errors.ts maps codes to HTTP statuses and renders them. The
 * domain itself words nothing: its rules throw a RefusedError (refusals.ts),
 * a code and data that templates/format/refusals.ts phrases; the use cases
 * raise AppErrors with their French message, and INVALID_INPUT's default
 * sentence is the boundary's (use-cases/input/invalid-input.ts).
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'CONFLICT'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'LINK_INVALID'
  | 'ALREADY_SIGNED';

/** A problem with one field of the input, in words a person can act on. */
export interface FieldIssue {
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: FieldIssue[];

  constructor(code: ErrorCode, message: string, issues: FieldIssue[] = []) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.issues = issues;
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** A sender's claim on a convention was lost to another sender, or its write already landed. */
export const isLostClaim = (error: unknown): boolean => error instanceof AppError && error.code === 'CONFLICT';
