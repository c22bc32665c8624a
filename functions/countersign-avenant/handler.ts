import * as z from 'zod';
import { deps } from '../adapters/composition.ts';
import { countersignAvenant } from '../core/countersign-avenant.ts';
import { conventionIdSchema, parseInput, text } from '../core/inputs.ts';
import { clientOf, jsonBody, pathParameter, rawBody } from '../http/request.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();
const bodySchema = z.object(
  { delegate: z.object({ name: text('Le nom du délégué'), title: text('La fonction du délégué', 300) }).optional() },
  { error: 'Le corps de la requête doit être un objet JSON (vide, ou avec « delegate »).' },
);

/** POST /admin/conventions/{id}/avenants/{avenantId}/countersign: the rectrice, or a named delegate, countersigns an avenant; 200 with it and `jobId`, the job that seals and sends the final avenant. */
export const handler = adminRoute(
  async (event, admin) => {
    const conventionId = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
    const avenantId = parseInput(conventionIdSchema, pathParameter(event, 'avenantId'), 'avenantId');
    const body = parseInput(bodySchema, rawBody(event).trim() === '' ? {} : jsonBody(event));
    const { link: _link, ...avenant } = await countersignAvenant(d, { conventionId, avenantId, ...body, actor: admin.actor, ...clientOf(event) });
    return json(200, avenant);
  },
  { role: 'signataire' },
);
