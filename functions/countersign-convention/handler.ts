import * as z from 'zod';
import { deps } from '../adapters/composition.ts';
import { countersignConvention, startCampaignCountersign } from '../core/countersign-convention.ts';
import { conventionIdSchema, parseInput, schoolYearSchema, text } from '../core/inputs.ts';
import { clientOf, pathParameter, rawBody, jsonBody } from '../http/request.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

const delegateSchema = z.object({ name: text('Le nom du délégué'), title: text('La fonction du délégué', 300) }).optional();

const countersignBodySchema = z.object(
  { delegate: delegateSchema },
  { error: 'Le corps de la requête doit être un objet JSON (vide, ou avec « delegate »).' },
);

const campaignBodySchema = z.object(
  {
    ids: z
      .array(conventionIdSchema, { error: '« ids » doit être une liste d’identifiants de conventions.' })
      .min(1, { error: '« ids » ne doit pas être vide : omettez-le pour contresigner toutes les conventions signées.' })
      .max(5_000, { error: '« ids » ne doit pas dépasser 5 000 conventions.' })
      .optional(),
    delegate: delegateSchema,
  },
  { error: 'Le corps de la requête doit être un objet JSON (vide, ou avec « ids » et « delegate »).' },
);

/**
 * POST /admin/conventions/{id}/countersign: the rectrice, or a named delegate, countersigns; 200 with the
 * executed convention and `jobId`, the job that seals and sends the final document (GET /admin/jobs/{jobId}).
 * POST /admin/campaigns/{schoolYear}/countersign: 202 with the tracked job that countersigns every signed
 * convention of the campaign, or those of `ids`.
 */
export const handler = adminRoute(
  async (event, admin) => {
    const body = rawBody(event).trim() === '' ? {} : jsonBody(event);
    if (event.rawPath.startsWith('/admin/campaigns/')) {
      const schoolYear = parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');
      const { ids, delegate } = parseInput(campaignBodySchema, body);
      const { jobId } = await startCampaignCountersign(d, {
        schoolYear,
        ...(ids ? { ids: [...new Set(ids)] } : {}),
        ...(delegate ? { delegate } : {}),
        actor: admin.actor,
        ...clientOf(event),
      });
      return json(202, { jobId, job: `/admin/jobs/${jobId}` });
    }
    const id = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
    const { delegate } = parseInput(countersignBodySchema, body);
    const convention = await countersignConvention(d, { id, ...(delegate ? { delegate } : {}), actor: admin.actor, ...clientOf(event) });
    const { link: _link, links: _links, sendingJob: _job, ...shown } = convention;
    return json(200, { ...shown, jobId: convention.executedJob });
  },
  { role: 'signataire' },
);
