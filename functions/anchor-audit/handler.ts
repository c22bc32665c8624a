import { deps } from '../adapters/composition.ts';
import { eventHandler } from '../adapters/invocation.ts';
import { startAnchor } from '../use-cases/anchor-audit.ts';
import { scheduledRun } from '../use-cases/input/scheduled-event.ts';

const d = deps();

/** Fired by EventBridge Scheduler every day at 00:15 Paris: starts the job that anchors the day before (once per day). */
export const handler = eventHandler(async (event: unknown) => startAnchor(d, scheduledRun(event)));
