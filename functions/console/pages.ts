/** The console's pages and forms, each on one core use case. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { campaignsPage } from '../../templates/pages/console/campaigns-page.ts';
import { conventionPage } from '../../templates/pages/console/convention-page.ts';
import { conventionsPage } from '../../templates/pages/console/conventions-page.ts';
import type { BaseDeps } from '../adapters/composition.ts';
import { campaignConventions, listCampaigns } from '../core/console-views.ts';
import { countersignConvention } from '../core/countersign-convention.ts';
import { AppError } from '../core/errors.ts';
import { getConvention } from '../core/get-convention.ts';
import { conventionIdSchema, parseInput, schoolYearSchema } from '../core/inputs.ts';
import { conventionListQuerySchema } from '../core/list-conventions.ts';
import type { ConsoleSession } from '../http/console-session.ts';
import { html } from '../http/middleware.ts';
import { clientOf, pathParameter } from '../http/request.ts';
import { redirect } from './login.ts';

type Result = APIGatewayProxyStructuredResultV2;
export type ConsoleRoute = (deps: BaseDeps, event: APIGatewayProxyEventV2, session: ConsoleSession) => Promise<Result>;

const PAGE_SIZE = 50;

export const pages: Record<string, ConsoleRoute> = {
  'GET /console/campagnes': async (d, _event, user) => html(200, campaignsPage({ campaigns: await listCampaigns(d), user })),

  'GET /console/campagnes/{schoolYear}': async (d, event, user) => {
    const schoolYear = parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');
    // An empty select or field of the filter form means "any".
    const filters = Object.fromEntries(Object.entries(event.queryStringParameters ?? {}).filter(([, value]) => value !== ''));
    const query = parseInput(conventionListQuerySchema, { limit: PAGE_SIZE, ...filters });
    const view = await campaignConventions(d, schoolYear, query);
    return html(200, conventionsPage({ view, filters: { status: query.status, departement: query.departement, q: query.q }, user }));
  },

  'GET /console/conventions/{id}': async (d, event, user) => {
    const found = await getConvention(d, parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id'));
    const notice = event.queryStringParameters?.contresignee ? 'Convention contresignée : le document final est en cours de scellement et sera envoyé aux deux parties.' : undefined;
    return html(200, conventionPage({ found, user, ...(notice ? { notice } : {}) }));
  },
};

/** Posted forms, once the session and its CSRF token are checked. */
export const forms: Record<string, ConsoleRoute> = {
  'POST /console/conventions/{id}/contresigner': async (d, event, session) => {
    if (!session.roles.includes('signataire')) throw new AppError('FORBIDDEN', "La contresignature demande le rôle signataire, que votre compte n'a pas.");
    const id = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
    await countersignConvention(d, { id, actor: session.actor, ...clientOf(event) });
    return redirect(`/console/conventions/${id}?contresignee=1`);
  },
};
