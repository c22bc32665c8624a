import { deps } from '../adapters/composition.ts';
import { parseInput, schoolYearSchema } from '../core/inputs.ts';
import { sendCampaign } from '../core/send-campaign.ts';
import { pathParameter } from '../http/request.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/** POST /admin/campaigns/{schoolYear}/send */
export const handler = adminRoute(async (event, admin) => {
  const schoolYear = parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');
  return json(200, await sendCampaign(d, { schoolYear, actor: admin.actor }));
});
