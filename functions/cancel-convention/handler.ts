import * as z from 'zod';
import { deps } from '../adapters/composition.ts';
import { cancelConvention } from '../core/cancel-convention.ts';
import { conventionIdSchema, multilineText, parseInput } from '../core/inputs.ts';
import { jsonBody, pathParameter } from '../http/request.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();
const cancelBodySchema = z.object({ reason: multilineText("La raison de l'annulation", { max: 500 }) }, { error: "Le corps de la requête doit être un objet JSON avec la raison de l'annulation (« reason »)." });

/** POST /admin/conventions/{id}/cancel: a convention not yet signed is cancelled, with a reason. */
export const handler = adminRoute(async (event, admin) => {
  const id = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
  const { reason } = parseInput(cancelBodySchema, jsonBody(event));
  const convention = await cancelConvention(d, { id, reason, actor: admin.actor });
  return json(200, { id: convention.id, status: convention.status });
});
