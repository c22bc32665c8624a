/**
 * The rectorat countersigns a convention the commune signed: by the
 * campaign's signatory, or by a named delegate. The final document is the
 * original, the collectivité's certificate and the countersignature
 * certificate under one seal; both parties receive it. One conditional
 * transaction with its audit event, so it happens once.
 */
import { executedEmail } from '../../templates/email/executed.ts';
import { countersignatureBy, countersignedPdf, restoreIfMissing, type SignedPaper } from './certificates.ts';
import { sha256Hex } from './digest.ts';
import { documentFileName, executedDocumentKey } from './document-keys.ts';
import { AppError } from './errors.ts';
import type { Campaign, Convention } from './model.ts';
import type { Deps } from './ports.ts';

export interface CountersignInput {
  id: string;
  /** A delegate signing for the campaign's signatory; the signatory when absent. */
  delegate?: { name: string; title: string };
  actor: string;
  ip: string;
  userAgent: string;
}

type CountersignDeps = Pick<Deps, 'now' | 'campaigns' | 'conventions' | 'documents' | 'mailer' | 'sealer' | 'contactEmail'>;

function notCountersignable(convention: Convention): AppError {
  if (convention.status === 'executed') return new AppError('CONFLICT', 'Cette convention est déjà contresignée : elle est exécutoire.');
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

export async function countersignConvention(deps: CountersignDeps, input: CountersignInput): Promise<Convention> {
  const convention = await deps.conventions.get(input.id);
  if (!convention) throw new AppError('NOT_FOUND', `Aucune convention ne porte l'identifiant ${input.id}.`);
  const paper = paperOf(convention);
  if (convention.status === 'executed' && paper) {
    // Countersigning again after a failure: the recorded executed document is restored if its storage was lost.
    const restored = await restoreExecuted(deps, convention, paper);
    if (restored) return restored;
  }
  if (convention.status !== 'signed' || !paper) throw notCountersignable(convention);
  const campaign = await campaignOf(deps, convention);

  const signer = input.delegate ?? campaign.signatory;
  const countersignature = countersignatureBy(signer, input.delegate !== undefined, deps.now(), input);
  const sealed = await countersignedPdf(deps, paper, countersignature, sealOf(convention, campaign));
  const executedDocument = { key: executedDocumentKey(convention), sha256: sha256Hex(sealed) };

  const won = await deps.conventions.recordCountersignature(convention.id, countersignature, executedDocument, {
    conventionId: convention.id,
    at: countersignature.countersignedAt,
    type: 'countersigned',
    actor: input.actor,
    ip: input.ip,
    userAgent: input.userAgent,
    sha256Before: paper.signedDocument.sha256,
    sha256After: executedDocument.sha256,
    detail: countersignature.byDelegation
      ? `Contresignée par ${signer.name}, ${signer.title}, par délégation`
      : `Contresignée par ${signer.name}, ${signer.title}`,
  });
  if (!won) {
    const current = await deps.conventions.get(convention.id);
    throw current ? notCountersignable(current) : new AppError('CONFLICT', 'La convention a changé entre-temps.');
  }

  await deps.documents.put(executedDocument.key, sealed, 'application/pdf');
  const executed: Convention = { ...convention, status: 'executed', executedAt: countersignature.countersignedAt, countersignature, executedDocument };
  await sendExecuted(deps, executed, sealed);
  return executed;
}

async function campaignOf(deps: Pick<Deps, 'campaigns'>, convention: Convention): Promise<Campaign> {
  const campaign = await deps.campaigns.get(convention.schoolYear);
  if (!campaign) throw new Error(`Campaign ${convention.schoolYear} missing for convention ${convention.id}`);
  return campaign;
}

/** Both parties receive the executed document. */
async function sendExecuted(deps: Pick<Deps, 'mailer' | 'contactEmail'>, executed: Convention, sealed: Uint8Array): Promise<void> {
  await deps.mailer.send({
    to: [executed.mayor.email, deps.contactEmail],
    ...executedEmail({ convention: executed, contactEmail: deps.contactEmail }),
    attachments: [{ filename: documentFileName(executed, 'executed'), contentType: 'application/pdf', content: sealed }],
  });
}

/**
 * An executed convention whose document never reached the store: rebuilt from
 * the recorded countersignature, stored, and sent to both parties (its email
 * came after the store, so it never left). Undefined when the document is there.
 */
async function restoreExecuted(deps: CountersignDeps, convention: Convention, paper: SignedPaper): Promise<Convention | undefined> {
  const { countersignature, executedDocument } = convention;
  if (!countersignature || !executedDocument) return undefined;
  const campaign = await campaignOf(deps, convention);
  const sealed = await restoreIfMissing(deps, executedDocument, countersignature.countersignedAt, () => countersignedPdf(deps, paper, countersignature, sealOf(convention, campaign)));
  if (!sealed) return undefined;
  await sendExecuted(deps, convention, sealed);
  return convention;
}
