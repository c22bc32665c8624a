/**
 * The rectorat countersigns a convention the commune signed: by the
 * campaign's signatory, or by a named delegate. The final document is the
 * original, the collectivité's certificate and the countersignature
 * certificate under one seal; both parties receive it. One conditional
 * transaction with its audit event, so it happens once.
 */
import { executedEmail } from '../../templates/email/executed.ts';
import { countersignatureBy, countersignedPdf } from './certificates.ts';
import { sha256Hex } from './digest.ts';
import { documentFileName, executedDocumentKey } from './document-keys.ts';
import { AppError } from './errors.ts';
import type { Convention } from './model.ts';
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

export async function countersignConvention(deps: CountersignDeps, input: CountersignInput): Promise<Convention> {
  const convention = await deps.conventions.get(input.id);
  if (!convention) throw new AppError('NOT_FOUND', `Aucune convention ne porte l'identifiant ${input.id}.`);
  if (convention.status !== 'signed' || !convention.signature || !convention.document || !convention.signedDocument) {
    throw notCountersignable(convention);
  }
  const campaign = await deps.campaigns.get(convention.schoolYear);
  if (!campaign) throw new Error(`Campaign ${convention.schoolYear} missing for convention ${convention.id}`);

  const signer = input.delegate ?? campaign.signatory;
  const countersignature = countersignatureBy(signer, input.delegate !== undefined, deps.now(), input);
  const sealed = await countersignedPdf(
    deps,
    { convention, reference: convention.id, original: convention.document, signature: convention.signature, signedDocument: convention.signedDocument },
    countersignature,
    { reason: `Convention ENT-École ${convention.schoolYear} de la commune de ${convention.commune.name} contresignée : exécutoire`, location: campaign.issuePlace },
  );
  const executedDocument = { key: executedDocumentKey(convention), sha256: sha256Hex(sealed) };

  const won = await deps.conventions.recordCountersignature(convention.id, countersignature, executedDocument, {
    conventionId: convention.id,
    at: countersignature.countersignedAt,
    type: 'countersigned',
    actor: input.actor,
    ip: input.ip,
    userAgent: input.userAgent,
    sha256Before: convention.signedDocument.sha256,
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
  await deps.mailer.send({
    to: [convention.mayor.email, deps.contactEmail],
    ...executedEmail({ convention: executed, contactEmail: deps.contactEmail }),
    attachments: [{ filename: documentFileName(convention, 'executed'), contentType: 'application/pdf', content: sealed }],
  });
  return executed;
}
