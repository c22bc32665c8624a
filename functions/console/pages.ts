/** The console's pages and forms, each on one core use case (the admin API's, with its rules and its French errors). */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { campaignCountersignPage, jobPage } from '../../templates/pages/console/campaign-countersign-pages.ts';
import { campaignCreatedPage, campaignFormPage } from '../../templates/pages/console/campaign-form-page.ts';
import { campaignsPage } from '../../templates/pages/console/campaigns-page.ts';
import { cancelPage, resendPage } from '../../templates/pages/console/convention-action-pages.ts';
import { conventionPage } from '../../templates/pages/console/convention-page.ts';
import { conventionsPage } from '../../templates/pages/console/conventions-page.ts';
import { emptyForm, type FormState } from '../../templates/pages/console/form-fields.ts';
import type { BaseDeps } from '../adapters/composition.ts';
import { cancelConvention } from '../use-cases/cancel-convention.ts';
import { campaignConventions, campaignWithConventions, listCampaigns } from '../use-cases/console-views.ts';
import { countersignConvention, startCampaignCountersign } from '../use-cases/countersign-convention.ts';
import { createCampaign } from '../use-cases/create-campaign.ts';
import { AppError, isAppError, type FieldIssue } from '../domain/errors.ts';
import { invalidInput } from '../use-cases/input/invalid-input.ts';
import { getConvention } from '../use-cases/get-convention.ts';
import { getJob } from '../use-cases/get-job.ts';
import { listAvenants } from '../use-cases/list-avenants.ts';
import { conventionIdSchema, newCampaignSchema, parseInput, schoolYearSchema } from '../use-cases/input/inputs.ts';
import { conventionListQuerySchema } from '../use-cases/input/list-query.ts';
import { resendLink } from '../use-cases/resend-link.ts';
import { billingQuerySchema, cancelBodySchema, jobIdSchema, resendBodySchema } from '../http/admin-requests.ts';
import type { ConsoleSession } from '../adapters/console-session.ts';
import { auditJsonAnswer, billingCsvAnswer, evidenceZipAnswer } from '../http/downloads.ts';
import { describeError } from '../http/errors.ts';
import { html } from '../http/middleware.ts';
import { clientOf, formBody, pathParameter, type FormValues } from '../http/request.ts';
import { redirect } from './login.ts';

type Result = APIGatewayProxyStructuredResultV2;
export type ConsoleRoute = (deps: BaseDeps, event: APIGatewayProxyEventV2, session: ConsoleSession) => Promise<Result>;

const PAGE_SIZE = 50;
/** The most signed conventions the campaign's countersignature page lists (it counts them all). */
const COUNTERSIGN_LIST_SIZE = 500;

/** The admin API's role rules: the signataire countersigns, the gestionnaire does everything else. */
export function requireRole(session: ConsoleSession, role: 'gestionnaire' | 'signataire'): void {
  if (session.roles.includes(role)) return;
  throw new AppError('FORBIDDEN', role === 'signataire' ? "La contresignature demande le rôle signataire, que votre compte n'a pas." : "Cette action demande le rôle gestionnaire, que votre compte n'a pas.");
}

const conventionId = (event: APIGatewayProxyEventV2) => parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
export const campaignYear = (event: APIGatewayProxyEventV2) => parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');

/**
 * Runs a form's use case; when the input is refused with field errors (400, or a campaign that exists already),
 * shows the form again with what was typed and each error next to its field.
 */
export async function withFieldErrors(values: FormValues, act: () => Promise<Result>, again: (form: FormState) => Promise<string>): Promise<Result> {
  try {
    return await act();
  } catch (error) {
    if (!isAppError(error) || error.issues.length === 0) throw error;
    return html(describeError(error).statusCode, await again({ values, issues: error.issues }));
  }
}

/** A form's value, with an empty field as absent (the API's "omitted"). */
export const given = (values: FormValues, name: string) => (values[name] === undefined || values[name] === '' ? undefined : values[name]);
/** A number field: digits become a number; anything else goes to the schema as typed, which refuses it in French. */
const numeric = (values: FormValues, name: string) => {
  const value = given(values, name)?.trim();
  return value !== undefined && /^-?\d+$/.test(value) ? Number(value) : value;
};
const BOOLEAN: Record<string, boolean> = { true: true, false: false };

/**
 * The fee as a clerk types it, in euros ("40", "40,50", "1 200"), in cents for the schema; or why it cannot
 * be read, on the form's field `fee`, in the form's own unit.
 */
export function feeOf(values: FormValues): { cents: number } | { issue: FieldIssue } {
  const typed = given(values, 'fee')?.replace(/[\s\u00a0\u202f]/g, '').replace(/€$/, '');
  if (typed === undefined) return { issue: { field: 'fee', message: 'Indiquez le montant par école, en euros (par exemple 40).' } };
  const match = /^(\d{1,6})(?:[,.](\d{1,2}))?$/.exec(typed);
  if (!match) return { issue: { field: 'fee', message: `« ${given(values, 'fee')} » n'est pas un montant en euros : écrivez par exemple 40 ou 40,50.` } };
  return { cents: Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0')) };
}

/** The campaign form as POST /admin/campaigns takes it, checked by the same schema; every refused field at once, the fee's on `fee`. */
function campaignInput(values: FormValues) {
  const fee = feeOf(values);
  const feeIssues = 'issue' in fee ? [fee.issue] : [];
  let input;
  try {
    // An unreadable fee is already refused above: a placeholder lets the schema check every other field.
    input = parseInput(newCampaignSchema, { ...campaignBody(values), feeCents: 'cents' in fee ? fee.cents : 1 });
  } catch (error) {
    if (!isAppError(error) || error.issues.length === 0) throw error;
    throw invalidInput([...feeIssues, ...error.issues.map((issue) => (issue.field === 'feeCents' ? { ...issue, field: 'fee' } : issue))]);
  }
  if (feeIssues.length > 0) throw invalidInput(feeIssues);
  return input;
}

/** The campaign form as the body POST /admin/campaigns takes. */
const campaignBody = (values: FormValues) => ({
  schoolYear: given(values, 'schoolYear'),
  endDate: given(values, 'endDate'),
  issuePlace: given(values, 'issuePlace'),
  issueDate: given(values, 'issueDate'),
  signatory: { name: given(values, 'signatory.name'), title: given(values, 'signatory.title') },
  linkValidityDays: numeric(values, 'linkValidityDays'),
  model: given(values, 'model'),
  deliberationRequired: values.deliberationRequired === undefined ? undefined : (BOOLEAN[values.deliberationRequired] ?? values.deliberationRequired),
});

const NOTICES: Record<string, string> = {
  contresignee: 'Convention contresignée : le document final est en cours de scellement et sera envoyé aux deux parties.',
  renvoye: 'Lien envoyé à nouveau : le maire reçoit un nouveau lien, les précédents ne fonctionnent plus.',
  annulee: 'Convention annulée.',
  'avenant-contresigne': "Avenant contresigné : l'avenant final est en cours de scellement et sera envoyé aux deux parties.",
};

export const pages: Record<string, ConsoleRoute> = {
  'GET /console/campagnes': async (d, _event, user) => html(200, campaignsPage({ campaigns: await listCampaigns(d), user })),

  'GET /console/campagnes/{schoolYear}': async (d, event, user) => {
    const schoolYear = campaignYear(event);
    // An empty select or field of the filter form means "any".
    const filters = Object.fromEntries(Object.entries(event.queryStringParameters ?? {}).filter(([, value]) => value !== ''));
    const query = parseInput(conventionListQuerySchema, { limit: PAGE_SIZE, ...filters });
    const view = await campaignConventions(d, schoolYear, query);
    return html(200, conventionsPage({ view, filters: { status: query.status, departement: query.departement, q: query.q }, user }));
  },

  'GET /console/campagnes/{schoolYear}/billing.csv': async (d, event) => {
    const schoolYear = campaignYear(event);
    const { reste } = parseInput(billingQuerySchema, event.queryStringParameters ?? {});
    const { conventions } = await campaignWithConventions(d, schoolYear);
    return billingCsvAnswer(schoolYear, conventions, reste === '1');
  },

  'GET /console/nouvelle-campagne': async (_d, _event, user) => {
    requireRole(user, 'gestionnaire');
    return html(200, campaignFormPage({ user, form: emptyForm() }));
  },

  'GET /console/campagnes/{schoolYear}/contresigner': async (d, event, user) => {
    requireRole(user, 'signataire');
    const view = await campaignConventions(d, campaignYear(event), { status: 'signed', limit: COUNTERSIGN_LIST_SIZE, cursor: 0 });
    return html(200, campaignCountersignPage({ campaign: view.campaign, signed: view.list, user }));
  },

  'GET /console/taches/{id}': async (d, event, user) => html(200, jobPage({ job: await getJob(d, parseInput(jobIdSchema, pathParameter(event, 'id'), 'id')), user })),

  'GET /console/conventions/{id}': async (d, event, user) => {
    const id = conventionId(event);
    const [found, avenants] = await Promise.all([getConvention(d, id), listAvenants(d, id)]);
    const notice = Object.keys(event.queryStringParameters ?? {}).map((key) => NOTICES[key]).find(Boolean);
    return html(200, conventionPage({ found, avenants, user, ...(notice ? { notice } : {}) }));
  },

  'GET /console/conventions/{id}/audit.json': async (d, event) => auditJsonAnswer(d, conventionId(event)),

  'GET /console/conventions/{id}/evidence.zip': async (d, event) => evidenceZipAnswer(d, conventionId(event)),

  'GET /console/conventions/{id}/renvoyer': async (d, event, user) => {
    requireRole(user, 'gestionnaire');
    const { convention } = await getConvention(d, conventionId(event));
    return html(200, resendPage({ convention, user, form: emptyForm() }));
  },

  'GET /console/conventions/{id}/annuler': async (d, event, user) => {
    requireRole(user, 'gestionnaire');
    const { convention } = await getConvention(d, conventionId(event));
    return html(200, cancelPage({ convention, user, form: emptyForm() }));
  },
};

/** Posted forms, once the session and its CSRF token are checked. */
export const forms: Record<string, ConsoleRoute> = {
  'POST /console/conventions/{id}/contresigner': async (d, event, session) => {
    requireRole(session, 'signataire');
    const id = conventionId(event);
    await countersignConvention(d, { id, actor: session.actor, ...clientOf(event) });
    return redirect(`/console/conventions/${id}?contresignee=1`);
  },

  'POST /console/nouvelle-campagne': async (d, event, session) => {
    requireRole(session, 'gestionnaire');
    const values = formBody(event);
    return withFieldErrors(
      values,
      async () => {
        const { campaign, warnings } = await createCampaign(d, campaignInput(values));
        return html(201, campaignCreatedPage({ campaign, warnings, user: session }));
      },
      async (form) => campaignFormPage({ user: session, form }),
    );
  },

  'POST /console/campagnes/{schoolYear}/contresigner': async (d, event, session) => {
    requireRole(session, 'signataire');
    const { jobId } = await startCampaignCountersign(d, { schoolYear: campaignYear(event), actor: session.actor, ...clientOf(event) });
    return redirect(`/console/taches/${jobId}`);
  },

  'POST /console/conventions/{id}/renvoyer': async (d, event, session) => {
    requireRole(session, 'gestionnaire');
    const id = conventionId(event);
    const values = formBody(event);
    const mayorEmail = given(values, 'mayorEmail');
    return withFieldErrors(
      values,
      async () => {
        await resendLink(d, { id, actor: session.actor, ...parseInput(resendBodySchema, mayorEmail === undefined ? {} : { mayorEmail }) });
        return redirect(`/console/conventions/${id}?renvoye=1`);
      },
      async (form) => resendPage({ convention: (await getConvention(d, id)).convention, user: session, form }),
    );
  },

  'POST /console/conventions/{id}/annuler': async (d, event, session) => {
    requireRole(session, 'gestionnaire');
    const id = conventionId(event);
    const values = formBody(event);
    return withFieldErrors(
      values,
      async () => {
        const { reason } = parseInput(cancelBodySchema, { reason: given(values, 'reason') });
        await cancelConvention(d, { id, reason, actor: session.actor });
        return redirect(`/console/conventions/${id}?annulee=1`);
      },
      async (form) => cancelPage({ convention: (await getConvention(d, id)).convention, user: session, form }),
    );
  },
};
