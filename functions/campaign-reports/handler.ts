import * as z from 'zod';
import { deps } from '../adapters/composition.ts';
import { billingCsv, billingCsvFilename } from '../core/billing-csv.ts';
import { campaignStats } from '../core/campaign-stats.ts';
import { AppError } from '../core/errors.ts';
import { optionalText, parseInput, schoolYearSchema } from '../core/inputs.ts';
import { listConventions } from '../core/list-conventions.ts';
import { pathParameter } from '../http/request.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

const listQuerySchema = z.object({
  status: z.enum(['draft', 'sending', 'sent', 'signed', 'declined', 'executed', 'expired', 'cancelled'], { error: 'Statut inconnu.' }).optional(),
  departement: z.string().regex(/^(\d{2,3}|2[AB])$/, { error: 'Le département s’écrit comme « 34 » ou « 09 ».' }).optional(),
  q: optionalText('La recherche', 100),
  limit: z.coerce.number({ error: 'La taille de page (limit) doit être un nombre.' }).int({ error: 'La taille de page (limit) doit être un nombre entier.' })
    .min(1, { error: 'La taille de page (limit) est d’au moins 1.' }).max(500, { error: 'La taille de page (limit) ne doit pas dépasser 500.' }).default(100),
  cursor: z.coerce.number({ error: 'Le curseur (cursor) doit être le nextCursor de la page précédente.' }).int({ error: 'Le curseur (cursor) doit être le nextCursor de la page précédente.' })
    .min(0, { error: 'Le curseur (cursor) doit être le nextCursor de la page précédente.' }).default(0),
});

const billingQuerySchema = z.object({
  reste: z.enum(['0', '1'], { error: '« reste » vaut 1 (seulement ce qui reste à facturer : pas encore de titre de perception) ou 0 (tout).' }).optional(),
});

/**
 * GET /admin/campaigns/{schoolYear}/conventions (filtered, paginated),
 * …/stats (counts and amounts) and …/billing.csv (what to invoice; `?reste=1`: only what has no titre yet).
 */
export const handler = adminRoute(async (event) => {
  const schoolYear = parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');
  if (!(await d.campaigns.get(schoolYear))) throw new AppError('NOT_FOUND', `Aucune campagne n'existe pour l'année scolaire ${schoolYear}.`);
  const conventions = await d.conventions.listByCampaign(schoolYear);
  if (event.rawPath.endsWith('/stats')) return json(200, campaignStats(conventions));
  if (event.rawPath.endsWith('/billing.csv')) {
    const { reste } = parseInput(billingQuerySchema, event.queryStringParameters ?? {});
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${billingCsvFilename(schoolYear)}"`, 'cache-control': 'no-store' },
      isBase64Encoded: true,
      body: Buffer.from(billingCsv(conventions, undefined, { toInvoiceOnly: reste === '1' })).toString('base64'),
    };
  }
  return json(200, listConventions(conventions, parseInput(listQuerySchema, event.queryStringParameters ?? {})));
});
