/**
 * Jobs in the single table. A job item in state `pending` is what the table's
 * stream delivers to the worker; every transition out of `pending` is
 * conditional on it, so a job ends once however often it is delivered.
 */
import { BatchWriteCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { progressState, type Job, type JobFailure, type JobProgress } from '../../domain/jobs/job.ts';
import type { StoredDocument } from '../../domain/model.ts';
import type { JobCompletion, JobRepository } from '../../use-cases/ports.ts';
import { batchGetAll, queryAll, transact, updateIf, type TransactItems } from './client.ts';
import {
  CAMPAIGN_JOB_PREFIX,
  campaignJobKey,
  JOB_ENTITY,
  JOB_FAILURE_PREFIX,
  jobEmailKey,
  jobFailureKey,
  jobKey,
  jobProgressKey,
  JOBS_OPEN_PK,
  JOBS_TRACKED_PK,
  JOBS_WAITING_PK,
  jobOpenIndexKeys,
  jobWaitingIndexKeys,
  type ItemKey,
  runningJobKey,
  TABLE_GSI1,
  trackedJobIndexKeys,
} from './keys.ts';

type Item = Record<string, unknown>;

function jobOf(item: Item): Job {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, entity: _entity, ...job } = item;
  return job as unknown as Job;
}

/** A failure's sort key: the line of a file in order, or the failed child. */
const failureItemKey = (failure: JobFailure, childId?: string) =>
  failure.line !== undefined ? `LINE#${String(failure.line).padStart(7, '0')}` : `JOB#${childId ?? failure.item}`;

/** The Put of a new job, for any transaction that causes it (the outbox). */
export function jobPut(tableName: string, job: Job) {
  return {
    Put: {
      TableName: tableName,
      Item: { ...jobKey(job.id), ...jobOpenIndexKeys(job.id, job.createdAt), entity: JOB_ENTITY, ...job },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The writes that end a job as done, for the transaction of the domain change it made. */
export function completionItems(tableName: string, { job, at, tally }: JobCompletion): TransactItems {
  const items: TransactItems = [
    {
      Update: {
        TableName: tableName,
        Key: jobKey(job.id),
        UpdateExpression: 'SET #state = :done, finishedAt = :at REMOVE gsi1pk, gsi1sk, wakeAt',
        // Waiting too: a second delivery that found this try's claim held set it waiting meanwhile; done is final.
        ConditionExpression: '#state IN (:pending, :waiting)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':done': 'done', ':pending': 'pending', ':waiting': 'waiting', ':at': at },
      },
    },
  ];
  if (job.parentId) items.push(progressCount(tableName, job.parentId, 'done', at, tally));
  return items;
}

/**
 * The write that records a document a job sealed, on a convention or an avenant (its key), once: only while
 * the item is signed or executed (executed for the final copy) and has none yet. Goes with completionItems.
 * The document is recorded as the bucket holds it: its key, its version (where the bucket keeps versions)
 * and its SHA-256, which every later read checks.
 */
export function sealedDocumentUpdate(tableName: string, key: ItemKey, version: 'signed' | 'executed', document: StoredDocument) {
  return {
    Update: {
      TableName: tableName,
      Key: key,
      UpdateExpression: 'SET #document = :document',
      ConditionExpression: version === 'signed' ? '#status IN (:signed, :executed) AND attribute_not_exists(#document)' : '#status = :executed AND attribute_not_exists(#document)',
      ExpressionAttributeNames: { '#status': 'status', '#document': version === 'signed' ? 'signedDocument' : 'executedDocument' },
      ExpressionAttributeValues: { ':document': document, ':executed': 'executed', ...(version === 'signed' ? { ':signed': 'signed' } : {}) },
    },
  };
}

function progressCount(tableName: string, parentId: string, counter: 'done' | 'failed', at: string, tally?: string) {
  return {
    Update: {
      TableName: tableName,
      Key: jobProgressKey(parentId),
      UpdateExpression: `ADD #counter :one${tally ? ', tally.#tally :one' : ''} SET lastAt = :at`,
      ExpressionAttributeNames: { '#counter': counter, ...(tally ? { '#tally': tally } : {}) },
      ExpressionAttributeValues: { ':one': 1, ':at': at },
    },
  };
}

/** The campaign a tracked job works for: its payload's school year (a send, an import, a countersignature), if any. */
const campaignOf = (job: Job): string | undefined => (typeof job.payload.schoolYear === 'string' ? job.payload.schoolYear : undefined);

export function createJobRepository(db: DynamoDBDocumentClient, tableName: string): JobRepository {
  /** A tracked job's items: its progress (listed by the console through gsi1) and, for a campaign's job, the campaign's entry. */
  const trackedPuts = (job: Job) => {
    const schoolYear = campaignOf(job);
    return [
      progressPut(job),
      ...(schoolYear
        ? [{ Put: { TableName: tableName, Item: { ...campaignJobKey(schoolYear, job.createdAt, job.id), entity: 'campaign-job', jobId: job.id, kind: job.kind }, ConditionExpression: 'attribute_not_exists(pk)' } }]
        : []),
    ];
  };
  const progressPut = (job: Job) => ({
    Put: {
      TableName: tableName,
      Item: {
        ...jobProgressKey(job.id),
        ...trackedJobIndexKeys(job.id, job.createdAt),
        entity: 'job-progress',
        kind: job.kind,
        total: 0,
        done: 0,
        failed: 0,
        tally: {},
        complete: false,
        cursor: 0,
        startedAt: job.createdAt,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });

  const get = async (id: string) => {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: jobKey(id), ConsistentRead: true }));
    return Item ? jobOf(Item) : undefined;
  };

  const progressOf = (item: Item): JobProgress => {
    const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, entity: _entity, kind: _kind, ...rest } = item;
    return rest as unknown as JobProgress;
  };

  const progress = async (id: string) => {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: jobProgressKey(id), ConsistentRead: true }));
    return Item ? progressOf(Item) : undefined;
  };

  const failureOf = ({ item, reason, at, line, lines }: Item) =>
    ({ item, reason, at, ...(line !== undefined ? { line } : {}), ...(Array.isArray(lines) && lines.length ? { lines } : {}) }) as JobFailure;

  const fail: JobRepository['fail'] = async (job, failure, tally) => {
    const owner = job.parentId ?? job.id;
    return transact(db, [
      {
        Update: {
          TableName: tableName,
          Key: jobKey(job.id),
          UpdateExpression: 'SET #state = :failed, finishedAt = :at, reason = :reason REMOVE gsi1pk, gsi1sk, wakeAt',
          ConditionExpression: '#state IN (:pending, :waiting)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':failed': 'failed', ':pending': 'pending', ':waiting': 'waiting', ':at': failure.at, ':reason': failure.reason },
        },
      },
      ...(job.parentId ? [progressCount(tableName, job.parentId, 'failed', failure.at, tally)] : []),
      { Put: { TableName: tableName, Item: { ...jobFailureKey(owner, failureItemKey(failure, job.id)), entity: 'job-failure', ...failure } } },
    ]);
  };

  return {
    get,
    progress,

    async failures(id, limit = 1_000) {
      const { Items } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': jobKey(id).pk, ':prefix': JOB_FAILURE_PREFIX },
          Limit: limit,
        }),
      );
      return (Items ?? []).map(failureOf);
    },

    async withProgress(id, limit = 1_000) {
      // The job's partition from FAILED# on, in key order: its failures, then JOB, then PROGRESS. When the
      // failures fit in the page, one request reads all three; otherwise the job and its progress are read
      // after them (a file with more refused lines than the page shows).
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk >= :failures',
          ExpressionAttributeValues: { ':pk': jobKey(id).pk, ':failures': JOB_FAILURE_PREFIX },
          ConsistentRead: true,
          Limit: limit + 2,
        }),
      );
      const failures = Items.filter((item) => String(item.sk).startsWith(JOB_FAILURE_PREFIX)).slice(0, limit).map(failureOf);
      const bySk = new Map(Items.map((item) => [String(item.sk), item]));
      if (!bySk.has(jobKey(id).sk)) {
        const [jobItem, progressItem] = await Promise.all([get(id), progress(id)]);
        return jobItem ? { job: jobItem, ...(progressItem ? { progress: progressItem } : {}), failures } : undefined;
      }
      const progressItem = bySk.get(jobProgressKey(id).sk);
      return { job: jobOf(bySk.get(jobKey(id).sk)!), ...(progressItem ? { progress: progressOf(progressItem) } : {}), failures };
    },

    async manyWithProgress(ids) {
      const items = await batchGetAll(db, tableName, ids.flatMap((id) => [{ ...jobKey(id) }, { ...jobProgressKey(id) }]));
      const byKey = new Map(items.map((item) => [`${String(item.pk)} ${String(item.sk)}`, item]));
      const at = ({ pk, sk }: ItemKey) => byKey.get(`${pk} ${sk}`);
      return ids.flatMap((id) => {
        const jobItem = at(jobKey(id));
        const progressItem = at(jobProgressKey(id));
        return jobItem ? [{ job: jobOf(jobItem), ...(progressItem ? { progress: progressOf(progressItem) } : {}) }] : [];
      });
    },

    async startTracked(job, running) {
      if (!running) {
        // A job whose id names its subject (the reminders of a day) starts once: a second start finds it.
        const started = await transact(db, [jobPut(tableName, job), ...trackedPuts(job)]);
        return { started, jobId: job.id };
      }
      // One tracked job of a kind per campaign at a time: a second request gets the running one.
      const lock = runningJobKey(running.schoolYear, job.kind);
      for (;;) {
        const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: lock, ConsistentRead: true }));
        if (Item) {
          const current = await get(String(Item.jobId));
          const counts = current && (await progress(current.id));
          const finished = !current || progressState(current, counts).state !== 'running';
          if (!finished) return { started: false, jobId: String(Item.jobId) };
        }
        const won = await transact(db, [
          jobPut(tableName, job),
          ...trackedPuts(job),
          {
            Put: {
              TableName: tableName,
              Item: { ...lock, entity: 'running-job', jobId: job.id, at: job.createdAt },
              ConditionExpression: Item ? 'jobId = :previous' : 'attribute_not_exists(pk)',
              ...(Item ? { ExpressionAttributeValues: { ':previous': Item.jobId } } : {}),
            },
          },
        ]);
        if (won) return { started: true, jobId: job.id };
      }
    },

    async recentTracked({ limit, schoolYear }) {
      const { Items } = await db.send(
        new QueryCommand(
          schoolYear
            ? {
                TableName: tableName,
                KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
                ExpressionAttributeValues: { ':pk': campaignJobKey(schoolYear, '', '').pk, ':prefix': CAMPAIGN_JOB_PREFIX },
                ScanIndexForward: false,
                Limit: limit,
              }
            : {
                TableName: tableName,
                IndexName: TABLE_GSI1,
                KeyConditionExpression: 'gsi1pk = :pk',
                ExpressionAttributeValues: { ':pk': JOBS_TRACKED_PK },
                ScanIndexForward: false,
                Limit: limit,
              },
        ),
      );
      return (Items ?? []).map((item) => String(schoolYear ? item.jobId : item.pk).replace(/^JOB#/, ''));
    },

    async runningJob(schoolYear, kind) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: runningJobKey(schoolYear, kind), ConsistentRead: true }));
      return Item ? String(Item.jobId) : undefined;
    },

    async enqueueChildren(parent, cursor, children, options) {
      if (children.length > 90) throw new Error('At most 90 children per chunk: a transaction holds 100 items');
      return transact(db, [
        {
          Update: {
            TableName: tableName,
            Key: jobProgressKey(parent.id),
            UpdateExpression: `SET #cursor = :next${options.last ? ', #complete = :true' : ''} ADD #total :count`,
            ConditionExpression: '#cursor = :cursor',
            ExpressionAttributeNames: { '#cursor': 'cursor', '#total': 'total', ...(options.last ? { '#complete': 'complete' } : {}) },
            ExpressionAttributeValues: { ':cursor': cursor, ':next': cursor + 1, ':count': children.length, ...(options.last ? { ':true': true } : {}) },
          },
        },
        ...children.map((child) => jobPut(tableName, child)),
      ]);
    },

    async recordFailures(jobId, failures) {
      for (let start = 0; start < failures.length; start += 25) {
        let request: Record<string, { PutRequest: { Item: Item } }[]> | undefined = {
          [tableName]: failures.slice(start, start + 25).map((failure) => ({
            PutRequest: { Item: { ...jobFailureKey(jobId, failureItemKey(failure)), entity: 'job-failure', ...failure } },
          })),
        };
        while (request && Object.keys(request).length > 0) {
          const { UnprocessedItems } = await db.send(new BatchWriteCommand({ RequestItems: request }));
          request = UnprocessedItems as typeof request;
        }
      }
    },

    async complete(completion, extra = []) {
      return transact(db, [...completionItems(tableName, completion), ...extra.map((job) => jobPut(tableName, job))]);
    },

    fail,

    async retryLater(job, wakeAt, attempts, reason) {
      const waiting = jobWaitingIndexKeys(job.id, wakeAt);
      return updateIf(db, {
        TableName: tableName,
        Key: jobKey(job.id),
        UpdateExpression: 'SET #state = :waiting, wakeAt = :wakeAt, attempts = :attempts, reason = :reason, gsi1pk = :gpk, gsi1sk = :gsk',
        ConditionExpression: '#state = :pending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':waiting': 'waiting', ':pending': 'pending', ':wakeAt': wakeAt, ':attempts': attempts, ':reason': reason, ':gpk': waiting.gsi1pk, ':gsk': waiting.gsi1sk },
      });
    },

    async wakeDue(now) {
      const due = await queryAll(db, {
        TableName: tableName,
        IndexName: TABLE_GSI1,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :now',
        ExpressionAttributeValues: { ':pk': JOBS_WAITING_PK, ':now': `${now}\uffff` },
      });
      let woken = 0;
      for (const item of due) {
        // Pending again: the stream delivers the change to the worker.
        const open = jobOpenIndexKeys(String(item.id), now);
        const done = await updateIf(db, {
          TableName: tableName,
          Key: jobKey(String(item.id)),
          UpdateExpression: 'SET #state = :pending, gsi1pk = :gpk, gsi1sk = :gsk REMOVE wakeAt',
          ConditionExpression: '#state = :waiting AND wakeAt = :wakeAt',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': 'pending', ':waiting': 'waiting', ':wakeAt': item.wakeAt, ':gpk': open.gsi1pk, ':gsk': open.gsi1sk },
        });
        if (done) woken += 1;
      }
      return woken;
    },

    async redeliverStale(pendingSince, now) {
      const stale = await queryAll(db, {
        TableName: tableName,
        IndexName: TABLE_GSI1,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :since',
        ExpressionAttributeValues: { ':pk': JOBS_OPEN_PK, ':since': `${pendingSince}\uffff` },
      });
      const outcome = { redelivered: 0, failed: 0 };
      for (const item of stale) {
        const job = jobOf(item);
        if (job.state !== 'pending') continue;
        if ((job.redelivered ?? 0) >= 1) {
          // Lost twice: the job ends, listed with its reason, rather than wait for ever.
          const reason = "La tâche n'a pas pu être exécutée : son message s'est perdu deux fois. Relancez l'action qui l'a créée.";
          if (await fail(job, { item: job.label ?? job.id, reason, at: now })) outcome.failed += 1;
          continue;
        }
        // Any change of a pending job is a new stream record: the worker gets it again.
        const written = await updateIf(db, {
          TableName: tableName,
          Key: jobKey(job.id),
          UpdateExpression: 'SET redelivered = :one, gsi1sk = :gsk',
          ConditionExpression: '#state = :pending AND gsi1sk = :previous',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':one': 1, ':pending': 'pending', ':previous': item.gsi1sk, ':gsk': jobOpenIndexKeys(job.id, now).gsi1sk },
        });
        if (written) outcome.redelivered += 1;
      }
      return outcome;
    },

    async claimEmail(jobId, now, leaseUntil) {
      const claimed = await updateIf(db, {
        TableName: tableName,
        Key: jobEmailKey(jobId),
        UpdateExpression: 'SET entity = :entity, leaseUntil = :lease',
        ConditionExpression: 'attribute_not_exists(pk) OR (attribute_not_exists(sentAt) AND leaseUntil < :now)',
        ExpressionAttributeValues: { ':entity': 'job-email', ':lease': leaseUntil, ':now': now },
      });
      if (claimed) return { claimed: true };
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: jobEmailKey(jobId), ConsistentRead: true }));
      if (typeof Item?.sentAt === 'string') return { claimed: false, sentAt: Item.sentAt };
      return { claimed: false, heldUntil: String(Item?.leaseUntil ?? now) };
    },

    async releaseEmail(jobId, leaseUntil) {
      await updateIf(db, {
        TableName: tableName,
        Key: jobEmailKey(jobId),
        UpdateExpression: 'SET leaseUntil = :zero',
        ConditionExpression: 'leaseUntil = :lease AND attribute_not_exists(sentAt)',
        ExpressionAttributeValues: { ':lease': leaseUntil, ':zero': '1970-01-01T00:00:00.000Z' },
      });
    },

    async recordEmailSent(jobId, at) {
      return updateIf(db, {
        TableName: tableName,
        Key: jobEmailKey(jobId),
        UpdateExpression: 'SET sentAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(sentAt)',
        ExpressionAttributeValues: { ':at': at },
      });
    },
  };
}
