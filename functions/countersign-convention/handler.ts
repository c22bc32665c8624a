import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { deps } from '../adapters/composition.ts';
import { countersignConvention, startCampaignCountersign } from '../use-cases/countersign-convention.ts';
import { conventionIdSchema, parseInput, schoolYearSchema } from '../use-cases/input/inputs.ts';
import { campaignCountersignBodySchema, countersignBodySchema } from '../http/admin-requests.ts';
import { clientOf, pathParameter, rawBody, jsonBody } from '../http/request.ts';
import type { Answer, countersignedConventionSchema, jobStartedSchema } from '../http/admin-responses.ts';
import { adminRoutes, json, type Admin } from '../http/middleware.ts';

const d = deps();

/** Both routes take an empty body, or a JSON object. */
const bodyOf = (event: APIGatewayProxyEventV2WithJWTAuthorizer) => (rawBody(event).trim() === '' ? {} : jsonBody(event));

/**
 * POST /admin/conventions/{id}/countersign: the rectrice, or a named delegate, countersigns; 200 with the
 * executed convention and `jobId`, the job that seals and sends the final document (GET /admin/jobs/{jobId}).
 */
async function countersignOne(event: APIGatewayProxyEventV2WithJWTAuthorizer, admin: Admin) {
  const body = bodyOf(event);
  const id = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
  const { delegate } = parseInput(countersignBodySchema, body);
  const convention = await countersignConvention(d, { id, ...(delegate ? { delegate } : {}), actor: admin.actor, ...clientOf(event) });
  const { link: _link, links: _links, sendingJob: _job, ...shown } = convention;
  return json(200, { ...shown, jobId: convention.executedJob } satisfies Answer<typeof countersignedConventionSchema>);
}

/**
 * POST /admin/campaigns/{schoolYear}/countersign: 202 with the tracked job that countersigns every signed
 * convention of the campaign, or those of `ids`.
 */
async function countersignCampaign(event: APIGatewayProxyEventV2WithJWTAuthorizer, admin: Admin) {
  const body = bodyOf(event);
  const schoolYear = parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');
  const { ids, delegate } = parseInput(campaignCountersignBodySchema, body);
  const { jobId } = await startCampaignCountersign(d, {
    schoolYear,
    ...(ids ? { ids: [...new Set(ids)] } : {}),
    ...(delegate ? { delegate } : {}),
    actor: admin.actor,
    ...clientOf(event),
  });
  return json(202, { jobId, job: `/admin/jobs/${jobId}` } satisfies Answer<typeof jobStartedSchema>);
}

export const handler = adminRoutes(
  [
    { method: 'POST', path: '/admin/conventions/{id}/countersign', handle: countersignOne },
    { method: 'POST', path: '/admin/campaigns/{schoolYear}/countersign', handle: countersignCampaign },
  ],
  { role: 'signataire' },
);
