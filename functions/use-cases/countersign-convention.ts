/**
 * The rectorat countersigns a convention the commune signed: by the
 * campaign's signatory, or by a named delegate. The countersignature, its
 * audit event and the job that makes the final document are one conditional
 * transaction, so it happens once. The job seals the original, the
 * collectivité's certificate and the countersignature certificate under one
 * seal, stores it, sends it to both parties once, and records it in the
 * transaction that ends the job.
 *
 * A whole campaign (or a list of its conventions) is countersigned by one
 * tracked job that fans out one `countersign-convention` job per signed
 * convention; each records the countersignature and seals as above.
 */
import { executedEmail } from '../../templates/email/executed.ts';
import { countersignatureBy, countersignedPdf, type SignedPaper } from './certificates.ts';
import { documentFileName, executedDocumentKey } from '../domain/document-keys.ts';
import { AppError } from '../domain/errors.ts';
import { emailThenRecord, sealedEvent } from './jobs/email-once.ts';
import { newJob, RetryLater, type Job } from '../domain/jobs/job.ts';
import { conventionJobs, enqueueInChunks } from './jobs/fan-out.ts';
import type { JobBudget, JobDeps } from './jobs/run-job.ts';
import type { Campaign, Convention, Countersignature, NewEventOf } from '../domain/model.ts';
import { countersignerOf } from '../domain/audit-events.ts';
import type { Deps } from './ports.ts';
import { sealerOf } from './sign-convention.ts';
import { storeOnce } from './stored-document.ts';

export interface CountersignInput {
  id: string;
  /** A delegate signing for the campaign's signatory; the signatory when absent. */
  delegate?: { name: string; title: string };
  actor: string;
  ip: string;
  userAgent: string;
}

type CountersignDeps = Pick<Deps, 'now' | 'newId' | 'campaigns' | 'conventions'>;

function notCountersignable(convention: Convention): AppError {
  if (convention.status === 'executed') return new AppError('CONFLICT', 'Cette convention est déjà contresignée : elle est exécutoire.');
  if (convention.status === 'signed') {
    return new AppError('CONFLICT', 'La copie signée de cette convention est en cours de préparation : réessayez de la contresigner dans quelques minutes.');
  }
  return new AppError('CONFLICT', "Cette convention n'est pas encore signée par la commune : elle ne peut pas être contresignée.");
}

const paperOf = (convention: Convention): SignedPaper | undefined =>
  convention.signature && convention.document && convention.signedDocument
    ? { convention, reference: convention.id, original: convention.document, signature: convention.signature, signedDocument: convention.signedDocument }
    : undefined;

const sealOf = (convention: Convention, campaign: Campaign) => ({
  reason: `Convention ENT-École ${convention.schoolYear} de la commune de ${convention.commune.name} contresignée : exécutoire`,
  location: campaign.issuePlace,
});

function countersignedEvent(convention: Convention, paper: SignedPaper, countersignature: Countersignature, input: Omit<CountersignInput, 'id'>): NewEventOf<'countersigned'> {
  return {
    conventionId: convention.id,
    at: countersignature.countersignedAt,
    type: 'countersigned',
    actor: input.actor,
    ip: input.ip,
    userAgent: input.userAgent,
    sha256Before: paper.signedDocument.sha256,
    ...countersignerOf(countersignature),
  };
}

/**
 * POST /admin/conventions/{id}/countersign: the countersignature is recorded now, with the `seal-executed`
 * job (its id in `executedJob`) that makes and sends the final document.
 */
export async function countersignConvention(deps: CountersignDeps, input: CountersignInput): Promise<Convention> {
  const convention = await deps.conventions.get(input.id);
  if (!convention) throw new AppError('NOT_FOUND', `Aucune convention ne porte l'identifiant ${input.id}.`);
  const paper = paperOf(convention);
  if (convention.status !== 'signed' || !paper) throw notCountersignable(convention);
  const campaign = await campaignOf(deps, convention);

  const countersignature = countersignatureBy(input.delegate ?? campaign.signatory, input.delegate !== undefined, deps.now(), input);
  const job = newJob({
    id: deps.newId(),
    kind: 'seal-executed',
    payload: { conventionId: convention.id },
    at: countersignature.countersignedAt,
    label: convention.commune.name,
  });
  const won = await deps.conventions.recordCountersignature(convention.id, countersignature, countersignedEvent(convention, paper, countersignature, input), {
    jobId: job.id,
    job,
  });
  if (!won) {
    const current = await deps.conventions.get(convention.id);
    throw current ? notCountersignable(current) : new AppError('CONFLICT', 'La convention a changé entre-temps.');
  }
  return { ...convention, status: 'executed', executedAt: countersignature.countersignedAt, countersignature, executedJob: job.id };
}

async function campaignOf(deps: Pick<Deps, 'campaigns'>, convention: Convention): Promise<Campaign> {
  const campaign = await deps.campaigns.get(convention.schoolYear);
  if (!campaign) throw new Error(`Campaign ${convention.schoolYear} missing for convention ${convention.id}`);
  return campaign;
}

/**
 * The final document of an executed convention held by this job (`executedJob`): sealed at the
 * countersignature's instant (time-stamped: other bytes on every try, the first stored is kept), stored, sent to both parties once, and
 * recorded in the transaction that ends the job.
 */
async function sealExecuted(deps: JobDeps, job: Job, convention: Convention): Promise<{ ended: true } | { tally: string }> {
  const paper = paperOf(convention);
  const { countersignature } = convention;
  if (!paper || !countersignature) throw new Error(`Convention ${convention.id} is executed without its signed copy or countersignature`);
  const campaign = await campaignOf(deps, convention);
  const made = await countersignedPdf({ ...deps, sealer: sealerOf(deps) }, paper, countersignature, sealOf(convention, campaign));
  const { document: executedDocument, bytes: sealed } = await storeOnce(deps, executedDocumentKey(convention), made, 'application/pdf');

  const executed: Convention = { ...convention, executedDocument };
  return emailThenRecord(
    deps,
    job,
    () => ({
      to: [convention.mayor.email, deps.contactEmail],
      ...executedEmail({ convention: executed, contactEmail: deps.contactEmail }),
      attachments: [{ filename: documentFileName(executed, 'executed'), contentType: 'application/pdf', content: sealed }],
    }),
    (at) =>
      deps.conventions.recordSealed(convention.id, 'executed', executedDocument, sealedEvent({ conventionId: convention.id, at, before: paper.signedDocument.sha256, after: executedDocument.sha256, document: 'executed', sentTo: convention.mayor.email }), {
        job,
        at,
        tally: 'executed',
      }),
  );
}

/** The `seal-executed` job of a countersignature recorded by the single route. */
export async function sealExecutedJob(deps: JobDeps, job: Job): Promise<{ ended: true } | { tally: string }> {
  const { conventionId } = job.payload as { conventionId: string };
  const convention = await deps.conventions.get(conventionId);
  if (!convention || convention.status !== 'executed' || convention.executedJob !== job.id || convention.executedDocument) return { tally: 'skipped' };
  return sealExecuted(deps, job, convention);
}

export interface CampaignCountersignInput {
  schoolYear: string;
  /** Only these conventions of the campaign; every signed one when absent. */
  ids?: string[];
  delegate?: { name: string; title: string };
  actor: string;
  ip: string;
  userAgent: string;
}

/** POST /admin/campaigns/{schoolYear}/countersign: the tracked job that countersigns the campaign's signed conventions. */
export async function startCampaignCountersign(deps: Pick<Deps, 'now' | 'newId' | 'campaigns' | 'jobs'>, input: CampaignCountersignInput): Promise<{ jobId: string }> {
  const campaign = await deps.campaigns.get(input.schoolYear);
  if (!campaign) throw new AppError('NOT_FOUND', `Aucune campagne n'existe pour l'année scolaire ${input.schoolYear}.`);
  const job = newJob({
    id: deps.newId(),
    kind: 'countersign-campaign',
    payload: { ...input },
    at: deps.now().toISOString(),
    label: `Contresignature de la campagne ${campaign.schoolYear}`,
  });
  // No lock per campaign: each child countersigns its convention once, whichever job gets there first.
  const { jobId } = await deps.jobs.startTracked(job);
  return { jobId };
}

/**
 * The campaign's countersignature job: one `countersign-convention` job per signed convention (of the
 * list, if one was given), in chunks, each chunk once; a listed convention that is not signed is
 * reported as a failure with its reason.
 */
export async function fanOutCampaignCountersign(deps: JobDeps, job: Job, budget?: JobBudget): Promise<void> {
  const { schoolYear, ids, ...who } = job.payload as unknown as CampaignCountersignInput;
  const progress = await deps.jobs.progress(job.id);
  if (!progress || progress.complete) return;
  const wanted = ids ? new Set(ids) : undefined;
  const conventions = (await deps.conventions.listByCampaign(schoolYear))
    .filter((convention) => convention.createdAt <= job.createdAt && (!wanted || wanted.has(convention.id)))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  if (progress.cursor === 0 && wanted) {
    const at = deps.now().toISOString();
    const found = new Map(conventions.map((convention) => [convention.id, convention]));
    const refused = [...wanted].flatMap((id) => {
      const convention = found.get(id);
      if (!convention) return [{ item: id, reason: `Aucune convention ${id} dans la campagne ${schoolYear}.`, at }];
      if (convention.status !== 'signed') return [{ item: convention.commune.name, reason: notCountersignable(convention).message, at }];
      return [];
    });
    if (refused.length > 0) await deps.jobs.recordFailures(job.id, refused);
  }
  // Chunks of the stable list; "signed" is read inside each (those countersigned meanwhile left it).
  await enqueueInChunks(deps, job, {
    cursor: progress.cursor,
    items: conventions,
    budget,
    children: (chunk) => conventionJobs(deps, job, chunk, { kind: 'countersign-convention', status: 'signed', payload: (convention) => ({ conventionId: convention.id, ...who }) }),
  });
}

/**
 * One convention of a campaign's countersignature: recorded by this job (it becomes the convention's
 * `executedJob`), then sealed, stored, sent and recorded as by `seal-executed`. A retry after the
 * countersignature finds it held by this job and goes on with the document; a convention countersigned
 * meanwhile by another request is skipped.
 */
export async function countersignConventionJob(deps: JobDeps, job: Job): Promise<{ ended: true } | { tally: string }> {
  const { conventionId, delegate, ...who } = job.payload as unknown as Omit<CountersignInput, 'id'> & { conventionId: string };
  let convention = await deps.conventions.get(conventionId);
  if (!convention) return { tally: 'skipped' };
  if (convention.status === 'signed') {
    const paper = paperOf(convention);
    // Signed a moment ago: its signed copy is still being sealed.
    if (!paper) throw new RetryLater('La copie signée est en cours de préparation : la contresignature suivra.', 30_000);
    const campaign = await campaignOf(deps, convention);
    const countersignature = countersignatureBy(delegate ?? campaign.signatory, delegate !== undefined, deps.now(), who);
    const won = await deps.conventions.recordCountersignature(convention.id, countersignature, countersignedEvent(convention, paper, countersignature, who), { jobId: job.id });
    if (!won) return { tally: 'skipped' };
    convention = { ...convention, status: 'executed', executedAt: countersignature.countersignedAt, countersignature, executedJob: job.id };
  }
  if (convention.status !== 'executed' || convention.executedJob !== job.id || convention.executedDocument) return { tally: 'skipped' };
  return sealExecuted(deps, job, convention);
}
