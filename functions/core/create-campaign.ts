import type { NewCampaign } from './inputs.ts';
import type { Campaign } from './model.ts';
import type { Deps } from './ports.ts';

/** The rectorat opens the campaign of a school year: fee, end date, place and date of issue, signatory. */
export async function createCampaign(deps: Pick<Deps, 'now' | 'campaigns'>, input: NewCampaign): Promise<Campaign> {
  const campaign: Campaign = { ...input, createdAt: deps.now().toISOString() };
  await deps.campaigns.create(campaign);
  return campaign;
}
