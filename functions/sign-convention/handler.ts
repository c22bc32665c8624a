import { deps } from '../adapters/composition.ts';
import { appendLogKeys } from '../adapters/logging.ts';
import { settledError } from '../domain/convention-errors.ts';
import { isAppError } from '../domain/errors.ts';
import { parseInput, signatureFormSchema } from '../use-cases/input/inputs.ts';
import { signConvention } from '../use-cases/sign-convention.ts';
import { resolveSigningLink } from '../use-cases/signing-link.ts';
import { signedPage, signingPage } from '../../templates/pages/signing-page.ts';
import { clientOf, formBody, pathParameter, type FormValues } from '../http/request.ts';
import { html, pageRoute } from '../http/middleware.ts';
import { signingErrorPage } from '../http/signing-errors.ts';

const d = deps();
const contactEmail = d.contactEmail;

/** POST /sign/{token}: the signing form. Bad input shows the form again with the fields to fix. */
export const handler = pageRoute(async (event) => {
  const token = pathParameter(event, 'token');
  // A form that cannot be read (a field sent twice, a malformed encoding) is shown again like any other mistake.
  let values: FormValues = {};
  try {
    values = formBody(event);
    const form = parseInput(signatureFormSchema, values);
    // The signed copy is sealed and emailed by a job: the page says it is on its way.
    const { sealingJob: _job, ...convention } = await signConvention(d, { token, form, ...clientOf(event) });
    appendLogKeys({ conventionId: convention.id });
    return html(200, signedPage({ convention, token, contactEmail, justSigned: true }));
  } catch (error) {
    if (!isAppError(error) || error.code !== 'INVALID_INPUT') throw error;
    const { convention, linkExpiresAt } = await resolveSigningLink(d, token);
    const settled = settledError(convention);
    if (settled) throw settled;
    return html(400, signingPage({ convention, token, linkExpiresAt, contactEmail, issues: error.issues, values }));
  }
}, signingErrorPage(contactEmail));
