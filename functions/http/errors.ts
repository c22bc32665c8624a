/** The one table from error codes to HTTP statuses, and the JSON shape of an error. */
import type { ErrorCode, FieldIssue } from '../core/errors.ts';
import { isAppError } from '../core/errors.ts';

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  LINK_INVALID: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  ALREADY_SIGNED: 409,
};

export interface ErrorBody {
  error: { code: ErrorCode | 'INTERNAL'; message: string; fields: FieldIssue[] };
}

/** Known errors keep their message; anything else is a 500 whose message never leaves the function. */
export function describeError(error: unknown): { statusCode: number; body: ErrorBody } {
  if (isAppError(error)) {
    return {
      statusCode: STATUS_BY_CODE[error.code],
      body: { error: { code: error.code, message: error.message, fields: error.issues } },
    };
  }
  return {
    statusCode: 500,
    body: {
      error: {
        code: 'INTERNAL',
        message: 'Une erreur interne est survenue ; rien n\'a été perdu. Réessayez dans quelques minutes.',
        fields: [],
      },
    },
  };
}
