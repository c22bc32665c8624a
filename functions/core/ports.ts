/**
 * What the core needs from the outside world. Adapters implement these; tests
 * of the core pass plain objects.
 */
import type { AvenantOutcome } from './avenant-rules.ts';
import type { Avenant, Campaign, Convention, ConventionEvent, Countersignature, Decline, Signature, SigningLink, StoredDocument } from './model.ts';

export interface CampaignRepository {
  /** Throws ALREADY_EXISTS when the school year already has a campaign. */
  create(campaign: Campaign): Promise<void>;
  get(schoolYear: string): Promise<Campaign | undefined>;
  /** Every campaign, oldest first (a handful: one per school year). */
  list(): Promise<Campaign[]>;
}

export interface ConventionRepository {
  /**
   * Writes the convention, its creation event and the guards that keep one
   * convention per commune and one commune per school in a campaign. The
   * school guards are claimed first, in chunks (school-guards.ts says when
   * one is live); the convention, its commune guard and its event are one
   * small final transaction. Throws ALREADY_EXISTS naming the field that
   * collides, having released what it claimed.
   */
  add(convention: Convention, event: ConventionEvent): Promise<void>;
  get(id: string): Promise<Convention | undefined>;
  listByCampaign(schoolYear: string): Promise<Convention[]>;
  history(id: string): Promise<ConventionEvent[]>;
  findByLinkHash(hash: string): Promise<{ conventionId: string; expiresAt: string; avenantId?: string } | undefined>;
  /** The commune's convention in the campaign, if it has one. */
  findByCommune(schoolYear: string, siret: string): Promise<Convention | undefined>;
  /**
   * A draft, sent or declined convention is cancelled: its link dies, its commune and schools are freed (the
   * schools by the status change itself; their guards are deleted in chunks after it); false when it was signed meanwhile.
   */
  cancel(convention: Convention, event: ConventionEvent): Promise<boolean>;
  /** Which of these schools belong to a live convention of the campaign (school-guards.ts), and to which commune. */
  schoolOwners(schoolYear: string, uais: string[]): Promise<Map<string, { siret: string; communeName: string }>>;
  /**
   * draft, or sending with a lapsed lease, becomes sending until leaseUntil; false when another sender holds it.
   * The lease is the claim's fencing token: the writes below land only while the convention carries it,
   * so a sender whose lease lapsed and was taken over can no longer change the convention.
   */
  claimForSending(id: string, now: string, leaseUntil: string): Promise<boolean>;
  /** Attaches the generated document and a new link (the previous link dies) while this claim holds. */
  attachInvitation(id: string, leaseUntil: string, document: StoredDocument, link: SigningLink, previousLinkHash?: string): Promise<void>;
  /**
   * sending becomes sent, with its event and, in the same transaction, the day its first reminder falls due.
   * The email is already out: the write is retried through an outage for as long as the claim holds.
   */
  markSent(id: string, leaseUntil: string, event: ConventionEvent, reminderDue: string | undefined): Promise<void>;
  /** sending goes back to draft, with the reason as an event, so a later send retries it. */
  releaseSending(id: string, leaseUntil: string, event: ConventionEvent): Promise<void>;
  /** Records the first opening of the current link; false when already recorded. */
  recordView(id: string, linkHash: string, event: ConventionEvent): Promise<boolean>;
  /** sent becomes signed through the given link, with its event; false when it is no longer sent through that link. */
  recordSignature(
    id: string,
    linkHash: string,
    signature: Signature,
    signedDocument: StoredDocument,
    event: ConventionEvent,
  ): Promise<boolean>;
  /** sent becomes declined through the given link, with its event; false when it is no longer sent through that link. */
  recordDecline(id: string, linkHash: string, decline: Decline, event: ConventionEvent): Promise<boolean>;
  /**
   * While the convention is sent through `previousHash`, its link becomes `link` (the previous one dies), with
   * its event, and optionally a new mayor's email; false when the convention changed meanwhile.
   */
  replaceLink(id: string, previousHash: string, link: SigningLink, event: ConventionEvent, mayorEmail?: string): Promise<boolean>;
  /** signed becomes executed, with the final document and its event; false when it is no longer signed. */
  recordCountersignature(id: string, countersignature: Countersignature, document: StoredDocument, event: ConventionEvent): Promise<boolean>;
}

export interface AvenantRepository {
  /** Writes the avenant, its link and the convention's event, while the convention is signed or executed. */
  create(avenant: Avenant, event: ConventionEvent): Promise<void>;
  get(conventionId: string, avenantId: string): Promise<Avenant | undefined>;
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
    signedDocument: StoredDocument;
    outcome: AvenantOutcome;
    convention: Convention;
    event: ConventionEvent;
  }): Promise<boolean>;
  /** signed becomes executed, with the final document and the convention's event; false when no longer signed. */
  recordCountersignature(avenant: Avenant, countersignature: Countersignature, document: StoredDocument, event: ConventionEvent): Promise<boolean>;
}

/** Where the reminder sweep finds what is due, and how it makes sure each reminder goes out once. */
export interface ReminderRepository {
  /** The conventions whose next reminder falls on or before `today`, read through the due-date index, never a scan. */
  listDue(today: string): Promise<{ conventionId: string; dueDate: string }[]>;
  /** Sets the next due day, or removes the convention from the index when nothing is left. */
  reschedule(conventionId: string, dueDate: string | undefined): Promise<void>;
  /**
   * Writes the idempotency keys of one email conditionally: false when one of them was already sent
   * (or is being sent by another sweep), so a second run of the day sends nothing.
   */
  claim(keys: string[], at: string): Promise<boolean>;
  /** The email went out: the keys are final, and each convention's history says so. */
  confirm(keys: string[], events: ConventionEvent[]): Promise<void>;
  /** The email failed: the keys go, so a later run sends it. */
  release(keys: string[]): Promise<void>;
  /** The convention reached its end date; false when it was already expired. */
  expire(conventionId: string, event: ConventionEvent): Promise<boolean>;
}

export interface UndeliverableAddress {
  address: string;
  reason: 'bounce' | 'complaint';
  detail: string;
  at: string;
}

/** The addresses SES reported as bouncing or complaining: Paraphe stops emailing them. */
export interface UndeliverableAddresses {
  mark(entry: UndeliverableAddress): Promise<void>;
  /** Which of these addresses are undeliverable. */
  among(addresses: string[]): Promise<Set<string>>;
  /** Marked since an instant, for the rectorat's digest. */
  since(instant: string): Promise<UndeliverableAddress[]>;
}

export interface DocumentStore {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
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
}

export interface SealInfo {
  reason: string;
  location: string;
  contactInfo: string;
  /** The instant sealed into the signature; the recorded one, so a seal can be made again byte for byte. */
  signingTime: Date;
}

/** Applies the platform's PAdES seal over a whole PDF. */
export interface PdfSealer {
  seal(pdf: Uint8Array, info: SealInfo): Promise<Uint8Array>;
}

export interface Clock {
  now(): Date;
}

/** Everything a use case may need; each takes the subset it uses. */
export interface Deps extends Clock {
  newId(): string;
  /** An opaque random token of at least 128 bits, URL-safe. */
  newToken(): string;
  campaigns: CampaignRepository;
  conventions: ConventionRepository;
  reminders: ReminderRepository;
  avenants: AvenantRepository;
  undeliverable: UndeliverableAddresses;
  documents: DocumentStore;
  mailer: Mailer;
  sealer: PdfSealer;
  /** Base URL of the public API, to build signing links. */
  publicBaseUrl: string;
  contactEmail: string;
}
