/**
 * A domain refusal raised by a use case: the AppError of its code, in the words of
 * templates/format/refusals.ts. The domain throws refusals as data; the use case is where they become
 * the sentence the API, the console and the mayor's pages show.
 */
import { refusalWords } from '../../templates/format/refusals.ts';
import { AppError } from '../domain/errors.ts';
import { isRefused, REFUSAL_ERROR_CODES, type RuleRefusal } from '../domain/refusals.ts';

export function refusedError(refusal: RuleRefusal): AppError {
  const { message, issues } = refusalWords(refusal);
  return new AppError(REFUSAL_ERROR_CODES[refusal.code], message, issues);
}

/** What a use case lets through of an error thrown below it (a domain rule, a repository's guard): a refusal in words, anything else as it is. */
export function inWords(error: unknown): unknown {
  return isRefused(error) ? refusedError(error.refusal) : error;
}
