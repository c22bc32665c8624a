import { randomUUID } from 'node:crypto';
import { SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import type { Mailer } from '../core/ports.ts';
import { buildMimeMessage } from './mime.ts';

export function createSesClient(options: { region: string; endpoint?: string | undefined }): SESClient {
  // SES throttles by the second: retried with backoff before the caller hears of it.
  return new SESClient({ region: options.region, maxAttempts: 5, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
}

export function createSesMailer(ses: SESClient, from: string): Mailer {
  return {
    async send(email) {
      const raw = buildMimeMessage({ ...email, from }, randomUUID());
      const tags = Object.entries(email.tags ?? {}).map(([Name, Value]) => ({ Name, Value }));
      await ses.send(new SendRawEmailCommand({ RawMessage: { Data: raw }, ...(tags.length ? { Tags: tags } : {}) }));
    },
  };
}
