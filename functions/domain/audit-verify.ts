/**
 * Checks an exported audit trail on its own: every chain recomputed from its
 * genesis, in the order of the file; and what a PDF claims against it. Pure,
 * and wordless: each check is a finding (its status, its kind and what it
 * saw), which templates/format/verify-report.ts phrases for the CLI
 * (infra/verify/).
 */
import { chainKey, eventHash, genesisHash, type ChainHead } from './audit-chain.ts';

export type CheckStatus = 'ok' | 'fail' | 'warn';

export interface TrailEvent {
  conventionId?: string;
  avenantId?: string;
  type?: string;
  at?: string;
  seq?: number;
  prevHash?: string;
  hash?: string;
  [field: string]: unknown;
}

/** Each chain's events by seq, as the file gives them (for the heads printed on PDFs). */
export type ChainIndex = Map<string, Map<number, string>>;

/** An event as a finding names it: its seq and type, when it has them. */
export interface EventRef {
  seq?: number;
  type?: string;
}

/** What a chain's check finds wrong: each is a failure of the chain. */
export type ChainProblem =
  | { kind: 'other-convention'; event: EventRef; conventionId: unknown }
  | { kind: 'unlinked'; type?: string; at?: string }
  | { kind: 'gap'; after: number; next: number }
  | { kind: 'out-of-order'; event: EventRef; after: number }
  | { kind: 'modified'; event: EventRef }
  | { kind: 'not-from-genesis'; event: EventRef }
  | { kind: 'broken-link'; event: EventRef }
  | { kind: 'head-not-last'; claimed: ChainHead; lastSeq: number }
  | { kind: 'head-missing' };

/** What one chain's check found; `chain` is its key ('convention', or 'avenant:<id>'). */
export type ChainFinding =
  | { chain: string; status: 'ok'; kind: 'intact'; count: number; last?: ChainHead }
  | ({ chain: string; status: 'fail' } & ChainProblem);

export interface ChainsReport {
  ok: boolean;
  findings: ChainFinding[];
  index: ChainIndex;
}

/**
 * Recomputes every chain: seq from 1 without a gap, each prevHash the hash of the event before (the genesis
 * for the first), each hash the event's own; then the convention chain's last event against `head`, and each
 * avenant's against `avenantHeads` when given.
 */
export function verifyChains(
  conventionId: string,
  events: readonly object[],
  head: ChainHead | undefined,
  avenantHeads: Record<string, ChainHead> = {},
): ChainsReport {
  const findings: ChainFinding[] = [];
  const index: ChainIndex = new Map();
  const chains = new Map<string, TrailEvent[]>();
  for (const event of events as TrailEvent[]) {
    const key = chainKey({ conventionId, ...(typeof event.avenantId === 'string' ? { avenantId: event.avenantId } : {}) });
    chains.set(key, [...(chains.get(key) ?? []), event]);
  }
  if (!chains.has('convention')) chains.set('convention', []);
  for (const [key, chain] of chains) {
    const problems: ChainProblem[] = [];
    const bySeq = new Map<number, string>();
    index.set(key, bySeq);
    const genesis = genesisHash({ conventionId, ...(key === 'convention' ? {} : { avenantId: key.slice('avenant:'.length) }) });
    let expected = 1;
    let previousHash = genesis;
    for (const event of chain) {
      const ref: EventRef = { ...(event.seq !== undefined ? { seq: event.seq } : {}), ...(event.type !== undefined ? { type: event.type } : {}) };
      if (event.conventionId !== conventionId) problems.push({ kind: 'other-convention', event: ref, conventionId: event.conventionId });
      if (typeof event.seq !== 'number' || typeof event.hash !== 'string' || typeof event.prevHash !== 'string') {
        problems.push({ kind: 'unlinked', ...(event.type !== undefined ? { type: event.type } : {}), ...(event.at !== undefined ? { at: event.at } : {}) });
        continue;
      }
      if (event.seq > expected) problems.push({ kind: 'gap', after: expected - 1, next: event.seq });
      if (event.seq < expected) problems.push({ kind: 'out-of-order', event: ref, after: expected - 1 });
      const own = eventHash(event);
      if (own !== event.hash) problems.push({ kind: 'modified', event: ref });
      else if (event.prevHash !== previousHash) problems.push({ kind: event.seq === 1 ? 'not-from-genesis' : 'broken-link', event: ref });
      bySeq.set(event.seq, event.hash);
      expected = event.seq + 1;
      previousHash = event.hash;
    }
    const last = chain.at(-1);
    const claimed = key === 'convention' ? head : avenantHeads[key.slice('avenant:'.length)];
    if (claimed && (last?.seq !== claimed.seq || last?.hash !== claimed.hash)) problems.push({ kind: 'head-not-last', claimed, lastSeq: last?.seq ?? 0 });
    if (key === 'convention' && !head) problems.push({ kind: 'head-missing' });
    if (problems.length === 0) {
      const lastHead = typeof last?.seq === 'number' && typeof last.hash === 'string' ? { seq: last.seq, hash: last.hash } : undefined;
      findings.push({ chain: key, status: 'ok', kind: 'intact', count: chain.length, ...(lastHead ? { last: lastHead } : {}) });
    } else {
      for (const problem of problems) findings.push({ chain: key, status: 'fail', ...problem });
    }
  }
  return { ok: findings.every((finding) => finding.status !== 'fail'), findings, index };
}

/** Is a head printed on a certificate the hash of some chain at that seq? */
export function headInTrail(index: ChainIndex, head: ChainHead): string | undefined {
  for (const [key, bySeq] of index) if (bySeq.get(head.seq) === head.hash) return key;
  return undefined;
}

/** Every SHA-256 the trail records for a document: the convention's own and those in the events. */
export function recordedHashes(trail: { convention?: Record<string, unknown>; events?: TrailEvent[] }): Set<string> {
  const hashes = new Set<string>();
  for (const field of ['document', 'signedDocument', 'executedDocument']) {
    const document = trail.convention?.[field] as { sha256?: unknown } | undefined;
    if (typeof document?.sha256 === 'string') hashes.add(document.sha256.toLowerCase());
  }
  for (const event of trail.events ?? []) {
    for (const field of ['sha256Before', 'sha256After']) if (typeof event[field] === 'string') hashes.add((event[field] as string).toLowerCase());
  }
  return hashes;
}

export interface AnchorFile {
  format?: string;
  day?: string;
  chains?: { conventionId?: string; avenantId?: string; seq?: number; hash?: string }[];
}

/** What one daily anchor says of this convention's chains; `name` is where the anchor was read. */
export type AnchorFinding = { name: string } & (
  | { status: 'fail'; kind: 'not-an-anchor' }
  | { status: 'warn'; kind: 'convention-absent'; day?: string }
  | { status: 'ok'; kind: 'chain-found'; day?: string; chain: string; seq?: number }
  | { status: 'fail'; kind: 'chain-not-found'; day?: string; chain: string; seq?: number; trailHash: 'other' | 'none' }
);

/**
 * A daily anchor (anchors/<day>.json) against the trail: each head it holds for this convention's chains must
 * be in the trail at its seq. A trail rewritten after the day, hashes recomputed, fails here.
 */
export function checkAnchor(conventionId: string, index: ChainIndex, name: string, anchor: AnchorFile): AnchorFinding[] {
  if (anchor.format !== 'paraphe-anchor/1' || !Array.isArray(anchor.chains)) return [{ name, status: 'fail', kind: 'not-an-anchor' }];
  const day = anchor.day !== undefined ? { day: anchor.day } : {};
  const mine = anchor.chains.filter((chain) => chain.conventionId === conventionId);
  if (mine.length === 0) return [{ name, status: 'warn', kind: 'convention-absent', ...day }];
  return mine.map((chain): AnchorFinding => {
    const key = chainKey({ conventionId, ...(chain.avenantId ? { avenantId: chain.avenantId } : {}) });
    const found = typeof chain.seq === 'number' ? index.get(key)?.get(chain.seq) : undefined;
    const at = { name, ...day, chain: key, ...(chain.seq !== undefined ? { seq: chain.seq } : {}) };
    return found === chain.hash
      ? { ...at, status: 'ok', kind: 'chain-found' }
      : { ...at, status: 'fail', kind: 'chain-not-found', trailHash: found ? 'other' : 'none' };
  });
}
