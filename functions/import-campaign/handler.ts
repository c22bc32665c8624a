import { deps } from '../adapters/composition.ts';
import { prepareImportUpload, startImport } from '../use-cases/import-campaign.ts';
import { parseInput, schoolYearSchema } from '../domain/inputs.ts';
import { importKeySchema, importUploadSchema } from '../http/admin-requests.ts';
import { bodyBytes, jsonBody, pathParameter } from '../http/request.ts';
import type { Answer, importUploadTicketSchema, jobStartedSchema } from '../http/admin-responses.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/**
 * POST /admin/campaigns/{schoolYear}/imports: a CSV body, or JSON `{"key"}` of a file uploaded through
 * POST …/imports/uploads (for files above the API's payload limit, up to 20 MB); 202 with the job.
 */
export const handler = adminRoute(async (event, admin) => {
  const schoolYear = parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');
  if (event.rawPath.endsWith('/uploads')) {
    const { size, md5 } = parseInput(importUploadSchema, jsonBody(event));
    return json(201, (await prepareImportUpload(d, { schoolYear, size, md5 })) satisfies Answer<typeof importUploadTicketSchema>);
  }
  const isJson = /^application\/json/i.test(event.headers?.['content-type'] ?? '');
  const source = isJson ? { key: parseInput(importKeySchema, jsonBody(event)).key } : { file: bodyBytes(event) };
  const { jobId } = await startImport(d, { schoolYear, actor: admin.actor, ...source });
  return json(202, { jobId, job: `/admin/jobs/${jobId}` } satisfies Answer<typeof jobStartedSchema>);
});
