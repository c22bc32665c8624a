/**
 * The mayor signs an avenant. The rules of the 15 October deadline apply by
 * the Paris day of this signature (when the signed avenant reaches the
 * rectorat). The convention's list, amount and history change in the same
 * transaction as the avenant's status, with the job that makes the signed
 * avenant (the avenant document, a certificate page and the platform's seal)
 * and sends it to the mayor.
 */
import { certifyOriginal } from './certificates.ts';
import { signedAvenantEmail } from '../../templates/email/avenant.ts';
import { avenantEffectOf, avenantLimit, avenantOutcome, avenantTiming } from '../domain/avenant-rules.ts';
import { avenantLimitError } from './request-avenant.ts';
import { avenantWindow } from '../domain/calendar.ts';
import { signedAvenantDocumentKey } from '../domain/document-keys.ts';
import { AppError } from '../domain/errors.ts';
import { formatFrenchDate } from '../../templates/format/french.ts';
import { avenantEffectText } from '../../templates/format/avenant-phrases.ts';
import type { SignatureForm } from './input/inputs.ts';
import type { Avenant, AvenantOutcome, Convention, Signature } from '../domain/model.ts';
import type { Deps } from './ports.ts';
import { resolveAvenantLink } from './signing-link.ts';
import { emailThenRecord, sealedEvent } from './jobs/email-once.ts';
import { newJob, type Job } from '../domain/jobs/job.ts';
import type { JobDeps } from './jobs/run-job.ts';
import { sealerOf } from './sign-convention.ts';
import { readDocument, storeOnce } from './stored-document.ts';

export class AvenantAlreadySignedError extends AppError {
  constructor(readonly convention: Convention, readonly avenant: Avenant) {
    super('ALREADY_SIGNED', 'Cet avenant est déjà signé.');
  }
}

type SignAvenantDeps = Pick<Deps, 'now' | 'newId' | 'conventions' | 'avenants'>;

export async function signAvenant(
  deps: SignAvenantDeps,
  input: { token: string; form: SignatureForm; ip: string; userAgent: string },
): Promise<{ convention: Convention; avenant: Avenant }> {
  const { convention, avenant, linkHash } = await resolveAvenantLink(deps, input.token);
  if (avenant.status !== 'sent') throw new AvenantAlreadySignedError(convention, avenant);
  const signedAt = deps.now().toISOString();
  const timing = avenantTiming(signedAt, avenant.schoolYear);
  if (timing === 'before-window') {
    throw new AppError('CONFLICT', `La période des avenants s'ouvre le ${formatFrenchDate(avenantWindow(avenant.schoolYear).opens)} : vous pourrez signer cet avenant à partir de cette date.`);
  }
  // The end date may have passed since the avenant was prepared.
  const limit = avenantLimit({ instant: signedAt, endDate: convention.endDate, schoolYear: avenant.schoolYear, linkExpiresAt: avenant.link.expiresAt });
  if (limit?.kind === 'convention-ended') throw avenantLimitError(limit, convention);
  // Against the convention's list as it is now: another avenant may have been signed since this one was drawn up.
  const decision = avenantOutcome({ previous: convention.schools, requested: avenant.schools, feeCents: avenant.feeCents, timing, schoolYear: avenant.schoolYear });
  const effect = avenantEffectOf(decision, convention.schools.length);
  // The effect as data in the audit event; its sentence, as told at the signature, on the avenant and the convention.
  const outcome: AvenantOutcome = { ...decision, effect: avenantEffectText(effect) };
  const { form } = input;
  const signature: Signature = {
    signerName: form.signerName,
    capacity: form.capacity,
    ...(form.capacity === 'delegation' && form.delegateFunction ? { delegateFunction: form.delegateFunction } : {}),
    ...(form.deliberationNumber && form.deliberationDate ? { deliberation: { number: form.deliberationNumber, date: form.deliberationDate } } : {}),
    signedAt,
    ip: input.ip,
    userAgent: input.userAgent,
    // The avenant's link went to the convention's address, which no longer changes once it is signed.
    linkSentTo: convention.mayor.email,
  };
  const updated: Convention = {
    ...convention,
    schools: outcome.schools,
    amountCents: outcome.amountCents,
    avenants: [...(convention.avenants ?? []), { id: avenant.id, signedAt, effect: outcome.effect }],
  };
  delete updated.pendingAvenantId;
  const won = await deps.avenants.recordSignature({
    avenant,
    linkHash,
    signature,
    outcome,
    convention,
    event: {
      conventionId: convention.id,
      at: signedAt,
      type: 'avenant_signed',
      actor: signature.signerName,
      ip: input.ip,
      userAgent: input.userAgent,
      sha256Before: avenant.document.sha256,
      avenantId: avenant.id,
      effect,
    },
    // The outbox: the signed avenant is sealed, stored and sent by this job.
    job: newJob({ id: deps.newId(), kind: 'seal-avenant-signed', payload: { conventionId: convention.id, avenantId: avenant.id }, at: signedAt, label: convention.commune.name }),
  });
  if (!won) {
    const current = await deps.avenants.get(convention.id, avenant.id);
    if (current && current.status !== 'sent') throw new AvenantAlreadySignedError(convention, current);
    throw new AppError('CONFLICT', "Une école de l'avenant vient d'être inscrite par une autre commune, ou la convention a changé : contactez le rectorat.");
  }
  const signedAvenant: Avenant = { ...avenant, status: 'signed', signedAt, signature, outcome };
  return { convention: updated, avenant: signedAvenant };
}

/**
 * The `seal-avenant-signed` job: the avenant document, a certificate page and the platform's seal dated
 * with the recorded instant (time-stamped: other bytes on every try, the first stored is kept), stored, sent to the mayor once, and recorded
 * on the avenant in the transaction that ends the job.
 */
export async function sealSignedAvenantJob(deps: JobDeps, job: Job): Promise<{ ended: true } | { tally: string }> {
  const { conventionId, avenantId } = job.payload as { conventionId: string; avenantId: string };
  const [convention, avenant] = await Promise.all([deps.conventions.get(conventionId), deps.avenants.get(conventionId, avenantId)]);
  if (!convention || !avenant?.signature || !avenant.signedAt || avenant.signedDocument || avenant.status === 'sent') return { tally: 'skipped' };
  const original = await readDocument(deps, avenant.document);
  const certified = await certifyOriginal(original, convention, avenant.signature, avenant.document.sha256, `${convention.id}, avenant ${avenant.id}`);
  const made = await sealerOf(deps).seal(certified, {
    reason: `Avenant à la convention ENT-École ${avenant.schoolYear} signé pour la commune de ${convention.commune.name}`,
    location: convention.commune.name,
    contactInfo: deps.contactEmail,
    signingTime: new Date(avenant.signedAt),
  });
  const { document: signedDocument, bytes: sealed } = await storeOnce(deps, signedAvenantDocumentKey(convention, avenant.id), made, 'application/pdf');
  return emailThenRecord(
    deps,
    job,
    () => ({
      to: [convention.mayor.email],
      ...signedAvenantEmail({ convention, avenant: { ...avenant, signedDocument }, contactEmail: deps.contactEmail }),
      attachments: [{ filename: `avenant-ent-ecole-${avenant.schoolYear}-${avenant.id.slice(0, 8)}-signe.pdf`, contentType: 'application/pdf', content: sealed }],
    }),
    (at) => deps.avenants.recordSealed(avenant, 'signed', signedDocument, sealedEvent({ conventionId: convention.id, avenantId: avenant.id, at, before: avenant.document.sha256, after: signedDocument.sha256, document: 'signed', sentTo: convention.mayor.email }), { job, at }),
  );
}
