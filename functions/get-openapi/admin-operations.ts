/**
 * Every admin route, described for the OpenAPI document from the schemas its
 * handler parses with (use-cases/input/inputs.ts, http/admin-requests.ts) and answers
 * with (http/admin-responses.ts). Keyed by API Gateway route key, as
 * infra/functions.ts declares it: test/integration/http/openapi.test.ts fails when a route
 * of the catalogue has no entry here, or an entry no route.
 */
import * as z from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import { avenantRequestSchema, conventionIdSchema, newCampaignSchema, newConventionSchema, schoolYearSchema } from '../use-cases/input/inputs.ts';
import {
  campaignCountersignBodySchema,
  cancelBodySchema,
  conventionListQuerySchema,
  countersignBodySchema,
  importKeySchema,
  importUploadSchema,
  jobIdSchema,
  resendBodySchema,
  titreBodySchema,
  billingQuerySchema,
} from '../http/admin-requests.ts';
import {
  avenantSchema,
  campaignSchema,
  campaignSendStartedSchema,
  campaignStatsSchema,
  conventionAddedSchema,
  conventionPageSchema,
  conventionStatusChangeSchema,
  conventionWithHistorySchema,
  countersignedAvenantSchema,
  countersignedConventionSchema,
  evidenceTooLargeSchema,
  importUploadTicketSchema,
  jobStartedSchema,
  jobViewSchema,
  linkResentSchema,
  titreRecordedSchema,
} from '../http/admin-responses.ts';
import { errorResponses } from './error-responses.ts';

type RouteKey = `${'GET' | 'POST'} /admin/${string}`;

const jsonContent = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
const ok = (description: string, schema: z.ZodType) => ({ description, ...jsonContent(schema) });
const file = (description: string, mediaType: string) => ({
  description,
  content: { [mediaType]: { schema: { type: 'string' as const, contentMediaType: mediaType } } },
});
const jsonBody = (schema: z.ZodType, required = true) => ({ required, ...jsonContent(schema) });

const inCampaign = { path: z.object({ schoolYear: schoolYearSchema }) };
const ofConvention = { path: z.object({ id: conventionIdSchema }) };
const ofAvenant = { path: z.object({ id: conventionIdSchema, avenantId: conventionIdSchema }) };

/** Only the `signataire` role: the others are the `gestionnaire`'s (see the security scheme). */
const signataireOnly = { security: [{ bearerJwt: ['signataire'] }] };

function operation(
  operationId: string,
  tag: string,
  summary: string,
  description: string,
  responses: ZodOpenApiResponsesObject,
  rest: Omit<ZodOpenApiOperationObject, 'responses'> = {},
): ZodOpenApiOperationObject {
  return { operationId, tags: [tag], summary, description, responses, ...rest };
}

export const adminOperations = {
  'POST /admin/campaigns': operation(
    'createCampaign', 'Campagnes', "Ouvrir la campagne d'une année scolaire",
    "201 avec la campagne. `linkValidityDays` (60 par défaut), `model` et `reminderPolicy` sont facultatifs ; 409 si l'année a déjà sa campagne. / Opens the campaign of a school year.",
    { '201': ok('La campagne créée. / The campaign.', campaignSchema), ...errorResponses(400, 409) },
    { requestBody: jsonBody(newCampaignSchema) },
  ),
  'POST /admin/campaigns/{schoolYear}/conventions': operation(
    'addConvention', 'Campagnes', "Ajouter la convention d'une commune",
    "Le SIRET (clé de Luhn) et la lettre de contrôle de chaque UAI sont vérifiés ; une deuxième convention pour la même commune, ou une école déjà dans la convention d'une autre commune, est refusée (409). / Adds a commune's convention.",
    { '201': ok('La convention, en brouillon. / The draft convention.', conventionAddedSchema), ...errorResponses(400, 404, 409) },
    { requestParams: inCampaign, requestBody: jsonBody(newConventionSchema) },
  ),
  'POST /admin/campaigns/{schoolYear}/send': operation(
    'sendCampaign', 'Campagnes', 'Envoyer les invitations',
    "202 aussitôt, quelle que soit la taille de la campagne : la tâche envoie une invitation par convention en brouillon, jamais deux fois. Redemander pendant qu'elle tourne rend le même `jobId`. / Sends every draft convention's invitation, as a job.",
    { '202': ok('La tâche d’envoi. / The send job.', campaignSendStartedSchema), ...errorResponses(400, 404) },
    { requestParams: inCampaign },
  ),
  'POST /admin/campaigns/{schoolYear}/imports': operation(
    'importCampaign', 'Campagnes', "Importer les communes d'un tableur",
    "Un CSV dans le corps (4 Mo au plus ; UTF-8 ou Windows-1252, `;` ou `,`), ou en JSON la `key` d'un fichier déposé par `…/imports/uploads` (20 Mo au plus). La tâche liste chaque ligne refusée avec sa raison. / Imports communes from a CSV file, as a job.",
    { '202': ok("La tâche d'import. / The import job.", jobStartedSchema), ...errorResponses(400, 404) },
    {
      requestParams: inCampaign,
      requestBody: {
        required: true,
        content: {
          'text/csv': { schema: { type: 'string', description: 'Une ligne par école. / One row per school.' } },
          'application/json': { schema: importKeySchema },
        },
      },
    },
  ),
  'POST /admin/campaigns/{schoolYear}/imports/uploads': operation(
    'prepareImportUpload', 'Campagnes', 'Préparer le dépôt d’un gros fichier',
    "Une URL présignée où déposer (PUT) un CSV trop gros pour une requête, jusqu'à 20 Mo ; puis `POST …/imports` avec sa `key`. / A presigned upload for a large CSV.",
    { '201': ok('Où et comment déposer le fichier. / Where and how to upload.', importUploadTicketSchema), ...errorResponses(400, 404) },
    { requestParams: inCampaign, requestBody: jsonBody(importUploadSchema) },
  ),
  'GET /admin/campaigns/{schoolYear}/conventions': operation(
    'listConventions', 'Campagnes', "Les conventions d'une campagne",
    'Filtrées (statut, département, recherche) et paginées (`limit`, puis `cursor` = le `nextCursor` de la page précédente). / Filtered and paginated.',
    { '200': ok('Une page de conventions. / A page of conventions.', conventionPageSchema), ...errorResponses(400, 404) },
    { requestParams: { ...inCampaign, query: conventionListQuerySchema } },
  ),
  'GET /admin/campaigns/{schoolYear}/stats': operation(
    'campaignStats', 'Campagnes', "Les chiffres d'une campagne",
    'Conventions par statut, par département et par académie (Montpellier, Toulouse), montants attendus et signés en centimes. / Counts and amounts.',
    { '200': ok('Les chiffres. / The figures.', campaignStatsSchema), ...errorResponses(400, 404) },
    { requestParams: inCampaign },
  ),
  'GET /admin/campaigns/{schoolYear}/billing.csv': operation(
    'billingCsv', 'Campagnes', "L'export de facturation",
    'Une ligne par convention exécutoire, au centime près, UTF-8 avec BOM et `;` pour Excel. / What to invoice, as CSV.',
    { '200': file('Le fichier CSV. / The CSV file.', 'text/csv'), ...errorResponses(400, 404) },
    { requestParams: inCampaign },
  ),
  'POST /admin/campaigns/{schoolYear}/countersign': operation(
    'countersignCampaign', 'Contreseing', 'Contresigner en masse (rôle signataire)',
    "Une tâche contresigne chaque convention signée de la campagne, ou celles de `ids` (5 000 au plus) ; un id non signé est listé dans `failed` avec sa raison. / Countersigns every signed convention, as a job.",
    { '202': ok('La tâche de contreseing. / The countersigning job.', jobStartedSchema), ...errorResponses(400, 404) },
    { ...signataireOnly, requestParams: inCampaign, requestBody: jsonBody(campaignCountersignBodySchema, false) },
  ),
  'GET /admin/jobs/{id}': operation(
    'getJob', 'Tâches', 'Suivre une tâche',
    "État, avancement et, dans `failed`, ce que le rectorat doit traiter avec sa raison en français. Les limitations et pannes de SES sont des attentes, jamais des échecs. / Follows a job.",
    { '200': ok('La tâche. / The job.', jobViewSchema), ...errorResponses(400, 404) },
    { requestParams: { path: z.object({ id: jobIdSchema }) } },
  ),
  'GET /admin/conventions/{id}': operation(
    'getConvention', 'Conventions', 'Statut et historique daté',
    'La convention (statut, documents avec leurs clés S3 et SHA-256, signature) et son historique. / Status and dated history.',
    { '200': ok('La convention. / The convention.', conventionWithHistorySchema), ...errorResponses(400, 404) },
    { requestParams: ofConvention },
  ),
  'GET /admin/conventions/{id}/audit.json': operation(
    'getAuditTrail', 'Conventions', "La piste d'audit, en fichier",
    "L'identité de la convention, ses documents et empreintes, et chaque événement avec `seq`, `prevHash` et `hash`, par chaîne ; à vérifier hors ligne avec `npm run verify`. / The audit trail as a file.",
    {
      '200': { description: 'Le fichier audit.json (pièce jointe). / The audit.json attachment.', content: { 'application/json': { schema: { type: 'object' } } } },
      ...errorResponses(400, 404),
    },
    { requestParams: ofConvention },
  ),
  'GET /admin/conventions/{id}/evidence.zip': operation(
    'getEvidence', 'Conventions', 'Le dossier de preuve',
    "Un zip à vérifier hors ligne : audit.json, les PDF tels que stockés, jetons d'horodatage, certificats, CRL, ancrages quotidiens et LISEZMOI.txt. / The proof file.",
    { '200': file('Le zip. / The zip.', 'application/zip'), ...errorResponses(400, 404), '507': ok('Le zip dépasserait 4,5 Mo : téléchargez les fichiers un par un. / Too large for one response.', evidenceTooLargeSchema) },
    { requestParams: ofConvention },
  ),
  'GET /admin/conventions/{id}/avenants/{avenantId}/evidence.zip': operation(
    'getAvenantEvidence', 'Avenants', "Le dossier de preuve d'un avenant",
    "Comme celui d'une convention, avec les PDF de l'avenant et les ancrages de sa chaîne. / An avenant's proof file.",
    { '200': file('Le zip. / The zip.', 'application/zip'), ...errorResponses(400, 404), '507': ok('Le zip dépasserait 4,5 Mo. / Too large for one response.', evidenceTooLargeSchema) },
    { requestParams: ofAvenant },
  ),
  'POST /admin/conventions/{id}/cancel': operation(
    'cancelConvention', 'Conventions', 'Annuler une convention non signée',
    'Une convention en brouillon, envoyée ou refusée est annulée : ses liens meurent, aucune relance ne suit, sa commune et ses écoles sont libres. / Cancels a convention not yet signed.',
    { '200': ok('La convention annulée. / The cancelled convention.', conventionStatusChangeSchema), ...errorResponses(400, 404, 409) },
    { requestParams: ofConvention, requestBody: jsonBody(cancelBodySchema) },
  ),
  'POST /admin/conventions/{id}/resend': operation(
    'resendLink', 'Conventions', 'Un nouveau lien',
    "Tout lien antérieur meurt dans la même transaction ; `mayorEmail` corrige l'adresse du maire (l'ancienne adresse en est avisée). 409 une fois signée ou refusée. / A new signing link; the earlier ones die.",
    { '200': ok('Le lien renvoyé. / The link sent again.', linkResentSchema), ...errorResponses(400, 404, 409) },
    { requestParams: ofConvention, requestBody: jsonBody(resendBodySchema, false) },
  ),
  'POST /admin/conventions/{id}/titre': operation(
    'recordTitre', 'Facturation', 'Enregistrer le titre de perception',
    "Le service financier a émis le titre de perception d'une convention signée ou exécutoire : numéro et date, enregistrés une fois (une erreur se corrige par un titre d'annulation ou de réduction, pas ici). 409 avant la signature ou si un titre est déjà enregistré. / Records the titre de perception, once.",
    { '200': ok('La convention et son titre. / The convention and its titre.', titreRecordedSchema), ...errorResponses(400, 404, 409) },
    { requestParams: ofConvention, requestBody: jsonBody(titreBodySchema) },
  ),
  'POST /admin/conventions/{id}/countersign': operation(
    'countersignConvention', 'Contreseing', 'Contresigner une convention (rôle signataire)',
    "Par le signataire de la campagne ou un délégué nommé ; la convention devient exécutoire et la tâche `jobId` scelle et envoie le document final. 409 avant la signature de la commune, pendant le scellement de sa copie signée, ou si déjà contresignée. / Countersigns a signed convention.",
    { '200': ok('La convention exécutoire. / The executed convention.', countersignedConventionSchema), ...errorResponses(400, 404, 409) },
    { ...signataireOnly, requestParams: ofConvention, requestBody: jsonBody(countersignBodySchema, false) },
  ),
  'POST /admin/conventions/{id}/avenants': operation(
    'requestAvenant', 'Avenants', 'Préparer un avenant',
    "La nouvelle liste des écoles d'une convention signée ; le maire reçoit un lien pour le signer. La règle du 15 octobre s'applique au jour où l'avenant signé parvient au rectorat. / Prepares an avenant for the mayor to sign.",
    { '201': ok("L'avenant. / The avenant.", avenantSchema), ...errorResponses(400, 404, 409) },
    { requestParams: ofConvention, requestBody: jsonBody(avenantRequestSchema) },
  ),
  'POST /admin/conventions/{id}/avenants/{avenantId}/countersign': operation(
    'countersignAvenant', 'Contreseing', 'Contresigner un avenant (rôle signataire)',
    "Comme une convention : la tâche `jobId` fait l'avenant final (document, deux certificats, un cachet) et l'envoie. / Countersigns a signed avenant.",
    { '200': ok("L'avenant exécutoire. / The executed avenant.", countersignedAvenantSchema), ...errorResponses(400, 404, 409) },
    { ...signataireOnly, requestParams: ofAvenant, requestBody: jsonBody(countersignBodySchema, false) },
  ),
  'GET /admin/openapi.json': operation(
    'getOpenApi', 'Documentation', 'Ce document',
    "La description OpenAPI 3.1 de l'API d'administration, faite des schémas zod que les fonctions appliquent. Les deux rôles peuvent la lire. / This OpenAPI 3.1 document; either role may read it.",
    { '200': { description: 'Le document OpenAPI. / The OpenAPI document.', content: { 'application/json': { schema: { type: 'object' } } } }, ...errorResponses() },
    { security: [{ bearerJwt: ['gestionnaire'] }, { bearerJwt: ['signataire'] }] },
  ),
} satisfies Record<RouteKey, ZodOpenApiOperationObject>;
