/**
 * The audit trail is append-only, on the real DynamoDB Local: every event is a
 * conditional Put on a key of its own, so an event is never overwritten; a
 * retried job is stopped by its own condition, with its event.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transact } from '../../../functions/adapters/dynamodb/client.ts';
import { createConventionRepository } from '../../../functions/adapters/dynamodb/convention-repository.ts';
import { EVENT_CONDITION, eventPut, eventPuts } from '../../../functions/adapters/dynamodb/event-items.ts';
import { verifyChains } from '../../../functions/domain/audit-verify.ts';
import { genesisHash } from '../../../functions/domain/audit-chain.ts';
import { createReminderRepository } from '../../../functions/adapters/dynamodb/reminder-repository.ts';
import { createJobRepository } from '../../../functions/adapters/dynamodb/job-repository.ts';
import { eventKey } from '../../../functions/adapters/dynamodb/keys.ts';
import { createUndeliverableRepository } from '../../../functions/adapters/dynamodb/undeliverable-repository.ts';
import { newJob } from '../../../functions/domain/jobs/job.ts';
import type { Convention, ConventionEvent, NewEventOf } from '../../../functions/domain/model.ts';
import { localTable } from '../../support/local-table.ts';
import { PROJECT_ROOT } from '../../../infra/local/paths.ts';
import { lespignanConvention } from '../../fixtures/seed-communes.ts';

let tableName: string;
let db: DynamoDBDocumentClient;
/** Every item a command put in the table, with its condition: the writes the repositories really send. */
const puts: { item: Record<string, unknown>; condition?: string }[] = [];

beforeAll(async () => {
  ({ tableName, db } = await localTable('paraphe-audit'));
  db.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { Item?: Record<string, unknown>; ConditionExpression?: string; TransactItems?: { Put?: { Item: Record<string, unknown>; ConditionExpression?: string } }[] };
      if (input.Item) puts.push({ item: input.Item, ...(input.ConditionExpression ? { condition: input.ConditionExpression } : {}) });
      for (const entry of input.TransactItems ?? []) {
        if (entry.Put) puts.push({ item: entry.Put.Item, ...(entry.Put.ConditionExpression ? { condition: entry.Put.ConditionExpression } : {}) });
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordPuts' },
  );
});
afterAll(() => db?.destroy());

const draft = (id = randomUUID()): Convention => lespignanConvention({ id, schoolYear: `audit-${id.slice(0, 8)}` });

/** The events of this file: a sealed document, told apart by `sentTo`. */
const event = (conventionId: string, extra: Partial<NewEventOf<'document_sealed'>> = {}): NewEventOf<'document_sealed'> => ({
  conventionId,
  at: '2026-11-20T09:00:00.000Z',
  type: 'document_sealed',
  actor: 'Paraphe',
  document: 'signed',
  sentTo: 'original',
  rectoratCopy: false,
  ...extra,
});
const created = (conventionId: string): NewEventOf<'created'> => ({ conventionId, at: '2026-11-20T09:00:00.000Z', type: 'created', actor: 'test' });

describe('an audit event', () => {
  it('is refused when its key is already taken, and the event first written stays intact', async () => {
    const conventionId = randomUUID();
    const first = event(conventionId, { id: 'e-1' });
    expect(await transact(db, eventPut(tableName, first, undefined).items)).toBe(true);
    // The same key, another content: an overwrite, which the condition refuses (the whole transaction with it).
    expect(await transact(db, eventPut(tableName, { ...first, sentTo: 'réécrit', actor: 'quelqu’un' }, undefined).items)).toBe(false);
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: eventKey(conventionId, first.at, first.type, 'e-1'), ConsistentRead: true }));
    expect(Item).toMatchObject({ sentTo: 'original', actor: 'Paraphe', id: 'e-1' });
    const history = await createConventionRepository(db, tableName).history(conventionId);
    expect(history).toEqual([expect.objectContaining({ id: 'e-1', sentTo: 'original' })]);
  });

  it('of the same type in the same millisecond as another is kept beside it, not written over it', async () => {
    const conventionId = randomUUID();
    expect(await transact(db, eventPuts(tableName, [event(conventionId, { sentTo: 'avenant A' }), event(conventionId, { sentTo: 'avenant B' })], undefined).items)).toBe(true);
    const history = await createConventionRepository(db, tableName).history(conventionId);
    expect(history.map((entry) => (entry.type === 'document_sealed' ? entry.sentTo : '')).sort()).toEqual(['avenant A', 'avenant B']);
    expect(new Set(history.map((entry) => entry.id)).size).toBe(2);
  });

  it('written twice by a retried job is skipped by the job’s own condition: the second try is refused, not failed, and the trail has one event', async () => {
    const conventions = createConventionRepository(db, tableName);
    const jobs = createJobRepository(db, tableName);
    const convention = draft();
    await conventions.add(convention, created(convention.id));
    const job = newJob({ id: randomUUID(), kind: 'send-invitation', payload: { conventionId: convention.id }, at: '2026-11-20T09:00:00.000Z' });
    expect((await jobs.startTracked(job)).started).toBe(true);
    expect(await conventions.claimForSending(convention.id, job.id)).toBe(true);
    const sent = (at: string): NewEventOf<'sent'> => ({ conventionId: convention.id, type: 'sent', at, actor: 'test', to: 'maire@example.org' });
    expect(await conventions.markSent(convention.id, job.id, sent('2026-11-20T09:01:00.000Z'), undefined, { job, at: '2026-11-20T09:01:00.000Z' })).toBe(true);
    // A second delivery of the same job, with the same instant (the email's): refused by the convention's state.
    expect(await conventions.markSent(convention.id, job.id, sent('2026-11-20T09:01:00.000Z'), undefined, { job, at: '2026-11-20T09:02:00.000Z' })).toBe(false);
    const history = await conventions.history(convention.id);
    expect(history.map((entry) => entry.type)).toEqual(['created', 'sent']);
    expect((await jobs.get(job.id))?.state).toBe('done');
  });

  it('is put only with its condition, by every write the repositories sent in this file', () => {
    const events = puts.filter((put) => put.item.entity === 'event');
    expect(events.length).toBeGreaterThanOrEqual(6);
    for (const put of events) expect(put.condition).toBe(EVENT_CONDITION);
  });

  it('is written by one builder only: no other source file makes an event item or its key', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []));
    const writers = files(join(PROJECT_ROOT, 'functions'))
      .filter((file) => /entity:\s*['"]event['"]|eventKey\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(PROJECT_ROOT, file));
    expect(writers).toEqual(['functions/adapters/dynamodb/event-items.ts']);
    expect(eventPut(tableName, event('c'), undefined).items[0]!.Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)' });
  });
});

describe('the audit chain', () => {
  it('links each event to the one before, from the genesis of the convention, and keeps the head on the convention', async () => {
    const conventions = createConventionRepository(db, tableName);
    const convention = draft();
    await conventions.add(convention, created(convention.id));
    const history = await conventions.history(convention.id);
    expect(history).toEqual([expect.objectContaining({ seq: 1, prevHash: genesisHash({ conventionId: convention.id }) })]);
    const stored = await conventions.get(convention.id);
    expect(stored).toMatchObject({ auditSeq: 1, auditHead: history[0]!.hash });
    expect(verifyChains(convention.id, history, { seq: 1, hash: history[0]!.hash! }).ok).toBe(true);
  });

  it('of two writers racing from the same head, both land, one after the other: the chain never forks', async () => {
    const conventions = createConventionRepository(db, tableName);
    const reminders = createReminderRepository(db, tableName);
    const convention = draft();
    await conventions.add(convention, created(convention.id));
    // Ten reminder confirmations at once, each extending the chain: every one is retried from the head that moved.
    await Promise.all(Array.from({ length: 10 }, (_, index) =>
      reminders.confirm([], [{ conventionId: convention.id, type: 'reminded', actor: 'Paraphe', kinds: ['unsigned'], at: `2026-11-21T09:00:0${index}.000Z` }])));
    const history = await conventions.history(convention.id);
    const stored = await conventions.get(convention.id);
    expect(history).toHaveLength(11);
    expect(new Set(history.map((entry) => entry.seq)).size).toBe(11);
    expect(stored?.auditSeq).toBe(11);
    const bySeq = [...history].sort((a, b) => a.seq! - b.seq!);
    expect(verifyChains(convention.id, bySeq, { seq: 11, hash: stored!.auditHead! }).ok).toBe(true);
  });

  it('keeps an event stored by an earlier version as it was: its legacy detail read back, its hash still its own', async () => {
    const conventions = createConventionRepository(db, tableName);
    const convention = draft();
    await conventions.add(convention, created(convention.id));
    const head = { seq: 1, hash: (await conventions.history(convention.id))[0]!.hash! };
    // As sign-convention.ts wrote it before events carried their fields.
    const legacy: ConventionEvent = { conventionId: convention.id, at: '2026-11-20T10:00:00.000Z', type: 'document_sealed', actor: 'Paraphe', detail: 'Copie signée scellée et envoyée à maire@example.org' } as ConventionEvent;
    const { items, head: next } = eventPut(tableName, legacy, head);
    expect(await transact(db, items)).toBe(true);
    const history = await conventions.history(convention.id);
    expect(history[1]).toMatchObject({ seq: 2, detail: legacy.detail, hash: next.hash });
    expect(history[1]).not.toHaveProperty('sentTo');
    expect(verifyChains(convention.id, history, next).ok).toBe(true);
  });

  it('refuses an event put from a head that moved: the head is conditioned on the seq it extends', async () => {
    const conventions = createConventionRepository(db, tableName);
    const convention = draft();
    await conventions.add(convention, created(convention.id));
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: { pk: `CONVENTION#${convention.id}`, sk: 'CONVENTION' }, ConsistentRead: true }));
    const stale = { seq: 0, hash: 'x' };
    const { headUpdate } = await import('../../../functions/adapters/dynamodb/event-items.ts');
    const { items, head } = eventPuts(tableName, [event(convention.id, { sentTo: 'fork' })], stale);
    expect(await transact(db, [headUpdate(tableName, { pk: String(Item!.pk), sk: 'CONVENTION' }, stale, head), ...items])).toBe(false);
    expect((await conventions.history(convention.id)).map((entry) => entry.type)).toEqual(['created']);
  });
});

describe('an undeliverable address', () => {
  it('keeps the first report SES made of it: a second one is refused and changes nothing', async () => {
    const undeliverable = createUndeliverableRepository(db, tableName);
    const address = `maire.${randomBytes(3).toString('hex')}@example.org`;
    const first = { address, reason: 'bounce' as const, detail: '550 5.1.1 mailbox unavailable', at: '2026-12-07T10:00:00.000Z' };
    expect(await undeliverable.mark(first)).toBe(true);
    expect(await undeliverable.mark({ ...first, reason: 'complaint', detail: 'abuse', at: '2026-12-08T10:00:00.000Z' })).toBe(false);
    expect((await undeliverable.since('2026-12-07T00:00:00.000Z')).filter((entry) => entry.address === address)).toEqual([first]);
  });
});
