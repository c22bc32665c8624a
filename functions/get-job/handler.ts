import { deps } from '../adapters/composition.ts';
import { getJob } from '../use-cases/get-job.ts';
import { parseInput } from '../use-cases/input/inputs.ts';
import { jobIdSchema } from '../http/admin-requests.ts';
import { pathParameter } from '../http/request.ts';
import type { Answer, jobViewSchema } from '../http/admin-responses.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/** GET /admin/jobs/{id}: kind, state, done/total, failed items with their reason, start and end. */
export const handler = adminRoute(async (event) => {
  const id = parseInput(jobIdSchema, pathParameter(event, 'id'), 'id');
  return json(200, (await getJob(d, id)) satisfies Answer<typeof jobViewSchema>);
});
