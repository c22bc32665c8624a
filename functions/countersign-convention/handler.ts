import * as z from 'zod';
import { deps } from '../adapters/composition.ts';
import { sealer } from '../adapters/sealing.ts';
import { countersignConvention } from '../core/countersign-convention.ts';
import { conventionIdSchema, parseInput, text } from '../core/inputs.ts';
import { clientOf, pathParameter, rawBody, jsonBody } from '../http/request.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = { ...deps(), sealer: sealer() };

const countersignBodySchema = z.object(
  { delegate: z.object({ name: text('Le nom du délégué'), title: text('La fonction du délégué', 300) }).optional() },
  { error: 'Le corps de la requête doit être un objet JSON (vide, ou avec « delegate »).' },
);

/** POST /admin/conventions/{id}/countersign: the rectrice, or a named delegate, countersigns. */
export const handler = adminRoute(
  async (event, admin) => {
    const id = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
    const body = parseInput(countersignBodySchema, rawBody(event).trim() === '' ? {} : jsonBody(event));
    const convention = await countersignConvention(d, { id, ...body, actor: admin.actor, ...clientOf(event) });
    const { link: _link, sendingJob: _job, ...shown } = convention;
    return json(200, shown);
  },
  { role: 'signataire' },
);
