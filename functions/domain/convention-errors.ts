/** Errors that carry the convention, so the mayor's page can show where it stands. */
import { AppError } from './errors.ts';
import type { Convention } from './model.ts';

export class AlreadySignedError extends AppError {
  readonly convention: Convention;
  constructor(convention: Convention) {
    super('ALREADY_SIGNED', 'Cette convention est déjà signée.');
    this.convention = convention;
  }
}

export class AlreadyDeclinedError extends AppError {
  readonly convention: Convention;
  constructor(convention: Convention) {
    super('CONFLICT', 'Le refus de cette convention est déjà enregistré.');
    this.convention = convention;
  }
}

/** Where a convention that can no longer be signed or declined stands. */
export function settledError(convention: Convention | undefined): AppError | undefined {
  if (convention?.status === 'signed' || convention?.status === 'executed') return new AlreadySignedError(convention);
  if (convention?.status === 'declined') return new AlreadyDeclinedError(convention);
  return undefined;
}
