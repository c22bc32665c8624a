/**
 * INVALID_INPUT as the boundary raises it: one issue per field to fix, under a sentence that says so. The
 * domain's AppError carries no words of its own; the default sentence is the templates', given here, where
 * input is refused.
 */
import { INVALID_INPUT_MESSAGE } from '../../../templates/format/refusals.ts';
import { AppError, type FieldIssue } from '../../domain/errors.ts';

export function invalidInput(issues: FieldIssue[], message = INVALID_INPUT_MESSAGE): AppError {
  return new AppError('INVALID_INPUT', message, issues);
}
