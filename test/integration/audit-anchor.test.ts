/**
 * The daily anchor: each event's transaction records its chain's head for
 * its day (Paris); the day after, the day's job writes the heads of every
 * chain that changed into anchors/<day>.json, create-only, once.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { anchorKey } from '../../functions/adapters/dynamodb/keys.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { anchorFileKey, anchorTokenKey, startAnchor } from '../../functions/use-cases/anchor-audit.ts';
import { sealer } from '../../functions/adapters/sealing.ts';
import { checkTimestampFile } from '../../infra/verify/seal-signature.ts';
import { sha256Hex } from '../../functions/domain/sha256.ts';
import type { JobDeps } from '../../functions/use-cases/jobs/run-job.ts';
import type { Convention, NewEventOf } from '../../functions/domain/model.ts';
import { lespignan, lespignanConvention } from '../fixtures/seed-communes.ts';
import { drainJobs } from '../support/run-jobs-inline.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let deps: JobDeps;
beforeAll(async () => {
  stack = await startTestStack({ workers: false });
  // The anchor is timestamped by the seals' TSA: the worker that runs it carries the sealer.
  deps = { ...composeDeps(loadConfig(process.env)), sealer: sealer() };
});
afterAll(async () => stack?.close());

// A day of its own (far ahead), so a run never meets another run's anchor file.
const day = `${2200 + randomInt(7000)}-03-10`;

function draft(): Convention {
  const id = randomUUID();
  return lespignanConvention({
    id, schoolYear: `anchor-${id.slice(0, 8)}`, commune: { ...lespignan.commune, siret: String(randomInt(1e13, 1e14)) }, createdAt: `${day}T08:00:00.000Z`,
  });
}
const created = (conventionId: string, at: string): NewEventOf<'created'> => ({ conventionId, at, type: 'created', actor: 'test' });
const reminded = (conventionId: string, at: string): NewEventOf<'reminded'> => ({ conventionId, at, type: 'reminded', actor: 'test', kinds: ['unsigned'] });

describe('the daily anchor', () => {
  it("writes the day's latest head of every chain that changed, once, in a create-only file whose hash is recorded", async () => {
    const [first, second] = [draft(), draft()];
    await deps.conventions.add(first, created(first.id, `${day}T08:00:00.000Z`));
    await deps.conventions.add(second, created(second.id, `${day}T09:00:00.000Z`));
    // 23:59 Paris (UTC+1 on 10 March): still the day.
    await deps.reminders.confirm([], [reminded(first.id, `${day}T22:59:00.000Z`)]);
    // The next day's event is the next day's.
    await deps.reminders.confirm([], [reminded(second.id, `${day}T23:30:00.000Z`)]);

    const started = await startAnchor(deps, { today: nextDay(day), at: `${day}T23:15:00.000Z` });
    expect(started).toEqual({ jobId: `anchor-${day}`, started: true });
    expect(await startAnchor(deps, { today: nextDay(day), at: `${day}T23:15:00.000Z` })).toMatchObject({ started: false });
    await drainJobs(deps, started.jobId);
    expect(await deps.jobs.get(started.jobId)).toMatchObject({ state: 'done' });

    const bytes = await deps.documents.get({ key: anchorFileKey(day) });
    const file = JSON.parse(new TextDecoder().decode(bytes)) as { format: string; day: string; chains: { conventionId: string; seq: number; hash: string }[] };
    const [a, b] = [await deps.conventions.get(first.id), await deps.conventions.get(second.id)];
    expect(file).toMatchObject({ format: 'paraphe-anchor/1', day });
    expect(file.chains).toEqual(expect.arrayContaining([
      expect.objectContaining({ conventionId: first.id, seq: 2, hash: a!.auditHead }),
      expect.objectContaining({ conventionId: second.id, seq: 1 }),
    ]));
    expect(file.chains.find((chain) => chain.conventionId === second.id)!.hash).not.toBe(b!.auditHead);
    expect(file.chains).toHaveLength(2);
    const config = loadConfig(process.env);
    const db = createDocumentClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
    const { Item } = await db.send(new GetCommand({ TableName: config.TABLE_NAME, Key: anchorKey(day), ConsistentRead: true }));
    expect(Item).toMatchObject({ day, document: { key: anchorFileKey(day), sha256: sha256Hex(bytes!) } });
    // Its RFC 3161 token, beside it, stamps those very bytes and verifies.
    const token = await deps.documents.get({ key: anchorTokenKey(day) });
    expect(await checkTimestampFile(token!, bytes!, 'cet ancrage')).toMatchObject({ kind: 'valid' });
    expect(await checkTimestampFile(token!, new TextEncoder().encode('autre'), 'cet ancrage')).toMatchObject({ kind: 'invalid' });
    db.destroy();
  });
});

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
