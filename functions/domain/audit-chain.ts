/**
 * The audit trail as hash chains: one per convention, one per avenant. Each
 * event stores its place (`seq`, from 1), the hash of the event before it
 * (`prevHash`; the chain's genesis value for the first) and its own `hash`:
 * the SHA-256 of its canonical form, every field it is exported with but
 * `hash` (so seq and prevHash are covered). Changing, removing or reordering
 * one event breaks every hash after it; the head (the last seq and hash) is
 * kept on the convention or avenant item, printed on the certificates and
 * exported with the trail.
 *
 * Pure: no clock, no AWS. The adapter and the offline verifier share it.
 */
import { createHash } from 'node:crypto';

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface ChainLinks {
  seq: number;
  prevHash: string;
  hash: string;
}

/** Which chain an event belongs to: its avenant's, or its convention's. */
export interface ChainRef {
  conventionId: string;
  avenantId?: string;
}

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The prevHash of a chain's first event: SHA-256 of
 * "paraphe-audit/1 genesis convention <id>" (with " avenant <avenantId>" for an avenant's chain).
 */
export function genesisHash(chain: ChainRef): string {
  return sha256Hex(`paraphe-audit/1 genesis convention ${chain.conventionId}${chain.avenantId ? ` avenant ${chain.avenantId}` : ''}`);
}

/** JSON with object keys sorted at every depth, no whitespace; undefined fields left out (as JSON.stringify does). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/** The hash of an event as stored and exported (any `hash` field it carries is ignored). */
export function eventHash(event: object): string {
  const { hash: _hash, ...content } = event as Record<string, unknown>;
  return sha256Hex(canonicalJson(content));
}

/** The event with its links, extending the chain whose head is `previous` (none: the first event). */
export function chainEvent<E extends ChainRef>(event: E, previous: ChainHead | undefined): E & ChainLinks {
  const linked = { ...event, seq: (previous?.seq ?? 0) + 1, prevHash: previous?.hash ?? genesisHash(event) };
  return { ...linked, hash: eventHash(linked) };
}

/** The key of the chain an event belongs to, to group a trail by chain. */
export const chainKey = (chain: ChainRef): string => (chain.avenantId ? `avenant:${chain.avenantId}` : 'convention');
