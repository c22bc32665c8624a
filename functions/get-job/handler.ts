import * as z from 'zod';
import { deps } from '../adapters/composition.ts';
import { getJob } from '../core/get-job.ts';
import { parseInput } from '../core/inputs.ts';
import { pathParameter } from '../http/request.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

const jobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, { error: "L'identifiant de tâche est invalide." });

/** GET /admin/jobs/{id}: kind, state, done/total, failed items with their reason, start and end. */
export const handler = adminRoute(async (event) => {
  const id = parseInput(jobIdSchema, pathParameter(event, 'id'), 'id');
  return json(200, await getJob(d, id));
});
