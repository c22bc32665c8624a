import { deps } from '../adapters/composition.ts';
import { auditExport, avenantHeadsOf, getConvention } from '../core/get-convention.ts';
import { conventionIdSchema, parseInput } from '../core/inputs.ts';
import { pathParameter } from '../http/request.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/**
 * GET /admin/conventions/{id}: the convention, its status and its dated history.
 * GET /admin/conventions/{id}/audit.json: the audit trail as a file to keep.
 */
export const handler = adminRoute(async (event) => {
  const id = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
  const found = await getConvention(d, id);
  if (event.rawPath.endsWith('/audit.json')) {
    const response = json(200, auditExport(found, d.now(), await avenantHeadsOf(d, found)));
    response.headers = { ...response.headers, 'content-disposition': `attachment; filename="audit-convention-${id}.json"` };
    return response;
  }
  const { link: _link, links: _links, sendingJob: _job, ...shown } = found.convention;
  return json(200, { ...shown, history: found.history });
});
