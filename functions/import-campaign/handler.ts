import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { deps } from '../adapters/composition.ts';
import { prepareImportUpload, startImport } from '../use-cases/import-campaign.ts';
import { parseInput, schoolYearSchema } from '../use-cases/input/inputs.ts';
import { importKeySchema, importUploadSchema } from '../http/admin-requests.ts';
import { bodyBytes, jsonBody, pathParameter } from '../http/request.ts';
import type { Answer, importUploadTicketSchema, jobStartedSchema } from '../http/admin-responses.ts';
import { adminRoutes, json, type Admin } from '../http/middleware.ts';

const d = deps();

const schoolYearOf = (event: APIGatewayProxyEventV2WithJWTAuthorizer) => parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');

/** POST /admin/campaigns/{schoolYear}/imports: a CSV body, or JSON `{"key"}` of a file uploaded through …/imports/uploads; 202 with the job. */
async function startImportRoute(event: APIGatewayProxyEventV2WithJWTAuthorizer, admin: Admin) {
  const schoolYear = schoolYearOf(event);
  const isJson = /^application\/json/i.test(event.headers?.['content-type'] ?? '');
  const source = isJson ? { key: parseInput(importKeySchema, jsonBody(event)).key } : { file: bodyBytes(event) };
  const { jobId } = await startImport(d, { schoolYear, actor: admin.actor, ...source });
  return json(202, { jobId, job: `/admin/jobs/${jobId}` } satisfies Answer<typeof jobStartedSchema>);
}

/** POST /admin/campaigns/{schoolYear}/imports/uploads: a presigned upload, for files above the API's payload limit (up to 20 MB). */
async function prepareUploadRoute(event: APIGatewayProxyEventV2WithJWTAuthorizer) {
  const schoolYear = schoolYearOf(event);
  const { size, md5 } = parseInput(importUploadSchema, jsonBody(event));
  return json(201, (await prepareImportUpload(d, { schoolYear, size, md5 })) satisfies Answer<typeof importUploadTicketSchema>);
}

export const handler = adminRoutes([
  { method: 'POST', path: '/admin/campaigns/{schoolYear}/imports', handle: startImportRoute },
  { method: 'POST', path: '/admin/campaigns/{schoolYear}/imports/uploads', handle: prepareUploadRoute },
]);
