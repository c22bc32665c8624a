/** The nouns of the domain, as Paraphe stores and returns them. */
import type { AvenantDecision } from './avenant-rules.ts';

/** A signed avenant's decision, with its effect as it was said in French when it was signed (kept as told). */
export type AvenantOutcome = AvenantDecision & { effect: string };
import type { ReminderPolicy } from './reminder-policy.ts';
import type { ChainHead } from './audit-chain.ts';
import type { ConventionEvent } from './audit-events.ts';

export type SchoolType = 'maternelle' | 'elementaire' | 'primaire';

export interface School {
  uai: string;
  type: SchoolType;
  name: string;
}

/**
 * The largest list a convention (or an avenant) may carry. Toulouse, the largest commune of the
 * région, has about 200 public schools; beyond 1,000 the list is surely a mistake (a whole
 * département pasted in). The school guards are written in chunks, so this is no storage limit.
 */
export const MAX_SCHOOLS = 1000;

export interface Commune {
  name: string;
  siret: string;
  address: string;
}

/** Who signs for a party: the mayor for the commune, the rectrice for the rectorat. */
export interface Signatory {
  name: string;
  title: string;
}

export interface Mayor extends Signatory {
  email: string;
}

/** The rectorat sent the signing link to another address than the mayor's (POST …/resend with `mayorEmail`). */
export interface MayorAddressChange {
  at: string;
  /** The address the earlier links went to, which is told of the change. */
  previous: string;
  /** The address the new link went to. */
  next: string;
  /** Who asked, from the admin token. */
  actor: string;
}

export interface Campaign {
  schoolYear: string;
  /** Fee per school and per year, TTC, in integer cents. */
  feeCents: number;
  /** Plain date (Europe/Paris) the conventions of this campaign end. */
  endDate: string;
  issuePlace: string;
  issueDate: string;
  signatory: Signatory;
  /** How long a signing link stays valid after it is sent. */
  linkValidityDays: number;
  /** School year of the convention text, pinned at creation (campaign-text.ts); the latest model when absent (older campaigns). */
  model?: string;
  /** SHA-256 of the pinned text, stored with the campaign (CampaignRepository.pinnedText). */
  modelSha256?: string;
  /** The mayor gives the délibération (number and date) to sign; absent means required. */
  deliberationRequired?: boolean;
  /** When reminders go out; the defaults of DEFAULT_REMINDER_POLICY when absent. */
  reminderPolicy?: ReminderPolicy;
  createdAt: string;
}

/** 'executed': countersigned by the rectorat, the convention is exécutoire. */
export type ConventionStatus = 'draft' | 'sending' | 'sent' | 'signed' | 'declined' | 'executed' | 'expired' | 'cancelled';

/**
 * A document in the bucket as recorded with the convention or avenant: read back by its version (absent where
 * the bucket keeps no versions, as s3rver locally), and its SHA-256 (lowercase hex) checked before it is
 * served, sealed or emailed.
 */
export interface StoredDocument {
  key: string;
  versionId?: string;
  sha256: string;
}

export type SignerCapacity = 'maire' | 'delegation';

export interface Signature {
  signerName: string;
  capacity: SignerCapacity;
  delegateFunction?: string;
  deliberation?: { number: string; date: string };
  signedAt: string;
  ip: string;
  userAgent: string;
  /** The address the link used for signing was emailed to (absent on signatures recorded before it was kept). */
  linkSentTo?: string;
  /** The changes of the mayor's address before the signature, oldest first: the certificate prints them. */
  addressChanges?: MayorAddressChange[];
  /** The audit chain's head just after the signature's event, set by the store: the certificate prints it. */
  auditHead?: ChainHead;
}

/** The rectorat's countersignature: the campaign's signatory or a named delegate. */
export interface Countersignature {
  signerName: string;
  signerTitle: string;
  byDelegation: boolean;
  countersignedAt: string;
  /** Who clicked, from the admin token. */
  actor: string;
  ip: string;
  userAgent: string;
  /** The audit chain's head just after the countersignature's event, set by the store: the certificate prints it. */
  auditHead?: ChainHead;
}

/** A mayor's refusal to sign, with the reason the rectorat reads. */
export interface Decline {
  reason: string;
  declinedBy: string;
  declinedAt: string;
  ip: string;
  userAgent: string;
}

export interface SigningLink {
  hash: string;
  expiresAt: string;
}

/** The live signing links of a convention: SHA-256 of the token (hex) to its expiry instant. */
export type LiveLinks = Record<string, string>;

/** The titre de perception the finance office issued for a convention, as the rectorat recorded it. */
export interface Titre {
  number: string;
  /** Plain date (Europe/Paris) the titre was issued. */
  date: string;
  recordedAt: string;
  /** Who recorded it, from the admin token. */
  actor: string;
}

export interface Convention {
  id: string;
  /**
   * "ENT-2026-2027-34-0042": school year, the commune's département, its number in the campaign and
   * département (convention-reference.ts), given once when the convention is added. Absent on conventions
   * added before references existed.
   */
  reference?: string;
  schoolYear: string;
  commune: Commune;
  mayor: Mayor;
  schools: School[];
  feeCents: number;
  amountCents: number;
  /** Plain date the convention ends (Art. 10), fixed when it is added: its own, or the campaign's. */
  endDate: string;
  /** From the campaign when added: the délibération is required to sign (absent means required). */
  deliberationRequired?: boolean;
  status: ConventionStatus;
  createdAt: string;
  sentAt?: string;
  viewedAt?: string;
  signedAt?: string;
  document?: StoredDocument;
  signedDocument?: StoredDocument;
  signature?: Signature;
  countersignature?: Countersignature;
  /** The final document: original, both certificates, sealed. */
  executedDocument?: StoredDocument;
  executedAt?: string;
  decline?: Decline;
  /** Each time the signing link went to another address, oldest first. */
  addressChanges?: MayorAddressChange[];
  /** Signed avenants, oldest first: each changed the list and the amount above. */
  avenants?: { id: string; signedAt: string; effect: string }[];
  /** The head of the convention's audit chain (functions/domain/audit-chain.ts): its last event's seq and hash. */
  auditSeq?: number;
  auditHead?: string;
  /** Once the finance office issued it: the titre de perception (POST /admin/conventions/{id}/titre). */
  titre?: Titre;
  /** The avenant waiting for the mayor's signature, if any: at most one (a new one replaces it). */
  pendingAvenantId?: string;
  /** The newest link: the one the latest email carries (functions/use-cases/signing-link.ts). */
  link?: SigningLink;
  /** Every live link, the newest included: each email's link works until its own expiry or a `resend`. */
  links?: LiveLinks;
  /** While status is 'sending': the invitation job that holds the convention. */
  sendingJob?: string;
  /** Once countersigned: the job that seals, stores and sends the executed document. */
  executedJob?: string;
}

/** The audit events, one member per type with its own fields (functions/domain/audit-events.ts). */
export type { ConventionEvent, ConventionEventData, ConventionEventType, Countersigner, EventBase, EventOf, NewConventionEvent, NewEventOf } from './audit-events.ts';

/** 'replaced': a newer avenant was prepared before this one was signed; its link died with it. */
export type AvenantStatus = 'sent' | 'signed' | 'executed' | 'replaced';

/** A change of the list of schools of a signed convention, signed by the mayor like a convention. */
export interface Avenant {
  id: string;
  conventionId: string;
  schoolYear: string;
  requestedBy: 'maire' | 'rectorat';
  actor: string;
  previousSchools: School[];
  schools: School[];
  feeCents: number;
  warnings: string[];
  status: AvenantStatus;
  createdAt: string;
  document: StoredDocument;
  link: SigningLink;
  signature?: Signature;
  signedAt?: string;
  signedDocument?: StoredDocument;
  outcome?: AvenantOutcome;
  countersignature?: Countersignature;
  executedAt?: string;
  executedDocument?: StoredDocument;
  /** Once replaced: when, and by which avenant. */
  replacedAt?: string;
  replacedBy?: string;
  /** The head of the avenant's audit chain. */
  auditSeq?: number;
  auditHead?: string;
}

/** A convention and its dated history, as the rectorat reads them. */
export interface ConventionWithHistory {
  convention: Convention;
  history: ConventionEvent[];
}

/** An avenant as the rectorat sees it: without its link's hashes. */
export type AvenantView = Omit<Avenant, 'link'>;

/** An address SES reported as bouncing or complaining. */
export interface UndeliverableAddress {
  address: string;
  reason: 'bounce' | 'complaint';
  detail: string;
  at: string;
}
