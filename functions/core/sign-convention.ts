/**
 * The mayor (or a delegate) signs. The signed PDF is the original plus a
 * certificate page drawn from the recorded facts, under the platform's PAdES
 * seal dated with the recorded instant, so it can be rebuilt byte for byte. The state change and its audit event are one conditional
 * transaction: of concurrent requests, exactly one wins; the others are told
 * the convention is already signed.
 */
import { signedEmail } from '../../templates/email/signed.ts';
import { sha256Hex } from './digest.ts';
import { documentFileName, signedDocumentKey } from './document-keys.ts';
import { certifyOriginal, restoreIfMissing } from './certificates.ts';
import { settledError } from './convention-errors.ts';
import { AppError } from './errors.ts';
import type { SignatureForm } from './inputs.ts';
import type { Convention, Signature, StoredDocument } from './model.ts';
import type { Deps } from './ports.ts';
import { resolveSigningLink } from './signing-link.ts';

type SignDeps = Pick<Deps, 'now' | 'conventions' | 'documents' | 'mailer' | 'sealer' | 'contactEmail'>;

export async function signConvention(
  deps: SignDeps,
  input: { token: string; form: SignatureForm; ip: string; userAgent: string },
): Promise<Convention> {
  const { convention, linkHash } = await resolveSigningLink(deps, input.token);
  if (convention.status === 'signed') {
    // Signing again after a failure: the recorded signed document is restored if its storage was lost.
    const restored = await restoreSigned(deps, convention);
    if (restored) return restored;
  }
  const settled = settledError(convention);
  if (settled) throw settled;
  if (convention.status !== 'sent' || !convention.document) {
    throw new AppError('LINK_INVALID', "Ce lien de signature n'est pas valide.");
  }
  const { form } = input;
  const signature: Signature = {
    signerName: form.signerName,
    capacity: form.capacity,
    ...(form.capacity === 'delegation' && form.delegateFunction ? { delegateFunction: form.delegateFunction } : {}),
    ...(form.deliberationNumber
      ? { deliberation: { number: form.deliberationNumber, date: form.deliberationDate ?? '' } }
      : {}),
    signedAt: deps.now().toISOString(),
    ip: input.ip,
    userAgent: input.userAgent,
  };

  const signedPdf = await sealSigned(deps, convention, convention.document, signature);
  const signedDocument = { key: signedDocumentKey(convention), sha256: sha256Hex(signedPdf) };

  const won = await deps.conventions.recordSignature(convention.id, linkHash, signature, signedDocument, {
    conventionId: convention.id,
    at: signature.signedAt,
    type: 'signed',
    actor: signature.signerName,
    ip: input.ip,
    userAgent: input.userAgent,
    sha256Before: convention.document.sha256,
    sha256After: signedDocument.sha256,
    detail: signature.capacity === 'maire' ? 'Signée par le maire' : `Signée par délégation du maire (${signature.delegateFunction})`,
  });
  if (!won) {
    throw settledError(await deps.conventions.get(convention.id)) ??
      new AppError('CONFLICT', "La convention a changé pendant la signature : rouvrez le lien et signez à nouveau.");
  }

  await deps.documents.put(signedDocument.key, signedPdf, 'application/pdf');
  const signed: Convention = { ...convention, status: 'signed', signedAt: signature.signedAt, signature, signedDocument };
  await sendSigned(deps, signed, signedPdf);
  return signed;
}

/** The original, its certificate page, under the platform's seal dated with the recorded instant: the same bytes every time. */
async function sealSigned(deps: SignDeps, convention: Convention, document: StoredDocument, signature: Signature): Promise<Uint8Array> {
  const original = await deps.documents.get(document.key);
  if (!original) throw new Error(`Document missing for convention ${convention.id}`);
  const certified = await certifyOriginal(original, convention, signature, document.sha256);
  return deps.sealer.seal(certified, {
    reason: `Convention ENT-École ${convention.schoolYear} signée pour la commune de ${convention.commune.name}`,
    location: convention.commune.name,
    contactInfo: deps.contactEmail,
    signingTime: new Date(signature.signedAt),
  });
}

async function sendSigned(deps: SignDeps, signed: Convention, signedPdf: Uint8Array): Promise<void> {
  await deps.mailer.send({
    to: [signed.mayor.email],
    ...signedEmail({ convention: signed, contactEmail: deps.contactEmail }),
    attachments: [{ filename: documentFileName(signed, 'signed'), contentType: 'application/pdf', content: signedPdf }],
  });
}

/**
 * A signed convention whose document never reached the store: rebuilt from
 * the recorded signature, stored, and sent to the mayor (the email came after
 * the store, so it never left). Undefined when the document is there.
 */
async function restoreSigned(deps: SignDeps, convention: Convention): Promise<Convention | undefined> {
  const { signature, document, signedDocument } = convention;
  if (!signature || !document || !signedDocument) return undefined;
  const signedPdf = await restoreIfMissing(deps, signedDocument, signature.signedAt, () => sealSigned(deps, convention, document, signature));
  if (!signedPdf) return undefined;
  await sendSigned(deps, convention, signedPdf);
  return convention;
}
