/** The query string of a campaign's list of conventions (the API's and the console's), refused field by field in French; the list itself is domain/list-conventions.ts. */
import * as z from 'zod';
import { CONVENTION_STATUSES } from '../../domain/campaign-stats.ts';
import { optionalText } from './inputs.ts';

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
