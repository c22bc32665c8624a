/**
 * The console's pages to follow a campaign: its dashboard, the jobs, the billing page with the titres de
 * perception, and the avenants of a convention. Each on the admin API's use case (same rules, same French
 * errors); the actions need the API's role.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { avenantFormPage, avenantPreparedPage } from '../../templates/pages/console/avenant-pages.ts';
import { billingPage } from '../../templates/pages/console/billing-page.ts';
import { dashboardPage } from '../../templates/pages/console/dashboard-page.ts';
import { emptyForm } from '../../templates/pages/console/form-fields.ts';
import { jobsPage } from '../../templates/pages/console/jobs-page.ts';
import { billingView } from '../domain/campaign-dashboard.ts';
import { campaignDashboard } from '../use-cases/dashboard-view.ts';
import { campaignWithConventions } from '../use-cases/console-views.ts';
import { countersignAvenant } from '../use-cases/countersign-avenant.ts';
import { isAppError } from '../domain/errors.ts';
import { getConvention } from '../use-cases/get-convention.ts';
import { recentJobs } from '../use-cases/get-job.ts';
import { avenantRequestSchema, conventionIdSchema, parseInput, schoolsFromLines, schoolYearSchema } from '../use-cases/input/inputs.ts';
import { recordTitre } from '../use-cases/record-titre.ts';
import { requestAvenant } from '../use-cases/request-avenant.ts';
import { titreBodySchema } from '../http/admin-requests.ts';
import { evidenceZipAnswer } from '../http/downloads.ts';
import { describeError } from '../http/errors.ts';
import { html } from '../http/middleware.ts';
import { clientOf, formBody, pathParameter } from '../http/request.ts';
import { redirect } from './login.ts';
import { given, requireRole, withFieldErrors, type ConsoleRoute } from './pages.ts';

/** The jobs page lists this many, the latest first. */
const JOBS_LISTED = 50;

const conventionId = (event: APIGatewayProxyEventV2) => parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
const avenantId = (event: APIGatewayProxyEventV2) => parseInput(conventionIdSchema, pathParameter(event, 'avenantId'), 'avenantId');
const campaignYear = (event: APIGatewayProxyEventV2) => parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');

async function billing(d: Parameters<ConsoleRoute>[0], schoolYear: string) {
  const { campaign, conventions } = await campaignWithConventions(d, schoolYear);
  return { campaign, ...billingView(conventions) };
}

export const followPages: Record<string, ConsoleRoute> = {
  'GET /console/campagnes/{schoolYear}/tableau-de-bord': async (d, event, user) => html(200, dashboardPage({ dashboard: await campaignDashboard(d, campaignYear(event)), user })),

  'GET /console/taches': async (d, _event, user) => html(200, jobsPage({ jobs: await recentJobs(d, { limit: JOBS_LISTED }), limit: JOBS_LISTED, user })),

  'GET /console/campagnes/{schoolYear}/facturation': async (d, event, user) => {
    const view = await billing(d, campaignYear(event));
    // After a titre is recorded: the convention's reference, escaped as every value of the page.
    const recorded = event.queryStringParameters?.titre?.slice(0, 100);
    const notice = recorded ? `Titre de perception enregistré pour la convention ${recorded} : elle ne figure plus dans le reste à facturer.` : undefined;
    return html(200, billingPage({ view, user, ...(notice ? { notice } : {}) }));
  },

  'GET /console/conventions/{id}/avenant': async (d, event, user) => {
    requireRole(user, 'gestionnaire');
    const { convention } = await getConvention(d, conventionId(event));
    return html(200, avenantFormPage({ convention, user, form: emptyForm(), now: d.now().toISOString() }));
  },

  'GET /console/conventions/{id}/avenants/{avenantId}/evidence.zip': async (d, event) => evidenceZipAnswer(d, conventionId(event), avenantId(event)),
};

export const followForms: Record<string, ConsoleRoute> = {
  'POST /console/conventions/{id}/avenant': async (d, event, session) => {
    requireRole(session, 'gestionnaire');
    const id = conventionId(event);
    const values = formBody(event);
    const { convention } = await getConvention(d, id);
    const again = (form: Parameters<typeof avenantFormPage>[0]['form']) => avenantFormPage({ convention, user: session, form, now: d.now().toISOString() });
    try {
      return await withFieldErrors(
        values,
        async () => {
          const { schools } = parseInput(avenantRequestSchema, { schools: schoolsFromLines(values.schools ?? '') });
          const { avenant } = await requestAvenant(d, { convention, schools, requestedBy: 'rectorat', actor: session.actor });
          return html(201, avenantPreparedPage({ convention, avenant, user: session }));
        },
        async (form) => again(form),
      );
    } catch (error) {
      // A limit of the avenant (the convention's end date, a link that would die before the window) is shown on the form too.
      if (!isAppError(error) || error.code !== 'CONFLICT') throw error;
      return html(describeError(error).statusCode, again({ values, issues: [{ field: '', message: error.message }] }));
    }
  },

  'POST /console/conventions/{id}/avenants/{avenantId}/contresigner': async (d, event, session) => {
    requireRole(session, 'signataire');
    const id = conventionId(event);
    await countersignAvenant(d, { conventionId: id, avenantId: avenantId(event), actor: session.actor, ...clientOf(event) });
    return redirect(`/console/conventions/${id}?avenant-contresigne=1`);
  },

  'POST /console/conventions/{id}/titre': async (d, event, session) => {
    requireRole(session, 'gestionnaire');
    const id = conventionId(event);
    const values = formBody(event);
    return withFieldErrors(
      values,
      async () => {
        const { number, date } = parseInput(titreBodySchema, { number: given(values, 'number'), date: given(values, 'date') });
        const convention = await recordTitre(d, { id, number, date, actor: session.actor });
        return redirect(`/console/campagnes/${convention.schoolYear}/facturation?titre=${encodeURIComponent(convention.reference ?? convention.id)}`);
      },
      async (form) => {
        const { convention } = await getConvention(d, id);
        return billingPage({ view: await billing(d, convention.schoolYear), user: session, refused: { conventionId: id, form } });
      },
    );
  },
};

/** Never a page without its route at API Gateway: infra/functions.ts lists these (test/integration/console-follow.test.ts checks). */
export const FOLLOW_ROUTES = [...Object.keys(followPages), ...Object.keys(followForms)];
