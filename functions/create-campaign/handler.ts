import { deps } from '../adapters/composition.ts';
import { createCampaign } from '../use-cases/create-campaign.ts';
import { newCampaignSchema, parseInput } from '../use-cases/input/inputs.ts';
import { jsonBody } from '../http/request.ts';
import type { Answer, campaignSchema } from '../http/admin-responses.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/** POST /admin/campaigns */
export const handler = adminRoute(async (event) => {
  const input = parseInput(newCampaignSchema, jsonBody(event));
  const { campaign, warnings } = await createCampaign(d, input);
  return json(201, { ...campaign, warnings } satisfies Answer<typeof campaignSchema>);
});
