/**
 * When does a school belong to a convention? The one rule, shared by every
 * writer and reader of the school guards (one guard per school and campaign).
 *
 * A convention may list hundreds of schools (Toulouse: ~200), more than one
 * DynamoDB transaction holds (100 items), so a guard is claimed in its own
 * chunk of writes before the convention itself is written, and released
 * after the convention stops listing it. Between the two, a guard can exist
 * that the convention does not back (yet, or any more, or ever if the
 * process died). The guard alone therefore proves nothing: the convention it
 * names decides.
 */
import type { Convention } from './model.ts';

/**
 * How long an operation may hold a guard its convention does not back yet
 * (an add or an avenant signature between its first claim and its final
 * transaction). Longer than any Lambda lives (15 minutes at most), so a
 * claim is never taken over from an operation still in flight; writers also
 * give up before their final transaction once this long has passed since
 * their first claim (see CLAIM_DEADLINE_MS), so a late final write never
 * lands on a guard someone else took over.
 */
export const GUARD_GRACE_MS = 20 * 60 * 1000;

/** A writer that took longer than this since its first claim releases its claims instead of committing. */
export const CLAIM_DEADLINE_MS = 10 * 60 * 1000;

export interface SchoolGuard {
  uai: string;
  conventionId: string;
  /** ISO instant of the claim; absent on guards written before claims were chunked (claimed long ago). */
  claimedAt?: string;
  siret: string;
  communeName: string;
}

/**
 * - live: the convention exists, is not cancelled and lists the school: the school is taken;
 * - in-flight: not backed yet, but claimed recently by an operation that may still commit: taken for now;
 * - free: anyone may take the guard over (conditionally on its current owner).
 */
export type GuardState = 'live' | 'in-flight' | 'free';

export function guardState(
  guard: SchoolGuard,
  owner: Pick<Convention, 'id' | 'status' | 'schools'> | undefined,
  nowMs: number,
): GuardState {
  if (isGuardLive(guard, owner)) return 'live';
  // A cancelled convention never comes back: its guards are dead at once, whatever their age.
  if (owner?.id === guard.conventionId && owner.status === 'cancelled') return 'free';
  const claimed = guard.claimedAt === undefined ? Number.NaN : Date.parse(guard.claimedAt);
  if (Number.isNaN(claimed)) return 'free';
  return nowMs - claimed < GUARD_GRACE_MS ? 'in-flight' : 'free';
}

/** The school belongs to the guard's convention: what readers (the import, an avenant's request) report as taken. */
export function isGuardLive(guard: SchoolGuard, owner: Pick<Convention, 'id' | 'status' | 'schools'> | undefined): boolean {
  return owner !== undefined && owner.id === guard.conventionId && owner.status !== 'cancelled'
    && owner.schools.some((school) => school.uai === guard.uai);
}
