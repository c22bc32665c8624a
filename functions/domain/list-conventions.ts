/** The conventions of a campaign as the rectorat follows them: filtered by status, département and text, a page at a time. */
import * as z from 'zod';
import { CONVENTION_STATUSES, departementOf, type CampaignStats } from './campaign-stats.ts';
import { optionalText } from './inputs.ts';
import type { Campaign, Convention, ConventionStatus } from './model.ts';

/** The filters and page of a list, as a query string gives them (the API's and the console's). */
export const conventionListQuerySchema = z.object({
  status: z
    .enum(CONVENTION_STATUSES, { error: 'Statut inconnu.' })
    .optional()
    .meta({ description: 'Ne garder que les conventions de ce statut. / Only conventions with this status.' }),
  departement: z
    .string()
    .regex(/^(\d{2,3}|2[AB])$/, { error: 'Le département s’écrit comme « 34 » ou « 09 ».' })
    .optional()
    .meta({ description: 'Numéro du département (« 34 », « 09 », « 2A »). / Département number.' }),
  q: optionalText('La recherche', 100).meta({
    description: 'Recherche sans accents ni casse dans le nom de la commune, le SIRET, le nom du maire et les UAI. / Accent- and case-insensitive search.',
  }),
  limit: z.coerce
    .number({ error: 'La taille de page (limit) doit être un nombre.' })
    .int({ error: 'La taille de page (limit) doit être un nombre entier.' })
    .min(1, { error: 'La taille de page (limit) est d’au moins 1.' })
    .max(500, { error: 'La taille de page (limit) ne doit pas dépasser 500.' })
    .default(100)
    .meta({ description: 'Taille de page. / Page size.' }),
  cursor: z.coerce
    .number({ error: 'Le curseur (cursor) doit être le nextCursor de la page précédente.' })
    .int({ error: 'Le curseur (cursor) doit être le nextCursor de la page précédente.' })
    .min(0, { error: 'Le curseur (cursor) doit être le nextCursor de la page précédente.' })
    .default(0)
    .meta({ description: 'Le `nextCursor` de la page précédente. / The previous page’s `nextCursor`.' }),
});

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
