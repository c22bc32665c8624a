import { deps } from '../adapters/composition.ts';
import { isAppError } from '../domain/errors.ts';
import { parseInput, schoolListSchema, schoolsFromLines } from '../use-cases/input/inputs.ts';
import { requestAvenant } from '../use-cases/request-avenant.ts';
import { resolveSigningLink } from '../use-cases/signing-link.ts';
import { signedPage } from '../../templates/pages/signing-page.ts';
import { formBody, pathParameter } from '../http/request.ts';
import { html, pageRoute } from '../http/middleware.ts';
import { signingErrorPage } from '../http/signing-errors.ts';

const d = deps();

/** POST /sign/{token}/avenant: from the signed convention's page, the mayor asks for a new list; then signs it. */
export const handler = pageRoute(async (event) => {
  const token = pathParameter(event, 'token');
  const { convention } = await resolveSigningLink(d, token);
  let text = '';
  try {
    text = formBody(event).schools ?? '';
    const schools = parseInput(schoolListSchema, schoolsFromLines(text), 'schools');
    const { token: avenantToken } = await requestAvenant(d, { convention, schools, requestedBy: 'maire', actor: convention.mayor.name });
    return { statusCode: 303, headers: { location: `/avenant/${avenantToken}`, 'cache-control': 'no-store' }, body: '' };
  } catch (error) {
    // A limit of the avenant (the convention's end date, the window) is shown on the page, as a bad list is.
    if (!isAppError(error) || !['INVALID_INPUT', 'ALREADY_EXISTS', 'CONFLICT'].includes(error.code)) throw error;
    const issues = error.issues.length ? error.issues : [{ field: 'schools', message: error.message }];
    return html(error.code === 'CONFLICT' ? 409 : 400, signedPage({ convention, token, contactEmail: d.contactEmail, justSigned: false, avenantIssues: issues, avenantValue: text }));
  }
}, signingErrorPage(d.contactEmail));
