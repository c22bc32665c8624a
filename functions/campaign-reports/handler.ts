import { deps } from '../adapters/composition.ts';
import { campaignStats } from '../domain/campaign-stats.ts';
import { parseInput, schoolYearSchema } from '../domain/inputs.ts';
import { listConventions } from '../domain/list-conventions.ts';
import { campaignWithConventions } from '../use-cases/console-views.ts';
import { billingQuerySchema, conventionListQuerySchema } from '../http/admin-requests.ts';
import { billingCsvAnswer } from '../http/downloads.ts';
import { pathParameter } from '../http/request.ts';
import type { Answer, campaignStatsSchema, conventionPageSchema } from '../http/admin-responses.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/**
 * GET /admin/campaigns/{schoolYear}/conventions (filtered, paginated),
 * …/stats (counts and amounts) and …/billing.csv (what to invoice; `?reste=1`: only what has no titre yet).
 */
export const handler = adminRoute(async (event) => {
  const schoolYear = parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');
  const { conventions } = await campaignWithConventions(d, schoolYear);
  if (event.rawPath.endsWith('/stats')) return json(200, campaignStats(conventions) satisfies Answer<typeof campaignStatsSchema>);
  if (event.rawPath.endsWith('/billing.csv')) {
    const { reste } = parseInput(billingQuerySchema, event.queryStringParameters ?? {});
    return billingCsvAnswer(schoolYear, conventions, reste === '1');
  }
  return json(200, listConventions(conventions, parseInput(conventionListQuerySchema, event.queryStringParameters ?? {})) satisfies Answer<typeof conventionPageSchema>);
});
