import { deps } from '../adapters/composition.ts';
import { countersignAvenant } from '../use-cases/countersign-avenant.ts';
import { conventionIdSchema, parseInput } from '../use-cases/input/inputs.ts';
import { countersignBodySchema } from '../http/admin-requests.ts';
import { clientOf, jsonBody, pathParameter, rawBody } from '../http/request.ts';
import type { Answer, countersignedAvenantSchema } from '../http/admin-responses.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/** POST /admin/conventions/{id}/avenants/{avenantId}/countersign: the rectrice, or a named delegate, countersigns an avenant; 200 with it and `jobId`, the job that seals and sends the final avenant. */
export const handler = adminRoute(
  async (event, admin) => {
    const conventionId = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
    const avenantId = parseInput(conventionIdSchema, pathParameter(event, 'avenantId'), 'avenantId');
    const body = parseInput(countersignBodySchema, rawBody(event).trim() === '' ? {} : jsonBody(event));
    const { link: _link, ...avenant } = await countersignAvenant(d, { conventionId, avenantId, ...body, actor: admin.actor, ...clientOf(event) });
    return json(200, avenant satisfies Answer<typeof countersignedAvenantSchema>);
  },
  { role: 'signataire' },
);
