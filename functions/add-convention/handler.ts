import { deps } from '../adapters/composition.ts';
import { addConvention } from '../use-cases/add-convention.ts';
import { newConventionSchema, parseInput, schoolYearSchema } from '../use-cases/input/inputs.ts';
import { jsonBody, pathParameter } from '../http/request.ts';
import type { Answer, conventionAddedSchema } from '../http/admin-responses.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/** POST /admin/campaigns/{schoolYear}/conventions */
export const handler = adminRoute(async (event, admin) => {
  const schoolYear = parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');
  const convention = await addConvention(d, {
    schoolYear,
    convention: parseInput(newConventionSchema, jsonBody(event)),
    actor: admin.actor,
  });
  const { id, status, amountCents, feeCents, schools } = convention;
  return json(201, { id, status, amountCents, feeCents, schoolCount: schools.length, convention } satisfies Answer<typeof conventionAddedSchema>);
});
