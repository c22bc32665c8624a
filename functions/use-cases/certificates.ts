/**
 * Signed and executed documents, made from recorded facts by the jobs that
 * follow a signature: the original, the collectivité's certificate page, for
 * executed ones the countersignature page, and the platform's seal dated with
 * the recorded instant. The seal's time-stamp makes every seal other bytes: a retried job keeps the
 * copy its first try stored (storeOnce).
 */
import { appendCountersignatureCertificate, appendSignatureCertificate } from '../../templates/convention/signature-certificate.ts';
import type { Convention, Countersignature, Signature, StoredDocument } from '../domain/model.ts';
import type { Deps } from './ports.ts';
import { readDocument } from './stored-document.ts';

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
  // Nothing is sealed on top of a document that is not the one recorded: the signed copy is checked too.
  const [original] = await Promise.all([readDocument(deps, paper.original), readDocument(deps, paper.signedDocument)]);
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
