import { deps } from '../adapters/composition.ts';
import { importCampaign } from '../core/import-campaign.ts';
import { parseInput, schoolYearSchema } from '../core/inputs.ts';
import { bodyBytes, pathParameter } from '../http/request.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/** POST /admin/campaigns/{schoolYear}/imports: a CSV body (UTF-8 or Windows-1252); the report of what was imported and refused. */
export const handler = adminRoute(async (event, admin) => {
  const schoolYear = parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');
  return json(200, await importCampaign(d, { schoolYear, file: bodyBytes(event), actor: admin.actor }));
});
