/**
 * Signed and executed documents, rebuilt from recorded facts: the original,
 * the collectivité's certificate page, for executed ones the countersignature
 * page, and the platform's seal dated with the recorded instant.
 */
import { appendCountersignatureCertificate, appendSignatureCertificate } from '../../templates/convention/signature-certificate.ts';
import { sha256Hex } from './digest.ts';
import type { Convention, Countersignature, Signature, StoredDocument } from './model.ts';
import type { Deps } from './ports.ts';

/** The original with the collectivité's certificate page, before any seal. */
export function certifyOriginal(original: Uint8Array, convention: Convention, signature: Signature, originalSha256: string, reference = convention.id) {
  return appendSignatureCertificate(original, {
    conventionId: reference,
    communeName: convention.commune.name,
    schoolYear: convention.schoolYear,
    ...signature,
    documentSha256: originalSha256,
  });
}

/** A document the commune signed: a convention, or an avenant to one. */
export interface SignedPaper {
  convention: Convention;
  /** What the certificates name: the convention's id, or "<convention>, avenant <id>". */
  reference: string;
  original: StoredDocument;
  signature: Signature;
  signedDocument: StoredDocument;
}

export function countersignatureBy(
  signer: { name: string; title: string },
  byDelegation: boolean,
  at: Date,
  who: { actor: string; ip: string; userAgent: string },
): Countersignature {
  return { signerName: signer.name, signerTitle: signer.title, byDelegation, countersignedAt: at.toISOString(), ...who };
}

/** The final document of a countersigned paper, sealed at the countersignature's instant. */
export async function countersignedPdf(
  deps: Pick<Deps, 'documents' | 'sealer' | 'contactEmail'>,
  paper: SignedPaper,
  countersignature: Countersignature,
  seal: { reason: string; location: string },
): Promise<Uint8Array> {
  const original = await deps.documents.get(paper.original.key);
  if (!original) throw new Error(`Document missing: ${paper.original.key}`);
  const certified = await certifyOriginal(original, paper.convention, paper.signature, paper.original.sha256, paper.reference);
  const final = await appendCountersignatureCertificate(certified, {
    conventionId: paper.reference,
    communeName: paper.convention.commune.name,
    schoolYear: paper.convention.schoolYear,
    ...countersignature,
    signedDocumentSha256: paper.signedDocument.sha256,
  });
  return deps.sealer.seal(final, { ...seal, contactInfo: deps.contactEmail, signingTime: new Date(countersignature.countersignedAt) });
}

/**
 * How long after its record a document may be found missing and restored:
 * longer than the signing functions live (their timeout, checked by the infra
 * tests), so a retry never restores, and emails again, a document whose own
 * request is still storing it.
 */
export const RESTORE_AFTER_MS = 60_000;

/**
 * A recorded document missing from the store (its write, right after the
 * transaction that records it, outlived by an outage) is rebuilt from the
 * recorded facts, byte for byte, checked against its recorded SHA-256 and
 * stored again. Undefined when it is there, or recorded too recently to tell.
 */
export async function restoreIfMissing(
  deps: Pick<Deps, 'documents' | 'now'>,
  stored: StoredDocument,
  recordedAt: string,
  rebuild: () => Promise<Uint8Array>,
): Promise<Uint8Array | undefined> {
  if (deps.now().getTime() - Date.parse(recordedAt) < RESTORE_AFTER_MS) return undefined;
  if (await deps.documents.get(stored.key)) return undefined;
  const pdf = await rebuild();
  if (sha256Hex(pdf) !== stored.sha256) throw new Error(`The rebuilt ${stored.key} differs from the recorded document`);
  await deps.documents.put(stored.key, pdf, 'application/pdf');
  return pdf;
}
