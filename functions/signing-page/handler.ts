import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { deps } from '../adapters/composition.ts';
import { appendLogKeys } from '../adapters/logging.ts';
import { documentFileName } from '../domain/document-keys.ts';
import { AppError } from '../domain/errors.ts';
import { conventionPdf, viewConvention } from '../use-cases/view-convention.ts';
import { declinedPage, signedPage, signingPage } from '../../templates/pages/signing-page.ts';
import { clientOf, pathParameter } from '../http/request.ts';
import { html, pageRoutes } from '../http/middleware.ts';
import { signingErrorPage } from '../http/signing-errors.ts';

const d = deps();

/** GET /sign/{token}: the page, where the convention stands. */
async function page(event: APIGatewayProxyEventV2) {
  const token = pathParameter(event, 'token');
  const convention = await viewConvention(d, { token, ...clientOf(event) });
  appendLogKeys({ conventionId: convention.id });
  const contactEmail = d.contactEmail;
  if (convention.status === 'signed' || convention.status === 'executed') return html(200, signedPage({ convention, token, contactEmail, justSigned: false }));
  if (convention.status === 'declined') return html(200, declinedPage({ convention, contactEmail, justDeclined: false }));
  return html(200, signingPage({ convention, token, linkExpiresAt: convention.linkExpiresAt, contactEmail }));
}

/** GET /sign/{token}/document: the PDF. */
async function document(event: APIGatewayProxyEventV2) {
  const found = await conventionPdf(d, pathParameter(event, 'token'));
  if (!found) throw new AppError('LINK_INVALID', 'Document introuvable.');
  appendLogKeys({ conventionId: found.convention.id });
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/pdf',
      // ?telecharger=1 downloads the file; otherwise the browser shows it.
      'content-disposition': `${event.queryStringParameters?.telecharger ? 'attachment' : 'inline'}; filename="${documentFileName(found.convention, found.version)}"`,
      'cache-control': 'no-store',
    },
    isBase64Encoded: true,
    body: Buffer.from(found.pdf).toString('base64'),
  };
}

export const handler = pageRoutes(
  [
    { method: 'GET', path: '/sign/{token}', handle: page },
    { method: 'GET', path: '/sign/{token}/document', handle: document },
  ],
  signingErrorPage(d.contactEmail),
);
