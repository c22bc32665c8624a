/** What the rectorat's console shows: the campaigns, and a campaign's conventions with its figures. */
import { campaignStats } from './campaign-stats.ts';
import { AppError } from './errors.ts';
import { listConventions } from './list-conventions.ts';
import type { Campaign } from './model.ts';
import type { Deps } from './ports.ts';

/** Every campaign, the latest school year first. */
export async function listCampaigns(deps: Pick<Deps, 'campaigns'>): Promise<Campaign[]> {
  return (await deps.campaigns.list()).sort((a, b) => b.schoolYear.localeCompare(a.schoolYear));
}

export async function campaignConventions(deps: Pick<Deps, 'campaigns' | 'conventions'>, schoolYear: string, query: Parameters<typeof listConventions>[1]) {
  const campaign = await deps.campaigns.get(schoolYear);
  if (!campaign) throw new AppError('NOT_FOUND', `Aucune campagne n'existe pour l'année scolaire ${schoolYear}.`);
  const conventions = await deps.conventions.listByCampaign(schoolYear);
  return { campaign, stats: campaignStats(conventions), list: listConventions(conventions, query) };
}
