import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../functions/domain/sha256.ts';
import type { DocumentStore } from '../../../functions/use-cases/ports.ts';
import { DocumentIntegrityError, readDocument, storeOnce } from '../../../functions/use-cases/stored-document.ts';

/** A bucket with versions, create-only as S3 with If-None-Match: * (a plain object, no SDK). */
function versionedStore(): DocumentStore & { objects: Map<string, { bytes: Uint8Array; versionId: string }> } {
  const objects = new Map<string, { bytes: Uint8Array; versionId: string }>();
  let versions = 0;
  return {
    objects,
    async put(key, bytes) {
      const found = objects.get(key);
      if (found) return { created: false, versionId: found.versionId, sha256: sha256Hex(found.bytes) };
      const versionId = `v${(versions += 1)}`;
      objects.set(key, { bytes, versionId });
      return { created: true, versionId, sha256: sha256Hex(bytes) };
    },
    async get(ref) {
      return objects.get(ref.key)?.bytes;
    },
    async head(key) {
      const found = objects.get(key);
      return found && { size: found.bytes.length, versionId: found.versionId, sha256: sha256Hex(found.bytes) };
    },
    async uploadUrl() {
      return { url: 'http://upload.invalid', headers: {} };
    },
  };
}

const bytesOf = (text: string) => new Uint8Array(Buffer.from(text));

describe('a document stored once', () => {
  it('is recorded with its version and SHA-256 (hex) when this try stored it', async () => {
    const documents = versionedStore();
    const pdf = bytesOf('copie signée');
    expect(await storeOnce({ documents }, 'a/signee.pdf', pdf, 'application/pdf')).toEqual({ document: { key: 'a/signee.pdf', versionId: 'v1', sha256: sha256Hex(pdf) }, bytes: pdf });
  });

  it('is, on a retry that made other bytes, the one an earlier try stored: recorded and sent as it is, never rebuilt', async () => {
    const documents = versionedStore();
    const earlier = bytesOf('copie scellée au premier essai');
    await storeOnce({ documents }, 'a/signee.pdf', earlier, 'application/pdf');
    const retried = await storeOnce({ documents }, 'a/signee.pdf', bytesOf('copie scellée au second essai'), 'application/pdf');
    expect(retried).toEqual({ document: { key: 'a/signee.pdf', versionId: 'v1', sha256: sha256Hex(earlier) }, bytes: earlier });
  });

  it('is refused when read back with other bytes than its recorded SHA-256, whatever the store says', async () => {
    const documents = versionedStore();
    const { document } = await storeOnce({ documents }, 'a/convention.pdf', bytesOf('la convention'), 'application/pdf');
    documents.objects.set('a/convention.pdf', { bytes: bytesOf('une autre convention'), versionId: 'v1' });
    await expect(readDocument({ documents }, document)).rejects.toBeInstanceOf(DocumentIntegrityError);
    documents.objects.delete('a/convention.pdf');
    await expect(readDocument({ documents }, document)).rejects.toThrow(/Document missing/);
  });
});
