/**
 * Every email waits for its slot of SES's sending rate (send-rate.ts) before it goes. A slot taken ahead
 * (`whenReady`, by a job about to claim its email) is used by the next send of this process.
 */
import type { Mailer } from '../use-cases/ports.ts';
import type { SendRate } from './dynamodb/send-rate.ts';

export function createPacedMailer(inner: Mailer, rate: SendRate): Mailer {
  let reserved = 0;
  return {
    async whenReady() {
      await rate.acquire();
      reserved += 1;
    },
    async send(email) {
      if (reserved > 0) reserved -= 1;
      else await rate.acquire();
      await inner.send(email);
    },
  };
}
