import { deps } from '../adapters/composition.ts';
import { cancelConvention } from '../use-cases/cancel-convention.ts';
import { conventionIdSchema, parseInput } from '../use-cases/input/inputs.ts';
import { cancelBodySchema } from '../http/admin-requests.ts';
import { jsonBody, pathParameter } from '../http/request.ts';
import type { Answer, conventionStatusChangeSchema } from '../http/admin-responses.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/** POST /admin/conventions/{id}/cancel: a convention not yet signed is cancelled, with a reason. */
export const handler = adminRoute(async (event, admin) => {
  const id = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
  const { reason } = parseInput(cancelBodySchema, jsonBody(event));
  const convention = await cancelConvention(d, { id, reason, actor: admin.actor });
  return json(200, { id: convention.id, status: convention.status } satisfies Answer<typeof conventionStatusChangeSchema>);
});
