import { deps } from '../adapters/composition.ts';
import { parisDateOf } from '../domain/calendar.ts';
import { AppError } from '../domain/errors.ts';
import { resolveAvenantLink } from '../use-cases/signing-link.ts';
import { avenantPage, avenantSignedPage } from '../../templates/pages/avenant-page.ts';
import { avenantPdf } from '../use-cases/view-convention.ts';
import { pathParameter } from '../http/request.ts';
import { html, pageRoute } from '../http/middleware.ts';
import { signingErrorPage } from '../http/signing-errors.ts';

const d = deps();

/** GET /avenant/{token} (the page) and GET /avenant/{token}/document (the PDF, signed once signed). */
export const handler = pageRoute(async (event) => {
  const token = pathParameter(event, 'token');
  if (event.rawPath.endsWith('/document')) {
    const found = await avenantPdf(d, token);
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
  const { convention, avenant } = await resolveAvenantLink(d, token);
  if (avenant.status === 'signed' || avenant.status === 'executed') return html(200, avenantSignedPage({ convention, avenant, token, contactEmail: d.contactEmail, justSigned: false }));
  return html(200, avenantPage({ convention, avenant, token, contactEmail: d.contactEmail, today: parisDateOf(d.now()) }));
}, signingErrorPage(d.contactEmail));
