/**
 * Signing links: an opaque random token travels in the mayor's email; only its
 * SHA-256 is stored. A convention has several live links (issue 15): each
 * email that carries one (the invitation, each reminder) adds its own, with
 * its own expiry, and none kills another, so the first email's link, kept by
 * the mayor or forwarded to a secretary, works until it expires. Only the
 * rectorat's explicit `resend` revokes them all. A token is good while it is
 * one of its convention's live links and has not expired; anything else is
 * LINK_INVALID, with no hint why.
 *
 * Why several stored hashes rather than a link derived from a keyed HMAC
 * (the same link sent again): an HMAC link needs a key held in Secrets
 * Manager and locally, whose leak forges every link and whose rotation kills
 * every link at once; revoking one convention's links needs stored state
 * anyway (a generation counter). Stored hashes need no new secret, revoke
 * exactly, and give each email's link the expiry its email states.
 */
import { timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../domain/sha256.ts';
import { AppError } from '../domain/errors.ts';
import type { Avenant, Convention, LiveLinks, SigningLink } from '../domain/model.ts';
import type { Deps } from './ports.ts';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22,128}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

export const hashToken = (token: string): string => sha256Hex(token);

export const signingUrl = (publicBaseUrl: string, token: string): string =>
  `${publicBaseUrl.replace(/\/$/, '')}/sign/${token}`;

export const avenantUrl = (publicBaseUrl: string, token: string): string =>
  `${publicBaseUrl.replace(/\/$/, '')}/avenant/${token}`;

export const linkExpiry = (now: Date, validityDays: number): string => new Date(now.getTime() + validityDays * DAY_MS).toISOString();

const invalidLink = () => new AppError('LINK_INVALID', "Ce lien de signature n'est pas valide.");

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Every live link of a convention, hash to expiry; one stored before several could live carries only `link`. */
export function liveLinks(convention: Pick<Convention, 'link' | 'links'>): LiveLinks {
  if (convention.links) return convention.links;
  return convention.link ? { [convention.link.hash]: convention.link.expiresAt } : {};
}

/**
 * A change of a convention's links, written as one conditional update: it holds only while `newestBefore`
 * is still the newest link, so two changes never interleave and a link added by a reminder that raced a
 * `resend` is refused rather than left alive.
 */
export interface LinkChange {
  /** The newest link the change was computed from (absent: the convention had none). */
  newestBefore?: string;
  /** The newest link after the change: the one the email about to go carries, and whose expiry it states. */
  link: SigningLink;
  /** Every live link after the change. */
  links: LiveLinks;
  /** The link whose lookup item is written (hash to convention). */
  added?: SigningLink;
  /** Links whose lookup items go: revoked, expired or withdrawn. */
  removed: string[];
}

/** A new link beside the live ones (an invitation, a reminder): those expired by `now` are dropped on the way. */
export function addLink(convention: Pick<Convention, 'link' | 'links'>, link: SigningLink, now: Date): LinkChange {
  const kept: LiveLinks = {};
  const removed: string[] = [];
  for (const [hash, expiresAt] of Object.entries(liveLinks(convention))) {
    if (now.getTime() >= Date.parse(expiresAt)) removed.push(hash);
    else kept[hash] = expiresAt;
  }
  return { ...newest(convention), link, links: { ...kept, [link.hash]: link.expiresAt }, added: link, removed };
}

/** The rectorat's `resend`: the new link is the only live one, every earlier one dies. */
export function replaceAllLinks(convention: Pick<Convention, 'link' | 'links'>, link: SigningLink): LinkChange {
  return { ...newest(convention), link, links: { [link.hash]: link.expiresAt }, added: link, removed: Object.keys(liveLinks(convention)) };
}

/** Undoes `added` (its email certainly never left): the newest link is again the one the mayor last received. */
export function withdrawLink(added: LinkChange, previous: SigningLink): LinkChange {
  const links = Object.fromEntries(Object.entries(added.links).filter(([hash]) => hash !== added.link.hash));
  return { newestBefore: added.link.hash, link: previous, links, removed: [added.link.hash] };
}

const newest = (convention: Pick<Convention, 'link'>) => (convention.link ? { newestBefore: convention.link.hash } : {});

export interface ResolvedLink {
  convention: Convention;
  linkHash: string;
  /** When the link in hand expires: the page states it. */
  linkExpiresAt: string;
}

export async function resolveSigningLink(deps: Pick<Deps, 'now' | 'conventions'>, token: string): Promise<ResolvedLink> {
  if (!TOKEN_SHAPE.test(token)) throw invalidLink();
  const linkHash = hashToken(token);
  const link = await deps.conventions.findByLinkHash(linkHash);
  if (!link) throw invalidLink();
  const convention = await deps.conventions.get(link.conventionId);
  if (!convention) throw invalidLink();
  const live = Object.entries(liveLinks(convention)).find(([hash]) => sameHash(hash, linkHash));
  if (!live || deps.now().getTime() >= Date.parse(live[1])) throw invalidLink();
  // Past its end date a convention is expired, and so is every link to it.
  if (convention.status === 'expired') throw invalidLink();
  return { convention, linkHash, linkExpiresAt: live[1] };
}

/** An avenant's link: the same rules as a convention's (current link, not expired, convention not expired). */
export async function resolveAvenantLink(
  deps: Pick<Deps, 'now' | 'conventions' | 'avenants'>,
  token: string,
): Promise<{ convention: Convention; avenant: Avenant; linkHash: string }> {
  if (!TOKEN_SHAPE.test(token)) throw invalidLink();
  const linkHash = hashToken(token);
  const link = await deps.conventions.findByLinkHash(linkHash);
  if (!link?.avenantId) throw invalidLink();
  const [convention, avenant] = await Promise.all([deps.conventions.get(link.conventionId), deps.avenants.get(link.conventionId, link.avenantId)]);
  if (!convention || !avenant || !sameHash(avenant.link.hash, linkHash)) throw invalidLink();
  if (deps.now().getTime() >= Date.parse(avenant.link.expiresAt) || convention.status === 'expired') throw invalidLink();
  return { convention, avenant, linkHash };
}
