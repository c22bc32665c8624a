/**
 * Every key of the single table, in one place. Items carry generic pk/sk and
 * gsi1pk/gsi1sk attributes plus an `entity` type.
 *
 *   campaign        CAMPAIGN#<year>          CAMPAIGN            gsi1: CAMPAIGNS / <year>
 *   campaign text   CAMPAIGN#<year>          TEXT                the convention text the campaign pinned (content and SHA-256), put with it
 *   commune guard   CAMPAIGN#<year>          COMMUNE#<siret>     one convention per commune
 *   school guard    CAMPAIGN#<year>          SCHOOL#<uai>        one commune per school (conventionId, claimedAt: see domain/school-guards.ts)
 *   reference no.   CAMPAIGN#<year>          REFERENCE#<dept>    the last number given to a convention of the campaign and département (domain/convention-reference.ts)
 *   convention      CONVENTION#<id>          CONVENTION          gsi1: CAMPAIGN#<year>#CONVENTIONS / COMMUNE#<siret>
 *   audit event     CONVENTION#<id>          EVENT#<iso>#<type>#<eventId>   append-only: written only by event-items.ts, conditionally
 *   signing link    LINK#<sha256>            LINK                one per live link, naming its convention (the convention's `links` says which are live)
 *   reminder due    CONVENTION#<id>          REMINDER            gsi1: REMINDERS_DUE / <dueDate>#<id>  (sparse: only conventions with a reminder ahead)
 *   reminder sent   CONVENTION#<id>          SENT#<kind>#<date>  the idempotency key of one reminder
 *   avenant         CONVENTION#<id>          AVENANT#<avenantId>
 *   undeliverable   EMAIL#<address>          UNDELIVERABLE       gsi1: UNDELIVERABLE / <at>#<address>
 *   job             JOB#<id>                 JOB                 gsi1: JOBS_OPEN / <since>#<id> while pending, JOBS_WAITING / <wakeAt>#<id> while waiting (none once ended)
 *   job progress    JOB#<id>                 PROGRESS            the counts of a tracked job's children; gsi1: JOBS_TRACKED / <startedAt>#<id> (the console's list of jobs)
 *   job failure     JOB#<id>                 FAILED#<item>       one failed child or refused line of a tracked job
 *   job email       JOB#<id>                 EMAIL               the claim of a job's one email, and when SES took it
 *                   (a job's view reads its partition from FAILED# on in one Query: FAILED#… < JOB < PROGRESS)
 *   running job     CAMPAIGN#<year>          JOB#<kind>          the tracked job of that kind running for the campaign (one at a time)
 *   campaign's job  CAMPAIGN#<year>          TRACKED#<startedAt>#<id>   a tracked job started for the campaign (its payload's schoolYear), put with it
 *   send rate       RATE#ses                 RATE                the next free slot of SES's sending rate
 *   day's chain     ANCHOR#<day>             CHAIN#<conventionId>[#AVENANT#<avenantId>]   the head of a chain that changed that day (Paris), put with its event
 *   day's anchor    ANCHOR#<day>             ANCHOR              anchors/<day>.json as stored: its key, version id and SHA-256
 *
 * The table's stream delivers every job item whose state is `pending` to the
 * run-jobs worker (its event source mapping filters on `entity` and `state`).
 */
export const TABLE_GSI1 = 'gsi1';

export type Entity = 'campaign' | 'campaign-text' | 'commune-guard' | 'school-guard' | 'convention' | 'event' | 'link' | 'job';

/** The entity of job items: the only items the worker's event source mapping lets through (with state pending). */
export const JOB_ENTITY = 'job';

export interface ItemKey {
  pk: string;
  sk: string;
}

export const campaignKey = (schoolYear: string): ItemKey => ({ pk: `CAMPAIGN#${schoolYear}`, sk: 'CAMPAIGN' });

export const campaignTextKey = (schoolYear: string): ItemKey => ({ pk: `CAMPAIGN#${schoolYear}`, sk: 'TEXT' });

export const communeGuardKey = (schoolYear: string, siret: string): ItemKey => ({
  pk: `CAMPAIGN#${schoolYear}`,
  sk: `COMMUNE#${siret}`,
});

const SCHOOL_GUARD_PREFIX = 'SCHOOL#';

export const schoolGuardKey = (schoolYear: string, uai: string): ItemKey => ({
  pk: `CAMPAIGN#${schoolYear}`,
  sk: `${SCHOOL_GUARD_PREFIX}${uai}`,
});

/** The counter of convention numbers of a campaign and département: moved, conditionally, with each convention added. */
export const referenceCounterKey = (schoolYear: string, departement: string): ItemKey => ({
  pk: `CAMPAIGN#${schoolYear}`,
  sk: `REFERENCE#${departement}`,
});

/** The school a guard item stands for, from its sort key. */
export const uaiOfSchoolGuard = (sk: string): string => sk.slice(SCHOOL_GUARD_PREFIX.length);

export const conventionKey = (id: string): ItemKey => ({ pk: `CONVENTION#${id}`, sk: 'CONVENTION' });

export const conventionsOfCampaignPk = (schoolYear: string): string => `CAMPAIGN#${schoolYear}#CONVENTIONS`;

export const conventionIndexKeys = (schoolYear: string, siret: string) => ({
  gsi1pk: conventionsOfCampaignPk(schoolYear),
  gsi1sk: `COMMUNE#${siret}`,
});

export const EVENT_PREFIX = 'EVENT#';

/** Unique per event: two events of one type in one millisecond differ by their ids (events before ids have none). */
export const eventKey = (conventionId: string, at: string, type: string, eventId: string): ItemKey => ({
  pk: `CONVENTION#${conventionId}`,
  sk: `${EVENT_PREFIX}${at}#${type}#${eventId}`,
});

export const linkKey = (hash: string): ItemKey => ({ pk: `LINK#${hash}`, sk: 'LINK' });

export const reminderDueKey = (conventionId: string): ItemKey => ({ pk: `CONVENTION#${conventionId}`, sk: 'REMINDER' });

export const REMINDERS_DUE_PK = 'REMINDERS_DUE';

export const reminderDueIndexKeys = (conventionId: string, dueDate: string) => ({
  gsi1pk: REMINDERS_DUE_PK,
  gsi1sk: `${dueDate}#${conventionId}`,
});

/** From the core's idempotency key "reminder#<id>#<kind>#<date>". */
export function reminderSentKey(idempotencyKey: string): ItemKey {
  const [, conventionId, kind, date] = idempotencyKey.split('#');
  return { pk: `CONVENTION#${conventionId}`, sk: `SENT#${kind}#${date}` };
}

export const undeliverableKey = (address: string): ItemKey => ({ pk: `EMAIL#${address.toLowerCase()}`, sk: 'UNDELIVERABLE' });

export const UNDELIVERABLE_PK = 'UNDELIVERABLE';

export const AVENANT_PREFIX = 'AVENANT#';

export const avenantKey = (conventionId: string, avenantId: string): ItemKey => ({ pk: `CONVENTION#${conventionId}`, sk: `${AVENANT_PREFIX}${avenantId}` });

export const CAMPAIGNS_PK = 'CAMPAIGNS';

export const jobKey = (id: string): ItemKey => ({ pk: `JOB#${id}`, sk: 'JOB' });

export const jobProgressKey = (id: string): ItemKey => ({ pk: `JOB#${id}`, sk: 'PROGRESS' });

export const JOB_FAILURE_PREFIX = 'FAILED#';

export const jobFailureKey = (id: string, item: string): ItemKey => ({ pk: `JOB#${id}`, sk: `${JOB_FAILURE_PREFIX}${item}` });

export const jobEmailKey = (id: string): ItemKey => ({ pk: `JOB#${id}`, sk: 'EMAIL' });

export const JOBS_WAITING_PK = 'JOBS_WAITING';

export const jobWaitingIndexKeys = (id: string, wakeAt: string) => ({ gsi1pk: JOBS_WAITING_PK, gsi1sk: `${wakeAt}#${id}` });

export const JOBS_OPEN_PK = 'JOBS_OPEN';

/** A pending job, by when it became pending: one that stays pending too long lost its stream record. */
export const jobOpenIndexKeys = (id: string, since: string) => ({ gsi1pk: JOBS_OPEN_PK, gsi1sk: `${since}#${id}` });

export const JOBS_TRACKED_PK = 'JOBS_TRACKED';

/** A tracked job's progress item, by when it started: the console lists the latest first. */
export const trackedJobIndexKeys = (id: string, startedAt: string) => ({ gsi1pk: JOBS_TRACKED_PK, gsi1sk: `${startedAt}#${id}` });

export const CAMPAIGN_JOB_PREFIX = 'TRACKED#';

/** A tracked job of a campaign, by when it started: the campaign's dashboard reads its latest ones. */
export const campaignJobKey = (schoolYear: string, startedAt: string, id: string): ItemKey => ({ pk: `CAMPAIGN#${schoolYear}`, sk: `${CAMPAIGN_JOB_PREFIX}${startedAt}#${id}` });

export const runningJobKey = (schoolYear: string, kind: string): ItemKey => ({ pk: `CAMPAIGN#${schoolYear}`, sk: `JOB#${kind}` });

export const sendRateKey = (channel: string): ItemKey => ({ pk: `RATE#${channel}`, sk: 'RATE' });

/** The chains that changed on a day (Paris): one item per chain, its latest head, put in the transaction of each event. */
export const anchorChainKey = (day: string, conventionId: string, avenantId?: string): ItemKey => ({
  pk: `ANCHOR#${day}`,
  sk: `CHAIN#${conventionId}${avenantId ? `#AVENANT#${avenantId}` : ''}`,
});

export const ANCHOR_CHAIN_PREFIX = 'CHAIN#';

export const anchorKey = (day: string): ItemKey => ({ pk: `ANCHOR#${day}`, sk: 'ANCHOR' });
