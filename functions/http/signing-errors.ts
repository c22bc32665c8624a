/** How errors on the mayor's pages look: a neutral page for links, a French apology for the rest. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isAppError } from '../core/errors.ts';
import { invalidLinkPage, unavailablePage } from '../../templates/pages/signing-page.ts';
import { html } from './middleware.ts';

export function signingErrorPage(contactEmail: string) {
  return (error: unknown): APIGatewayProxyStructuredResultV2 => {
    if (isAppError(error) && (error.code === 'LINK_INVALID' || error.code === 'NOT_FOUND')) {
      return html(404, invalidLinkPage(contactEmail));
    }
    return html(503, unavailablePage(contactEmail));
  };
}
