/**
 * The mayor (or a delegate) signs. The state change, its audit event and the
 * `seal-signed` job are one conditional transaction: of concurrent requests,
 * exactly one wins; the others are told the convention is already signed.
 * The job then makes the signed PDF (the original plus a certificate page
 * drawn from the recorded facts, under the platform's PAdES seal dated with
 * the recorded instant and time-stamped by the TSA, so no two seals are the
 * same bytes), stores it once (the first try's copy is the document),
 * emails it to the mayor once, and records it on the convention in the
 * transaction that ends the job.
 */
import { signedEmail } from '../../templates/email/signed.ts';
import { refusalWords } from '../../templates/format/refusals.ts';
import { certifyOriginal } from './certificates.ts';
import { settledError } from '../domain/convention-errors.ts';
import { documentFileName, signedDocumentKey } from '../domain/document-keys.ts';
import { parisDateOf } from '../domain/calendar.ts';
import { deliberationRefusals } from '../domain/deliberation.ts';
import { AppError } from '../domain/errors.ts';
import { invalidInput } from './input/invalid-input.ts';
import { emailThenRecord, sealedEvent } from './jobs/email-once.ts';
import { newJob, type Job } from '../domain/jobs/job.ts';
import type { JobDeps } from './jobs/run-job.ts';
import type { SignatureForm } from './input/inputs.ts';
import type { Convention, Signature, StoredDocument } from '../domain/model.ts';
import type { Deps, PdfSealer } from './ports.ts';
import { resolveSigningLink } from './signing-link.ts';
import { readDocument, storeOnce } from './stored-document.ts';

type SignDeps = Pick<Deps, 'now' | 'newId' | 'conventions'>;

export async function signConvention(
  deps: SignDeps,
  input: { token: string; form: SignatureForm; ip: string; userAgent: string },
): Promise<Convention & { sealingJob: string }> {
  const { convention, linkHash } = await resolveSigningLink(deps, input.token);
  const settled = settledError(convention);
  if (settled) throw settled;
  if (convention.status !== 'sent' || !convention.document) {
    throw new AppError('LINK_INVALID', "Ce lien de signature n'est pas valide.");
  }
  const { form } = input;
  const now = deps.now();
  const refusals = deliberationRefusals({ required: convention.deliberationRequired !== false, number: form.deliberationNumber, date: form.deliberationDate, today: parisDateOf(now) });
  if (refusals.length > 0) throw invalidInput(refusals.flatMap((refusal) => refusalWords(refusal).issues));
  const signature: Signature = {
    signerName: form.signerName,
    capacity: form.capacity,
    ...(form.capacity === 'delegation' && form.delegateFunction ? { delegateFunction: form.delegateFunction } : {}),
    ...(form.deliberationNumber && form.deliberationDate
      ? { deliberation: { number: form.deliberationNumber, date: form.deliberationDate } }
      : {}),
    signedAt: now.toISOString(),
    ip: input.ip,
    userAgent: input.userAgent,
    // The signing transaction holds only while this link is live, and the address changes only by a `resend`
    // that revokes every earlier link: the address read here is the one this link was emailed to.
    linkSentTo: convention.mayor.email,
    ...(convention.addressChanges?.length ? { addressChanges: convention.addressChanges } : {}),
  };
  const job = newJob({
    id: deps.newId(),
    kind: 'seal-signed',
    payload: { conventionId: convention.id },
    at: signature.signedAt,
    label: convention.commune.name,
  });

  const won = await deps.conventions.recordSignature(
    convention.id,
    linkHash,
    signature,
    {
      conventionId: convention.id,
      at: signature.signedAt,
      type: 'signed',
      actor: signature.signerName,
      ip: input.ip,
      userAgent: input.userAgent,
      sha256Before: convention.document.sha256,
      capacity: signature.capacity,
      ...(signature.delegateFunction !== undefined ? { delegateFunction: signature.delegateFunction } : {}),
    },
    job,
  );
  if (!won) {
    throw settledError(await deps.conventions.get(convention.id)) ??
      new AppError('CONFLICT', "La convention a changé pendant la signature : rouvrez le lien et signez à nouveau.");
  }
  return { ...convention, status: 'signed', signedAt: signature.signedAt, signature, sealingJob: job.id };
}

/** The sealer, which only the worker that seals documents has. */
export function sealerOf(deps: JobDeps): PdfSealer {
  if (!deps.sealer) throw new Error('This worker has no sealer: the job kind needs `sealsDocuments`.');
  return deps.sealer;
}

/** The original, its certificate page, under the platform's seal dated with the recorded instant (its time-stamp differs every time). */
async function sealSigned(deps: JobDeps, convention: Convention, document: StoredDocument, signature: Signature): Promise<Uint8Array> {
  const original = await readDocument(deps, document);
  const certified = await certifyOriginal(original, convention, signature, document.sha256);
  return sealerOf(deps).seal(certified, {
    reason: `Convention ENT-École ${convention.schoolYear} signée pour la commune de ${convention.commune.name}`,
    location: convention.commune.name,
    contactInfo: deps.contactEmail,
    signingTime: new Date(signature.signedAt),
  });
}

/**
 * The `seal-signed` job: seals, stores, emails the mayor (one email, claimed
 * before SES is called), then records the signed copy on the convention in
 * the transaction that ends the job. A second delivery finds the job ended; a
 * retry after SES took the email seals again, finds the first copy stored (storeOnce), and records that one.
 */
export async function sealSignedJob(deps: JobDeps, job: Job): Promise<{ ended: true } | { tally: string }> {
  const { conventionId } = job.payload as { conventionId: string };
  const convention = await deps.conventions.get(conventionId);
  if (!convention || convention.signedDocument || !convention.signature || !convention.document) return { tally: 'skipped' };
  const { signature, document } = convention;
  const stored = await storeOnce(deps, signedDocumentKey(convention), await sealSigned(deps, convention, document, signature), 'application/pdf');
  const { document: signedDocument, bytes: signedPdf } = stored;

  const signed: Convention = { ...convention, signedDocument };
  return emailThenRecord(
    deps,
    job,
    () => ({
      to: [convention.mayor.email],
      ...signedEmail({ convention: signed, contactEmail: deps.contactEmail }),
      attachments: [{ filename: documentFileName(signed, 'signed'), contentType: 'application/pdf', content: signedPdf }],
    }),
    (at) =>
      deps.conventions.recordSealed(
        convention.id,
        'signed',
        signedDocument,
        sealedEvent({ conventionId: convention.id, at, before: document.sha256, after: signedDocument.sha256, document: 'signed', sentTo: convention.mayor.email }),
        { job, at },
      ),
  );
}
