import { deps } from '../adapters/composition.ts';
import { conventionIdSchema, parseInput } from '../use-cases/input/inputs.ts';
import { resendLink } from '../use-cases/resend-link.ts';
import { resendBodySchema } from '../http/admin-requests.ts';
import { jsonBody, pathParameter, rawBody } from '../http/request.ts';
import type { Answer, linkResentSchema } from '../http/admin-responses.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/** POST /admin/conventions/{id}/resend: a new link to the mayor (optionally at a corrected address); the old one dies. */
export const handler = adminRoute(async (event, admin) => {
  const id = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
  const body = parseInput(resendBodySchema, rawBody(event).trim() === '' ? {} : jsonBody(event));
  const convention = await resendLink(d, { id, actor: admin.actor, ...body });
  return json(200, { id: convention.id, status: convention.status, mayorEmail: convention.mayor.email, linkExpiresAt: convention.link?.expiresAt } satisfies Answer<typeof linkResentSchema>);
});
