/** The campaign's dashboard as the console shows it: the pure figures of campaign-dashboard.ts, on what the repositories hold today. */
import { parisDateOf } from '../domain/calendar.ts';
import { deadlinesSoon, dueSoon, undeliverableConventions, type CampaignDashboard } from '../domain/campaign-dashboard.ts';
import { campaignStats } from '../domain/campaign-stats.ts';
import { campaignWithConventions } from './console-views.ts';
import { recentJobs } from './get-job.ts';
import type { Deps } from './ports.ts';

/** How many of a campaign's latest jobs the dashboard looks at for those still running. */
const JOBS_LOOKED_AT = 20;

export async function campaignDashboard(deps: Pick<Deps, 'now' | 'campaigns' | 'conventions' | 'undeliverable' | 'jobs'>, schoolYear: string): Promise<CampaignDashboard> {
  const { campaign, conventions } = await campaignWithConventions(deps, schoolYear);
  const today = parisDateOf(deps.now().toISOString());
  const [entries, jobs] = await Promise.all([
    deps.undeliverable.find(conventions.map((convention) => convention.mayor.email)),
    recentJobs(deps, { limit: JOBS_LOOKED_AT, schoolYear }),
  ]);
  return {
    campaign,
    today,
    stats: campaignStats(conventions),
    dueSoon: dueSoon(campaign, conventions, today),
    deadlines: deadlinesSoon(campaign, conventions, today),
    undeliverable: undeliverableConventions(conventions, entries),
    runningJobs: jobs.filter((job) => job.state === 'running'),
  };
}
