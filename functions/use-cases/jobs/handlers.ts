/**
 * What each kind of job does: a schema-free payload read by one use case.
 * `giveUp` undoes what a job holds when it fails for good (a convention it
 * claimed goes back to draft), so nothing stays half-done.
 */
import { sealExecutedAvenantJob } from '../countersign-avenant.ts';
import { countersignConventionJob, fanOutCampaignCountersign, sealExecutedJob } from '../countersign-convention.ts';
import { sendDeclineAcknowledgement } from '../decline-convention.ts';
import { fanOutImport, importCommune } from '../import-campaign.ts';
import { sendAddressChangeNotice } from '../resend-link.ts';
import { fanOutCampaignSend, releaseInvitation, sendInvitation } from '../send-campaign.ts';
import { runDigest } from '../send-digest.ts';
import { runAnchor } from '../anchor-audit.ts';
import { fanOutReminderDay, sendMayorReminders } from '../send-reminders.ts';
import { sealSignedAvenantJob } from '../sign-avenant.ts';
import { sealSignedJob } from '../sign-convention.ts';
import type { JobKind } from '../../domain/jobs/job.ts';
import type { JobDefinition } from './run-job.ts';

export const jobDefinitions: Partial<Record<JobKind, JobDefinition>> = {
  'send-campaign': { run: fanOutCampaignSend },
  'send-invitation': { run: sendInvitation, giveUp: releaseInvitation },
  'import-campaign': { run: fanOutImport },
  'import-commune': { run: importCommune },
  'send-reminders': { run: fanOutReminderDay },
  reminder: { run: sendMayorReminders },
  digest: { run: runDigest },
  'anchor-audit': { run: runAnchor },
  'seal-signed': { run: sealSignedJob },
  'seal-executed': { run: sealExecutedJob },
  'decline-acknowledgement': { run: sendDeclineAcknowledgement },
  'address-change-notice': { run: sendAddressChangeNotice },
  'seal-avenant-signed': { run: sealSignedAvenantJob },
  'seal-avenant-executed': { run: sealExecutedAvenantJob },
  'countersign-campaign': { run: fanOutCampaignCountersign },
  'countersign-convention': { run: countersignConventionJob },
};
