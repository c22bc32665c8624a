/**
 * Signing links: an opaque random token travels in the mayor's email; only its
 * SHA-256 is stored. A token is good while it is the convention's current
 * link and has not expired; anything else is LINK_INVALID, with no hint why.
 */
import { timingSafeEqual } from 'node:crypto';
import { sha256Hex } from './digest.ts';
import { AppError } from './errors.ts';
import type { Avenant, Convention } from './model.ts';
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

export interface ResolvedLink {
  convention: Convention;
  linkHash: string;
}

export async function resolveSigningLink(deps: Pick<Deps, 'now' | 'conventions'>, token: string): Promise<ResolvedLink> {
  if (!TOKEN_SHAPE.test(token)) throw invalidLink();
  const linkHash = hashToken(token);
  const link = await deps.conventions.findByLinkHash(linkHash);
  if (!link) throw invalidLink();
  const convention = await deps.conventions.get(link.conventionId);
  if (!convention?.link || !sameHash(convention.link.hash, linkHash)) throw invalidLink();
  if (deps.now().getTime() >= Date.parse(convention.link.expiresAt)) throw invalidLink();
  // Past its end date a convention is expired, and so is every link to it.
  if (convention.status === 'expired') throw invalidLink();
  return { convention, linkHash };
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
