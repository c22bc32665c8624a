/** Refusals of a convention's state or of its guards, thrown as data (refusals.ts); the ones of the mayor's page carry the convention, so the page can show where it stands. */
import type { Convention } from './model.ts';
import { RefusedError } from './refusals.ts';
import type { SchoolGuard } from './school-guards.ts';

export class AlreadySignedError extends RefusedError {
  readonly convention: Convention;
  constructor(convention: Convention) {
    super({ code: 'already-signed' });
    this.convention = convention;
  }
}

export class AlreadyDeclinedError extends RefusedError {
  readonly convention: Convention;
  constructor(convention: Convention) {
    super({ code: 'already-declined' });
    this.convention = convention;
  }
}

/** Where a convention that can no longer be signed or declined stands. */
export function settledError(convention: Convention | undefined): RefusedError | undefined {
  if (convention?.status === 'signed' || convention?.status === 'executed') return new AlreadySignedError(convention);
  if (convention?.status === 'declined') return new AlreadyDeclinedError(convention);
  return undefined;
}

/** A commune that already has a convention in the campaign (its SIRET's guard is taken). */
export const communeTaken = (convention: Convention): RefusedError =>
  new RefusedError({ code: 'commune-taken', communeName: convention.commune.name, siret: convention.commune.siret, schoolYear: convention.schoolYear });

/** Schools of the convention already in another commune's convention for the year, each with its place in the list. */
export function schoolsTaken(convention: Convention, taken: readonly Pick<SchoolGuard, 'uai' | 'communeName'>[]): RefusedError {
  const owners = new Map(taken.map((guard) => [guard.uai, guard.communeName]));
  const schools = [];
  for (const [index, school] of convention.schools.entries()) {
    const owner = owners.get(school.uai);
    if (owner !== undefined) schools.push({ index, uai: school.uai, communeName: owner });
  }
  return new RefusedError({ code: 'schools-taken', schoolYear: convention.schoolYear, taken: schools });
}
