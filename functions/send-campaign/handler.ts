import { deps } from '../adapters/composition.ts';
import { parseInput, schoolYearSchema } from '../core/inputs.ts';
import { sendCampaign } from '../core/send-campaign.ts';
import { pathParameter } from '../http/request.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/** POST /admin/campaigns/{schoolYear}/send */
/** Keep this much of the invocation for the last invitation and the answer. */
const SAFETY_MS = 5_000;

export const handler = adminRoute(async (event, admin, context) => {
  const schoolYear = parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');
  const hasTime = () => context.getRemainingTimeInMillis() > SAFETY_MS;
  const report = await sendCampaign(d, { schoolYear, actor: admin.actor, hasTime });
  // 202 while invitations remain: the caller sends again to resume.
  return json(report.remaining > 0 ? 202 : 200, report);
});
