import { AppError } from '../domain/errors.ts';
import type { Convention, ConventionEvent, ConventionWithHistory } from '../domain/model.ts';
import type { Deps } from './ports.ts';
import { chainKey, type ChainHead } from '../domain/audit-chain.ts';
import { describeEvent } from '../../templates/format/audit-event.ts';

export type { ConventionWithHistory };

/**
 * The convention and its history as of one instant. They are two reads (an item, then a Query): a
 * transaction landing between them (a job recording a sealed copy, say) adds an event to the history that
 * the item read before it does not show yet, and audit.json's head would not be its last event. Each
 * transaction that appends to the convention's chain also moves the item's head (`auditSeq`), so the
 * history is cut at the head the item was read with: both are then the state before that transaction.
 */
export async function getConvention(deps: Pick<Deps, 'conventions'>, id: string): Promise<ConventionWithHistory> {
  const convention = await deps.conventions.get(id);
  if (!convention) throw new AppError('NOT_FOUND', `Aucune convention ne porte l'identifiant ${id}.`);
  const history = await deps.conventions.history(id);
  const head = convention.auditSeq;
  return { convention, history: head === undefined ? history : history.filter((event) => event.avenantId !== undefined || event.seq === undefined || event.seq <= head) };
}

/** The head of each avenant's chain, as its avenant item keeps it. */
export async function avenantHeadsOf(deps: Pick<Deps, 'avenants'>, { convention, history }: ConventionWithHistory): Promise<Record<string, ChainHead>> {
  const ids = [...new Set(history.flatMap((event) => (event.avenantId ? [event.avenantId] : [])))];
  const heads: Record<string, ChainHead> = {};
  for (const id of ids) {
    const avenant = await deps.avenants.get(convention.id, id);
    if (avenant?.auditSeq !== undefined && avenant.auditHead !== undefined) heads[id] = { seq: avenant.auditSeq, hash: avenant.auditHead };
  }
  return heads;
}

/**
 * A convention, its history and its avenants' heads, as one instant's state, for audit.json and the proof
 * file. The convention's chain is cut at its item's head (getConvention); an avenant's head is on the
 * avenant's item, read after the history: if a transaction appended to that chain in between, the head is
 * past the history's last event of that chain, and everything is read again.
 */
export async function auditTrail(deps: Pick<Deps, 'conventions' | 'avenants'>, id: string, attempts = 3): Promise<{ found: ConventionWithHistory; avenantHeads: Record<string, ChainHead> }> {
  for (let attempt = 1; ; attempt += 1) {
    const found = await getConvention(deps, id);
    const avenantHeads = await avenantHeadsOf(deps, found);
    const lastSeq = (avenantId: string) => Math.max(0, ...found.history.filter((event) => event.avenantId === avenantId).map((event) => event.seq ?? 0));
    if (attempt >= attempts || Object.entries(avenantHeads).every(([avenantId, head]) => head.seq <= lastSeq(avenantId))) return { found, avenantHeads };
  }
}

/** The trail's events, chain by chain (the convention's, then each avenant's as it began), each in its order. */
function inChainOrder(history: ConventionEvent[]): ConventionEvent[] {
  const chains = new Map<string, ConventionEvent[]>([['convention', []]]);
  for (const event of history) {
    const key = chainKey(event);
    chains.set(key, [...(chains.get(key) ?? []), event]);
  }
  return [...chains.values()].flatMap((chain) => chain.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0)));
}

/**
 * The audit trail as a self-contained record: what was signed, by whom, when, and the hashes that bind them.
 * Each event as stored, with its chain links (seq, prevHash, hash); `head` the convention chain's head as the
 * convention item keeps it, `avenantHeads` each avenant's as its item keeps it; `npm run verify` checks it all offline.
 * `lecture`: each event's sentence in French, beside the events rather than in them (an event is hashed as
 * stored), named by its chain, seq and hash; a reading aid that no hash covers.
 */
export function auditExport({ convention, history }: ConventionWithHistory, exportedAt: Date, avenantHeads: Record<string, ChainHead> = {}) {
  const events = inChainOrder(history);
  return {
    format: 'paraphe-audit/1',
    exportedAt: exportedAt.toISOString(),
    convention: {
      id: convention.id,
      schoolYear: convention.schoolYear,
      commune: convention.commune,
      schools: convention.schools.map((school) => school.uai),
      amountCents: convention.amountCents,
      status: convention.status,
      document: convention.document,
      signedDocument: convention.signedDocument,
      executedDocument: convention.executedDocument,
    },
    head: convention.auditSeq !== undefined && convention.auditHead !== undefined ? { seq: convention.auditSeq, hash: convention.auditHead } : undefined,
    avenantHeads,
    events,
    lecture: events.map((event) => ({ seq: event.seq, ...(event.avenantId ? { avenantId: event.avenantId } : {}), hash: event.hash, texte: describeEvent(event) })),
  };
}
