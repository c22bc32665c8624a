/**
 * How errors on the mayor's pages look: where the convention stands when it
 * is already signed or declined, one neutral page for any bad link, and a
 * French apology for the rest (never a stack trace).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AlreadyDeclinedError, AlreadySignedError } from '../domain/convention-errors.ts';
import { isAppError } from '../domain/errors.ts';
import { declinedPage, invalidLinkPage, signedPage, unavailablePage } from '../../templates/pages/signing-page.ts';
import { html } from './middleware.ts';
import { pathParameter } from './request.ts';

export function signingErrorPage(contactEmail: string) {
  return (error: unknown, event: APIGatewayProxyEventV2): APIGatewayProxyStructuredResultV2 => {
    if (error instanceof AlreadySignedError) {
      const token = pathParameter(event, 'token');
      return html(409, signedPage({ convention: error.convention, token, contactEmail, justSigned: false }));
    }
    if (error instanceof AlreadyDeclinedError) {
      return html(409, declinedPage({ convention: error.convention, contactEmail, justDeclined: false }));
    }
    if (isAppError(error) && (error.code === 'LINK_INVALID' || error.code === 'NOT_FOUND')) {
      return html(404, invalidLinkPage(contactEmail));
    }
    return html(503, unavailablePage(contactEmail));
  };
}
