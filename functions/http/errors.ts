/** The one table from error codes to HTTP statuses, and the JSON shape of an error. */
import * as z from 'zod';
import { refusalWords } from '../../templates/format/refusals.ts';
import type { ErrorCode } from '../domain/errors.ts';
import { isAppError } from '../domain/errors.ts';
import { isRefused } from '../domain/refusals.ts';

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

const ERROR_CODES = Object.keys(STATUS_BY_CODE) as [ErrorCode, ...ErrorCode[]];

/** Every error the API answers, 4xx and 5xx; the OpenAPI document describes it from this schema. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum([...ERROR_CODES, 'INTERNAL']).meta({ description: 'Code stable, pour les programmes. / A stable code, for programs.' }),
      message: z.string().meta({ description: "Phrase en français qui dit quoi corriger ; jamais le détail d'une erreur interne. / A French sentence; never an internal error's detail." }),
      fields: z
        .array(z.object({ field: z.string().meta({ description: 'Chemin du champ, par exemple `schools.1.uai`. / The field’s path.' }), message: z.string() }))
        .meta({ description: 'Un élément par champ refusé (400) ; vide sinon. / One item per refused field (400); empty otherwise.' }),
    }),
  })
  .meta({ id: 'Error', description: "Erreur, en français ; rien n'est écrit quand une requête est refusée. / An error, in French; nothing is written when a request is refused." });

export type ErrorBody = z.output<typeof errorBodySchema>;

/**
 * Known errors keep their message, and a domain refusal that reaches here as thrown gets its words
 * (templates/format/refusals.ts); anything else is a 500 whose message never leaves the function.
 */
export function describeError(error: unknown): { statusCode: number; body: ErrorBody } {
  if (isAppError(error)) {
    const { message, issues } = isRefused(error) ? refusalWords(error.refusal) : error;
    return {
      statusCode: STATUS_BY_CODE[error.code],
      body: { error: { code: error.code, message, fields: issues } },
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
