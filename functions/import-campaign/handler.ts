import * as z from 'zod';
import { deps } from '../adapters/composition.ts';
import { prepareImportUpload, startImport } from '../core/import-campaign.ts';
import { parseInput, schoolYearSchema, text } from '../core/inputs.ts';
import { bodyBytes, jsonBody, pathParameter } from '../http/request.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

const uploadSchema = z.object({
  size: z.number({ error: 'Indiquez la taille du fichier en octets (size).' })
    .int({ error: 'La taille du fichier (size) est un nombre entier d’octets.' })
    .positive({ error: 'La taille du fichier (size) doit être positive.' }),
  // S3 requires it on every upload to the documents bucket (Object Lock), and it proves the file arrived whole.
  md5: z.string({ error: "Indiquez l'empreinte MD5 du fichier, en base64 (md5)." }).regex(/^[A-Za-z0-9+/]{22}==$/, { error: "L'empreinte MD5 doit être les 16 octets du MD5 du fichier, en base64 (24 caractères)." }),
});
const keySchema = z.object({ key: text('La clé du fichier déposé (key)', 1024) });

/**
 * POST /admin/campaigns/{schoolYear}/imports: a CSV body, or JSON `{"key"}` of a file uploaded through
 * POST …/imports/uploads (for files above the API's payload limit, up to 20 MB); 202 with the job.
 */
export const handler = adminRoute(async (event, admin) => {
  const schoolYear = parseInput(schoolYearSchema, pathParameter(event, 'schoolYear'), 'schoolYear');
  if (event.rawPath.endsWith('/uploads')) {
    const { size, md5 } = parseInput(uploadSchema, jsonBody(event));
    return json(201, await prepareImportUpload(d, { schoolYear, size, md5 }));
  }
  const isJson = /^application\/json/i.test(event.headers?.['content-type'] ?? '');
  const source = isJson ? { key: parseInput(keySchema, jsonBody(event)).key } : { file: bodyBytes(event) };
  const { jobId } = await startImport(d, { schoolYear, actor: admin.actor, ...source });
  return json(202, { jobId, job: `/admin/jobs/${jobId}` });
});
