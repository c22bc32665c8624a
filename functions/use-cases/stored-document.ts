/**
 * Documents are stored once and read back as recorded. A job that stores a
 * document records what the bucket really holds: on a retry its create-only
 * write meets the object of the first try, and that object (its version, its
 * SHA-256, its bytes) is the document, never a rebuilt one. A document is read
 * by its recorded version and refused when its SHA-256 is not the recorded
 * one, before anything is served, sealed on top of it or emailed.
 */
import { sha256Hex } from '../domain/sha256.ts';
import type { StoredDocument } from '../domain/model.ts';
import type { DocumentStore } from './ports.ts';

/** The bytes read are not the document recorded: nothing may be served, sealed or emailed from them. */
export class DocumentIntegrityError extends Error {
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly actual: string,
    readonly versionId?: string,
  ) {
    super(`Document ${key}${versionId ? ` (version ${versionId})` : ''} has SHA-256 ${actual}, recorded ${expected}: refused`);
    this.name = 'DocumentIntegrityError';
  }
}

/** Refuses bytes whose SHA-256 is not the expected one (lowercase hex). */
export function checkSha256(bytes: Uint8Array, ref: { key: string; versionId?: string; sha256?: string }): Uint8Array {
  if (ref.sha256 === undefined) return bytes;
  const actual = sha256Hex(bytes);
  if (actual !== ref.sha256) throw new DocumentIntegrityError(ref.key, ref.sha256, actual, ref.versionId);
  return bytes;
}

const recordOf = (key: string, stored: { versionId?: string; sha256: string }): StoredDocument => ({
  key,
  ...(stored.versionId ? { versionId: stored.versionId } : {}),
  sha256: stored.sha256,
});

/**
 * Stores a document once: the record to keep, and the bytes it stands for. When an earlier try already
 * stored different bytes at the key (a seal or a render that is not byte for byte the same), those are the
 * document: read back (checked) so the email attaches what the record names.
 */
export async function storeOnce(
  deps: { documents: DocumentStore },
  key: string,
  bytes: Uint8Array,
  contentType: string,
): Promise<{ document: StoredDocument; bytes: Uint8Array }> {
  const stored = await deps.documents.put(key, bytes, contentType);
  const document = recordOf(key, stored);
  if (stored.created || stored.sha256 === sha256Hex(bytes)) return { document, bytes };
  return { document, bytes: await readDocument(deps, document) };
}

/** A recorded document's bytes, by its version, checked against its SHA-256; a missing one is an error (the job retries). */
export async function readDocument(deps: { documents: DocumentStore }, document: StoredDocument): Promise<Uint8Array> {
  const bytes = await deps.documents.get(document);
  if (!bytes) throw new Error(`Document missing: ${document.key}${document.versionId ? ` (version ${document.versionId})` : ''}`);
  // The store checks too; checked here as well, so the rule holds whatever store the core is given.
  return checkSha256(bytes, document);
}
