/**
 * The audit events as data: one member per type, each with the fields that
 * say what happened. No sentence here: templates/format/audit-event.ts
 * phrases them in French, for the console, audit.json and the digest.
 *
 * Every field of an event is stored and hashed into its chain
 * (functions/domain/audit-chain.ts): an event's fields are evidence, written
 * once, never renamed or dropped. A new field or member is fine (older events
 * just lack it); changing what a stored field means is not.
 */
import type { AvenantEffect } from './avenant-rules.ts';
import type { ReminderKind } from './reminder-policy.ts';
import type { SignerCapacity } from './model.ts';

/** What every event carries, whatever its type. */
export interface EventBase {
  /** Given by the store when the event is written: its key is unique, so no event ever replaces another. */
  id?: string;
  conventionId: string;
  at: string;
  actor: string;
  ip?: string;
  userAgent?: string;
  sha256Before?: string;
  sha256After?: string;
  /** The event belongs to that avenant's audit chain, not the convention's (the avenant store sets it too). */
  avenantId?: string;
  /** The event's place in its chain, set by the store (functions/domain/audit-chain.ts). */
  seq?: number;
  prevHash?: string;
  hash?: string;
  /**
   * Stored by earlier versions, read-only: the event's meaning as a French sentence, before events carried
   * it as data. Old events keep it (their hash covers it) and are shown by it; new events never set it.
   */
  readonly detail?: string;
}

/** Who countersigned for the rectorat: the campaign's signatory, or a named delegate. */
export interface Countersigner {
  signerName: string;
  signerTitle: string;
  byDelegation: boolean;
}

/** The countersigner's fields of a countersignature, for its event (its instant, actor and client are the event's own). */
export const countersignerOf = ({ signerName, signerTitle, byDelegation }: Countersigner): Countersigner => ({ signerName, signerTitle, byDelegation });

/** Each type's own fields. */
export interface ConventionEventData {
  /** Added to its campaign (route or import). */
  created: {};
  /** The invitation SES took, to that address. */
  sent: { to: string };
  /** The invitation job gave up; `reason` is the job's failure as the rectorat read it on the job. */
  invitation_failed: { reason: string };
  /** First opening of a signing link. */
  viewed: {};
  signed: { capacity: SignerCapacity; delegateFunction?: string };
  /** The mayor's own words. */
  declined: { reason: string };
  countersigned: Countersigner;
  /**
   * A new signing link. 'reminder': joined to a reminder, the earlier links stay live. 'resend': the rectorat
   * resent it, every earlier link died; `newAddress` when it went to another mailbox (see mayor_email_changed).
   */
  link_resent: { cause: 'reminder' } | { cause: 'resend'; newAddress?: string };
  /** The reminder email left, with these reminders for this convention. */
  reminded: { kinds: ReminderKind[] };
  /** The reminder email certainly did not leave (`error`: the SES error's name): its link is withdrawn, the job retries. */
  reminder_failed: { error: string };
  /** Its end date (plain date, Paris) passed unsigned. */
  expired: { endDate: string };
  /** An avenant prepared: so many schools added and removed; `replaces`, the unsigned avenants it replaced. */
  avenant_requested: { avenantId: string; added: number; removed: number; replaces: string[] };
  avenant_signed: { avenantId: string; effect: AvenantEffect };
  avenant_countersigned: { avenantId: string } & Countersigner;
  /** An avenant replaced, unsigned, by a newer one: its link no longer works. */
  avenant_replaced: { avenantId: string; replacedBy: string };
  cancelled: { reason: string };
  /**
   * A job stored a sealed PDF and emailed it: the signed or executed copy of the convention, or of the
   * avenant `avenantId`, to the mayor's address `sentTo`, and to the rectorat too when `rectoratCopy`.
   */
  document_sealed: { document: 'signed' | 'executed'; sentTo: string; rectoratCopy: boolean };
  /** Both addresses in full, the trail being the evidence of where the link went. */
  mayor_email_changed: { addressChange: { previous: string; next: string } };
  /** The titre de perception recorded, for the convention's amount then. */
  titre_recorded: { titre: { number: string; date: string }; amountCents: number };
}

export type ConventionEventType = keyof ConventionEventData;

/** One line of a convention's append-only history: its base, its type, and that type's fields. */
export type ConventionEvent = { [T in ConventionEventType]: EventBase & { type: T } & ConventionEventData[T] }[ConventionEventType];

/** The event of one type. */
export type EventOf<T extends ConventionEventType> = Extract<ConventionEvent, { type: T }>;

/** An event as a use case writes it: with its fields, never with the legacy `detail`. */
export type NewConventionEvent = ConventionEvent & { readonly detail?: never };

export type NewEventOf<T extends ConventionEventType> = Extract<NewConventionEvent, { type: T }>;
