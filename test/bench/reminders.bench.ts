/**
 * A reminder day of a national size, on a private local stack with the real
 * job worker: 35,000 sent conventions (one mayor each) all fall due today.
 * The schedule's handler starts the day's job; the job reads only what is due
 * (the due-date index), writes the day's plan and enqueues one job per mayor
 * (enqueue); the worker sends them at the configured SES rate (drain). Every
 * mayor must receive exactly one reminder.
 *
 *   npm run bench -- reminders
 *   BENCH_REMINDERS=2000 BENCH_REMINDER_RATE=50 npm run bench -- reminders   (a quick run)
 *
 * The rate is a setting (`BENCH_REMINDER_RATE`, default 14/s, SES's default production quota): at that rate
 * 35,000 emails take 42 minutes by construction; what the bench measures is whether the
 * code keeps the configured rate, which the ratio says. Drain seconds run from the schedule's event to
 * the day job's `finishedAt`, enqueue included.
 *
 * Baselines, same run: the due-date index read (what the day's job reads) beside a scan of the table,
 * and the bare rate at which this machine writes the same number of items to DynamoDB Local.
 * Lines: `reminders: <N> conventions, enqueue <s> s, drain <s> s at <r>/s configured, ratio <x>`.
 */
process.env.SES_MAX_SEND_RATE ??= process.env.BENCH_REMINDER_RATE ?? '14';

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { conventionIndexKeys, conventionKey, linkKey, reminderDueIndexKeys, reminderDueKey } from '../../functions/adapters/dynamodb/keys.ts';
import { addDays, parisMidnightUtc } from '../../functions/domain/calendar.ts';
import { progressState } from '../../functions/domain/jobs/job.ts';
import type { Convention } from '../../functions/domain/model.ts';
import { reminderDayJobId } from '../../functions/use-cases/send-reminders.ts';
import { functionSpecs } from '../../infra/functions.ts';
import { applyEnvironment, handlerEnvironment } from '../../infra/local/environment.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { ensureBucket, ensureTable } from '../../infra/local/resources.ts';
import { fireSchedule } from '../../infra/local/scheduler.ts';
import { freePort, startServers } from '../../infra/local/servers.ts';
import { startWorkers } from '../../infra/local/workers.ts';

const TOTAL = Number(process.env.BENCH_REMINDERS ?? 35_000);
const RATE = Number(process.env.SES_MAX_SEND_RATE);
/** A Monday; the invitations went out the Monday before, so the first "unsigned" reminder falls today. */
const TODAY = '2026-06-22';
const SENT_AT = '2026-06-15T08:00:00.000Z';

async function writeAll(db: ReturnType<typeof createDocumentClient>, table: string, items: Record<string, unknown>[]) {
  const batches: Record<string, unknown>[][] = [];
  for (let start = 0; start < items.length; start += 25) batches.push(items.slice(start, start + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < batches.length) {
        let request: Record<string, unknown>[] | undefined = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
        while (request && request.length > 0) {
          const result = await db.send(new BatchWriteCommand({ RequestItems: { [table]: request as never } }));
          request = result.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
        }
      }
    }),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'paraphe-bench-'));
  const servers = await startServers({ ports: { dynamodb: await freePort(), s3: await freePort(), ses: await freePort() }, dataDir, persistent: false });
  let workers: Awaited<ReturnType<typeof startWorkers>> | undefined;
  try {
    const settings = { ...servers, sesInboxUrl: servers.sesEndpoint, gatewayUrl: 'http://127.0.0.1:9', tableName: 'paraphe-bench', bucketName: 'paraphe-bench', sealingP12Path: join(dataDir, 'unused.p12'), tsaUrl: servers.tsa.url, consoleSecretPath: join(dataDir, 'unused-console-secret.json') };
    await ensureTable(settings.dynamodbEndpoint, settings.tableName);
    await ensureBucket(settings.s3Endpoint, settings.bucketName);
    applyEnvironment(handlerEnvironment(settings));
    const deps = composeDeps(loadConfig(process.env));
    const db = createDocumentClient({ region: 'eu-west-3', endpoint: settings.dynamodbEndpoint });

    await deps.campaigns.create({
      schoolYear: '2026-2027', feeCents: 4000, endDate: '2027-09-05', issuePlace: 'Montpellier', issueDate: '2026-06-12',
      signatory: { name: 'Carole Drucker-Godard', title: 'Rectrice' }, linkValidityDays: 60, createdAt: '2026-06-12T08:00:00.000Z',
    }, deps.conventionTexts.list().at(-1)!);
    // Half again as many conventions not due today, so the index read is told apart from a scan.
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < TOTAL + TOTAL / 2; i += 1) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const isDue = i < TOTAL;
      const convention: Convention = {
        id, schoolYear: '2026-2027',
        commune: { name: `Commune ${i}`, siret: String(21000000000000 + i), address: 'Mairie' },
        mayor: { name: 'Maire', title: 'Maire', email: `maire.${i}@example.org` },
        schools: [{ uai: '0341401N', type: 'maternelle', name: '' }], feeCents: 4000, amountCents: 4000, endDate: '2027-09-05',
        status: 'sent', createdAt: '2026-06-12T08:00:00.000Z', sentAt: isDue ? SENT_AT : '2026-06-19T08:00:00.000Z',
        link: { hash: i.toString(16).padStart(64, '0'), expiresAt: '2026-08-14T08:00:00.000Z' },
      };
      const dueDate = isDue ? TODAY : addDays(TODAY, 1 + (i % 300));
      items.push({ ...conventionKey(id), ...conventionIndexKeys('2026-2027', convention.commune.siret), entity: 'convention', ...convention });
      items.push({ ...reminderDueKey(id), ...reminderDueIndexKeys(id, dueDate), entity: 'reminder-due', conventionId: id, dueDate });
      items.push({ ...linkKey(convention.link!.hash), entity: 'link', conventionId: id, expiresAt: convention.link!.expiresAt });
    }
    const loadStart = Date.now();
    await writeAll(db, settings.tableName, items);
    const loadS = (Date.now() - loadStart) / 1000;
    console.log(`loaded ${TOTAL} conventions due today and ${TOTAL / 2} not due (${items.length} items) in ${loadS.toFixed(1)} s (baseline: ${(items.length / loadS).toFixed(0)} items/s written bare)`);

    const scanStart = Date.now();
    let scanned = 0;
    let ExclusiveStartKey: Record<string, never> | undefined;
    do {
      const page = await (db as unknown as { send: (command: unknown) => Promise<{ ScannedCount?: number; LastEvaluatedKey?: unknown }> }).send(
        new ScanCommand({ TableName: settings.tableName, Select: 'COUNT', ExclusiveStartKey }),
      );
      scanned += page.ScannedCount ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
    } while (ExclusiveStartKey);
    const scanMs = Date.now() - scanStart;

    workers = await startWorkers({ root: PROJECT_ROOT, dynamodbEndpoint: settings.dynamodbEndpoint, tableName: settings.tableName, wakeEveryMs: 60_000 });
    const at = new Date(Date.parse(parisMidnightUtc(TODAY)) + 9 * 3600 * 1000);
    const started = Date.now();
    const fired = (await fireSchedule(PROJECT_ROOT, functionSpecs.find((spec) => spec.name === 'send-reminders')!, at)) as { jobId: string };
    if (fired.jobId !== reminderDayJobId(TODAY)) throw new Error(`unexpected job ${fired.jobId}`);
    let enqueueS = 0;
    let last = 0;
    for (;;) {
      const [job, progress] = await Promise.all([deps.jobs.get(fired.jobId), deps.jobs.progress(fired.jobId)]);
      if (!enqueueS && progress?.complete) enqueueS = (Date.now() - started) / 1000;
      if (job && progressState(job, progress).state !== 'running') break;
      if (progress && Date.now() - last > 30_000) {
        last = Date.now();
        console.log(`  … ${progress.done + progress.failed}/${progress.total} mayors after ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }
      await sleep(1_000);
    }
    const drainS = (Date.now() - started) / 1000;
    const progress = (await deps.jobs.progress(fired.jobId))!;
    const failures = await deps.jobs.failures(fired.jobId);

    const { emails } = (await (await fetch(`${servers.sesEndpoint}/store`)).json()) as { emails: { destination: { to: string[] } }[] };
    const perMayor = new Map<string, number>();
    for (const email of emails) for (const to of email.destination.to) perMayor.set(to, (perMayor.get(to) ?? 0) + 1);
    const once = [...perMayor.values()].filter((count) => count === 1).length;
    const twice = [...perMayor.values()].filter((count) => count > 1).length;

    const achieved = emails.length / drainS;
    console.log(`day job: ${progress.total} mayors planned from the due-date index (${TOTAL} due of ${TOTAL + TOTAL / 2} conventions; a scan of the table reads ${scanned} items in ${scanMs} ms); tally ${JSON.stringify(progress.tally)}; ${failures.length} failed`);
    console.log(`emails: ${emails.length} in the SES store; ${once} mayors emailed once, ${twice} more than once, ${TOTAL - perMayor.size} not at all`);
    console.log(`reminders: ${TOTAL} conventions, enqueue ${enqueueS.toFixed(1)} s, drain ${drainS.toFixed(1)} s at ${RATE}/s configured, ratio ${(achieved / RATE).toFixed(2)}`);
    if (twice > 0 || perMayor.size !== TOTAL || failures.length > 0) throw new Error('Not every mayor got exactly one reminder');
  } finally {
    await workers?.stop();
    await servers.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
