import { describe, expect, it } from 'vitest';
import { canonicalJson, chainEvent, eventHash, genesisHash, type ChainHead } from '../../../functions/domain/audit-chain.ts';
import { checkAnchor, headInTrail, recordedHashes, verifyChains } from '../../../functions/domain/audit-verify.ts';
import { printedHeads } from '../../../templates/convention/signature-certificate.ts';
import { anchorFindingLine, chainFindingLine } from '../../../templates/format/verify-report.ts';

const conventionId = 'c-1';
const base = (type: string, at: string, extra: Record<string, unknown> = {}) => ({ id: `e-${type}-${at}`, conventionId, at, type, actor: 'Paraphe', ...extra });

/** A chain built as the store builds it. */
function chain(events: ReturnType<typeof base>[]) {
  let head: ChainHead | undefined;
  return events.map((event) => {
    const linked = chainEvent(event, head);
    head = { seq: linked.seq, hash: linked.hash };
    return linked;
  });
}

const trail = chain([base('created', '2026-09-01T08:00:00.000Z'), base('sent', '2026-09-01T09:00:00.000Z'), base('signed', '2026-09-02T10:00:00.000Z', { ip: '203.0.113.7' })]);
const head = { seq: 3, hash: trail[2]!.hash };

describe('the audit chain', () => {
  it('hashes the canonical form: key order does not matter, any field does', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } })).toBe('{"a":{"d":[1,{"e":3,"f":2}]},"b":1}');
    const event = trail[1]!;
    const reordered = Object.fromEntries(Object.entries(event).reverse());
    expect(eventHash(reordered)).toBe(event.hash);
    expect(eventHash({ ...event, actor: 'autre' })).not.toBe(event.hash);
  });

  it('starts from a genesis of the convention, and another for each avenant', () => {
    expect(trail[0]).toMatchObject({ seq: 1, prevHash: genesisHash({ conventionId }) });
    expect(trail[1]!.prevHash).toBe(trail[0]!.hash);
    expect(genesisHash({ conventionId, avenantId: 'a-1' })).not.toBe(genesisHash({ conventionId }));
    expect(genesisHash({ conventionId: 'c-2' })).not.toBe(genesisHash({ conventionId }));
  });
});

describe('verifying a trail', () => {
  it('holds for the chain as written, avenant chains beside the convention', () => {
    let avenantHead: ChainHead | undefined;
    const avenant = [base('avenant_requested', '2026-09-10T08:00:00.000Z', { avenantId: 'a-1' }), base('avenant_signed', '2026-09-11T08:00:00.000Z', { avenantId: 'a-1' })].map((event) => {
      const linked = chainEvent(event, avenantHead);
      avenantHead = { seq: linked.seq, hash: linked.hash };
      return linked;
    });
    const report = verifyChains(conventionId, [...trail, ...avenant], head, { 'a-1': avenantHead! });
    expect(report.ok).toBe(true);
    expect(report.findings).toEqual([
      { chain: 'convention', status: 'ok', kind: 'intact', count: 3, last: head },
      { chain: 'avenant:a-1', status: 'ok', kind: 'intact', count: 2, last: avenantHead },
    ]);
    expect(headInTrail(report.index, { seq: 2, hash: avenant[1]!.hash })).toBe('avenant:a-1');
    expect(headInTrail(report.index, { seq: 2, hash: trail[1]!.hash })).toBe('convention');
    expect(headInTrail(report.index, { seq: 3, hash: trail[1]!.hash })).toBeUndefined();
  });

  it('names a modified event, a gap, an event out of order, a lost tail, and an event without links, as findings', () => {
    const failures = (events: object[], claimed: ChainHead | undefined = head) => verifyChains(conventionId, events, claimed).findings.filter((finding) => finding.status === 'fail');
    expect(failures([trail[0]!, { ...trail[1]!, actor: 'x' }, trail[2]!])).toContainEqual({ chain: 'convention', status: 'fail', kind: 'modified', event: { seq: 2, type: 'sent' } });
    expect(failures([trail[0]!, trail[2]!])).toContainEqual({ chain: 'convention', status: 'fail', kind: 'gap', after: 1, next: 3 });
    expect(failures([trail[0]!, trail[2]!, trail[1]!])).toContainEqual({ chain: 'convention', status: 'fail', kind: 'out-of-order', event: { seq: 2, type: 'sent' }, after: 3 });
    expect(failures([trail[0]!, trail[1]!])).toContainEqual({ chain: 'convention', status: 'fail', kind: 'head-not-last', claimed: head, lastSeq: 2 });
    const { seq: _seq, prevHash: _prev, hash: _hash, ...unlinked } = trail[2]!;
    expect(failures([trail[0]!, trail[1]!, unlinked])).toContainEqual({ chain: 'convention', status: 'fail', kind: 'unlinked', type: 'signed', at: '2026-09-02T10:00:00.000Z' });
    expect(verifyChains(conventionId, trail, undefined).findings).toContainEqual({ chain: 'convention', status: 'fail', kind: 'head-missing' });
  });

  it('is said in French by the verify report, one line per finding', () => {
    const texts = (events: object[], claimed: ChainHead | undefined = head) => verifyChains(conventionId, events, claimed).findings.map(chainFindingLine).filter((line) => line.status === 'fail').map((line) => line.text);
    expect(texts([trail[0]!, { ...trail[1]!, actor: 'x' }, trail[2]!])).toContain("chaîne de la convention : l'événement n° 2 (sent) a été modifié (son empreinte ne correspond plus à son contenu)");
    expect(texts([trail[0]!, trail[2]!])).toContain('chaîne de la convention : un événement manque entre n° 1 et n° 3');
    expect(texts([trail[0]!, trail[2]!, trail[1]!]).join('\n')).toContain("l'événement n° 2 (sent) est hors de son ordre");
    expect(texts([trail[0]!, trail[1]!]).join('\n')).toContain("la tête enregistrée (n° 3");
    const { seq: _seq, prevHash: _prev, hash: _hash, ...unlinked } = trail[2]!;
    expect(texts([trail[0]!, trail[1]!, unlinked]).join('\n')).toContain("l'événement signed du 2026-09-02T10:00:00.000Z n'est pas chaîné");
    expect(verifyChains(conventionId, trail, undefined).findings.map((finding) => chainFindingLine(finding).text).join('\n')).toContain("n'indique pas la tête");
    expect(verifyChains(conventionId, trail, head).findings.map(chainFindingLine)).toEqual([
      { status: 'ok', text: `chaîne de la convention : 3 événement(s) intègres, tête n° 3 ${head.hash}` },
    ]);
  });

  it('checks a daily anchor against the trail, and says it', () => {
    const { index } = verifyChains(conventionId, trail, head);
    const anchor = (chains: object[]) => ({ format: 'paraphe-anchor/1', day: '2026-09-02', chains });
    const lines = (found: ReturnType<typeof checkAnchor>) => found.map(anchorFindingLine);
    expect(checkAnchor(conventionId, index, 'a.json', anchor([{ conventionId, seq: 3, hash: head.hash }]))).toEqual([
      { name: 'a.json', status: 'ok', kind: 'chain-found', day: '2026-09-02', chain: 'convention', seq: 3 },
    ]);
    expect(lines(checkAnchor(conventionId, index, 'a.json', anchor([{ conventionId, seq: 3, hash: head.hash }])))).toEqual([
      { status: 'ok', text: "l'ancrage du 2026-09-02 (a.json) retrouve la chaîne de la convention au n° 3" },
    ]);
    expect(lines(checkAnchor(conventionId, index, 'a.json', anchor([{ conventionId, seq: 3, hash: 'ab'.repeat(32) }, { conventionId, avenantId: 'a-9', seq: 1, hash: 'cd' }])))).toEqual([
      { status: 'fail', text: "l'ancrage du 2026-09-02 (a.json) ne retrouve pas la chaîne de la convention : au n° 3, la piste porte une autre empreinte" },
      { status: 'fail', text: "l'ancrage du 2026-09-02 (a.json) ne retrouve pas la chaîne de l'avenant a-9 : au n° 1, la piste n'a pas d'événement" },
    ]);
    expect(lines(checkAnchor(conventionId, index, 'a.json', anchor([{ conventionId: 'c-2', seq: 1, hash: 'ef' }])))).toEqual([
      { status: 'warn', text: "l'ancrage du 2026-09-02 (a.json) ne mentionne pas cette convention" },
    ]);
    expect(lines(checkAnchor(conventionId, index, 'b.json', { format: 'autre' }))).toEqual([{ status: 'fail', text: "b.json n'est pas un ancrage Paraphe" }]);
  });
});

describe('an event stored before events carried their fields', () => {
  // As the table holds them: a `detail` sentence and none of the typed fields, hashed when they were written.
  const stored = [
    { id: 'e-1', conventionId: 'c-legacy', at: '2026-09-01T08:00:00.000Z', type: 'created', actor: 'clerk', seq: 1, prevHash: genesisHash({ conventionId: 'c-legacy' }), hash: '9fb82c3205142de8ec7fbd252aa893b9a202873a3b7496b11a9b5133c4237a02' },
    {
      id: 'e-2',
      conventionId: 'c-legacy',
      at: '2026-09-02T10:00:00.000Z',
      type: 'signed',
      actor: 'Jean MARTIN',
      ip: '203.0.113.7',
      userAgent: 'Firefox',
      sha256Before: 'ab'.repeat(32),
      detail: 'Signée par délégation du maire (Adjoint)',
      seq: 2,
      prevHash: '9fb82c3205142de8ec7fbd252aa893b9a202873a3b7496b11a9b5133c4237a02',
      hash: '2e76a017c2a002dc230ac2b27bcd4e478f6c28ea9f4045150f287c131dae2088',
    },
  ];

  it('keeps its hash: its detail is hashed as stored, and its chain still verifies', () => {
    expect(stored.map((event) => eventHash(event))).toEqual(stored.map((event) => event.hash));
    expect(verifyChains('c-legacy', stored, { seq: 2, hash: stored[1]!.hash })).toMatchObject({ ok: true });
    expect(verifyChains('c-legacy', [stored[0]!, { ...stored[1]!, detail: 'Signée par le maire' }], { seq: 2, hash: stored[1]!.hash }).ok).toBe(false);
  });

  it('is extended by an event with its fields, which its hash covers', () => {
    const next = chainEvent({ id: 'e-3', conventionId: 'c-legacy', at: '2026-09-03T10:00:00.000Z', type: 'document_sealed', actor: 'Paraphe', document: 'signed', sentTo: 'maire@example.org', rectoratCopy: false }, { seq: 2, hash: stored[1]!.hash });
    expect(verifyChains('c-legacy', [...stored, next], { seq: 3, hash: next.hash }).ok).toBe(true);
    expect(eventHash({ ...next, sentTo: 'autre@example.org' })).not.toBe(next.hash);
  });
});

describe('what a PDF claims', () => {
  it('reads the heads printed on certificate pages, a hash broken across lines included', () => {
    const hash = 'c0ffee'.repeat(10) + 'abcd';
    const text = `Empreinte de la piste d’audit au moment de la signature :\n  n° 4 — ${hash.slice(0, 40)}\n${hash.slice(40)}\nEmpreinte de la piste d'audit au moment de la contresignature : n° 6 — ${'ab'.repeat(32)}`;
    expect(printedHeads(text)).toEqual([{ seq: 4, hash }, { seq: 6, hash: 'ab'.repeat(32) }]);
  });

  it('knows every document hash the trail records', () => {
    const hashes = recordedHashes({ convention: { document: { sha256: 'AA' }, signedDocument: { sha256: 'bb' } }, events: [{ sha256After: 'cc', sha256Before: 'aa' }] });
    expect([...hashes].sort()).toEqual(['aa', 'bb', 'cc']);
  });
});
