/** Errors that carry the convention, so the mayor's page can show where it stands. */
import { AppError } from './errors.ts';
import type { Convention } from './model.ts';
import type { SchoolGuard } from './school-guards.ts';

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

/** A commune that already has a convention in the campaign (its SIRET's guard is taken). */
export const communeTaken = (convention: Convention): AppError =>
  new AppError('ALREADY_EXISTS', `La commune ${convention.commune.name} a déjà une convention pour ${convention.schoolYear}.`, [
    { field: 'commune.siret', message: `Une convention existe déjà pour le SIRET ${convention.commune.siret} dans cette campagne.` },
  ]);

/** Schools of the convention already in another commune's convention for the year, each on its field. */
export function schoolsTaken(convention: Convention, taken: readonly Pick<SchoolGuard, 'uai' | 'communeName'>[]): AppError {
  const owners = new Map(taken.map((guard) => [guard.uai, guard.communeName]));
  const issues = [];
  for (const [index, school] of convention.schools.entries()) {
    const owner = owners.get(school.uai);
    if (owner === undefined) continue;
    issues.push({ field: `schools.${index}.uai`, message: `L'école ${school.uai} figure déjà dans la convention de la commune ${owner} pour ${convention.schoolYear}.` });
  }
  return new AppError('ALREADY_EXISTS', "Une école figure déjà dans la convention d'une autre commune.", issues);
}
