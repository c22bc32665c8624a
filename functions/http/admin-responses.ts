/**
 * The shapes of what the admin routes answer, for the OpenAPI document. The
 * handlers build their answers from domain types; each one checks at compile
 * time that its answer `satisfies` the schema's type here, so the document
 * cannot promise a field the code stopped sending. Objects marked `more` name
 * the fields a client needs and announce others (the convention's documents,
 * signature, history…, described in the README); the compile-time check needs
 * no index signature, which the domain's interfaces do not have.
 */
import * as z from 'zod';

/** An object with more fields than its schema names (additionalProperties: true). */
const more = { override: { additionalProperties: true } } as const;

const instant = z.iso.datetime().meta({ description: 'Instant ISO-8601 UTC.' });
const cents = z.number().int().meta({ description: 'Montant en centimes. / Amount in cents.' });
const conventionStatus = z
  .enum(['draft', 'sending', 'sent', 'signed', 'declined', 'executed', 'expired', 'cancelled'])
  .meta({ id: 'ConventionStatus', description: 'draft, sending (invitation en cours), sent, signed, declined, executed (exécutoire), expired, cancelled.' });
const party = z.object({ name: z.string(), title: z.string() });
const commune = z.object({ name: z.string(), siret: z.string(), address: z.string() });
const mayor = party.extend({ email: z.string() });
const school = z.object({ uai: z.string(), type: z.enum(['maternelle', 'elementaire', 'primaire']), name: z.string() });

export const campaignSchema = z
  .object({
    schoolYear: z.string(),
    feeCents: cents,
    endDate: z.string(),
    issuePlace: z.string(),
    issueDate: z.string(),
    signatory: party,
    linkValidityDays: z.number().int(),
    model: z.string().optional(),
    modelSha256: z.string().optional().meta({ description: 'SHA-256 du texte de convention que la campagne a épinglé. / SHA-256 of the pinned text.' }),
    deliberationRequired: z.boolean().optional(),
    createdAt: instant,
    warnings: z.array(z.string()).optional().meta({ description: 'À la création : avertissements en français (texte d’une autre année, montant différent). / Warnings at creation.' }),
  })
  .meta({ ...more, id: 'Campaign' });

export const conventionSchema = z
  .object({
    id: z.string(),
    schoolYear: z.string(),
    commune,
    mayor,
    schools: z.array(school),
    feeCents: cents,
    amountCents: cents,
    endDate: z.string(),
    status: conventionStatus,
    createdAt: instant,
    sentAt: instant.optional(),
    signedAt: instant.optional(),
    executedAt: instant.optional(),
  })
  .meta({ ...more, id: 'Convention', description: 'La convention : documents (clés S3, SHA-256), signature, contresignature, avenants… / The convention.' });

export const conventionWithHistorySchema = conventionSchema
  .extend({ history: z.array(z.object({ at: instant, type: z.string(), actor: z.string() }).meta(more)) })
  .meta({ ...more, id: 'ConventionWithHistory', description: "La convention et son historique daté (created, sent, viewed, signed, …). / The convention and its dated history." });

export const conventionAddedSchema = z
  .object({ id: z.string(), status: conventionStatus, amountCents: cents, feeCents: cents, schoolCount: z.number().int(), convention: conventionSchema })
  .meta({ id: 'ConventionAdded' });

export const conventionPageSchema = z
  .object({
    total: z.number().int(),
    items: z.array(
      z.object({ id: z.string(), commune, mayor, schoolCount: z.number().int(), amountCents: cents, status: conventionStatus }).meta(more),
    ),
    nextCursor: z.number().int().optional().meta({ description: 'À passer en `cursor` pour la page suivante ; absent à la dernière. / Absent on the last page.' }),
  })
  .meta({ id: 'ConventionPage' });

const statsTotals = {
  conventions: z.number().int(),
  schools: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()),
  signedConventions: z.number().int(),
  expectedCents: cents,
  signedCents: cents,
};
export const campaignStatsSchema = z
  .object({
    ...statsTotals,
    byDepartement: z.array(z.object({ ...statsTotals, departement: z.string(), academie: z.string().optional() })),
    byAcademie: z.array(z.object({ ...statsTotals, academie: z.string() })),
  })
  .meta({ id: 'CampaignStats' });

export const jobStartedSchema = z
  .object({ jobId: z.string(), job: z.string().meta({ description: 'Où suivre la tâche : /admin/jobs/{jobId}. / Where to follow it.' }) })
  .meta({ id: 'JobStarted' });

export const campaignSendStartedSchema = jobStartedSchema
  .extend({ started: z.boolean().meta({ description: "false : un envoi tournait déjà, c'est son jobId. / false: a send was already running." }) })
  .meta({ id: 'CampaignSendStarted' });

export const jobViewSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    label: z.string().optional(),
    state: z.enum(['running', 'done', 'failed']),
    done: z.number().int(),
    total: z.number().int(),
    failedCount: z.number().int(),
    tally: z.record(z.string(), z.number().int()),
    failed: z.array(
      z.object({ item: z.string(), reason: z.string(), at: instant, line: z.number().int().optional(), lines: z.array(z.number().int()).optional() }),
    ).meta({ description: 'Ce que le rectorat doit traiter, chacun avec sa raison en français. / What the rectorat must act on.' }),
    startedAt: instant,
    finishedAt: instant.optional(),
    reason: z.string().optional(),
  })
  .meta({ id: 'Job' });

export const importUploadTicketSchema = z
  .object({
    key: z.string(),
    uploadUrl: z.string().meta({ description: 'URL présignée où déposer le fichier (PUT). / Presigned URL to PUT the file to.' }),
    method: z.literal('PUT'),
    headers: z.record(z.string(), z.string()).meta({ description: 'En-têtes à envoyer avec le PUT. / Headers to send with the PUT.' }),
    expiresAt: instant,
  })
  .meta({ id: 'ImportUploadTicket' });

export const conventionStatusChangeSchema = z.object({ id: z.string(), status: conventionStatus }).meta({ id: 'ConventionStatusChange' });

export const titreRecordedSchema = conventionStatusChangeSchema
  .extend({
    reference: z.string().optional(),
    amountCents: cents,
    titre: z.object({ number: z.string(), date: z.string(), recordedAt: instant, actor: z.string() }).optional(),
  })
  .meta({ id: 'TitreRecorded' });

export const linkResentSchema = conventionStatusChangeSchema
  .extend({ mayorEmail: z.string(), linkExpiresAt: instant.optional() })
  .meta({ id: 'LinkResent' });

export const avenantSchema = z
  .object({
    id: z.string(),
    conventionId: z.string(),
    schoolYear: z.string(),
    previousSchools: z.array(school),
    schools: z.array(school),
    feeCents: cents,
    warnings: z.array(z.string()),
    status: z.enum(['sent', 'signed', 'executed', 'replaced']),
    createdAt: instant,
  })
  .meta({ ...more, id: 'Avenant' });

export const countersignedConventionSchema = conventionSchema
  .extend({ jobId: z.string().optional().meta({ description: 'La tâche qui scelle et envoie le document final. / The job sealing and sending the final document.' }) })
  .meta({ ...more, id: 'CountersignedConvention' });

export const countersignedAvenantSchema = avenantSchema
  .extend({ jobId: z.string().meta({ description: "La tâche qui scelle et envoie l'avenant final. / The job sealing and sending the final avenant." }) })
  .meta({ ...more, id: 'CountersignedAvenant' });

/** What a handler's answer must satisfy: `json(200, answer satisfies Answer<typeof jobViewSchema>)`. */
export type Answer<S extends z.ZodType> = z.input<S>;

export const evidenceTooLargeSchema = z
  .object({ error: z.object({ code: z.literal('EVIDENCE_TOO_LARGE'), message: z.string(), fields: z.array(z.never()) }) })
  .meta({ id: 'EvidenceTooLarge' });
