import { deps } from '../adapters/composition.ts';
import { eventHandler } from '../adapters/invocation.ts';
import { loadConfig } from '../adapters/config.ts';
import { scheduledRun } from '../use-cases/input/scheduled-event.ts';
import { startDigest } from '../use-cases/send-digest.ts';

const d = deps();
const config = loadConfig(process.env);
const recipients = config.RECTORAT_DIGEST_EMAILS ?? [config.RECTORAT_CONTACT_EMAIL];

/** Fired by EventBridge Scheduler on working days at 08:00 Paris: starts the day's digest job (once per day). */
export const handler = eventHandler(async (event: unknown) => startDigest(d, { ...scheduledRun(event), recipients }));
