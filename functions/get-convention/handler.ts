import { deps } from '../adapters/composition.ts';
import { getConvention } from '../use-cases/get-convention.ts';
import { conventionIdSchema, parseInput } from '../domain/inputs.ts';
import { auditJsonAnswer, evidenceZipAnswer } from '../http/downloads.ts';
import { pathParameter } from '../http/request.ts';
import type { Answer, conventionWithHistorySchema } from '../http/admin-responses.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

export { EVIDENCE_MAX_BYTES } from '../http/downloads.ts';

/**
 * GET /admin/conventions/{id}: the convention, its status and its dated history.
 * GET /admin/conventions/{id}/audit.json: the audit trail as a file to keep.
 * GET /admin/conventions/{id}/evidence.zip, …/avenants/{avenantId}/evidence.zip: the proof file (use-cases/evidence.ts).
 */
export const handler = adminRoute(async (event) => {
  const id = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
  if (event.rawPath.endsWith('/evidence.zip')) {
    const avenantId = event.pathParameters?.avenantId ? parseInput(conventionIdSchema, pathParameter(event, 'avenantId'), 'avenantId') : undefined;
    return evidenceZipAnswer(d, id, avenantId);
  }
  if (event.rawPath.endsWith('/audit.json')) return auditJsonAnswer(d, id);
  const found = await getConvention(d, id);
  const { link: _link, links: _links, sendingJob: _job, ...shown } = found.convention;
  return json(200, { ...shown, history: found.history } satisfies Answer<typeof conventionWithHistorySchema>);
});
