/**
 * The rectorat sends a campaign: one request starts one tracked job; the job
 * enqueues one invitation job per convention to send; each invitation job
 * generates the PDF into the document store and emails the mayor a personal
 * link. Sending again while a send runs returns the running job; a send
 * after it ends sends only what is still a draft.
 */
import { parseConventionModel } from '../../templates/convention/models.ts';
import { createConventionRenderer, type ConventionRenderer } from '../../templates/convention/render-convention.ts';
import { invitationEmail } from '../../templates/email/invitation.ts';
import { conventionDocumentInput } from './convention-document.ts';
import { sha256Hex } from '../domain/sha256.ts';
import { conventionDocumentKey } from '../domain/document-keys.ts';
import { AppError } from '../domain/errors.ts';
import { claimJobEmail, sendClaimedEmail } from './jobs/email-once.ts';
import { JobRefused, newJob, RetryLater, type Job } from '../domain/jobs/job.ts';
import { conventionJobs, enqueueInChunks } from './jobs/fan-out.ts';
import type { JobBudget, JobDeps } from './jobs/run-job.ts';
import type { Campaign, Convention } from '../domain/model.ts';
import type { Deps } from './ports.ts';
import { firstWakeUp } from '../domain/reminder-schedule.ts';
import { storeOnce } from './stored-document.ts';
import { addLink, hashToken, linkExpiry, signingUrl } from './signing-link.ts';

/** POST …/send: the tracked job, new or already running. */
export async function startCampaignSend(
  deps: Pick<Deps, 'now' | 'newId' | 'campaigns' | 'jobs'>,
  input: { schoolYear: string; actor: string },
): Promise<{ jobId: string; started: boolean }> {
  const campaign = await deps.campaigns.get(input.schoolYear);
  if (!campaign) throw new AppError('NOT_FOUND', `Aucune campagne n'existe pour l'année scolaire ${input.schoolYear}.`);
  const job = newJob({
    id: deps.newId(),
    kind: 'send-campaign',
    payload: { schoolYear: campaign.schoolYear, actor: input.actor },
    at: deps.now().toISOString(),
    label: `Envoi de la campagne ${campaign.schoolYear}`,
  });
  return deps.jobs.startTracked(job, { schoolYear: campaign.schoolYear });
}

/**
 * The send job: one invitation job per draft convention, in chunks, each
 * chunk once. The chunks are cut from a list that does not move while the job
 * runs (the campaign's conventions created before it, by id), so a fan-out
 * resumed after a crash picks up at the chunk where it stopped.
 */
export async function fanOutCampaignSend(deps: JobDeps, job: Job, budget?: JobBudget): Promise<void> {
  const { schoolYear, actor } = job.payload as { schoolYear: string; actor: string };
  const progress = await deps.jobs.progress(job.id);
  if (!progress || progress.complete) return;
  const conventions = (await deps.conventions.listByCampaign(schoolYear))
    .filter((convention) => convention.createdAt <= job.createdAt)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  await enqueueInChunks(deps, job, {
    cursor: progress.cursor,
    items: conventions,
    budget,
    children: (chunk) => conventionJobs(deps, job, chunk, { kind: 'send-invitation', status: 'draft', payload: (convention) => ({ conventionId: convention.id, actor }) }),
  });
}

let renderers = new Map<string, Promise<ConventionRenderer>>();

/**
 * One renderer per convention text, kept for the life of the worker (fonts and model load once): the text
 * the campaign pinned, read from the store, never a model file shipped since (campaigns created before
 * texts were pinned keep drawing theirs from the files).
 */
function rendererOf(deps: Pick<Deps, 'campaigns'>, campaign: Campaign): Promise<ConventionRenderer> {
  const key = campaign.modelSha256 ?? `file:${campaign.model ?? ''}`;
  if (!renderers.has(key)) {
    if (renderers.size > 4) renderers = new Map();
    const renderer = campaign.modelSha256 ? pinnedRenderer(deps, campaign) : createConventionRenderer(campaign.model ? { model: campaign.model } : {});
    renderers.set(key, renderer);
    renderer.catch(() => renderers.delete(key));
  }
  return renderers.get(key)!;
}

async function pinnedRenderer(deps: Pick<Deps, 'campaigns'>, campaign: Campaign): Promise<ConventionRenderer> {
  const text = await deps.campaigns.pinnedText(campaign.schoolYear);
  // The conventions are drawn from the text pinned, byte for byte, or not at all.
  if (!text || text.sha256 !== campaign.modelSha256 || sha256Hex(text.content) !== text.sha256) {
    throw new JobRefused(`Le texte de convention de la campagne ${campaign.schoolYear} est introuvable ou a changé : aucune convention n'est envoyée avec un autre texte.`);
  }
  return createConventionRenderer({ text: parseConventionModel(text.content) });
}

/**
 * One invitation: the convention is claimed by this job (draft → sending),
 * the email is claimed, the PDF generated and stored, a new link attached,
 * the email sent, and the convention becomes sent in the transaction that
 * ends the job. A retry after SES took the email only records it.
 */
export async function sendInvitation(deps: JobDeps, job: Job): Promise<{ ended: true } | { tally: string }> {
  const { conventionId, actor } = job.payload as { conventionId: string; actor: string };
  const convention = await deps.conventions.get(conventionId);
  const ours = convention?.status === 'sending' && convention.sendingJob === job.id;
  if (!convention || !(convention.status === 'draft' || ours)) return { tally: 'skipped' };
  const campaign = await deps.campaigns.get(convention.schoolYear);
  if (!campaign) throw new Error(`Campaign ${convention.schoolYear} missing for convention ${convention.id}`);
  // Before the claim: a campaign whose text is gone leaves its conventions drafts.
  const renderer = await rendererOf(deps, campaign);
  if (!ours && !(await deps.conventions.claimForSending(convention.id, job.id))) return { tally: 'skipped' };

  const claim = await claimJobEmail(deps, job);
  let sentAt: string;
  let document = convention.document;
  if (claim.state === 'sent') sentAt = claim.sentAt;
  else {
    const pdf = await renderer.render(conventionDocumentInput(campaign, convention));
    // Once stored, the PDF is the convention's: a send retried after a failure records the stored one.
    ({ document } = await storeOnce(deps, conventionDocumentKey(convention), pdf, 'application/pdf'));
    const token = deps.newToken();
    const link = { hash: hashToken(token), expiresAt: linkExpiry(deps.now(), campaign.linkValidityDays) };
    // Beside a link of an earlier try of this job, whose email may have arrived: both stay live.
    await deps.conventions.attachInvitation(convention.id, job.id, document, addLink(convention, link, deps.now()));
    const email = invitationEmail({ convention, signingUrl: signingUrl(deps.publicBaseUrl, token), linkExpiresAt: link.expiresAt, contactEmail: deps.contactEmail });
    try {
      sentAt = await sendClaimedEmail(deps, job, claim, { to: [convention.mayor.email], ...email });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      const reason = `L'adresse ${convention.mayor.email} a été refusée (${(error as Error).name}) : corrigez-la, puis envoyez à nouveau.`;
      await releaseInvitation(deps, job, reason);
      throw new JobRefused(reason);
    }
  }

  const recorded = await deps.conventions.markSent(
    convention.id,
    job.id,
    { conventionId: convention.id, at: sentAt, type: 'sent', actor, ...(document ? { sha256After: document.sha256 } : {}), to: convention.mayor.email },
    firstWakeUp(campaign, convention, sentAt),
    { job, at: deps.now().toISOString(), tally: 'sent' },
  );
  if (recorded) return { ended: true };
  // Refused: another run of this job ended it, or set it waiting meanwhile; the job's state decides.
  const now = await deps.jobs.get(job.id);
  if (now?.state === 'done' || now?.state === 'failed') return { ended: true };
  throw new RetryLater("L'invitation est partie ; son enregistrement sera refait.", 1_000, false);
}

/** SES refused the message itself (an address it will never take): no retry will pass. */
function isRefusal(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'MessageRejected' || name === 'InvalidParameterValue' || ($metadata?.httpStatusCode === 400 && !/Throttl/.test(name ?? ''));
}

/** The job gives up: the convention goes back to draft with the reason, so the next send retries it. */
export async function releaseInvitation(deps: JobDeps, job: Job, reason: string): Promise<void> {
  const { conventionId, actor } = job.payload as { conventionId: string; actor: string };
  await deps.conventions.releaseSending(conventionId, job.id, { conventionId, at: deps.now().toISOString(), type: 'invitation_failed', actor, reason });
}

export type { Convention };
