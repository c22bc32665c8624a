import { deps } from '../adapters/composition.ts';
import { avenantRequestSchema, conventionIdSchema, parseInput } from '../use-cases/input/inputs.ts';
import { requestAvenantOf } from '../use-cases/request-avenant.ts';
import { jsonBody, pathParameter } from '../http/request.ts';
import type { Answer, avenantSchema } from '../http/admin-responses.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/** POST /admin/conventions/{id}/avenants: the rectorat prepares an avenant; the mayor receives it to sign. */
export const handler = adminRoute(async (event, admin) => {
  const id = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
  const { schools } = parseInput(avenantRequestSchema, jsonBody(event));
  const { avenant } = await requestAvenantOf(d, { conventionId: id, schools, actor: admin.actor });
  const { link: _link, ...shown } = avenant;
  return json(201, shown satisfies Answer<typeof avenantSchema>);
});
