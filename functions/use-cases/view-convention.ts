import type { Avenant, Convention } from '../domain/model.ts';
import type { Deps } from './ports.ts';
import { resolveAvenantLink, resolveSigningLink } from './signing-link.ts';
import { checkSha256 } from './stored-document.ts';

/** The convention behind a link, with when that very link expires (another live link may expire later). */
export type ViewedConvention = Convention & { linkExpiresAt: string };

/**
 * The mayor opens the signing link. The first opening is recorded as
 * "viewed"; nothing is signed.
 */
export async function viewConvention(
  deps: Pick<Deps, 'now' | 'conventions'>,
  input: { token: string; ip: string; userAgent: string },
): Promise<ViewedConvention> {
  const { convention, linkHash, linkExpiresAt } = await resolveSigningLink(deps, input.token);
  if (convention.status !== 'sent' || convention.viewedAt) return { ...convention, linkExpiresAt };
  const at = deps.now().toISOString();
  const recorded = await deps.conventions.recordView(convention.id, linkHash, {
    conventionId: convention.id,
    at,
    type: 'viewed',
    actor: 'lien de signature',
    ip: input.ip,
    userAgent: input.userAgent,
    ...(convention.document ? { sha256Before: convention.document.sha256 } : {}),
  });
  return { ...convention, ...(recorded ? { viewedAt: at } : {}), linkExpiresAt };
}

/** The PDF behind a link: the executed copy once countersigned, the signed copy once signed, the original before. */
export async function conventionPdf(
  deps: Pick<Deps, 'now' | 'conventions' | 'documents'>,
  token: string,
): Promise<{ convention: Convention; pdf: Uint8Array; version: 'original' | 'signed' | 'executed' } | undefined> {
  const { convention } = await resolveSigningLink(deps, token);
  const [version, stored] = convention.executedDocument
    ? (['executed', convention.executedDocument] as const)
    : convention.signedDocument
      ? (['signed', convention.signedDocument] as const)
      : (['original', convention.document] as const);
  if (!stored) return undefined;
  // By its recorded version, refused (DocumentIntegrityError) unless its SHA-256 is the recorded one.
  const pdf = await deps.documents.get(stored);
  return pdf ? { convention, pdf: checkSha256(pdf, stored), version } : undefined;
}

/** The PDF behind an avenant's link: the executed copy once countersigned, the signed copy once signed, the original before. */
export async function avenantPdf(
  deps: Pick<Deps, 'now' | 'conventions' | 'avenants' | 'documents'>,
  token: string,
): Promise<{ convention: Convention; avenant: Avenant; pdf: Uint8Array } | undefined> {
  const { convention, avenant } = await resolveAvenantLink(deps, token);
  const stored = avenant.executedDocument ?? avenant.signedDocument ?? avenant.document;
  const pdf = await deps.documents.get(stored);
  return pdf ? { convention, avenant, pdf: checkSha256(pdf, stored) } : undefined;
}
