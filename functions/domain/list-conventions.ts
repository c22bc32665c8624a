/** The conventions of a campaign as the rectorat follows them: filtered by status, département and text, a page at a time. */
import { departementOf, type CampaignStats } from './campaign-stats.ts';
import type { Campaign, Convention, ConventionStatus } from './model.ts';

const folded = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

export function listConventions(
  conventions: readonly Convention[],
  query: { status?: ConventionStatus; departement?: string; q?: string; limit: number; cursor: number },
) {
  const needle = query.q ? folded(query.q) : undefined;
  const matching = conventions
    .filter((convention) => !query.status || convention.status === query.status)
    .filter((convention) => !query.departement || departementOf(convention) === query.departement.replace(/^0(?=\d\d$)/, ''))
    .filter((convention) => !needle || folded(`${convention.reference ?? ''} ${convention.commune.name} ${convention.commune.siret} ${convention.mayor.name} ${convention.schools.map((school) => school.uai).join(' ')}`).includes(needle))
    .sort((a, b) => a.commune.name.localeCompare(b.commune.name, 'fr'));
  const page = matching.slice(query.cursor, query.cursor + query.limit);
  const next = query.cursor + page.length;
  return {
    total: matching.length,
    items: page.map(({ id, reference, commune, mayor, schools, amountCents, status, sentAt, signedAt, executedAt, decline, titre }) => ({
      id, reference, titre, commune, mayor, schoolCount: schools.length, amountCents, status, sentAt, signedAt, executedAt, declineReason: decline?.reason,
    })),
    ...(next < matching.length ? { nextCursor: next } : {}),
  };
}

/** A campaign's page: the campaign, its figures, and one page of its conventions. */
export interface CampaignConventionsView {
  campaign: Campaign;
  stats: CampaignStats;
  list: ReturnType<typeof listConventions>;
}
