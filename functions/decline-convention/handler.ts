import { deps } from '../adapters/composition.ts';
import { appendLogKeys } from '../adapters/logging.ts';
import { settledError } from '../domain/convention-errors.ts';
import { declineConvention } from '../use-cases/decline-convention.ts';
import { isAppError } from '../domain/errors.ts';
import { declineFormSchema, parseInput } from '../use-cases/input/inputs.ts';
import { resolveSigningLink } from '../use-cases/signing-link.ts';
import { declinedPage, signingPage } from '../../templates/pages/signing-page.ts';
import { clientOf, formBody, pathParameter, type FormValues } from '../http/request.ts';
import { html, pageRoute } from '../http/middleware.ts';
import { signingErrorPage } from '../http/signing-errors.ts';

const d = deps();
const contactEmail = d.contactEmail;

/** POST /sign/{token}/decline: the mayor declines, with a reason. */
export const handler = pageRoute(async (event) => {
  const token = pathParameter(event, 'token');
  // A form that cannot be read (a field sent twice, a malformed encoding) is shown again like any other mistake.
  let values: FormValues = {};
  try {
    values = formBody(event);
    const convention = await declineConvention(d, { token, form: parseInput(declineFormSchema, values), ...clientOf(event) });
    appendLogKeys({ conventionId: convention.id });
    return html(200, declinedPage({ convention, contactEmail, justDeclined: true }));
  } catch (error) {
    if (!isAppError(error) || error.code !== 'INVALID_INPUT') throw error;
    const { convention, linkExpiresAt } = await resolveSigningLink(d, token);
    const settled = settledError(convention);
    if (settled) throw settled;
    return html(400, signingPage({ convention, token, linkExpiresAt, contactEmail, issues: error.issues, values, declining: true }));
  }
}, signingErrorPage(contactEmail));
