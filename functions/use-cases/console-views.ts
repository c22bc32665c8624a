/** What the rectorat's console shows: the campaigns, and a campaign's conventions with its figures. */
import { campaignStats } from '../domain/campaign-stats.ts';
import { AppError } from '../domain/errors.ts';
import { listConventions, type CampaignConventionsView } from '../domain/list-conventions.ts';
import type { Campaign, Convention } from '../domain/model.ts';
import type { Deps } from './ports.ts';

/** Every campaign, the latest school year first. */
export async function listCampaigns(deps: Pick<Deps, 'campaigns'>): Promise<Campaign[]> {
  return (await deps.campaigns.list()).sort((a, b) => b.schoolYear.localeCompare(a.schoolYear));
}

/** The campaign of a school year; NOT_FOUND, as the admin API answers (with `advice` after it, for a page), when it does not exist. */
export async function getCampaign(deps: Pick<Deps, 'campaigns'>, schoolYear: string, advice?: string): Promise<Campaign> {
  const campaign = await deps.campaigns.get(schoolYear);
  if (!campaign) throw new AppError('NOT_FOUND', `Aucune campagne n'existe pour l'année scolaire ${schoolYear}${advice ? ` : ${advice}` : ''}.`);
  return campaign;
}

/** The campaign and every one of its conventions; NOT_FOUND, as the admin API answers, when it does not exist. */
export async function campaignWithConventions(deps: Pick<Deps, 'campaigns' | 'conventions'>, schoolYear: string): Promise<{ campaign: Campaign; conventions: Convention[] }> {
  const campaign = await getCampaign(deps, schoolYear);
  return { campaign, conventions: await deps.conventions.listByCampaign(schoolYear) };
}

export async function campaignConventions(deps: Pick<Deps, 'campaigns' | 'conventions'>, schoolYear: string, query: Parameters<typeof listConventions>[1]): Promise<CampaignConventionsView> {
  const { campaign, conventions } = await campaignWithConventions(deps, schoolYear);
  return { campaign, stats: campaignStats(conventions), list: listConventions(conventions, query) };
}
