import { randomUUID } from 'node:crypto';
import type { SESClient } from '@aws-sdk/client-ses';
import type { Mailer } from '../use-cases/ports.ts';
import { buildMimeMessage } from './mime.ts';

/** The SES SDK is imported on first send, not at cold start (about 130 ms that a function sending nothing should not pay). */
const loadSdk = () => import('@aws-sdk/client-ses');

export function createSesMailer(options: { region: string; endpoint?: string | undefined }, from: string): Mailer {
  let connected: Promise<{ ses: SESClient; sdk: Awaited<ReturnType<typeof loadSdk>> }> | undefined;
  // SES throttles by the second: retried with backoff before the caller hears of it.
  const connect = () =>
    (connected ??= loadSdk().then((sdk) => ({
      sdk,
      ses: new sdk.SESClient({ region: options.region, maxAttempts: 5, ...(options.endpoint ? { endpoint: options.endpoint } : {}) }),
    })));
  return {
    async send(email) {
      const { ses, sdk } = await connect();
      const raw = buildMimeMessage({ ...email, from }, randomUUID());
      const tags = Object.entries(email.tags ?? {}).map(([Name, Value]) => ({ Name, Value }));
      await ses.send(new sdk.SendRawEmailCommand({ RawMessage: { Data: raw }, ...(tags.length ? { Tags: tags } : {}) }));
    },
  };
}
