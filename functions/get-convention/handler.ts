import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { deps } from '../adapters/composition.ts';
import { getConvention } from '../use-cases/get-convention.ts';
import { conventionIdSchema, parseInput } from '../use-cases/input/inputs.ts';
import { auditJsonAnswer, evidenceZipAnswer } from '../http/downloads.ts';
import { pathParameter } from '../http/request.ts';
import type { Answer, conventionWithHistorySchema } from '../http/admin-responses.ts';
import { adminRoutes, json } from '../http/middleware.ts';

const d = deps();

export { EVIDENCE_MAX_BYTES } from '../http/downloads.ts';

const idOf = (event: APIGatewayProxyEventV2WithJWTAuthorizer, name = 'id') => parseInput(conventionIdSchema, pathParameter(event, name), name);

/** GET /admin/conventions/{id}: the convention, its status and its dated history. */
async function convention(event: APIGatewayProxyEventV2WithJWTAuthorizer) {
  const found = await getConvention(d, idOf(event));
  const { link: _link, links: _links, sendingJob: _job, ...shown } = found.convention;
  return json(200, { ...shown, history: found.history } satisfies Answer<typeof conventionWithHistorySchema>);
}

/** GET /admin/conventions/{id}/audit.json: the audit trail as a file to keep. */
const auditTrail = async (event: APIGatewayProxyEventV2WithJWTAuthorizer) => auditJsonAnswer(d, idOf(event));

/** GET /admin/conventions/{id}/evidence.zip: the proof file (use-cases/evidence.ts). */
const evidence = async (event: APIGatewayProxyEventV2WithJWTAuthorizer) => evidenceZipAnswer(d, idOf(event));

/** GET /admin/conventions/{id}/avenants/{avenantId}/evidence.zip: an avenant's proof file. */
const avenantEvidence = async (event: APIGatewayProxyEventV2WithJWTAuthorizer) => {
  const id = idOf(event);
  return evidenceZipAnswer(d, id, idOf(event, 'avenantId'));
};

export const handler = adminRoutes([
  { method: 'GET', path: '/admin/conventions/{id}', handle: convention },
  { method: 'GET', path: '/admin/conventions/{id}/audit.json', handle: auditTrail },
  { method: 'GET', path: '/admin/conventions/{id}/evidence.zip', handle: evidence },
  { method: 'GET', path: '/admin/conventions/{id}/avenants/{avenantId}/evidence.zip', handle: avenantEvidence },
]);
