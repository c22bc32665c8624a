/**
 * The rectorat countersigns an avenant the commune signed, as it does a
 * convention: one conditional transaction with the convention's event and
 * the `seal-avenant-executed` job, which makes the final avenant (document,
 * both certificates, one seal), sends it to both parties once and records it.
 */
import { executedAvenantEmail } from '../../templates/email/avenant.ts';
import { countersignatureBy, countersignedPdf } from './certificates.ts';
import { executedAvenantDocumentKey } from '../domain/document-keys.ts';
import { AppError } from '../domain/errors.ts';
import { emailThenRecord, sealedEvent } from './jobs/email-once.ts';
import { newJob, type Job } from '../domain/jobs/job.ts';
import type { JobDeps } from './jobs/run-job.ts';
import type { Avenant } from '../domain/model.ts';
import { countersignerOf } from '../domain/audit-events.ts';
import type { Deps } from './ports.ts';
import { sealerOf } from './sign-convention.ts';
import { storeOnce } from './stored-document.ts';

type Input = { conventionId: string; avenantId: string; delegate?: { name: string; title: string }; actor: string; ip: string; userAgent: string };

export async function countersignAvenant(
  deps: Pick<Deps, 'now' | 'newId' | 'campaigns' | 'conventions' | 'avenants'>,
  input: Input,
): Promise<Avenant & { jobId: string }> {
  const [convention, avenant] = await Promise.all([deps.conventions.get(input.conventionId), deps.avenants.get(input.conventionId, input.avenantId)]);
  if (!convention || !avenant) throw new AppError('NOT_FOUND', `Aucun avenant ${input.avenantId} pour la convention ${input.conventionId}.`);
  if (avenant.status !== 'signed' || !avenant.signature) {
    throw new AppError('CONFLICT', avenant.status === 'executed' ? 'Cet avenant est déjà contresigné.' : "Cet avenant n'est pas encore signé par la commune.");
  }
  if (!avenant.signedDocument) {
    throw new AppError('CONFLICT', "La copie signée de cet avenant est en cours de préparation : réessayez de le contresigner dans quelques minutes.");
  }
  const campaign = await deps.campaigns.get(convention.schoolYear);
  if (!campaign) throw new Error(`Campaign ${convention.schoolYear} missing`);
  const countersignature = countersignatureBy(input.delegate ?? campaign.signatory, input.delegate !== undefined, deps.now(), input);
  const job = newJob({
    id: deps.newId(),
    kind: 'seal-avenant-executed',
    payload: { conventionId: convention.id, avenantId: avenant.id },
    at: countersignature.countersignedAt,
    label: convention.commune.name,
  });
  const won = await deps.avenants.recordCountersignature(
    avenant,
    countersignature,
    {
      conventionId: convention.id,
      at: countersignature.countersignedAt,
      type: 'avenant_countersigned',
      actor: input.actor,
      ip: input.ip,
      userAgent: input.userAgent,
      sha256Before: avenant.signedDocument.sha256,
      avenantId: avenant.id,
      ...countersignerOf(countersignature),
    },
    job,
  );
  if (!won) throw new AppError('CONFLICT', 'Cet avenant est déjà contresigné.');
  return { ...avenant, status: 'executed', executedAt: countersignature.countersignedAt, countersignature, jobId: job.id };
}

/**
 * The `seal-avenant-executed` job: the final avenant sealed at the countersignature's instant (the same
 * bytes on every try), stored, sent to both parties once, and recorded in the transaction that ends the job.
 */
export async function sealExecutedAvenantJob(deps: JobDeps, job: Job): Promise<{ ended: true } | { tally: string }> {
  const { conventionId, avenantId } = job.payload as { conventionId: string; avenantId: string };
  const [convention, avenant] = await Promise.all([deps.conventions.get(conventionId), deps.avenants.get(conventionId, avenantId)]);
  if (!convention || avenant?.status !== 'executed' || avenant.executedDocument) return { tally: 'skipped' };
  const { signature, signedDocument, countersignature } = avenant;
  if (!signature || !signedDocument || !countersignature) throw new Error(`Avenant ${avenant.id} is executed without its signature or signed copy`);
  const campaign = await deps.campaigns.get(convention.schoolYear);
  if (!campaign) throw new Error(`Campaign ${convention.schoolYear} missing`);
  const made = await countersignedPdf(
    { ...deps, sealer: sealerOf(deps) },
    { convention, reference: `${convention.id}, avenant ${avenant.id}`, original: avenant.document, signature, signedDocument },
    countersignature,
    { reason: `Avenant à la convention ENT-École ${avenant.schoolYear} de la commune de ${convention.commune.name} contresigné`, location: campaign.issuePlace },
  );
  const { document: executedDocument, bytes: sealed } = await storeOnce(deps, executedAvenantDocumentKey(convention, avenant.id), made, 'application/pdf');
  return emailThenRecord(
    deps,
    job,
    () => ({
      to: [convention.mayor.email, deps.contactEmail],
      ...executedAvenantEmail({ convention, avenant: { ...avenant, executedDocument }, contactEmail: deps.contactEmail }),
      attachments: [{ filename: `avenant-ent-ecole-${avenant.schoolYear}-${avenant.id.slice(0, 8)}-executoire.pdf`, contentType: 'application/pdf', content: sealed }],
    }),
    (at) => deps.avenants.recordSealed(avenant, 'executed', executedDocument, sealedEvent({ conventionId: convention.id, avenantId: avenant.id, at, before: signedDocument.sha256, after: executedDocument.sha256, document: 'executed', sentTo: convention.mayor.email }), { job, at }),
  );
}
