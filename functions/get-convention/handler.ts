import { zipSync, type Zippable } from 'fflate';
import { deps } from '../adapters/composition.ts';
import { sealContentsReader } from '../adapters/seal-contents.ts';
import { evidenceFiles } from '../core/evidence.ts';
import { auditExport, avenantHeadsOf, getConvention } from '../core/get-convention.ts';
import { conventionIdSchema, parseInput } from '../core/inputs.ts';
import { pathParameter } from '../http/request.ts';
import type { Answer, conventionWithHistorySchema, evidenceTooLargeSchema } from '../http/admin-responses.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

/** Lambda returns at most 6 MB, and a binary body goes as base64 (4/3): the zip must stay under this. */
export const EVIDENCE_MAX_BYTES = Math.floor(((6 * 1024 * 1024 - 64 * 1024) * 3) / 4);

/**
 * GET /admin/conventions/{id}: the convention, its status and its dated history.
 * GET /admin/conventions/{id}/audit.json: the audit trail as a file to keep.
 * GET /admin/conventions/{id}/evidence.zip, …/avenants/{avenantId}/evidence.zip: the proof file (core/evidence.ts).
 */
export const handler = adminRoute(async (event) => {
  const id = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
  if (event.rawPath.endsWith('/evidence.zip')) {
    const avenantId = event.pathParameters?.avenantId ? parseInput(conventionIdSchema, pathParameter(event, 'avenantId'), 'avenantId') : undefined;
    const { fileName, files } = await evidenceFiles({ ...d, sealContents: sealContentsReader }, id, avenantId);
    // PDFs, tokens and CRLs are compressed already: stored as they are; the texts deflated.
    const zip = zipSync(Object.fromEntries(files.map(({ name, bytes }) => [name, [bytes, { level: /\.(txt|json|pem)$/.test(name) ? 6 : 0 }]])) as Zippable);
    if (zip.length > EVIDENCE_MAX_BYTES) {
      const message = `Le dossier de preuve fait ${(zip.length / 1024 / 1024).toFixed(1)} Mo, au-delà de ce qu'une réponse peut porter (6 Mo en base64) : téléchargez audit.json et les PDF un par un.`;
      // The error body of every route (functions/http/errors.ts), with its own code.
      return json(507, { error: { code: 'EVIDENCE_TOO_LARGE', message, fields: [] } } satisfies Answer<typeof evidenceTooLargeSchema>);
    }
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${fileName}"`, 'cache-control': 'no-store' },
      isBase64Encoded: true,
      body: Buffer.from(zip).toString('base64'),
    };
  }
  const found = await getConvention(d, id);
  if (event.rawPath.endsWith('/audit.json')) {
    const response = json(200, auditExport(found, d.now(), await avenantHeadsOf(d, found)));
    response.headers = { ...response.headers, 'content-disposition': `attachment; filename="audit-convention-${id}.json"` };
    return response;
  }
  const { link: _link, links: _links, sendingJob: _job, ...shown } = found.convention;
  return json(200, { ...shown, history: found.history } satisfies Answer<typeof conventionWithHistorySchema>);
});
