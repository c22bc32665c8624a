/**
 * The school guards of a campaign (one item per school: "this school belongs
 * to that convention"), claimed and released in chunks of their own.
 *
 * Why chunks: a transaction holds at most 100 items, and a large commune
 * (Toulouse, ~200 schools) lists more. So the guards are claimed in chunks
 * BEFORE the small transaction that writes the convention (or the avenant's
 * new list), and released in chunks AFTER the one that stops listing them.
 * A guard whose convention does not back it is harmless: domain/school-guards.ts
 * says when a guard is live, in flight, or free to take over, so a process
 * that dies between two chunks blocks nobody for longer than the grace period.
 */
import { DeleteCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../domain/errors.ts';
import type { Convention } from '../../domain/model.ts';
import { CLAIM_DEADLINE_MS, guardState, isGuardLive, type SchoolGuard } from '../../domain/school-guards.ts';
import { batchGetAll, cancellationReasons, isConditionalCheckFailed, transact } from './client.ts';
import { log } from '../logging.ts';
import { conventionKey, schoolGuardKey, uaiOfSchoolGuard } from './keys.ts';

/** Well under the 100 actions of a transaction. */
export const GUARD_CHUNK = 90;
/** Takeovers of stale guards that another writer raced us to: give up after a few. */
const MAX_ATTEMPTS = 5;

export interface GuardOwner {
  conventionId: string;
  siret: string;
  communeName: string;
}

type Owner = Pick<Convention, 'id' | 'status' | 'schools'>;

export type ClaimResult =
  | { ok: true; claimed: string[]; startedAt: number }
  /** Schools held by another live (or in-flight) convention; this operation's claims are released. */
  | { ok: false; taken: SchoolGuard[] };

const chunksOf = <T>(items: readonly T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
};

/** The wall clock of the process: claims and their grace are about processes, not about the domain's clock. */
export type WallClock = () => number;

export function createSchoolGuards(db: DynamoDBDocumentClient, tableName: string, wallClock: WallClock = Date.now) {
  const batchGet = (keys: Record<string, unknown>[], projection?: { expression: string; names: Record<string, string> }) =>
    batchGetAll(db, tableName, keys, projection ? { projection } : {});

  async function readGuards(schoolYear: string, uais: readonly string[]): Promise<Map<string, SchoolGuard>> {
    const items = await batchGet([...new Set(uais)].map((uai) => ({ ...schoolGuardKey(schoolYear, uai) })));
    return new Map(items.map((item) => {
      const uai = uaiOfSchoolGuard(String(item.sk));
      const guard: SchoolGuard = {
        uai,
        conventionId: String(item.conventionId),
        ...(typeof item.claimedAt === 'string' ? { claimedAt: item.claimedAt } : {}),
        siret: String(item.siret),
        communeName: String(item.communeName),
      };
      return [uai, guard];
    }));
  }

  /** The conventions the guards name: only what the liveness rule reads. */
  async function readOwners(guards: Iterable<SchoolGuard>): Promise<Map<string, Owner>> {
    const ids = [...new Set([...guards].map((guard) => guard.conventionId))];
    const items = await batchGet(ids.map((id) => ({ ...conventionKey(id) })), {
      expression: '#id, #status, #schools',
      names: { '#id': 'id', '#status': 'status', '#schools': 'schools' },
    });
    return new Map(items.map((item) => [String(item.id), item as unknown as Owner]));
  }

  /** Deletes this convention's guards of these schools; a guard someone else holds now is left alone. */
  async function release(schoolYear: string, conventionId: string, uais: readonly string[]): Promise<void> {
    for (const chunk of chunksOf(uais, GUARD_CHUNK)) {
      const deletes = chunk.map((uai) => ({
        TableName: tableName,
        Key: schoolGuardKey(schoolYear, uai),
        ConditionExpression: 'conventionId = :me',
        ExpressionAttributeValues: { ':me': conventionId },
      }));
      if (await transact(db, deletes.map((Delete) => ({ Delete })))) continue;
      // One of them was taken over (or is gone): the others still go, one by one.
      for (const input of deletes) {
        try {
          await db.send(new DeleteCommand(input));
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw error;
        }
      }
    }
  }

  /**
   * Release after the final transaction committed: the operation has succeeded, and these guards are
   * no longer live (their convention is cancelled, or no longer lists the school), so a failure here
   * must not turn the success into an error (a mayor told their signature failed when it landed).
   * What is left behind is free by the liveness rule: logged, not thrown.
   */
  async function tidy(schoolYear: string, conventionId: string, uais: readonly string[]): Promise<void> {
    try {
      await release(schoolYear, conventionId, uais);
    } catch (error) {
      log().warn({ message: 'school guards left behind (free by the liveness rule)', conventionId, count: uais.length, error: error as Error });
    }
  }

  /**
   * Claims the guards of these schools for the convention, in chunks: a guard
   * that is missing, already this convention's (a retry), or free by the
   * liveness rule is taken; a live or in-flight one stops the claim, and the
   * guards this call wrote are released.
   */
  async function claim(schoolYear: string, owner: GuardOwner, uais: readonly string[]): Promise<ClaimResult> {
    const startedAt = wallClock();
    const claimedAt = new Date(startedAt).toISOString();
    const claimed: string[] = [];
    const item = (uai: string) => ({
      ...schoolGuardKey(schoolYear, uai),
      entity: 'school-guard',
      uai,
      conventionId: owner.conventionId,
      siret: owner.siret,
      communeName: owner.communeName,
      claimedAt,
    });
    try {
      for (const chunk of chunksOf(uais, GUARD_CHUNK)) {
        // School → the convention whose stale guard we take over, on condition that it still holds it.
        const takeovers = new Map<string, string>();
        for (let attempt = 1; ; attempt += 1) {
          const puts = chunk.map((uai) => {
            const previous = takeovers.get(uai);
            return {
              Put: {
                TableName: tableName,
                Item: item(uai),
                ...(previous === undefined
                  ? { ConditionExpression: 'attribute_not_exists(pk) OR conventionId = :me', ExpressionAttributeValues: { ':me': owner.conventionId } }
                  : { ConditionExpression: 'conventionId = :previous', ExpressionAttributeValues: { ':previous': previous } }),
              },
            };
          });
          const reasons = await transactReasons(puts);
          if (reasons === undefined) {
            claimed.push(...chunk);
            break;
          }
          const failed = chunk.filter((_, index) => reasons[index] === 'ConditionalCheckFailed');
          const guards = await readGuards(schoolYear, failed);
          const owners = await readOwners(guards.values());
          const now = wallClock();
          const taken: SchoolGuard[] = [];
          for (const uai of failed) {
            const guard = guards.get(uai);
            if (!guard) takeovers.delete(uai); // released meanwhile: claim it as a new one
            else if (guard.conventionId === owner.conventionId) takeovers.delete(uai);
            else if (guardState(guard, owners.get(guard.conventionId), now) === 'free') takeovers.set(uai, guard.conventionId);
            else taken.push(guard);
          }
          if (taken.length > 0) {
            await release(schoolYear, owner.conventionId, claimed);
            return { ok: false, taken };
          }
          if (attempt >= MAX_ATTEMPTS) {
            throw new AppError('CONFLICT', "Les écoles de cette convention sont modifiées en ce moment par une autre opération : réessayez dans un instant.");
          }
        }
      }
    } catch (error) {
      await release(schoolYear, owner.conventionId, claimed).catch(() => undefined);
      throw error;
    }
    return { ok: true, claimed, startedAt };
  }

  /** undefined when the transaction passed; the reason of each item when a condition failed. */
  async function transactReasons(items: Parameters<typeof transact>[1]): Promise<string[] | undefined> {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items }));
      return undefined;
    } catch (error) {
      const reasons = cancellationReasons(error);
      // A racing writer on the same guard (TransactionConflict) is retried like a failed condition.
      if (reasons.includes('ConditionalCheckFailed') || reasons.includes('TransactionConflict')) return reasons;
      throw error;
    }
  }

  /**
   * A writer that claimed guards long ago must not commit: past the grace
   * period, another writer may have taken a claim over. Checked just before
   * the final transaction; CLAIM_DEADLINE_MS leaves a wide margin.
   */
  const withinDeadline = (startedAt: number) => wallClock() - startedAt < CLAIM_DEADLINE_MS;

  /** The schools held by a live convention (not a claim in flight, not a guard left behind), with that convention's commune. */
  async function liveOwners(schoolYear: string, uais: readonly string[]): Promise<Map<string, SchoolGuard>> {
    const guards = await readGuards(schoolYear, uais);
    const owners = await readOwners(guards.values());
    const live = new Map<string, SchoolGuard>();
    for (const [uai, guard] of guards) if (isGuardLive(guard, owners.get(guard.conventionId))) live.set(uai, guard);
    return live;
  }

  return { claim, release, tidy, withinDeadline, liveOwners, readOwners };
}

export type SchoolGuards = ReturnType<typeof createSchoolGuards>;
