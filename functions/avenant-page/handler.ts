import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { deps } from '../adapters/composition.ts';
import { parisDateOf } from '../domain/calendar.ts';
import { AppError } from '../domain/errors.ts';
import { resolveAvenantLink } from '../use-cases/signing-link.ts';
import { avenantPdf } from '../use-cases/view-convention.ts';
import { avenantPage, avenantSignedPage } from '../../templates/pages/avenant-page.ts';
import { pathParameter } from '../http/request.ts';
import { html, pageRoutes } from '../http/middleware.ts';
import { signingErrorPage } from '../http/signing-errors.ts';

const d = deps();

/** GET /avenant/{token}: the page, to sign or signed. */
async function page(event: APIGatewayProxyEventV2) {
  const token = pathParameter(event, 'token');
  const { convention, avenant } = await resolveAvenantLink(d, token);
  if (avenant.status === 'signed' || avenant.status === 'executed') return html(200, avenantSignedPage({ convention, avenant, token, contactEmail: d.contactEmail, justSigned: false }));
  return html(200, avenantPage({ convention, avenant, token, contactEmail: d.contactEmail, today: parisDateOf(d.now()) }));
}

/** GET /avenant/{token}/document: the PDF, signed once signed. */
async function document(event: APIGatewayProxyEventV2) {
  const found = await avenantPdf(d, pathParameter(event, 'token'));
  if (!found) throw new AppError('LINK_INVALID', 'Document introuvable.');
  const { avenant, pdf } = found;
  const name = `avenant-ent-ecole-${avenant.schoolYear}-${avenant.id.slice(0, 8)}${avenant.signedDocument ? '-signe' : ''}.pdf`;
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${name}"`, 'cache-control': 'no-store' },
    isBase64Encoded: true,
    body: Buffer.from(pdf).toString('base64'),
  };
}

export const handler = pageRoutes(
  [
    { method: 'GET', path: '/avenant/{token}', handle: page },
    { method: 'GET', path: '/avenant/{token}/document', handle: document },
  ],
  signingErrorPage(d.contactEmail),
);
