/** Every email waits for its slot of SES's sending rate (send-rate.ts) before it goes. */
import type { Mailer } from '../core/ports.ts';
import type { SendRate } from './dynamodb/send-rate.ts';

export function createPacedMailer(inner: Mailer, rate: SendRate): Mailer {
  return {
    async send(email) {
      await rate.acquire();
      await inner.send(email);
    },
  };
}
