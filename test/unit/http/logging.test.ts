/**
 * A failed request is logged as one JSON line (Powertools' Logger, written to
 * stdout/stderr as Lambda's JSON log format reads it), and that line carries
 * neither the signing token of its path nor an email address, whatever the
 * error says.
 */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { redact, withRedactedErrors } from '../../../functions/adapters/logging.ts';
import { adminRoute, html, pageRoute } from '../../../functions/http/middleware.ts';
import { captureLogLines } from '../../support/log-lines.ts';

const token = randomBytes(32).toString('base64url');
const mayor = 'maire.saint-jean@mairie-exemple.fr';
const context = {} as Context;

/** Captures what is written from now on; `errors()` gives the ERROR lines so far. */
function captureErrors() {
  const capture = captureLogLines();
  return { errors: () => capture.raw.filter((line) => JSON.parse(line).level === 'ERROR') };
}
afterEach(() => vi.restoreAllMocks());

describe('the log line of a failed request', () => {
  it.each(['sign', 'avenant'])('leaves out the token of a /%s/ path and the address an SES error names', async (prefix) => {
    const capture = captureErrors();
    const route = pageRoute(
      async () => {
        throw Object.assign(new Error(`Email address is not verified. The following identities failed the check in region EU-WEST-3: ${mayor}`), { name: 'MessageRejected' });
      },
      () => html(500, 'erreur'),
    );
    const event = { rawPath: `/${prefix}/${token}/document`, requestContext: { requestId: 'r-1' } } as unknown as APIGatewayProxyEventV2;
    expect(await route(event, context)).toMatchObject({ statusCode: 500 });
    const lines = capture.errors();
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: 'ERROR', requestId: 'r-1', route: `/${prefix}/{token}/document`, error: { name: 'MessageRejected' } });
    expect(lines[0]).not.toContain(token);
    expect(lines[0]).not.toContain(mayor);
    expect(entry.error.message).toContain('{courriel}');
  });

  it('leaves out a bare token and an address from an admin route error and its stack', async () => {
    const capture = captureErrors();
    const route = adminRoute(async () => {
      throw new Error(`link ${token} of ${mayor} could not be stored`);
    });
    const event = { rawPath: '/admin/conventions/x/resend', requestContext: { requestId: 'r-2', authorizer: { jwt: { claims: { sub: 'clerk', roles: ['gestionnaire'] } } } } };
    expect(await route(event as never, context)).toMatchObject({ statusCode: 500 });
    const lines = capture.errors();
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(token);
    expect(lines[0]).not.toContain(mayor);
    expect(JSON.parse(lines[0]!).error.stack).toContain('link {token} of {courriel}');
  });

  it('keeps what is neither a token nor an address', () => {
    const id = '0b6f3a2e-4c1d-4b8e-9f7a-2d5c8e1b3a90';
    expect(redact(`convention ${id} in 2026-2027, key conventions/2026-2027/${id}.pdf`)).toBe(`convention ${id} in 2026-2027, key conventions/2026-2027/${id}.pdf`);
  });

  it('leaves them out of the error a scheduled function throws to the Lambda runtime, which logs it', async () => {
    const digest = withRedactedErrors(async () => {
      throw Object.assign(new Error(`Email address is not verified: ${mayor}`), { name: 'MessageRejected' });
    });
    const error = await digest({}).catch((thrown: Error) => thrown);
    expect(error).toMatchObject({ name: 'MessageRejected', message: 'Email address is not verified: {courriel}' });
    expect((error as Error).stack).not.toContain(mayor);
  });
});
