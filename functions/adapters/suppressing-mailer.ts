/**
 * Paraphe never emails an address SES reported as bouncing or complaining:
 * those recipients are dropped before sending (and counted), and an email
 * left with none is not sent.
 */
import type { Mailer, UndeliverableAddresses } from '../use-cases/ports.ts';
import { metric } from './metrics.ts';

export function createSuppressingMailer(inner: Mailer, undeliverable: UndeliverableAddresses): Mailer {
  return {
    ...(inner.whenReady ? { whenReady: () => inner.whenReady!() } : {}),
    async send(email) {
      const blocked = await undeliverable.among(email.to);
      const to = email.to.filter((address) => !blocked.has(address.toLowerCase()));
      if (blocked.size > 0) metric('Mailer', { SuppressedRecipients: email.to.length - to.length });
      if (to.length === 0) return;
      await inner.send({ ...email, to });
    },
  };
}
