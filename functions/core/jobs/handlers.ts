/**
 * What each kind of job does: a schema-free payload read by one use case.
 * `giveUp` undoes what a job holds when it fails for good (a convention it
 * claimed goes back to draft), so nothing stays half-done.
 */
import { fanOutImport, importCommune } from '../import-campaign.ts';
import { fanOutCampaignSend, releaseInvitation, sendInvitation } from '../send-campaign.ts';
import type { JobKind } from './job.ts';
import type { JobDefinition } from './run-job.ts';

export const jobDefinitions: Partial<Record<JobKind, JobDefinition>> = {
  'send-campaign': { run: fanOutCampaignSend },
  'send-invitation': { run: sendInvitation, giveUp: releaseInvitation },
  'import-campaign': { run: fanOutImport },
  'import-commune': { run: importCommune },
};
