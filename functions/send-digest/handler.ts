import { deps } from '../adapters/composition.ts';
import { withRedactedErrors } from '../adapters/logging.ts';
import { loadConfig } from '../adapters/config.ts';
import { metric } from '../adapters/metrics.ts';
import { scheduledRun } from '../core/reminder-schedule.ts';
import { sendDigest } from '../core/send-digest.ts';

const d = deps();
const config = loadConfig(process.env);
const recipients = config.RECTORAT_DIGEST_EMAILS ?? [config.RECTORAT_CONTACT_EMAIL];

/** The rectorat's daily digest, fired by EventBridge Scheduler on working days at 08:00 Paris. */
export const handler = withRedactedErrors(async (event: unknown) => {
  const report = await sendDigest(d, { ...scheduledRun(event), recipients });
  metric('Digest', { DigestSent: report.sent ? 1 : 0 });
  return report;
});
