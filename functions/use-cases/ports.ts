/**
 * What the core needs from the outside world. Adapters implement these; tests
 * of the core pass plain objects.
 */
import type { ConventionText } from '../domain/campaign-text.ts';
import type { Job, JobFailure, JobProgress } from '../domain/jobs/job.ts';
import type { Avenant, AvenantOutcome, Campaign, UndeliverableAddress, Convention, ConventionEvent, Countersignature, NewConventionEvent, Decline, MayorAddressChange, Signature, SigningLink, StoredDocument, Titre } from '../domain/model.ts';
import type { LinkChange } from './signing-link.ts';

export interface CampaignRepository {
  /** Writes the campaign with the text it pins, in one transaction; throws ALREADY_EXISTS when the school year already has a campaign. */
  create(campaign: Campaign, text: ConventionText): Promise<void>;
  get(schoolYear: string): Promise<Campaign | undefined>;
  /** The text the campaign pinned at creation; undefined for a campaign created before texts were pinned. */
  pinnedText(schoolYear: string): Promise<ConventionText | undefined>;
  /** Every campaign, oldest first (a handful: one per school year). */
  list(): Promise<Campaign[]>;
}

export interface ConventionRepository {
  /**
   * Writes the convention, its creation event and the guards that keep one
   * convention per commune and one commune per school in a campaign. The
   * school guards are claimed first, in chunks (school-guards.ts says when
   * one is live); the convention, its commune guard and its event are one
   * small final transaction, which also takes the next number of the
   * campaign and département (a conditional counter write) and stores the
   * convention with its reference. Throws ALREADY_EXISTS naming the field
   * that collides, having released what it claimed.
   */
  add(convention: Convention, event: NewConventionEvent): Promise<{ reference: string }>;
  get(id: string): Promise<Convention | undefined>;
  /** Many conventions by id (batches of 100 reads); the missing ones are absent from the map. */
  getMany(ids: string[]): Promise<Map<string, Convention>>;
  listByCampaign(schoolYear: string): Promise<Convention[]>;
  history(id: string): Promise<ConventionEvent[]>;
  findByLinkHash(hash: string): Promise<{ conventionId: string; expiresAt: string; avenantId?: string } | undefined>;
  /** The commune's convention in the campaign, if it has one. */
  findByCommune(schoolYear: string, siret: string): Promise<Convention | undefined>;
  /**
   * A draft, sent or declined convention is cancelled: its link dies, its commune and schools are freed (the
   * schools by the status change itself; their guards are deleted in chunks after it); false when it was signed meanwhile.
   */
  cancel(convention: Convention, event: NewConventionEvent): Promise<boolean>;
  /** Which of these schools belong to a live convention of the campaign (school-guards.ts), and to which commune. */
  schoolOwners(schoolYear: string, uais: string[]): Promise<Map<string, { siret: string; communeName: string }>>;
  /** draft becomes sending, held by this invitation job; false when it is no longer a draft (sent, or held by another job). */
  claimForSending(id: string, jobId: string): Promise<boolean>;
  /**
   * Attaches the generated document and the invitation's link (`links.added`; the links of an earlier try
   * of this job stay live: its email may have arrived) while this job holds the convention.
   */
  attachInvitation(id: string, jobId: string, document: StoredDocument, links: LinkChange): Promise<void>;
  /**
   * sending becomes sent, with its event, the day its first reminder falls due and the end of the job, in one
   * transaction; false when the job had already ended (a second delivery).
   */
  markSent(id: string, jobId: string, event: NewConventionEvent, reminderDue: string | undefined, completion: JobCompletion): Promise<boolean>;
  /**
   * sending goes back to draft, with the reason as an event, so a later send retries it; its links die (SES
   * refused their email: nobody holds them, and the next invitation may go to a corrected address).
   */
  releaseSending(id: string, jobId: string, event: NewConventionEvent): Promise<void>;
  /** Records the first opening through one of its live links; false when already recorded. */
  recordView(id: string, linkHash: string, event: NewConventionEvent): Promise<boolean>;
  /**
   * sent becomes signed through the given link, with its event and the job that seals and sends the signed
   * copy (the outbox); false when it is no longer sent, or that link no longer live.
   */
  recordSignature(id: string, linkHash: string, signature: Signature, event: NewConventionEvent, job: Job): Promise<boolean>;
  /** sent becomes declined through the given live link, with its event and the acknowledgement's job; false when it is no longer sent, or that link no longer live. */
  recordDecline(id: string, linkHash: string, decline: Decline, event: NewConventionEvent, job: Job): Promise<boolean>;
  /**
   * The sealed copy of a signed (or executed) convention is recorded once, with its event, ending the job that
   * made it in the same transaction; false when it was already recorded or the job had ended.
   */
  recordSealed(id: string, version: 'signed' | 'executed', document: StoredDocument, event: NewConventionEvent, completion: JobCompletion): Promise<boolean>;
  /**
   * While the convention can still be opened (sent, signed, executed, declined) and `change.newestBefore` is
   * still its newest link, its links become those of `change` (a reminder's added, a `resend` replacing all,
   * a withdrawn one), with its event, and optionally a new mayor's address: with `newAddress.change`, the
   * change is appended to the convention's `addressChanges`, with its event and the job that tells the previous
   * address; false when the convention changed meanwhile.
   */
  changeLinks(id: string, change: LinkChange, event: NewConventionEvent, newAddress?: NewMayorAddress): Promise<boolean>;
  /**
   * signed (with its sealed copy) becomes executed, held by the job that seals the executed document
   * (`sealing.jobId`), with its event; `sealing.job` is that job when this transaction writes it (the
   * single route), absent when the job that countersigns goes on to seal (a campaign's countersignature);
   * false when it is no longer signed.
   */
  recordCountersignature(id: string, countersignature: Countersignature, event: NewConventionEvent, sealing: { jobId: string; job?: Job }): Promise<boolean>;
  /** The titre de perception is recorded once, with its event, on a convention the commune signed; false when one is already recorded or it is not signed. */
  recordTitre(id: string, titre: Titre, event: NewConventionEvent): Promise<boolean>;
}

/** The mayor's address a new link goes to: a new spelling, or (with `change`) another address. */
export interface NewMayorAddress {
  email: string;
  change?: { record: MayorAddressChange; event: NewConventionEvent; notice: Job };
}

/** A pending avenant that a new one replaces, with the event that closes its chain. */
export interface ReplacedAvenant {
  avenant: Avenant;
  event: NewConventionEvent;
}

export interface AvenantRepository {
  /**
   * Writes the avenant, its link and its first event, and marks it the convention's pending avenant, while
   * the convention is signed or executed and its pending avenant is none or one of `replaces`; in the same
   * transaction each replaced avenant becomes 'replaced' (still waiting, conditioned on its chain's head),
   * its link dies and its chain records why. False when the convention or a replaced avenant changed meanwhile.
   */
  create(avenant: Avenant, event: NewConventionEvent, replaces?: ReplacedAvenant[]): Promise<boolean>;
  get(conventionId: string, avenantId: string): Promise<Avenant | undefined>;
  /** Every avenant of the convention, whatever its status (a Query of the convention's items). */
  ofConvention(conventionId: string): Promise<Avenant[]>;
  /** The convention's avenants still waiting for the mayor's signature (at most one, but older data may hold more). */
  pending(conventionId: string): Promise<Avenant[]>;
  /**
   * The avenant becomes signed through its link, the convention takes its new list and amount, with the
   * event, in one small transaction; the school guards follow: the activated schools' guards are claimed
   * in chunks before it (and released if it fails), the removed schools' guards released in chunks after.
   * False when the avenant is no longer waiting through that link, or a school was taken meanwhile.
   */
  recordSignature(input: {
    avenant: Avenant;
    linkHash: string;
    signature: Signature;
    outcome: AvenantOutcome;
    convention: Convention;
    event: NewConventionEvent;
    /** The job that seals and sends the signed avenant. */
    job: Job;
  }): Promise<boolean>;
  /** signed (with its sealed copy) becomes executed, with the convention's event and the job that seals the final avenant; false when no longer signed. */
  recordCountersignature(avenant: Avenant, countersignature: Countersignature, event: NewConventionEvent, job: Job): Promise<boolean>;
  /** The sealed signed or executed avenant is recorded once, with the convention's event, ending its job; false when already recorded. */
  recordSealed(avenant: Avenant, version: 'signed' | 'executed', document: StoredDocument, event: NewConventionEvent, completion: JobCompletion): Promise<boolean>;
}

/** Where the reminder sweep finds what is due, and how it makes sure each reminder goes out once. */
export interface ReminderRepository {
  /** The conventions whose next reminder falls on or before `today`, read through the due-date index, never a scan. */
  listDue(today: string): Promise<{ conventionId: string; dueDate: string }[]>;
  /** Sets the next due day, or removes the convention from the index when nothing is left. */
  reschedule(conventionId: string, dueDate: string | undefined): Promise<void>;
  /**
   * Writes the idempotency keys of one email conditionally, owned by `owner` (the job that sends it): false
   * when one of them was already sent or is held by another owner, so a reminder goes out once. The owner
   * claims again what it holds (a retried job).
   */
  claim(keys: string[], at: string, owner: string): Promise<boolean>;
  /** The email went out: the keys are final, and each convention's history says so. */
  confirm(keys: string[], events: NewConventionEvent[]): Promise<void>;
  /** The email failed: the keys go, so a later run sends it. */
  release(keys: string[]): Promise<void>;
  /** The convention reached its end date; false when it was already expired. */
  expire(conventionId: string, event: NewConventionEvent): Promise<boolean>;
}

/** A job that ends as done in the same transaction as the change it made; `tally` names what its parent counts. */
export interface JobCompletion {
  job: Job;
  at: string;
  tally?: string;
}

/** The jobs: written with the change that causes them, delivered by the table's stream, ended once. */
export interface JobRepository {
  get(id: string): Promise<Job | undefined>;
  progress(id: string): Promise<JobProgress | undefined>;
  failures(id: string, limit?: number): Promise<JobFailure[]>;
  /**
   * A job, its progress and its first failures (up to `limit`, 1,000 by default), read together: what
   * GET /admin/jobs/{id} shows, in one request when the failures fit. Undefined when there is no such job.
   */
  withProgress(id: string, limit?: number): Promise<{ job: Job; progress?: JobProgress; failures: JobFailure[] } | undefined>;
  /** Several jobs with their progress, in one batch, in the order of `ids` (those that exist): a list of jobs without their failures. */
  manyWithProgress(ids: readonly string[]): Promise<{ job: Job; progress?: JobProgress }[]>;
  /**
   * A tracked job and its empty progress. With `running`, one job of its kind per campaign at a time:
   * while one runs, nothing is written and its id comes back.
   */
  startTracked(job: Job, running?: { schoolYear: string }): Promise<{ started: boolean; jobId: string }>;
  /**
   * Tracked jobs, the latest started first: every one, or those started for a campaign (their payload's
   * schoolYear); at most `limit` ids, each list one Query.
   */
  recentTracked(options: { limit: number; schoolYear?: string }): Promise<string[]>;
  /** The tracked job of a kind last started for a campaign. */
  runningJob(schoolYear: string, kind: Job['kind']): Promise<string | undefined>;
  /**
   * The next chunk of a tracked job's children (at most 90), exactly once: conditioned on the progress'
   * cursor, so a fan-out that resumes after a crash never enqueues a chunk twice. False when already done.
   */
  enqueueChildren(parent: Job, cursor: number, children: Job[], options: { last: boolean }): Promise<boolean>;
  /** Failures found before any child exists (refused lines of a file); written again, they are the same items. */
  recordFailures(jobId: string, failures: JobFailure[]): Promise<void>;
  /** pending (or waiting) becomes done (its parent counts it), with new jobs it causes; false when it had already ended. */
  complete(completion: JobCompletion, next?: Job[]): Promise<boolean>;
  /** pending (or waiting) becomes failed, with the reason listed under its parent (or itself); false when it had already ended. */
  fail(job: Job, failure: JobFailure, tally?: string): Promise<boolean>;
  /** pending becomes waiting until `wakeAt`; false when it had already ended. */
  retryLater(job: Job, wakeAt: string, attempts: number, reason: string): Promise<boolean>;
  /** Waiting jobs whose time came become pending again (the stream delivers them); how many. */
  wakeDue(now: string): Promise<number>;
  /**
   * Jobs pending since before `pendingSince` lost their stream record (discarded after the mapping's retries,
   * or older than the stream keeps): each is written again once, which the stream delivers; a second time,
   * it fails with its reason.
   */
  redeliverStale(pendingSince: string, now: string): Promise<{ redelivered: number; failed: number }>;
  /**
   * Before a job's one email: claimed until `leaseUntil`. Not claimed when SES already took it (`sentAt`), or
   * while another try holds it (`heldUntil`): that try may have died after SES took the email, which SES's
   * Send event then records (recordEmailSent).
   */
  claimEmail(jobId: string, now: string, leaseUntil: string): Promise<{ claimed: true } | { claimed: false; sentAt?: string; heldUntil?: string }>;
  /** The email failed: the claim goes, so the next try sends it. */
  releaseEmail(jobId: string, leaseUntil: string): Promise<void>;
  /** SES took the job's email; false when already recorded or never claimed. */
  recordEmailSent(jobId: string, at: string): Promise<boolean>;
}

export type { UndeliverableAddress };

/** The addresses SES reported as bouncing or complaining: Paraphe stops emailing them. */
export interface UndeliverableAddresses {
  /**
   * Records the address as undeliverable, once: the first report is kept as it was (a repeated or later
   * report never rewrites it); false when it was already marked.
   */
  mark(entry: UndeliverableAddress): Promise<boolean>;
  /** Which of these addresses are undeliverable. */
  among(addresses: string[]): Promise<Set<string>>;
  /** The records of those of these addresses that are undeliverable (addresses in lower case). */
  find(addresses: string[]): Promise<UndeliverableAddress[]>;
  /** Marked since an instant, for the rectorat's digest. */
  since(instant: string): Promise<UndeliverableAddress[]>;
}

/** An object in the store: its version (absent where the bucket keeps none, as s3rver) and its SHA-256 in lowercase hex. */
export interface StoredObject {
  versionId?: string;
  sha256: string;
}

/** Which object to read: a version when one was recorded; with `sha256`, the bytes must have it. */
export interface DocumentRef {
  key: string;
  versionId?: string;
  sha256?: string;
}

/**
 * Documents are written once (the bucket is under Object Lock): a put is create-only and carries its
 * checksum; a put that meets an object already at its key (a retried job storing the same document again)
 * does not fail, it reports that object (`created: false`), which is what the caller records.
 */
export interface DocumentStore {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<StoredObject & { created: boolean }>;
  /** The bytes, or undefined when there is no object at the key. Throws DocumentIntegrityError when `sha256` is given and the bytes differ. */
  get(ref: DocumentRef): Promise<Uint8Array | undefined>;
  /** Size and version of a stored object, and its SHA-256 when the store kept one; undefined when there is none. */
  head(key: string): Promise<{ size: number; versionId?: string; sha256?: string } | undefined>;
  /**
   * A URL to PUT exactly `size` bytes of MD5 `md5` (base64) at `key` without credentials, valid
   * `expiresInSeconds`, create-only; the client sends `headers` with it (they are signed).
   */
  uploadUrl(key: string, size: number, contentType: string, md5: string, expiresInSeconds: number): Promise<{ url: string; headers: Record<string, string> }>;
}

export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface OutgoingEmail {
  to: string[];
  subject: string;
  html: string;
  text: string;
  attachments?: EmailAttachment[];
  /** SES message tags, published back in SES's events (letters, digits, '_' and '-' only). */
  tags?: Record<string, string>;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
  /**
   * Waits for this caller's turn under SES's sending rate; the next send then goes at once. A job calls it
   * before it claims its email, so a claim is held for the instant of the send, not for a wait in line.
   */
  whenReady?(): Promise<void>;
}

export interface SealInfo {
  reason: string;
  location: string;
  contactInfo: string;
  /** The claimed instant of the seal (the signature dictionary's /M): the recorded one. The TSA's token adds its own. */
  signingTime: Date;
}

/** Applies the platform's PAdES seal over a whole PDF. */
export interface PdfSealer {
  seal(pdf: Uint8Array, info: SealInfo): Promise<Uint8Array>;
  /** An RFC 3161 token (DER) over the SHA-256 of `data`, from the seals' own time-stamping authority (the daily anchor). */
  timestamp(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * An RFC 3161 time-stamping authority: a token (DER ContentInfo) whose imprint is the SHA-256 of `data`.
 * The sealer stamps each seal's signature value with it (PAdES B-T); it fails rather than answer without a token.
 */
export interface Timestamper {
  timestamp(data: Uint8Array): Promise<Uint8Array>;
}

/** The convention texts shipped with the code (one model file per school year), oldest first. */
export interface ConventionTexts {
  list(): ConventionText[];
}

export interface Clock {
  now(): Date;
}

/** Everything a use case may need; each takes the subset it uses. */
/** The head of one audit chain that changed on a day (Paris). */
export interface AnchoredChain {
  conventionId: string;
  avenantId?: string;
  seq: number;
  hash: string;
  /** Its last event of the day. */
  at: string;
}

/** What a sealed PDF carries for its proof file (functions/use-cases/evidence.ts): read from the file alone. */
export interface SealedPdfContents {
  sealed: boolean;
  /** The seal's signature time-stamp token (DER) and the SHA-256 (hex) of the signature value it stamps. */
  timestamp?: { token: Uint8Array; stampedSha256: string };
  /** The DSS dictionary's certificates (DER), roots (self-signed) marked, each with its SHA-256 (hex). */
  certificates: { der: Uint8Array; sha256: string; root: boolean }[];
  crls: { der: Uint8Array; sha256: string }[];
}

/** Reads a sealed PDF's seal and validation data; only the function that builds proof files loads it. */
export interface SealContentsReader {
  read(pdf: Uint8Array): Promise<SealedPdfContents>;
}

/** The daily anchor of the audit chains (functions/use-cases/anchor-audit.ts). */
export interface AuditAnchors {
  /** The chains whose events were written on `day`, each with its latest head. */
  chainsOf(day: string): Promise<AnchoredChain[]>;
  /** Records the day's anchor file once: false when it was already recorded. */
  record(day: string, document: StoredDocument, at: string): Promise<boolean>;
}

export interface Deps extends Clock {
  newId(): string;
  /** An opaque random token of at least 128 bits, URL-safe. */
  newToken(): string;
  campaigns: CampaignRepository;
  conventionTexts: ConventionTexts;
  conventions: ConventionRepository;
  reminders: ReminderRepository;
  avenants: AvenantRepository;
  jobs: JobRepository;
  undeliverable: UndeliverableAddresses;
  anchors: AuditAnchors;
  documents: DocumentStore;
  mailer: Mailer;
  sealer: PdfSealer;
  /** Base URL of the public API, to build signing links. */
  publicBaseUrl: string;
  contactEmail: string;
}
