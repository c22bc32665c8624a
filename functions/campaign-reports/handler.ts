import { deps } from '../adapters/composition.ts';
import { billingCsv, billingCsvFilename } from '../core/billing-csv.ts';
import { campaignStats } from '../core/campaign-stats.ts';
import { AppError } from '../core/errors.ts';
import { parseInput, schoolYearSchema } from '../core/inputs.ts';
import { conventionListQuerySchema, listConventions } from '../core/list-conventions.ts';
import { pathParameter } from '../http/request.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/**
 * GET /admin/campaigns/{schoolYear}/conventions (filtered, paginated),
 * …/stats (counts and amounts) and …/billing.csv (what to invoice).
 */
export const handler = adminRoute(async (event) => {
  const schoolYear = parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');
  if (!(await d.campaigns.get(schoolYear))) throw new AppError('NOT_FOUND', `Aucune campagne n'existe pour l'année scolaire ${schoolYear}.`);
  const conventions = await d.conventions.listByCampaign(schoolYear);
  if (event.rawPath.endsWith('/stats')) return json(200, campaignStats(conventions));
  if (event.rawPath.endsWith('/billing.csv')) {
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${billingCsvFilename(schoolYear)}"`, 'cache-control': 'no-store' },
      isBase64Encoded: true,
      body: Buffer.from(billingCsv(conventions)).toString('base64'),
    };
  }
  return json(200, listConventions(conventions, parseInput(conventionListQuerySchema, event.queryStringParameters ?? {})));
});
