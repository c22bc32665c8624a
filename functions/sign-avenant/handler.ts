import { deps } from '../adapters/composition.ts';
import { parisDateOf } from '../domain/calendar.ts';
import { isAppError } from '../domain/errors.ts';
import { parseInput, signatureFormSchema } from '../use-cases/input/inputs.ts';
import { AvenantAlreadySignedError, signAvenant } from '../use-cases/sign-avenant.ts';
import { resolveAvenantLink } from '../use-cases/signing-link.ts';
import { avenantPage, avenantSignedPage } from '../../templates/pages/avenant-page.ts';
import { clientOf, formBody, pathParameter, type FormValues } from '../http/request.ts';
import { html, pageRoute } from '../http/middleware.ts';
import { signingErrorPage } from '../http/signing-errors.ts';

const d = deps();
const contactEmail = d.contactEmail;

/** POST /avenant/{token}: the mayor signs the avenant; a mistake, or a date before the window, shows the page again. */
export const handler = pageRoute(async (event) => {
  const token = pathParameter(event, 'token');
  // A form that cannot be read (a field sent twice, a malformed encoding) is shown again like any other mistake.
  let values: FormValues = {};
  try {
    values = formBody(event);
    const { convention, avenant } = await signAvenant(d, { token, form: parseInput(signatureFormSchema, values), ...clientOf(event) });
    return html(200, avenantSignedPage({ convention, avenant, token, contactEmail, justSigned: true }));
  } catch (error) {
    if (error instanceof AvenantAlreadySignedError) {
      return html(409, avenantSignedPage({ convention: error.convention, avenant: error.avenant, token, contactEmail, justSigned: false }));
    }
    if (!isAppError(error) || (error.code !== 'INVALID_INPUT' && error.code !== 'CONFLICT')) throw error;
    const { convention, avenant } = await resolveAvenantLink(d, token);
    const issues = error.issues.length ? error.issues : [{ field: 'avenant', message: error.message }];
    return html(error.code === 'CONFLICT' ? 409 : 400, avenantPage({ convention, avenant, token, contactEmail, today: parisDateOf(d.now()), issues, values }));
  }
}, signingErrorPage(contactEmail));
