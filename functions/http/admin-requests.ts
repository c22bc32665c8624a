/**
 * The request shapes of the admin routes that are not domain inputs (those
 * live in use-cases/input/inputs.ts): bodies, query strings and path values. Each handler
 * parses with these very schemas, and the OpenAPI document (functions/get-openapi)
 * describes them, so what is documented is what is checked.
 */
import * as z from 'zod';
import { conventionIdSchema, emailSchema, multilineText, optionalText, plainDate, text } from '../use-cases/input/inputs.ts';

export const jobIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,200}$/, { error: "L'identifiant de tâche est invalide." })
  .meta({ description: "Identifiant d'une tâche (job), tel que renvoyé dans `jobId`. / A job id, as returned in `jobId`." });

/** The list's filters and page: one schema for the API and the console (use-cases/input/list-query.ts). */
export { conventionListQuerySchema } from '../use-cases/input/list-query.ts';

export const importUploadSchema = z
  .object({
    size: z
      .number({ error: 'Indiquez la taille du fichier en octets (size).' })
      .int({ error: 'La taille du fichier (size) est un nombre entier d’octets.' })
      .positive({ error: 'La taille du fichier (size) doit être positive.' })
      .meta({ description: 'Taille du fichier CSV en octets (20 Mo au plus). / Size of the CSV file in bytes (up to 20 MB).' }),
    // S3 requires it on every upload to the documents bucket (Object Lock), and it proves the file arrived whole.
    md5: z
      .string({ error: "Indiquez l'empreinte MD5 du fichier, en base64 (md5)." })
      .regex(/^[A-Za-z0-9+/]{22}==$/, { error: "L'empreinte MD5 doit être les 16 octets du MD5 du fichier, en base64 (24 caractères)." })
      .meta({ description: 'MD5 du fichier, en base64 (`openssl md5 -binary f.csv | base64`). / The file’s MD5, base64.' }),
  })
  .meta({ id: 'ImportUploadRequest' });

export const importKeySchema = z
  .object({
    key: text('La clé du fichier déposé (key)', 1024).meta({ description: 'La `key` rendue par `…/imports/uploads`. / The `key` returned by `…/imports/uploads`.' }),
  })
  .meta({ id: 'ImportUploadedFile' });

export const cancelBodySchema = z
  .object(
    { reason: multilineText("La raison de l'annulation", { max: 500 }).meta({ description: "Raison de l'annulation. / Why it is cancelled." }) },
    { error: "Le corps de la requête doit être un objet JSON avec la raison de l'annulation (« reason »)." },
  )
  .meta({ id: 'CancelRequest' });

export const resendBodySchema = z
  .object(
    { mayorEmail: emailSchema.optional().meta({ description: 'Adresse corrigée du maire. / The mayor’s corrected address.' }) },
    { error: 'Le corps de la requête doit être un objet JSON (vide, ou avec « mayorEmail »).' },
  )
  .meta({ id: 'ResendRequest' });

const delegateSchema = z
  .object({ name: text('Le nom du délégué'), title: text('La fonction du délégué', 300) })
  .optional()
  .meta({ description: 'Le délégué qui contresigne à la place du signataire de la campagne. / A named delegate countersigning instead of the campaign’s signatory.' });

/** The body of a convention's or an avenant's countersignature: empty, or a delegate. */
export const countersignBodySchema = z
  .object({ delegate: delegateSchema }, { error: 'Le corps de la requête doit être un objet JSON (vide, ou avec « delegate »).' })
  .meta({ id: 'CountersignRequest' });

export const campaignCountersignBodySchema = z
  .object(
    {
      ids: z
        .array(conventionIdSchema, { error: '« ids » doit être une liste d’identifiants de conventions.' })
        .min(1, { error: '« ids » ne doit pas être vide : omettez-le pour contresigner toutes les conventions signées.' })
        .max(5_000, { error: '« ids » ne doit pas dépasser 5 000 conventions.' })
        .optional()
        .meta({ description: 'Les conventions à contresigner ; toutes les signées si absent. / The conventions to countersign; every signed one when absent.' }),
      delegate: delegateSchema,
    },
    { error: 'Le corps de la requête doit être un objet JSON (vide, ou avec « ids » et « delegate »).' },
  )
  .meta({ id: 'CampaignCountersignRequest' });

/** GET /admin/campaigns/{schoolYear}/billing.csv: `?reste=1` keeps what has no titre de perception yet. */
export const billingQuerySchema = z.object({
  reste: z
    .enum(['0', '1'], { error: '« reste » vaut 1 (seulement ce qui reste à facturer : pas encore de titre de perception) ou 0 (tout).' })
    .optional()
    .meta({ description: '1 : seulement ce qui reste à facturer (pas encore de titre de perception) ; 0 ou absent : tout. / 1: only what has no titre yet.' }),
});

/** POST /admin/conventions/{id}/titre: the titre de perception the finance office issued. */
export const titreBodySchema = z
  .object(
    {
      number: text('Le numéro du titre de perception', 50).meta({ description: 'Numéro du titre de perception. / The titre’s number.' }),
      date: plainDate("La date d'émission du titre").meta({ description: "Date d'émission (AAAA-MM-JJ), ni future ni avant la signature. / Issue date." }),
    },
    { error: 'Le corps de la requête doit être un objet JSON avec le numéro (« number ») et la date (« date ») du titre de perception.' },
  )
  .meta({ id: 'TitreRecord' });
