/**
 * The console's pages that fill and send a campaign (role gestionnaire): import its communes from a CSV file,
 * add one commune, send the invitations; and an import's refused rows as a CSV file. Each form runs the admin
 * API's use case (startImport, addConvention, startCampaignSend) with its schema, so its rules and French
 * errors are the API's.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  addConventionPage,
  conventionAddedPage,
  IMPORT_FILE_FIELD,
  importPage,
  megabytes,
  sendPage,
} from '../../templates/pages/console/campaign-setup-pages.ts';
import { emptyForm } from '../../templates/pages/console/form-fields.ts';
import type { BaseDeps } from '../adapters/composition.ts';
import { addConvention } from '../use-cases/add-convention.ts';
import { campaignConventions, getCampaign } from '../use-cases/console-views.ts';
import { AppError, isAppError } from '../domain/errors.ts';
import { invalidInput } from '../use-cases/input/invalid-input.ts';
import { getJob } from '../use-cases/get-job.ts';
import { IMPORT_COLUMNS, schoolTypeOf } from '../use-cases/input/import/columns.ts';
import { startImport } from '../use-cases/import-campaign.ts';
import { refusedRowsCsv } from '../../templates/export/refused-rows-csv.ts';
import { newConventionSchema, parseInput } from '../use-cases/input/inputs.ts';
import type { Campaign } from '../domain/model.ts';
import { startCampaignSend } from '../use-cases/send-campaign.ts';
import { jobIdSchema } from '../http/admin-requests.ts';
import { html } from '../http/middleware.ts';
import { formBody, multipartBody, pathParameter, type FormValues } from '../http/request.ts';
import { redirect } from './login.ts';
import { campaignYear, given, requireRole, withFieldErrors, type ConsoleRoute } from './pages.ts';

type Result = APIGatewayProxyStructuredResultV2;

/**
 * The largest file the import form takes. Lambda takes a synchronous event of at most 6 MB, and API Gateway
 * gives it a form with a file base64-encoded (a third larger): 4 MB of file, its form around it and the
 * request's headers stay under it. A file a little larger reaches the function and is refused next to its
 * field (413); one much larger is refused before (API Gateway's 413). Larger files, up to the import's
 * 20 MB, go through the admin API's presigned upload.
 */
export const CONSOLE_IMPORT_MAX_BYTES = 4 * 1024 * 1024;

const LIST_SIZE = 500;

const campaignOf = (d: BaseDeps, event: APIGatewayProxyEventV2): Promise<Campaign> => getCampaign(d, campaignYear(event), "créez-la d'abord");

/** The import file's columns, as the import page lists them: the parser's own list, so the page says what is read. */
const importColumns = Object.values(IMPORT_COLUMNS);

const fileIssue = (message: string) => invalidInput([{ field: IMPORT_FILE_FIELD, message }], message);

/** Spreadsheets saved as themselves, not as CSV: a zip (.xlsx, .ods) or an OLE file (.xls). */
const SPREADSHEET_MAGIC = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0])];

/** The file of the import form, or the French reason it cannot be imported. */
function importedFile(event: APIGatewayProxyEventV2): Uint8Array {
  const form = multipartBody(event);
  if (!form) throw fileIssue("Le fichier n'a pas été reçu : envoyez-le depuis le formulaire de la page d'importation.");
  const file = form.files[IMPORT_FILE_FIELD];
  if (!file || (file.filename === '' && file.bytes.length === 0)) throw fileIssue('Choisissez le fichier CSV à importer.');
  if (file.bytes.length === 0) throw fileIssue(`Le fichier « ${file.filename} » est vide.`);
  if (SPREADSHEET_MAGIC.some((magic) => Buffer.from(file.bytes.subarray(0, magic.length)).equals(magic))) {
    throw fileIssue(`Le fichier « ${file.filename} » est un classeur, pas un fichier CSV : dans Excel ou LibreOffice, enregistrez-le au format CSV (séparateur point-virgule), puis importez ce fichier.`);
  }
  return file.bytes;
}

/**
 * The schools textarea, one school a line (« UAI;type;nom », or cells pasted from a spreadsheet, tab-separated)
 * → the `schools` of the API's body, and the textarea line of each. A type is read as the import reads it
 * (« ECOLE MATERNELLE PUBLIQUE », « élémentaire »); one it does not know goes to the schema as typed, which
 * refuses it in French.
 */
function schoolLines(text: string | undefined): { schools: unknown[]; lineOf: number[] } {
  const schools: unknown[] = [];
  const lineOf: number[] = [];
  (text ?? '').split(/\r\n|\n|\r/).forEach((line, index) => {
    if (line.trim() === '') return;
    const [uai = '', type = '', ...name] = line.split(/[;\t]/).map((cell) => cell.trim());
    schools.push({ uai, type: schoolTypeOf(type) ?? (type === '' ? undefined : type), name: name.join(';').trim() });
    lineOf.push(index + 1);
  });
  return { schools, lineOf };
}

/** An issue of schools[i] is shown next to the textarea, with the line it is on. */
function byTextareaLine(error: unknown, lineOf: number[]): unknown {
  if (!isAppError(error) || !error.issues.some((issue) => issue.field.startsWith('schools.'))) return error;
  const issues = error.issues.map((issue) => {
    const index = /^schools\.(\d+)(\.|$)/.exec(issue.field)?.[1];
    return index === undefined ? issue : { field: 'schools', message: `Ligne ${lineOf[Number(index)] ?? Number(index) + 1} : ${issue.message}` };
  });
  return new AppError(error.code, error.message, issues);
}

/** The form as the body POST /admin/campaigns/{schoolYear}/conventions takes. */
const conventionBody = (values: FormValues, schools: unknown[]) => ({
  commune: { name: given(values, 'commune.name'), siret: given(values, 'commune.siret'), address: given(values, 'commune.address') },
  mayor: { name: given(values, 'mayor.name'), title: given(values, 'mayor.title'), email: given(values, 'mayor.email') },
  schools,
  endDate: given(values, 'endDate'),
});

export const setupPages: Record<string, ConsoleRoute> = {
  'GET /console/campagnes/{schoolYear}/importer': async (d, event, user) => {
    requireRole(user, 'gestionnaire');
    return html(200, importPage({ campaign: await campaignOf(d, event), user, form: emptyForm(), maxBytes: CONSOLE_IMPORT_MAX_BYTES, columns: importColumns }));
  },

  'GET /console/campagnes/{schoolYear}/ajouter': async (d, event, user) => {
    requireRole(user, 'gestionnaire');
    return html(200, addConventionPage({ campaign: await campaignOf(d, event), user, form: emptyForm() }));
  },

  'GET /console/campagnes/{schoolYear}/envoyer': async (d, event, user) => {
    requireRole(user, 'gestionnaire');
    const view = await campaignConventions(d, campaignYear(event), { status: 'draft', limit: LIST_SIZE, cursor: 0 });
    return html(200, sendPage({ campaign: view.campaign, drafts: view.list, user }));
  },

  /** refus.csv: every row an import refused, with its line, its commune and the reason (any role, as the job page). */
  'GET /console/taches/{id}/refus.csv': async (d, event): Promise<Result> => {
    const job = await getJob(d, parseInput(jobIdSchema, pathParameter(event, 'id'), 'id'));
    if (job.kind !== 'import-campaign') throw new AppError('NOT_FOUND', "Cette tâche n'est pas une importation : elle n'a pas de lignes refusées.");
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="refus-${job.id}.csv"`, 'cache-control': 'no-store' },
      isBase64Encoded: true,
      body: Buffer.from(refusedRowsCsv(job)).toString('base64'),
    };
  },
};

export const setupForms: Record<string, ConsoleRoute> = {
  'POST /console/campagnes/{schoolYear}/importer': async (d, event, session) => {
    requireRole(session, 'gestionnaire');
    const campaign = await campaignOf(d, event);
    const again = async (form: Parameters<typeof importPage>[0]['form']) => importPage({ campaign, user: session, form, maxBytes: CONSOLE_IMPORT_MAX_BYTES, columns: importColumns });
    return withFieldErrors(
      {},
      async () => {
        const file = importedFile(event);
        if (file.length > CONSOLE_IMPORT_MAX_BYTES) {
          const message = `Le fichier fait ${megabytes(file.length)} : cette page accepte au plus ${megabytes(CONSOLE_IMPORT_MAX_BYTES)}. Découpez-le, ou importez-le par l'API d'administration (dépôt présigné, jusqu'à 20 Mo).`;
          return html(413, await again({ values: {}, issues: [{ field: IMPORT_FILE_FIELD, message }] }));
        }
        const { jobId } = await startImport(d, { schoolYear: campaign.schoolYear, actor: session.actor, file });
        return redirect(`/console/taches/${jobId}`);
      },
      again,
    );
  },

  'POST /console/campagnes/{schoolYear}/ajouter': async (d, event, session) => {
    requireRole(session, 'gestionnaire');
    const campaign = await campaignOf(d, event);
    const values = formBody(event);
    return withFieldErrors(
      values,
      async () => {
        const { schools, lineOf } = schoolLines(values.schools);
        try {
          const convention = await addConvention(d, { schoolYear: campaign.schoolYear, convention: parseInput(newConventionSchema, conventionBody(values, schools)), actor: session.actor });
          return html(201, conventionAddedPage({ convention, user: session }));
        } catch (error) {
          throw byTextareaLine(error, lineOf);
        }
      },
      async (form) => addConventionPage({ campaign, user: session, form }),
    );
  },

  'POST /console/campagnes/{schoolYear}/envoyer': async (d, event, session) => {
    requireRole(session, 'gestionnaire');
    const { jobId } = await startCampaignSend(d, { schoolYear: campaignYear(event), actor: session.actor });
    return redirect(`/console/taches/${jobId}`);
  },
};
