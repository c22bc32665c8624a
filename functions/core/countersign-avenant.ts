/**
 * The rectorat countersigns an avenant the commune signed, as it does a
 * convention: the final avenant (document, both certificates, one seal) goes
 * to both parties, in one conditional transaction with the convention's event.
 */
import { executedAvenantEmail } from '../../templates/email/avenant.ts';
import { countersignatureBy, countersignedPdf } from './certificates.ts';
import { sha256Hex } from './digest.ts';
import { executedAvenantDocumentKey } from './document-keys.ts';
import { AppError } from './errors.ts';
import type { Avenant } from './model.ts';
import type { Deps } from './ports.ts';

type Input = { conventionId: string; avenantId: string; delegate?: { name: string; title: string }; actor: string; ip: string; userAgent: string };

export async function countersignAvenant(
  deps: Pick<Deps, 'now' | 'campaigns' | 'conventions' | 'avenants' | 'documents' | 'mailer' | 'sealer' | 'contactEmail'>,
  input: Input,
): Promise<Avenant> {
  const [convention, avenant] = await Promise.all([deps.conventions.get(input.conventionId), deps.avenants.get(input.conventionId, input.avenantId)]);
  if (!convention || !avenant) throw new AppError('NOT_FOUND', `Aucun avenant ${input.avenantId} pour la convention ${input.conventionId}.`);
  if (avenant.status !== 'signed' || !avenant.signature || !avenant.signedDocument) {
    throw new AppError('CONFLICT', avenant.status === 'executed' ? 'Cet avenant est déjà contresigné.' : "Cet avenant n'est pas encore signé par la commune.");
  }
  const campaign = await deps.campaigns.get(convention.schoolYear);
  if (!campaign) throw new Error(`Campaign ${convention.schoolYear} missing`);
  const countersignature = countersignatureBy(input.delegate ?? campaign.signatory, input.delegate !== undefined, deps.now(), input);
  const sealed = await countersignedPdf(
    deps,
    { convention, reference: `${convention.id}, avenant ${avenant.id}`, original: avenant.document, signature: avenant.signature, signedDocument: avenant.signedDocument },
    countersignature,
    { reason: `Avenant à la convention ENT-École ${avenant.schoolYear} de la commune de ${convention.commune.name} contresigné`, location: campaign.issuePlace },
  );
  const executedDocument = { key: executedAvenantDocumentKey(convention, avenant.id), sha256: sha256Hex(sealed) };
  const won = await deps.avenants.recordCountersignature(avenant, countersignature, executedDocument, {
    conventionId: convention.id,
    at: countersignature.countersignedAt,
    type: 'avenant_countersigned',
    actor: input.actor,
    ip: input.ip,
    userAgent: input.userAgent,
    sha256Before: avenant.signedDocument.sha256,
    sha256After: executedDocument.sha256,
    detail: `Avenant ${avenant.id} contresigné par ${countersignature.signerName}`,
  });
  if (!won) throw new AppError('CONFLICT', 'Cet avenant est déjà contresigné.');
  await deps.documents.put(executedDocument.key, sealed, 'application/pdf');
  const executed: Avenant = { ...avenant, status: 'executed', executedAt: countersignature.countersignedAt, countersignature, executedDocument };
  await deps.mailer.send({
    to: [convention.mayor.email, deps.contactEmail],
    ...executedAvenantEmail({ convention, avenant: executed, contactEmail: deps.contactEmail }),
    attachments: [{ filename: `avenant-ent-ecole-${avenant.schoolYear}-${avenant.id.slice(0, 8)}-executoire.pdf`, contentType: 'application/pdf', content: sealed }],
  });
  return executed;
}
