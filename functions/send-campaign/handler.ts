import { deps } from '../adapters/composition.ts';
import { parseInput, schoolYearSchema } from '../use-cases/input/inputs.ts';
import { startCampaignSend } from '../use-cases/send-campaign.ts';
import { pathParameter } from '../http/request.ts';
import type { Answer, campaignSendStartedSchema } from '../http/admin-responses.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/** POST /admin/campaigns/{schoolYear}/send: 202 with the job that sends every invitation (the running one, if a send runs). */
export const handler = adminRoute(async (event, admin) => {
  const schoolYear = parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');
  const { jobId, started } = await startCampaignSend(d, { schoolYear, actor: admin.actor });
  return json(202, { jobId, started, job: `/admin/jobs/${jobId}` } satisfies Answer<typeof campaignSendStartedSchema>);
});
