/**
 * The files the rectorat downloads, as HTTP answers: billing.csv, audit.json and evidence.zip. One builder
 * each, used by the admin API and by the console, so both give the same bytes with the same headers.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { zipSync, type Zippable } from 'fflate';
import { sealContentsReader } from '../adapters/seal-contents.ts';
import { billingCsv, billingCsvFilename } from '../../templates/export/billing-csv.ts';
import { evidenceFiles } from '../use-cases/evidence.ts';
import { auditExport, auditTrail } from '../use-cases/get-convention.ts';
import type { Convention } from '../domain/model.ts';
import type { Deps } from '../use-cases/ports.ts';
import type { Answer, evidenceTooLargeSchema } from './admin-responses.ts';
import { json } from './middleware.ts';

type Result = APIGatewayProxyStructuredResultV2;

/** Lambda returns at most 6 MB, and a binary body goes as base64 (4/3): the zip must stay under this. */
export const EVIDENCE_MAX_BYTES = Math.floor(((6 * 1024 * 1024 - 64 * 1024) * 3) / 4);

const attachment = (contentType: string, fileName: string, bytes: Uint8Array): Result => ({
  statusCode: 200,
  headers: { 'content-type': contentType, 'content-disposition': `attachment; filename="${fileName}"`, 'cache-control': 'no-store' },
  isBase64Encoded: true,
  body: Buffer.from(bytes).toString('base64'),
});

/** billing.csv of a campaign's conventions (`toInvoiceOnly`: only what has no titre yet). */
export function billingCsvAnswer(schoolYear: string, conventions: readonly Convention[], toInvoiceOnly: boolean): Result {
  return attachment('text/csv; charset=utf-8', billingCsvFilename(schoolYear), billingCsv(conventions, undefined, { toInvoiceOnly }));
}

/** audit.json: the convention's audit trail as a file to keep. */
export async function auditJsonAnswer(deps: Pick<Deps, 'conventions' | 'avenants' | 'now'>, id: string): Promise<Result> {
  const { found, avenantHeads } = await auditTrail(deps, id);
  const response = json(200, auditExport(found, deps.now(), avenantHeads));
  response.headers = { ...response.headers, 'content-disposition': `attachment; filename="audit-convention-${id}.json"` };
  return response;
}

/** evidence.zip: the proof file of a convention or of one of its avenants (use-cases/evidence.ts); 507 beyond what a response carries. */
export async function evidenceZipAnswer(deps: Pick<Deps, 'conventions' | 'avenants' | 'documents' | 'now'>, id: string, avenantId?: string): Promise<Result> {
  const { fileName, files } = await evidenceFiles({ ...deps, sealContents: sealContentsReader }, id, avenantId);
  // PDFs, tokens and CRLs are compressed already: stored as they are; the texts deflated.
  const zip = zipSync(Object.fromEntries(files.map(({ name, bytes }) => [name, [bytes, { level: /\.(txt|json|pem)$/.test(name) ? 6 : 0 }]])) as Zippable);
  if (zip.length > EVIDENCE_MAX_BYTES) {
    const message = `Le dossier de preuve fait ${(zip.length / 1024 / 1024).toFixed(1)} Mo, au-delà de ce qu'une réponse peut porter (6 Mo en base64) : téléchargez audit.json et les PDF un par un.`;
    // The error body of every route (functions/http/errors.ts), with its own code.
    return json(507, { error: { code: 'EVIDENCE_TOO_LARGE', message, fields: [] } } satisfies Answer<typeof evidenceTooLargeSchema>);
  }
  return attachment('application/zip', fileName, zip);
}
