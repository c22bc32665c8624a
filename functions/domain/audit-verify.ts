/**
 * Checks an exported audit trail on its own: every chain recomputed from its
 * genesis, in the order of the file; and what a PDF claims against it. Pure:
 * the CLI (infra/verify/cli.ts) reads the files and phrases nothing else.
 */
import { chainKey, eventHash, genesisHash, type ChainHead } from './audit-chain.ts';

export interface CheckLine {
  status: 'ok' | 'fail' | 'warn';
  text: string;
}

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

export interface ChainsReport {
  ok: boolean;
  lines: CheckLine[];
  index: ChainIndex;
}

const chainName = (key: string) => (key === 'convention' ? 'la convention' : `l'avenant ${key.slice('avenant:'.length)}`);

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
  const lines: CheckLine[] = [];
  const index: ChainIndex = new Map();
  const chains = new Map<string, TrailEvent[]>();
  for (const event of events as TrailEvent[]) {
    const key = chainKey({ conventionId, ...(typeof event.avenantId === 'string' ? { avenantId: event.avenantId } : {}) });
    chains.set(key, [...(chains.get(key) ?? []), event]);
  }
  if (!chains.has('convention')) chains.set('convention', []);
  for (const [key, chain] of chains) {
    const problems: string[] = [];
    const bySeq = new Map<number, string>();
    index.set(key, bySeq);
    const genesis = genesisHash({ conventionId, ...(key === 'convention' ? {} : { avenantId: key.slice('avenant:'.length) }) });
    let expected = 1;
    let previousHash = genesis;
    for (const event of chain) {
      const name = `l'événement n° ${event.seq ?? '?'} (${event.type ?? '?'})`;
      if (event.conventionId !== conventionId) problems.push(`${name} appartient à une autre convention (${String(event.conventionId)})`);
      if (typeof event.seq !== 'number' || typeof event.hash !== 'string' || typeof event.prevHash !== 'string') {
        problems.push(`l'événement ${event.type ?? '?'} du ${event.at ?? '?'} n'est pas chaîné (seq, prevHash ou hash absent)`);
        continue;
      }
      if (event.seq > expected) problems.push(`un événement manque entre n° ${expected - 1} et n° ${event.seq}`);
      if (event.seq < expected) problems.push(`${name} est hors de son ordre (après le n° ${expected - 1})`);
      const own = eventHash(event);
      if (own !== event.hash) problems.push(`${name} a été modifié (son empreinte ne correspond plus à son contenu)`);
      else if (event.prevHash !== previousHash) {
        problems.push(event.seq === 1 ? `${name} ne part pas de l'origine de la chaîne` : `${name} ne suit pas l'événement qui le précède (un événement a été retiré, déplacé ou modifié avant lui)`);
      }
      bySeq.set(event.seq, event.hash);
      expected = event.seq + 1;
      previousHash = event.hash;
    }
    const last = chain.at(-1);
    const claimed = key === 'convention' ? head : avenantHeads[key.slice('avenant:'.length)];
    if (claimed && (last?.seq !== claimed.seq || last?.hash !== claimed.hash)) {
      problems.push(`la tête enregistrée (n° ${claimed.seq}, ${claimed.hash}) n'est pas le dernier événement de la chaîne (n° ${last?.seq ?? 0})`);
    }
    if (key === 'convention' && !head) problems.push("la piste n'indique pas la tête de sa chaîne (head)");
    if (problems.length === 0) lines.push({ status: 'ok', text: `chaîne de ${chainName(key)} : ${chain.length} événement(s) intègres, tête n° ${last?.seq ?? 0} ${last?.hash ?? ''}`.trim() });
    else for (const problem of problems) lines.push({ status: 'fail', text: `chaîne de ${chainName(key)} : ${problem}` });
  }
  return { ok: lines.every((line) => line.status !== 'fail'), lines, index };
}

const PRINTED_HEAD = /Empreinte de la piste d['’]audit[^:]*:\s*n°\s*(\d+)\s*[—-]\s*((?:[0-9a-f]\s*){64})/g;

/** The audit heads a certificate page prints, from its extracted text (a hash may be broken across lines). */
export function printedHeads(text: string): ChainHead[] {
  const heads: ChainHead[] = [];
  for (const match of text.matchAll(PRINTED_HEAD)) {
    const hash = match[2]!.replace(/\s+/g, '');
    if (/^[0-9a-f]{64}$/.test(hash)) heads.push({ seq: Number(match[1]), hash });
  }
  return heads;
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

/**
 * A daily anchor (anchors/<day>.json) against the trail: each head it holds for this convention's chains must
 * be in the trail at its seq. A trail rewritten after the day, hashes recomputed, fails here.
 */
export function checkAnchor(conventionId: string, index: ChainIndex, name: string, anchor: AnchorFile): CheckLine[] {
  if (anchor.format !== 'paraphe-anchor/1' || !Array.isArray(anchor.chains)) return [{ status: 'fail', text: `${name} n'est pas un ancrage Paraphe` }];
  const mine = anchor.chains.filter((chain) => chain.conventionId === conventionId);
  if (mine.length === 0) return [{ status: 'warn', text: `l'ancrage du ${anchor.day} (${name}) ne mentionne pas cette convention` }];
  return mine.map((chain) => {
    const key = chainKey({ conventionId, ...(chain.avenantId ? { avenantId: chain.avenantId } : {}) });
    const found = typeof chain.seq === 'number' ? index.get(key)?.get(chain.seq) : undefined;
    return found === chain.hash
      ? { status: 'ok' as const, text: `l'ancrage du ${anchor.day} (${name}) retrouve la chaîne de ${chainName(key)} au n° ${chain.seq}` }
      : { status: 'fail' as const, text: `l'ancrage du ${anchor.day} (${name}) ne retrouve pas la chaîne de ${chainName(key)} : au n° ${chain.seq}, la piste ${found ? 'porte une autre empreinte' : "n'a pas d'événement"}` };
  });
}
