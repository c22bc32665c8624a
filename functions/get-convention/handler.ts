import { z } from 'zod';
import { deps } from '../adapters/composition.ts';
import { getConvention } from '../core/get-convention.ts';
import { parseInput } from '../core/inputs.ts';
import { pathParameter } from '../http/request.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();
const conventionIdSchema = z.uuid({ error: "L'identifiant de convention doit être un UUID." });

/** GET /admin/conventions/{id}: the convention, its status and its dated history. */
export const handler = adminRoute(async (event) => {
  const id = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
  const { convention, history } = await getConvention(d, id);
  const { link: _link, sendingLeaseUntil: _lease, ...shown } = convention;
  return json(200, { ...shown, history });
});
