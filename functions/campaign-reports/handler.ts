import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { deps } from '../adapters/composition.ts';
import { campaignStats } from '../domain/campaign-stats.ts';
import { parseInput, schoolYearSchema } from '../use-cases/input/inputs.ts';
import { listConventions } from '../domain/list-conventions.ts';
import { campaignWithConventions } from '../use-cases/console-views.ts';
import { billingQuerySchema, conventionListQuerySchema } from '../http/admin-requests.ts';
import { billingCsvAnswer } from '../http/downloads.ts';
import { pathParameter } from '../http/request.ts';
import type { Answer, campaignStatsSchema, conventionPageSchema } from '../http/admin-responses.ts';
import { adminRoutes, json } from '../http/middleware.ts';

const d = deps();

/** The campaign the path names (a French 400 for a malformed year, 404 for a campaign that does not exist), with its conventions. */
async function campaignOf(event: APIGatewayProxyEventV2WithJWTAuthorizer) {
  const schoolYear = parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');
  return { schoolYear, ...(await campaignWithConventions(d, schoolYear)) };
}

/** GET /admin/campaigns/{schoolYear}/conventions: filtered, paginated. */
async function conventions(event: APIGatewayProxyEventV2WithJWTAuthorizer) {
  const found = await campaignOf(event);
  return json(200, listConventions(found.conventions, parseInput(conventionListQuerySchema, event.queryStringParameters ?? {})) satisfies Answer<typeof conventionPageSchema>);
}

/** GET /admin/campaigns/{schoolYear}/stats: counts and amounts. */
async function stats(event: APIGatewayProxyEventV2WithJWTAuthorizer) {
  return json(200, campaignStats((await campaignOf(event)).conventions) satisfies Answer<typeof campaignStatsSchema>);
}

/** GET /admin/campaigns/{schoolYear}/billing.csv: what to invoice (`?reste=1`: only what has no titre yet). */
async function billing(event: APIGatewayProxyEventV2WithJWTAuthorizer) {
  const { schoolYear, conventions } = await campaignOf(event);
  const { reste } = parseInput(billingQuerySchema, event.queryStringParameters ?? {});
  return billingCsvAnswer(schoolYear, conventions, reste === '1');
}

export const handler = adminRoutes([
  { method: 'GET', path: '/admin/campaigns/{schoolYear}/conventions', handle: conventions },
  { method: 'GET', path: '/admin/campaigns/{schoolYear}/stats', handle: stats },
  { method: 'GET', path: '/admin/campaigns/{schoolYear}/billing.csv', handle: billing },
]);
