import { describe, expect, it } from 'vitest';
import type { Convention, ConventionEvent } from '../../../functions/domain/model.ts';
import { auditTrail, getConvention } from '../../../functions/use-cases/get-convention.ts';
import { lespignanConvention } from '../../fixtures/seed-communes.ts';

const at = '2026-12-08T14:30:00.000Z';
const event = (seq: number, type: 'created' | 'viewed' | 'signed' | 'document_sealed'): ConventionEvent =>
  ({ conventionId: 'c-1', at, type, actor: 'Paraphe', seq, prevHash: `p${seq}`, hash: `h${seq}`, ...(type === 'signed' ? { capacity: 'maire' } : {}) }) as ConventionEvent;

/** A store whose item was read before a job's transaction landed, and whose history after it. */
const readAcross = (convention: Convention, history: ConventionEvent[]) => ({
  conventions: { get: async () => convention, history: async () => history } as never,
});

describe('a convention read with its history', () => {
  const history = [
    event(1, 'created'),
    event(2, 'viewed'),
    event(3, 'signed'),
    // Appended by the seal job's transaction between the two reads, with the head the item does not show yet.
    event(4, 'document_sealed'),
    { conventionId: 'c-1', avenantId: 'a-1', at, type: 'avenant_requested', actor: 'rectorat', added: 1, removed: 0, replaces: [], seq: 1, prevHash: 'g', hash: 'a1' } as unknown as ConventionEvent,
  ];

  it("stops the convention's chain at the head the item was read with, so the pair is one instant's state", async () => {
    const found = await getConvention(readAcross(lespignanConvention({ auditSeq: 3, auditHead: 'h3' }), history), 'c-1');
    expect(found.history.filter((item) => item.avenantId === undefined).map((item) => item.seq)).toEqual([1, 2, 3]);
    // An avenant's chain has its head on the avenant's item, not on this one: its events are kept.
    expect(found.history.filter((item) => item.avenantId === 'a-1')).toHaveLength(1);
  });

  it('keeps every event once the item shows the last head', async () => {
    const found = await getConvention(readAcross(lespignanConvention({ auditSeq: 4, auditHead: 'h4' }), history), 'c-1');
    expect(found.history).toHaveLength(5);
  });
});

describe("an audit trail's avenant chain", () => {
  const avenantEvent = (seq: number) =>
    ({ conventionId: 'c-1', avenantId: 'a-1', at, type: 'avenant_requested', actor: 'rectorat', added: 1, removed: 0, replaces: [], seq, prevHash: `ap${seq}`, hash: `a${seq}` }) as unknown as ConventionEvent;

  it("is read again when the avenant's head, read after the history, is past the history's last event of that chain", async () => {
    // The mayor signs the avenant between the history's Query and the avenant item's read: the first history
    // lacks the event the head names; the second read has it.
    const histories = [[event(1, 'created'), avenantEvent(1)], [event(1, 'created'), avenantEvent(1), avenantEvent(2)]];
    let reads = 0;
    const deps = {
      conventions: { get: async () => lespignanConvention({ auditSeq: 1, auditHead: 'h1' }), history: async () => histories[Math.min(reads++, 1)]! } as never,
      avenants: { get: async () => ({ id: 'a-1', auditSeq: 2, auditHead: 'a2' }) } as never,
    };
    const { found, avenantHeads } = await auditTrail(deps, 'c-1');
    expect(reads).toBe(2);
    expect(avenantHeads).toEqual({ 'a-1': { seq: 2, hash: 'a2' } });
    expect(found.history.filter((item) => item.avenantId === 'a-1').map((item) => item.seq)).toEqual([1, 2]);
  });
});
