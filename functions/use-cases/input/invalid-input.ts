/**
 * INVALID_INPUT as the boundary raises it: one issue per field to fix, under a sentence that says so. The
 * domain's AppError carries no words of its own; the default sentence is given here, where input is refused.
 */
import { AppError, type FieldIssue } from '../../domain/errors.ts';

export function invalidInput(issues: FieldIssue[], message = 'Certaines données sont invalides.'): AppError {
  return new AppError('INVALID_INPUT', message, issues);
}
