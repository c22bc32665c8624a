import { deps } from '../adapters/composition.ts';
import { conventionIdSchema, parseInput } from '../use-cases/input/inputs.ts';
import { recordTitre } from '../use-cases/record-titre.ts';
import { titreBodySchema } from '../http/admin-requests.ts';
import type { Answer, titreRecordedSchema } from '../http/admin-responses.ts';
import { jsonBody, pathParameter } from '../http/request.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/** POST /admin/conventions/{id}/titre: the finance office issued the convention's titre de perception; recorded once (role gestionnaire). */
export const handler = adminRoute(async (event, admin) => {
  const id = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
  const { number, date } = parseInput(titreBodySchema, jsonBody(event));
  const convention = await recordTitre(d, { id, number, date, actor: admin.actor });
  return json(200, { id: convention.id, reference: convention.reference, status: convention.status, amountCents: convention.amountCents, titre: convention.titre } satisfies Answer<typeof titreRecordedSchema>);
});
