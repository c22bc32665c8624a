/**
 * Paraphe's `Deps` in memory, for the unit project: every port of
 * functions/use-cases/ports.ts over plain maps, a clock the test sets, and ids and
 * tokens that come out the same on every run. It starts no server.
 *
 * What it is for: the use cases' RULES. Each repository method refuses (returns
 * false, throws the same AppError) exactly when the DynamoDB adapter's
 * ConditionExpression would fail (functions/adapters/dynamodb/*-repository.ts,
 * mirrored method by method below, the condition quoted beside each), and
 * applies the same writes: statuses, links and their lookup items, the
 * commune, school and reference guards, the reminder index and idempotency
 * keys, jobs, their progress, failures, waits and email claims, the audit
 * hash chains (functions/domain/audit-chain.ts) with the day's chain records of
 * the daily anchor. A "transaction" here is one synchronous block: every
 * condition is checked, then every write made, with no await in between.
 *
 * What it is NOT for: persistence guarantees. Conditional writes racing under
 * concurrency, transactions cancelled halfway, TransactionConflict retries,
 * the stream that delivers jobs, the GSI's eventual shapes, S3's create-only
 * PUT and Object Lock, SES's wire format: those stay tested on the real local
 * servers (test/integration). Nor for the seal: `sealer` here is a FAKE that
 * appends a marker to the PDF's bytes (the project has no sealer without a
 * TSA); it proves nothing of the PAdES seal, whose guarantees are tested on the
 * real servers with the local TSA. `mailer` records each email in `sent`
 * (dropping addresses marked undeliverable, as the composition's suppressing
 * mailer does), it never speaks SES.
 *
 * Jobs: the real table's stream delivers each pending job to the run-jobs
 * worker; here nothing runs by itself. `drain(rootJobId)` does what
 * test/support/run-jobs-inline.ts's drainJobs does on the real table (the same
 * runJob and jobDefinitions, the same rounds, wake-ups and error), and
 * `drainAll()` runs every pending job of the store until it is quiet.
 */
import { communeTaken, schoolsTaken } from '../../functions/domain/convention-errors.ts';
import { createHash } from 'node:crypto';
import { chainEvent, type ChainHead } from '../../functions/domain/audit-chain.ts';
import { schoolChange } from '../../functions/domain/avenant-rules.ts';
import { parisDateOf } from '../../functions/domain/calendar.ts';
import type { ConventionText } from '../../functions/domain/campaign-text.ts';
import { AppError } from '../../functions/domain/errors.ts';
import { jobDefinitions } from '../../functions/use-cases/jobs/handlers.ts';
import { progressState, type Job, type JobFailure, type JobProgress } from '../../functions/domain/jobs/job.ts';
import { runJob, type JobDeps } from '../../functions/use-cases/jobs/run-job.ts';
import type { Avenant, Campaign, Convention, ConventionEvent, StoredDocument } from '../../functions/domain/model.ts';
import type {
  AnchoredChain,
  AuditAnchors,
  AvenantRepository,
  CampaignRepository,
  ConventionRepository,
  Deps,
  DocumentStore,
  JobCompletion,
  JobRepository,
  Mailer,
  OutgoingEmail,
  PdfSealer,
  ReminderRepository,
  UndeliverableAddress,
  UndeliverableAddresses,
} from '../../functions/use-cases/ports.ts';
import { guardState, isGuardLive, type SchoolGuard } from '../../functions/domain/school-guards.ts';
import { liveLinks, type LinkChange } from '../../functions/use-cases/signing-link.ts';
import { checkSha256 } from '../../functions/use-cases/stored-document.ts';
import { communeDepartement, conventionReference } from '../../functions/domain/convention-reference.ts';
import { createShippedConventionTexts } from '../../functions/adapters/convention-texts.ts';
import type { DrainOptions, DrainReport } from './run-jobs-inline.ts';

/** An email the memory mailer took: what the use case sent, with when and an id of its own. */
export interface MemoryEmail extends OutgoingEmail {
  messageId: string;
  at: string;
}

export interface MemoryDepsOptions {
  /** The clock's first instant (default 2026-06-15T08:00:00Z); `setNow` moves it. */
  now?: Date | string;
  publicBaseUrl?: string;
  contactEmail?: string;
  /** Seeds the tokens, so two stores never hand out the same one (default 'paraphe'). */
  seed?: string;
}

export interface MemoryDeps extends Deps {
  setNow(at: Date | string): void;
  /** Every email the mailer took, oldest first. */
  readonly sent: MemoryEmail[];
  /** The emails one address received, oldest first. */
  inbox(address: string): MemoryEmail[];
  /** As drainJobs (test/support/run-jobs-inline.ts): the root job and its children, with `options.deps` (a wrapped port) or these deps. */
  drain(rootJobId: string, options?: MemoryDrainOptions): Promise<DrainReport>;
  /** Every pending job of the store, whatever its parent, waking the waiting ones, until nothing is pending or waiting. */
  drainAll(options?: MemoryDrainOptions): Promise<DrainReport>;
  /** Every job of the store as it stands (a copy), by id. */
  allJobs(): Job[];
}

export type MemoryDrainOptions = Omit<DrainOptions, 'redeliverAfterMs'> & { deps?: JobDeps };

/** The marker the fake sealer appends: a unit test may check that a document went through `seal`, nothing more. */
export const MEMORY_SEAL_MARKER = '%PARAPHE-MEMORY-SEAL (not a seal: test/support/memory-deps.ts)';

const FAR_FUTURE = '9999-12-31T23:59:59.999Z';

/** What DynamoDB gives back: a copy, undefined attributes dropped (removeUndefinedValues). */
const copy = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

const sha256Hex = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** "Refused": the transaction's condition failed (the adapter's `transact` answers false). */
class Refused extends Error {}

type Head = { auditSeq?: number; auditHead?: string };
const headOf = (item: Head | undefined): ChainHead | undefined =>
  typeof item?.auditSeq === 'number' && typeof item.auditHead === 'string' ? { seq: item.auditSeq, hash: item.auditHead } : undefined;

const ENDABLE = new Set(['pending', 'waiting']);

export function memoryDeps(options: MemoryDepsOptions = {}): MemoryDeps {
  let clock = new Date(options.now ?? '2026-06-15T08:00:00Z');
  const now = () => new Date(clock.getTime());
  const seed = options.seed ?? 'paraphe';
  let ids = 0;
  let tokens = 0;
  let eventIds = 0;
  let versions = 0;
  let messages = 0;

  // The table, in maps.
  const campaigns = new Map<string, { campaign: Campaign; text: ConventionText }>();
  const conventions = new Map<string, Convention>();
  const events = new Map<string, (ConventionEvent & { id: string })[]>();
  const communeGuards = new Map<string, { conventionId: string; siret: string; communeName: string }>();
  const schoolGuards = new Map<string, SchoolGuard>();
  const referenceCounters = new Map<string, number>();
  const linkItems = new Map<string, { conventionId: string; expiresAt: string; avenantId?: string }>();
  const avenants = new Map<string, Avenant>();
  const remindersDue = new Map<string, string>();
  const remindersSent = new Map<string, { state: 'sending' | 'sent'; claimedAt?: string; owner?: string }>();
  const jobItems = new Map<string, { job: Job; index?: { pk: 'JOBS_OPEN' | 'JOBS_WAITING'; sk: string } }>();
  const progressItems = new Map<string, Partial<JobProgress> & { lastAt?: string }>();
  /** The tracked jobs by start, as the JOBS_TRACKED index and the campaign's TRACKED# items list them. */
  const trackedIndex: { id: string; startedAt: string; schoolYear?: string }[] = [];
  const failureItems = new Map<string, Map<string, JobFailure>>();
  const emailClaims = new Map<string, { leaseUntil: string; sentAt?: string }>();
  const runningLocks = new Map<string, { jobId: string; at: string }>();
  const undeliverableItems = new Map<string, UndeliverableAddress>();
  const anchorChains = new Map<string, Map<string, AnchoredChain>>();
  const anchorRecords = new Map<string, { document: StoredDocument; recordedAt: string }>();
  const objects = new Map<string, { bytes: Uint8Array; contentType: string; versionId: string; sha256: string }>();
  const sent: MemoryEmail[] = [];

  const guardKey = (schoolYear: string, uai: string) => `${schoolYear}#${uai}`;
  const avenantKey = (conventionId: string, avenantId: string) => `${conventionId}#${avenantId}`;

  // ---- transactions: check everything, then write everything ----

  /** Runs a transaction: `check` throws Refused when a condition fails (false), `write` then applies it. */
  function transact(check: () => void, write: () => void): boolean {
    try {
      check();
    } catch (error) {
      if (error instanceof Refused) return false;
      throw error;
    }
    write();
    return true;
  }
  const must = (condition: boolean) => {
    if (!condition) throw new Refused();
  };

  /** Events extending the chain whose head is on `owner` (a convention or an avenant): the stored events and the new head. */
  function chained(owner: Head | undefined, list: ConventionEvent[]) {
    let head = headOf(owner);
    const stored = list.map((event) => {
      const linked = chainEvent({ ...event, id: event.id ?? `event-${String((eventIds += 1)).padStart(6, '0')}` }, head);
      head = { seq: linked.seq, hash: linked.hash };
      return linked;
    });
    return { stored, head: head! };
  }

  /** The writes of chained events (event-items.ts's eventPuts): the events, the owner's head, the day's record of the chain. */
  function writeEvents(owner: Head, chain: ReturnType<typeof chained>) {
    for (const event of chain.stored) events.set(event.conventionId, [...(events.get(event.conventionId) ?? []), event]);
    owner.auditSeq = chain.head.seq;
    owner.auditHead = chain.head.hash;
    const last = chain.stored.at(-1)!;
    const day = parisDateOf(last.at);
    const records = anchorChains.get(day) ?? new Map<string, AnchoredChain>();
    records.set(`${last.conventionId}${last.avenantId ? `#AVENANT#${last.avenantId}` : ''}`, {
      conventionId: last.conventionId,
      ...(last.avenantId ? { avenantId: last.avenantId } : {}),
      seq: chain.head.seq,
      hash: chain.head.hash,
      at: last.at,
    });
    anchorChains.set(day, records);
  }

  /** jobPut: 'attribute_not_exists(pk)'. */
  const canPutJob = (job: Job) => !jobItems.has(job.id);
  const putJob = (job: Job) => jobItems.set(job.id, { job: copy(job), index: { pk: 'JOBS_OPEN', sk: `${job.createdAt}#${job.id}` } });

  /** completionItems: '#state IN (:pending, :waiting)' on the job. */
  const canComplete = ({ job }: JobCompletion) => ENDABLE.has(jobItems.get(job.id)?.job.state ?? '');
  function writeCompletion({ job, at, tally }: JobCompletion) {
    const item = jobItems.get(job.id)!;
    item.job = { ...item.job, state: 'done', finishedAt: at };
    delete item.job.wakeAt;
    delete item.index;
    if (job.parentId) countProgress(job.parentId, 'done', at, tally);
  }

  /** progressCount: ADD the counter (and tally.<name>), SET lastAt; an ADD on a missing item creates it. */
  function countProgress(parentId: string, counter: 'done' | 'failed', at: string, tally?: string) {
    const progress = progressItems.get(parentId) ?? {};
    if (tally && !progress.tally) throw new Error(`ValidationException: no progress (tally map) for ${parentId}`);
    progress[counter] = (progress[counter] ?? 0) + 1;
    if (tally) progress.tally![tally] = (progress.tally![tally] ?? 0) + 1;
    progress.lastAt = at;
    progressItems.set(parentId, progress);
  }

  /** The link lookup items of a change (convention-repository.ts's linkItems): the added one is new ('attribute_not_exists(pk)'). */
  const canChangeLinkItems = (change: LinkChange) => !change.added || !linkItems.has(change.added.hash);
  function writeLinkItems(id: string, change: LinkChange) {
    if (change.added) linkItems.set(change.added.hash, { conventionId: id, expiresAt: change.added.expiresAt });
    for (const hash of change.removed) linkItems.delete(hash);
  }

  /**
   * liveLinkCondition: '(attribute_exists(#links.#linkHash) OR (attribute_not_exists(#links) AND #link.#hash = :linkHash))'.
   */
  const isLiveLink = (convention: Convention, linkHash: string) =>
    convention.links ? Object.hasOwn(convention.links, linkHash) : convention.link?.hash === linkHash;

  /** sealedDocumentUpdate: signed: '#status IN (:signed, :executed) AND attribute_not_exists(signedDocument)'; executed: '#status = :executed AND attribute_not_exists(executedDocument)'. */
  const canRecordSealed = (item: Convention | Avenant | undefined, version: 'signed' | 'executed') =>
    !!item &&
    (version === 'signed' ? (item.status === 'signed' || item.status === 'executed') && !item.signedDocument : item.status === 'executed' && !item.executedDocument);

  // ---- the school guards (school-guards.ts), atomically: no claim is ever in flight here ----

  const ownerOf = (guard: SchoolGuard) => conventions.get(guard.conventionId);

  /** Claims these schools for the convention: a guard held by another live (or in-flight) convention stops it, nothing written. */
  function claimSchools(schoolYear: string, owner: { conventionId: string; siret: string; communeName: string }, uais: readonly string[]) {
    const taken: SchoolGuard[] = [];
    for (const uai of uais) {
      const guard = schoolGuards.get(guardKey(schoolYear, uai));
      if (guard && guard.conventionId !== owner.conventionId && guardState(guard, ownerOf(guard), clock.getTime()) !== 'free') taken.push(copy(guard));
    }
    if (taken.length > 0) return { ok: false as const, taken };
    const claimedAt = now().toISOString();
    for (const uai of uais) schoolGuards.set(guardKey(schoolYear, uai), { uai, conventionId: owner.conventionId, siret: owner.siret, communeName: owner.communeName, claimedAt });
    return { ok: true as const, claimed: [...uais] };
  }

  /** Deletes this convention's guards of these schools ('conventionId = :me'); another's are left alone. */
  function releaseSchools(schoolYear: string, conventionId: string, uais: readonly string[]) {
    for (const uai of uais) if (schoolGuards.get(guardKey(schoolYear, uai))?.conventionId === conventionId) schoolGuards.delete(guardKey(schoolYear, uai));
  }

  // ---- the ports ----

  const campaignRepository: CampaignRepository = {
    async create(campaign, text) {
      // Both Puts: 'attribute_not_exists(pk)'.
      if (campaigns.has(campaign.schoolYear)) {
        throw new AppError('ALREADY_EXISTS', `Une campagne existe déjà pour l'année scolaire ${campaign.schoolYear}.`, [
          { field: 'schoolYear', message: `La campagne ${campaign.schoolYear} existe déjà.` },
        ]);
      }
      campaigns.set(campaign.schoolYear, { campaign: copy(campaign), text: copy(text) });
    },
    async get(schoolYear) {
      return copy(campaigns.get(schoolYear)?.campaign);
    },
    async pinnedText(schoolYear) {
      return copy(campaigns.get(schoolYear)?.text);
    },
    async list() {
      return [...campaigns.keys()].sort().map((year) => copy(campaigns.get(year)!.campaign));
    },
  };

  const conventionRepository: ConventionRepository = {
    async add(convention, event) {
      const { schoolYear, commune } = convention;
      if (communeGuards.has(`${schoolYear}#${commune.siret}`)) throw communeTaken(convention);
      const owner = { conventionId: convention.id, communeName: commune.name, siret: commune.siret };
      const claim = claimSchools(schoolYear, owner, convention.schools.map((school) => school.uai));
      if (!claim.ok) throw schoolsTaken(convention, claim.taken);
      if (conventions.has(convention.id)) {
        releaseSchools(schoolYear, convention.id, claim.claimed);
        throw Object.assign(new Error(`Transaction cancelled: convention ${convention.id} exists`), { name: 'TransactionCanceledException' });
      }
      const departement = communeDepartement(commune.siret);
      const counter = `${schoolYear}#${departement}`;
      const next = (referenceCounters.get(counter) ?? 0) + 1;
      const reference = conventionReference(schoolYear, departement, next);
      const stored: Convention = { ...copy(convention), reference };
      const chain = chained(undefined, [event]);
      referenceCounters.set(counter, next);
      communeGuards.set(`${schoolYear}#${commune.siret}`, owner);
      writeEvents(stored, chain);
      conventions.set(convention.id, stored);
      return { reference };
    },

    async get(id) {
      return copy(conventions.get(id));
    },

    async getMany(ids) {
      const found = new Map<string, Convention>();
      for (const id of new Set(ids)) if (conventions.has(id)) found.set(id, copy(conventions.get(id)!));
      return found;
    },

    async listByCampaign(schoolYear) {
      // The index's sort key: COMMUNE#<siret>.
      return [...conventions.values()].filter((convention) => convention.schoolYear === schoolYear).sort((a, b) => (a.commune.siret < b.commune.siret ? -1 : 1)).map(copy);
    },

    async history(id) {
      const sk = (event: ConventionEvent & { id: string }) => `${event.at}#${event.type}#${event.id}`;
      return copy([...(events.get(id) ?? [])].sort((a, b) => (sk(a) < sk(b) ? -1 : sk(a) > sk(b) ? 1 : 0)));
    },

    async findByLinkHash(hash) {
      return copy(linkItems.get(hash));
    },

    async findByCommune(schoolYear, siret) {
      const guard = communeGuards.get(`${schoolYear}#${siret}`);
      return guard ? copy(conventions.get(guard.conventionId)) : undefined;
    },

    async cancel(convention, event) {
      const stored = conventions.get(convention.id);
      // '#status IN (:draft, :sent, :declined)'
      const done = transact(
        () => must(!!stored && ['draft', 'sent', 'declined'].includes(stored.status)),
        () => {
          const chain = chained(stored, [event]);
          stored!.status = 'cancelled';
          (stored as Convention & { cancelledAt?: string }).cancelledAt = event.at;
          delete stored!.link;
          delete stored!.links;
          for (const hash of Object.keys(liveLinks(convention))) linkItems.delete(hash);
          communeGuards.delete(`${convention.schoolYear}#${convention.commune.siret}`);
          remindersDue.delete(convention.id);
          writeEvents(stored!, chain);
        },
      );
      if (done) releaseSchools(convention.schoolYear, convention.id, convention.schools.map((school) => school.uai));
      return done;
    },

    async schoolOwners(schoolYear, uais) {
      const live = new Map<string, { siret: string; communeName: string }>();
      for (const uai of new Set(uais)) {
        const guard = schoolGuards.get(guardKey(schoolYear, uai));
        if (guard && isGuardLive(guard, ownerOf(guard))) live.set(uai, { siret: guard.siret, communeName: guard.communeName });
      }
      return live;
    },

    async claimForSending(id, jobId) {
      const stored = conventions.get(id);
      // '#status = :draft OR (#status = :sending AND sendingJob = :job)'
      return transact(
        () => must(!!stored && (stored.status === 'draft' || (stored.status === 'sending' && stored.sendingJob === jobId))),
        () => {
          stored!.status = 'sending';
          stored!.sendingJob = jobId;
        },
      );
    },

    async attachInvitation(id, jobId, document, change) {
      const stored = conventions.get(id);
      // '#status = :sending AND sendingJob = :job', and the added link's item is new.
      const done = transact(
        () => must(!!stored && stored.status === 'sending' && stored.sendingJob === jobId && canChangeLinkItems(change)),
        () => {
          stored!.document = copy(document);
          stored!.link = copy(change.link);
          stored!.links = copy(change.links);
          writeLinkItems(id, change);
        },
      );
      if (!done) throw new AppError('CONFLICT', "La convention n'est plus en cours d'envoi.");
    },

    async markSent(id, jobId, event, reminderDue, completion) {
      const stored = conventions.get(id);
      // '#status = :sending AND sendingJob = :job', with the job's completion.
      return transact(
        () => must(!!stored && stored.status === 'sending' && stored.sendingJob === jobId && canComplete(completion)),
        () => {
          const chain = chained(stored, [event]);
          if (reminderDue) remindersDue.set(id, reminderDue);
          stored!.status = 'sent';
          stored!.sentAt = event.at;
          delete stored!.sendingJob;
          writeEvents(stored!, chain);
          writeCompletion(completion);
        },
      );
    },

    async releaseSending(id, jobId, event) {
      const stored = conventions.get(id);
      // '#status = :sending AND sendingJob = :job'; its live links die.
      transact(
        () => must(!!stored && stored.status === 'sending' && stored.sendingJob === jobId),
        () => {
          const chain = chained(stored, [event]);
          for (const hash of Object.keys(liveLinks(stored!))) linkItems.delete(hash);
          stored!.status = 'draft';
          delete stored!.sendingJob;
          delete stored!.link;
          delete stored!.links;
          writeEvents(stored!, chain);
        },
      );
    },

    async recordView(id, linkHash, event) {
      const stored = conventions.get(id);
      // 'attribute_not_exists(viewedAt) AND <live link>'
      return transact(
        () => must(!!stored && !stored.viewedAt && isLiveLink(stored, linkHash)),
        () => {
          const chain = chained(stored, [event]);
          stored!.viewedAt = event.at;
          writeEvents(stored!, chain);
        },
      );
    },

    async recordSignature(id, linkHash, signature, event, job) {
      const stored = conventions.get(id);
      // '#status = :sent AND <live link>', and the outbox job is new.
      return transact(
        () => must(!!stored && stored.status === 'sent' && isLiveLink(stored, linkHash) && canPutJob(job)),
        () => {
          const chain = chained(stored, [event]);
          stored!.status = 'signed';
          stored!.signedAt = signature.signedAt;
          stored!.signature = { ...copy(signature), auditHead: chain.head };
          writeEvents(stored!, chain);
          putJob(job);
        },
      );
    },

    async recordDecline(id, linkHash, decline, event, job) {
      const stored = conventions.get(id);
      // '#status = :sent AND <live link>', and the acknowledgement's job is new.
      return transact(
        () => must(!!stored && stored.status === 'sent' && isLiveLink(stored, linkHash) && canPutJob(job)),
        () => {
          const chain = chained(stored, [event]);
          stored!.status = 'declined';
          stored!.decline = copy(decline);
          writeEvents(stored!, chain);
          putJob(job);
        },
      );
    },

    async recordSealed(id, version, document, event, completion) {
      const stored = conventions.get(id);
      return transact(
        () => must(canRecordSealed(stored, version) && canComplete(completion)),
        () => {
          const chain = chained(stored, [event]);
          stored![version === 'signed' ? 'signedDocument' : 'executedDocument'] = copy(document);
          writeEvents(stored!, chain);
          writeCompletion(completion);
        },
      );
    },

    async changeLinks(id, change, event, newAddress) {
      const stored = conventions.get(id);
      const addressChange = newAddress?.change;
      // '#status IN (:sent, :signed, :executed, :declined) AND (#link.#hash = :newestBefore | attribute_not_exists(#link))',
      // the added link's item new, and the notice's job new.
      return transact(
        () =>
          must(
            !!stored &&
              ['sent', 'signed', 'executed', 'declined'].includes(stored.status) &&
              (change.newestBefore ? stored.link?.hash === change.newestBefore : !stored.link) &&
              canChangeLinkItems(change) &&
              (!addressChange || canPutJob(addressChange.notice)),
          ),
        () => {
          const chain = chained(stored, addressChange ? [event, addressChange.event] : [event]);
          stored!.link = copy(change.link);
          stored!.links = copy(change.links);
          if (newAddress?.email) stored!.mayor.email = newAddress.email;
          if (addressChange) stored!.addressChanges = [...(stored!.addressChanges ?? []), copy(addressChange.record)];
          writeLinkItems(id, change);
          writeEvents(stored!, chain);
          if (addressChange) putJob(addressChange.notice);
        },
      );
    },

    async recordCountersignature(id, countersignature, event, sealing) {
      const stored = conventions.get(id);
      // '#status = :signed AND attribute_exists(signedDocument)', and the sealing job (when written here) new.
      return transact(
        () => must(!!stored && stored.status === 'signed' && !!stored.signedDocument && (!sealing.job || canPutJob(sealing.job))),
        () => {
          const chain = chained(stored, [event]);
          stored!.status = 'executed';
          stored!.executedAt = countersignature.countersignedAt;
          stored!.countersignature = { ...copy(countersignature), auditHead: chain.head };
          stored!.executedJob = sealing.jobId;
          writeEvents(stored!, chain);
          if (sealing.job) putJob(sealing.job);
        },
      );
    },

    async recordTitre(id, titre, event) {
      const stored = conventions.get(id);
      // 'attribute_not_exists(titre) AND (#status IN (:signed, :executed) OR (#status = :expired AND attribute_exists(signature)))'
      return transact(
        () => must(!!stored && !stored.titre && (stored.status === 'signed' || stored.status === 'executed' || (stored.status === 'expired' && !!stored.signature))),
        () => {
          const chain = chained(stored, [event]);
          stored!.titre = copy(titre);
          writeEvents(stored!, chain);
        },
      );
    },
  };

  const avenantRepository: AvenantRepository = {
    async create(avenant, event, replaces = []) {
      const convention = conventions.get(avenant.conventionId);
      const replacedIds = replaces.map((replaced) => replaced.avenant.id);
      return transact(
        () => {
          // '#status IN (:signed, :executed) AND (attribute_not_exists(pendingAvenantId) OR pendingAvenantId = :replacedN…)'
          must(!!convention && (convention.status === 'signed' || convention.status === 'executed'));
          must(convention!.pendingAvenantId === undefined || replacedIds.includes(convention!.pendingAvenantId));
          // The avenant and its link item: 'attribute_not_exists(pk)'.
          must(!avenants.has(avenantKey(avenant.conventionId, avenant.id)) && !linkItems.has(avenant.link.hash));
          for (const { avenant: old } of replaces) {
            // '#status = :sent', on the head the caller read.
            const stored = avenants.get(avenantKey(old.conventionId, old.id));
            must(!!stored && stored.status === 'sent' && headOf(stored)?.seq === headOf(old)?.seq);
          }
        },
        () => {
          const stored: Avenant = copy(avenant);
          writeEvents(stored, chained(undefined, [{ ...event, avenantId: avenant.id }]));
          avenants.set(avenantKey(avenant.conventionId, avenant.id), stored);
          linkItems.set(avenant.link.hash, { conventionId: avenant.conventionId, avenantId: avenant.id, expiresAt: avenant.link.expiresAt });
          convention!.pendingAvenantId = avenant.id;
          for (const { avenant: old, event: closing } of replaces) {
            const replaced = avenants.get(avenantKey(old.conventionId, old.id))!;
            const chain = chained(replaced, [{ ...closing, avenantId: old.id }]);
            replaced.status = 'replaced';
            replaced.replacedAt = closing.at;
            replaced.replacedBy = avenant.id;
            linkItems.delete(old.link.hash);
            writeEvents(replaced, chain);
          }
        },
      );
    },

    async get(conventionId, avenantId) {
      return copy(avenants.get(avenantKey(conventionId, avenantId)));
    },

    async ofConvention(conventionId) {
      return [...avenants.values()].filter((avenant) => avenant.conventionId === conventionId).sort((a, b) => (a.id < b.id ? -1 : 1)).map(copy);
    },
    async pending(conventionId) {
      return [...avenants.values()]
        .filter((avenant) => avenant.conventionId === conventionId && avenant.status === 'sent')
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map(copy);
    },

    async recordSignature({ avenant, linkHash, signature, outcome, convention, event, job }) {
      const { schoolYear, commune } = convention;
      const activated = new Set(outcome.schools.map((school) => school.uai));
      const change = schoolChange(convention.schools, outcome.schools);
      const added = change.added.filter((school) => activated.has(school.uai)).map((school) => school.uai);
      const removed = change.removed.map((school) => school.uai);
      const history = [...(convention.avenants ?? []), { id: avenant.id, signedAt: signature.signedAt, effect: outcome.effect }];
      const claim = claimSchools(schoolYear, { conventionId: convention.id, communeName: commune.name, siret: commune.siret }, added);
      if (!claim.ok) return false;
      const stored = avenants.get(avenantKey(avenant.conventionId, avenant.id));
      const current = conventions.get(convention.id);
      const done = transact(
        () => {
          // The avenant: '#status = :sent AND #link.#hash = :hash'.
          must(!!stored && stored.status === 'sent' && stored.link.hash === linkHash);
          // The convention: '#status IN (:signed, :executed) AND (attribute_not_exists(pendingAvenantId) OR pendingAvenantId = :avenantId)'.
          must(!!current && (current.status === 'signed' || current.status === 'executed'));
          must(current!.pendingAvenantId === undefined || current!.pendingAvenantId === avenant.id);
          must(canPutJob(job));
        },
        () => {
          const chain = chained(stored, [{ ...event, avenantId: avenant.id }]);
          stored!.status = 'signed';
          stored!.signedAt = signature.signedAt;
          stored!.signature = { ...copy(signature), auditHead: chain.head };
          stored!.outcome = copy(outcome);
          current!.schools = copy(outcome.schools);
          current!.amountCents = outcome.amountCents;
          current!.avenants = copy(history);
          delete current!.pendingAvenantId;
          writeEvents(stored!, chain);
          putJob(job);
        },
      );
      if (!done) {
        // Only what the convention does not list now.
        const listed = new Set((conventions.get(convention.id)?.schools ?? []).map((school) => school.uai));
        releaseSchools(schoolYear, convention.id, claim.claimed.filter((uai) => !listed.has(uai)));
        return false;
      }
      releaseSchools(schoolYear, convention.id, removed);
      return true;
    },

    async recordCountersignature(avenant, countersignature, event, job) {
      const stored = avenants.get(avenantKey(avenant.conventionId, avenant.id));
      // '#status = :signed AND attribute_exists(signedDocument)', and the job new.
      return transact(
        () => must(!!stored && stored.status === 'signed' && !!stored.signedDocument && canPutJob(job)),
        () => {
          const chain = chained(stored, [{ ...event, avenantId: avenant.id }]);
          stored!.status = 'executed';
          stored!.executedAt = countersignature.countersignedAt;
          stored!.countersignature = { ...copy(countersignature), auditHead: chain.head };
          writeEvents(stored!, chain);
          putJob(job);
        },
      );
    },

    async recordSealed(avenant, version, document, event, completion) {
      const stored = avenants.get(avenantKey(avenant.conventionId, avenant.id));
      return transact(
        () => must(canRecordSealed(stored, version) && canComplete(completion)),
        () => {
          const chain = chained(stored, [{ ...event, avenantId: avenant.id }]);
          stored![version === 'signed' ? 'signedDocument' : 'executedDocument'] = copy(document);
          writeEvents(stored!, chain);
          writeCompletion(completion);
        },
      );
    },
  };

  const reminderRepository: ReminderRepository = {
    async listDue(today) {
      // The index: 'gsi1sk <= <today>#\uffff', its sort key <dueDate>#<conventionId>.
      return [...remindersDue]
        .map(([conventionId, dueDate]) => ({ conventionId, dueDate, sk: `${dueDate}#${conventionId}` }))
        .filter((entry) => entry.sk <= `${today}#\uffff`)
        .sort((a, b) => (a.sk < b.sk ? -1 : 1))
        .map(({ conventionId, dueDate }) => ({ conventionId, dueDate }));
    },

    async reschedule(conventionId, dueDate) {
      if (dueDate === undefined) remindersDue.delete(conventionId);
      else remindersDue.set(conventionId, dueDate);
    },

    async claim(keys, at, owner) {
      // Each key: 'attribute_not_exists(pk) OR (#state = :sending AND #owner = :owner)'.
      return transact(
        () => {
          for (const key of keys) {
            const held = remindersSent.get(key);
            must(!held || (held.state === 'sending' && held.owner === owner));
          }
        },
        () => {
          for (const key of keys) remindersSent.set(key, { state: 'sending', claimedAt: at, owner });
        },
      );
    },

    async confirm(keys, confirmed) {
      const byConvention = new Map<string, ConventionEvent[]>();
      for (const event of confirmed) byConvention.set(event.conventionId, [...(byConvention.get(event.conventionId) ?? []), event]);
      // headUpdate: 'attribute_exists(pk)' on each convention (the adapter retries, then throws).
      for (const id of byConvention.keys()) if (!conventions.has(id)) throw new Error(`confirm: no convention ${id}`);
      for (const key of keys) remindersSent.set(key, { ...remindersSent.get(key), state: 'sent' });
      for (const [id, list] of byConvention) {
        const stored = conventions.get(id)!;
        writeEvents(stored, chained(stored, list));
      }
    },

    async release(keys) {
      for (const key of keys) remindersSent.delete(key);
    },

    async expire(conventionId, event) {
      const stored = conventions.get(conventionId);
      // '#status IN (:sent, :signed, :executed, :declined)'
      return transact(
        () => must(!!stored && ['sent', 'signed', 'executed', 'declined'].includes(stored.status)),
        () => {
          const chain = chained(stored, [event]);
          stored!.status = 'expired';
          (stored as Convention & { expiredAt?: string }).expiredAt = event.at;
          writeEvents(stored!, chain);
        },
      );
    },
  };

  const failureKey = (failure: JobFailure, childId?: string) =>
    failure.line !== undefined ? `LINE#${String(failure.line).padStart(7, '0')}` : `JOB#${childId ?? failure.item}`;
  const putFailure = (owner: string, key: string, failure: JobFailure) => {
    const list = failureItems.get(owner) ?? new Map<string, JobFailure>();
    list.set(key, copy(failure));
    failureItems.set(owner, list);
  };
  const emptyProgress = (job: Job): JobProgress => ({ total: 0, done: 0, failed: 0, tally: {}, complete: false, cursor: 0, startedAt: job.createdAt });

  const getJob = async (id: string) => copy(jobItems.get(id)?.job);
  const getProgress = async (id: string) => copy(progressItems.get(id) as JobProgress | undefined);

  const failJob: JobRepository['fail'] = async (job, failure, tally) =>
    // '#state IN (:pending, :waiting)'
    transact(
      () => must(ENDABLE.has(jobItems.get(job.id)?.job.state ?? '')),
      () => {
        const item = jobItems.get(job.id)!;
        item.job = { ...item.job, state: 'failed', finishedAt: failure.at, reason: failure.reason };
        delete item.job.wakeAt;
        delete item.index;
        if (job.parentId) countProgress(job.parentId, 'failed', failure.at, tally);
        putFailure(job.parentId ?? job.id, failureKey(failure, job.id), { item: failure.item, reason: failure.reason, at: failure.at, ...(failure.line !== undefined ? { line: failure.line } : {}), ...(failure.lines?.length ? { lines: failure.lines } : {}) });
      },
    );

  const jobRepository: JobRepository = {
    get: getJob,
    progress: getProgress,

    async failures(id, limit = 1_000) {
      const list = failureItems.get(id);
      if (!list) return [];
      return [...list.keys()].sort().slice(0, limit).map((key) => copy(list.get(key)!));
    },

    async withProgress(id, limit = 1_000) {
      const job = await getJob(id);
      if (!job) return undefined;
      const progress = await getProgress(id);
      return { job, ...(progress ? { progress } : {}), failures: await jobRepository.failures(id, limit) };
    },

    async manyWithProgress(ids) {
      const found = await Promise.all(ids.map((id) => jobRepository.withProgress(id, 0)));
      return found.flatMap((entry) => (entry ? [{ job: entry.job, ...(entry.progress ? { progress: entry.progress } : {}) }] : []));
    },

    async startTracked(job, running) {
      if (!running) {
        // A job whose id names its subject starts once: a second start finds it.
        const started = transact(
          () => must(canPutJob(job) && !progressItems.has(job.id)),
          () => {
            putJob(job);
            progressItems.set(job.id, emptyProgress(job));
            trackedIndex.push({ id: job.id, startedAt: job.createdAt });
          },
        );
        return { started, jobId: job.id };
      }
      const lock = `${running.schoolYear}#${job.kind}`;
      const held = runningLocks.get(lock);
      if (held) {
        const current = jobItems.get(held.jobId)?.job;
        const finished = !current || progressState(current, progressItems.get(current.id) as JobProgress | undefined).state !== 'running';
        if (!finished) return { started: false, jobId: held.jobId };
      }
      // Atomic here, the lock's condition holds; only the job's own Put can fail, where the adapter would try for ever.
      if (!canPutJob(job) || progressItems.has(job.id)) throw new Error(`startTracked: the job ${job.id} already exists (the adapter would loop)`);
      putJob(job);
      progressItems.set(job.id, emptyProgress(job));
      runningLocks.set(lock, { jobId: job.id, at: job.createdAt });
      trackedIndex.push({ id: job.id, startedAt: job.createdAt, schoolYear: running.schoolYear });
      return { started: true, jobId: job.id };
    },
    async recentTracked({ limit, schoolYear }) {
      // The JOBS_TRACKED index (every tracked job), or the campaign's TRACKED# items (its locked jobs), newest first.
      return trackedIndex
        .filter((entry) => schoolYear === undefined || entry.schoolYear === schoolYear)
        .sort((a, b) => (`${b.startedAt}#${b.id}` < `${a.startedAt}#${a.id}` ? -1 : 1))
        .slice(0, limit)
        .map((entry) => entry.id);
    },

    async runningJob(schoolYear, kind) {
      return runningLocks.get(`${schoolYear}#${kind}`)?.jobId;
    },

    async enqueueChildren(parent, cursor, children, options) {
      if (children.length > 90) throw new Error('At most 90 children per chunk: a transaction holds 100 items');
      // The progress: '#cursor = :cursor'; each child: 'attribute_not_exists(pk)'.
      return transact(
        () => must(progressItems.get(parent.id)?.cursor === cursor && children.every(canPutJob) && new Set(children.map((child) => child.id)).size === children.length),
        () => {
          const progress = progressItems.get(parent.id)!;
          progress.cursor = cursor + 1;
          progress.total = (progress.total ?? 0) + children.length;
          if (options.last) progress.complete = true;
          for (const child of children) putJob(child);
        },
      );
    },

    async recordFailures(jobId, failures) {
      for (const failure of failures) putFailure(jobId, failureKey(failure), failure);
    },

    async complete(completion, next = []) {
      return transact(
        () => must(canComplete(completion) && next.every(canPutJob)),
        () => {
          writeCompletion(completion);
          for (const job of next) putJob(job);
        },
      );
    },

    fail: failJob,

    async retryLater(job, wakeAt, attempts, reason) {
      // '#state = :pending'
      return transact(
        () => must(jobItems.get(job.id)?.job.state === 'pending'),
        () => {
          const item = jobItems.get(job.id)!;
          item.job = { ...item.job, state: 'waiting', wakeAt, attempts, reason };
          item.index = { pk: 'JOBS_WAITING', sk: `${wakeAt}#${job.id}` };
        },
      );
    },

    async wakeDue(at) {
      const due = [...jobItems.values()].filter((item) => item.index?.pk === 'JOBS_WAITING' && item.index.sk <= `${at}\uffff`).sort((a, b) => (a.index!.sk < b.index!.sk ? -1 : 1));
      let woken = 0;
      for (const item of due) {
        // '#state = :waiting AND wakeAt = :wakeAt'
        if (item.job.state !== 'waiting') continue;
        item.job = { ...item.job, state: 'pending' };
        delete item.job.wakeAt;
        item.index = { pk: 'JOBS_OPEN', sk: `${at}#${item.job.id}` };
        woken += 1;
      }
      return woken;
    },

    async redeliverStale(pendingSince, at) {
      const stale = [...jobItems.values()].filter((item) => item.index?.pk === 'JOBS_OPEN' && item.index.sk <= `${pendingSince}\uffff`).sort((a, b) => (a.index!.sk < b.index!.sk ? -1 : 1));
      const outcome = { redelivered: 0, failed: 0 };
      for (const item of stale) {
        const job = copy(item.job);
        if (job.state !== 'pending') continue;
        if ((job.redelivered ?? 0) >= 1) {
          const reason = "La tâche n'a pas pu être exécutée : son message s'est perdu deux fois. Relancez l'action qui l'a créée.";
          if (await failJob(job, { item: job.label ?? job.id, reason, at })) outcome.failed += 1;
          continue;
        }
        item.job = { ...item.job, redelivered: 1 };
        item.index = { pk: 'JOBS_OPEN', sk: `${at}#${job.id}` };
        outcome.redelivered += 1;
      }
      return outcome;
    },

    async claimEmail(jobId, at, leaseUntil) {
      const claim = emailClaims.get(jobId);
      // 'attribute_not_exists(pk) OR (attribute_not_exists(sentAt) AND leaseUntil < :now)'
      if (!claim || (claim.sentAt === undefined && claim.leaseUntil < at)) {
        emailClaims.set(jobId, { ...claim, leaseUntil });
        return { claimed: true };
      }
      if (claim.sentAt !== undefined) return { claimed: false, sentAt: claim.sentAt };
      return { claimed: false, heldUntil: claim.leaseUntil };
    },

    async releaseEmail(jobId, leaseUntil) {
      const claim = emailClaims.get(jobId);
      // 'leaseUntil = :lease AND attribute_not_exists(sentAt)'
      if (claim && claim.leaseUntil === leaseUntil && claim.sentAt === undefined) claim.leaseUntil = '1970-01-01T00:00:00.000Z';
    },

    async recordEmailSent(jobId, at) {
      const claim = emailClaims.get(jobId);
      // 'attribute_exists(pk) AND attribute_not_exists(sentAt)'
      if (!claim || claim.sentAt !== undefined) return false;
      claim.sentAt = at;
      return true;
    },
  };

  const undeliverable: UndeliverableAddresses = {
    async find(addresses) {
      return [...new Set(addresses.map((address) => address.toLowerCase()))].flatMap((address) => (undeliverableItems.has(address) ? [copy(undeliverableItems.get(address)!)] : []));
    },
    async mark(entry) {
      const address = entry.address.toLowerCase();
      // 'attribute_not_exists(pk)': the first report stays.
      if (undeliverableItems.has(address)) return false;
      undeliverableItems.set(address, { ...copy(entry), address });
      return true;
    },
    async among(addresses) {
      return new Set(addresses.map((address) => address.toLowerCase()).filter((address) => undeliverableItems.has(address)));
    },
    async since(instant) {
      const sk = (entry: UndeliverableAddress) => `${entry.at}#${entry.address}`;
      return [...undeliverableItems.values()].filter((entry) => sk(entry) >= instant).sort((a, b) => (sk(a) < sk(b) ? -1 : 1)).map(copy);
    },
  };

  const anchors: AuditAnchors = {
    async chainsOf(day) {
      const records = anchorChains.get(day);
      if (!records) return [];
      return [...records.keys()].sort().map((key) => copy(records.get(key)!));
    },
    async record(day, document, at) {
      if (anchorRecords.has(day)) return false;
      anchorRecords.set(day, { document: copy(document), recordedAt: at });
      return true;
    },
  };

  const documents: DocumentStore = {
    async put(key, bytes, contentType) {
      // Create-only: an object already there is reported, not replaced.
      const existing = objects.get(key);
      if (existing) return { created: false, versionId: existing.versionId, sha256: existing.sha256 };
      const stored = { bytes: new Uint8Array(bytes), contentType, versionId: `v${(versions += 1)}`, sha256: sha256Hex(bytes) };
      objects.set(key, stored);
      return { created: true, versionId: stored.versionId, sha256: stored.sha256 };
    },
    async get(ref) {
      const stored = objects.get(ref.key);
      if (!stored) return undefined;
      if (ref.versionId && ref.versionId !== stored.versionId) throw Object.assign(new Error(`No version ${ref.versionId} of ${ref.key}`), { name: 'NoSuchVersion' });
      return checkSha256(new Uint8Array(stored.bytes), ref);
    },
    async head(key) {
      const stored = objects.get(key);
      return stored && { size: stored.bytes.length, versionId: stored.versionId, sha256: stored.sha256 };
    },
    async uploadUrl(key, size, contentType, md5) {
      // Nothing listens there: a unit test stores the upload with `put` itself.
      return { url: `memory://documents/${encodeURIComponent(key)}`, headers: { 'content-type': contentType, 'content-length': String(size), 'content-md5': md5, 'if-none-match': '*' } };
    },
  };

  const mailer: Mailer = {
    async send(email) {
      // As the composition's suppressing mailer: an undeliverable address is dropped, an email left with none not sent.
      const blocked = await undeliverable.among(email.to);
      const to = email.to.filter((address) => !blocked.has(address.toLowerCase()));
      if (to.length === 0) return;
      sent.push({ ...email, to, messageId: `memory-message-${String((messages += 1)).padStart(6, '0')}`, at: now().toISOString() });
    },
  };

  /** NOT a seal (see the file's comment): the PDF's bytes and a marker line, and a "token" that is a hash. */
  const sealer: PdfSealer = {
    async seal(pdf, info) {
      return new Uint8Array(Buffer.concat([Buffer.from(pdf), Buffer.from(`\n${MEMORY_SEAL_MARKER} ${info.signingTime.toISOString()}\n`)]));
    },
    async timestamp(data) {
      return new Uint8Array(Buffer.from(`memory-timestamp:${sha256Hex(data)}`));
    },
  };

  const deps = {
    now,
    newId: () => {
      // Shaped as a UUID (v4 layout), numbered: the same ids on every run.
      ids += 1;
      return `00000000-0000-4000-8000-${String(ids).padStart(12, '0')}`;
    },
    newToken: () => createHash('sha256').update(`${seed}#token#${(tokens += 1)}`).digest('base64url'),
    campaigns: campaignRepository,
    conventionTexts: createShippedConventionTexts(),
    conventions: conventionRepository,
    reminders: reminderRepository,
    avenants: avenantRepository,
    jobs: jobRepository,
    undeliverable,
    anchors,
    documents,
    mailer,
    sealer,
    publicBaseUrl: options.publicBaseUrl ?? 'https://paraphe.test',
    contactEmail: options.contactEmail ?? 'ent@region-academique-occitanie.test',
  } satisfies Deps;

  const storedJob = (id: string) => copy(jobItems.get(id)?.job);

  /** drainJobs's loop, over the store: which jobs a round runs is the only difference between drain and drainAll. */
  async function rounds(runnable: () => { root?: Job; others: Job[]; rootId?: string }, drainOptions: MemoryDrainOptions): Promise<DrainReport> {
    const runWith = drainOptions.deps ?? deps;
    const definitions = drainOptions.definitions ?? jobDefinitions;
    const budget = drainOptions.budget ?? { remainingMs: () => 60_000 };
    const maxRounds = drainOptions.maxRounds ?? 10;
    const report: DrainReport = { done: 0, waiting: 0, failed: 0, skipped: 0, rounds: 0, redelivered: 0, errors: [] };
    const run = async (job: Job) => {
      try {
        report[await runJob(runWith, definitions, job, budget)] += 1;
      } catch (error) {
        // The worker's invocation failed (its own bookkeeping): the stream delivers the record again, next round.
        report.redelivered += 1;
        report.errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
    };
    for (;;) {
      report.rounds += 1;
      const first = runnable();
      if (first.rootId !== undefined && !first.root) throw new Error(`drainJobs: no job ${first.rootId}`);
      if (first.root?.state === 'pending') await run(first.root);
      for (const job of runnable().others.filter((candidate) => candidate.state === 'pending')) await run(job);

      const after = runnable();
      const jobs = [...(after.root ? [after.root] : []), ...after.others];
      if (!jobs.some((job) => job.state === 'pending' || job.state === 'waiting')) return report;
      if (report.rounds >= maxRounds) {
        throw new Error(`drainJobs: still not ended after ${report.rounds} rounds: ${JSON.stringify(jobs.filter((job) => job.state !== 'done').map((job) => ({ id: job.id, state: job.state, wakeAt: job.wakeAt, reason: job.reason })))}`);
      }
      if (jobs.some((job) => job.state === 'waiting')) await jobRepository.wakeDue(FAR_FUTURE);
    }
  }

  const children = (rootId: string) => [...jobItems.values()].filter((item) => item.job.parentId === rootId).map((item) => copy(item.job)).sort((a, b) => (a.id < b.id ? -1 : 1));

  return Object.assign(deps, {
    setNow(at: Date | string) {
      clock = new Date(at);
    },
    sent,
    inbox: (address: string) => sent.filter((email) => email.to.some((to) => to.toLowerCase() === address.toLowerCase())),
    drain: (rootJobId: string, drainOptions: MemoryDrainOptions = {}) => rounds(() => ({ rootId: rootJobId, root: storedJob(rootJobId), others: children(rootJobId) }), drainOptions),
    drainAll: (drainOptions: MemoryDrainOptions = {}) =>
      rounds(() => ({ others: [...jobItems.values()].map((item) => copy(item.job)).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1)) }), drainOptions),
    allJobs: () => [...jobItems.values()].map((item) => copy(item.job)),
  });
}
