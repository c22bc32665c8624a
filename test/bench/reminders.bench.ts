/**
 * The reminder sweep reads only what is due: with 35,000 conventions in the
 * due-date index, of which 200 fall due today, it reads about 200 entries.
 * Printed beside a scan of the same table, measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { conventionIndexKeys, conventionKey, reminderDueIndexKeys, reminderDueKey } from '../../functions/adapters/dynamodb/keys.ts';
import { addDays } from '../../functions/core/calendar.ts';
import type { Convention } from '../../functions/core/model.ts';
import { sendReminders } from '../../functions/core/send-reminders.ts';
import { applyEnvironment, handlerEnvironment } from '../../infra/local/environment.ts';
import { ensureBucket, ensureTable } from '../../infra/local/resources.ts';
import { freePort, startServers } from '../../infra/local/servers.ts';

const TOTAL = Number(process.env.BENCH_SWEEP_TOTAL ?? 35_000);
const DUE = 200;
const TODAY = '2026-06-22';

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

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'paraphe-bench-'));
  const servers = await startServers({ ports: { dynamodb: await freePort(), s3: await freePort(), ses: await freePort() }, dataDir, persistent: false });
  try {
    const settings = { ...servers, sesInboxUrl: servers.sesEndpoint, gatewayUrl: 'http://127.0.0.1:9', tableName: 'paraphe-bench', bucketName: 'paraphe-bench', sealingP12Path: join(dataDir, 'unused.p12') };
    await ensureTable(settings.dynamodbEndpoint, settings.tableName);
    await ensureBucket(settings.s3Endpoint, settings.bucketName);
    applyEnvironment(handlerEnvironment(settings));
    const deps = composeDeps(loadConfig(process.env));
    const db = createDocumentClient({ region: 'eu-west-3', endpoint: settings.dynamodbEndpoint });

    await deps.campaigns.create({
      schoolYear: '2026-2027', feeCents: 4000, endDate: '2027-09-05', issuePlace: 'Montpellier', issueDate: '2026-06-12',
      signatory: { name: 'Carole Drucker-Godard', title: 'Rectrice' }, linkValidityDays: 60, createdAt: '2026-06-12T08:00:00.000Z',
    });
    const started = Date.now();
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < TOTAL; i += 1) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const isDue = i < DUE;
      // Due today: invited a week ago; the others fall due over the coming months.
      const convention: Convention = {
        id, schoolYear: '2026-2027',
        commune: { name: `Commune ${i}`, siret: String(21000000000000 + i), address: 'Mairie' },
        mayor: { name: 'Maire', title: 'Maire', email: `maire.${i}@example.org` },
        schools: [{ uai: '0341401N', type: 'maternelle', name: '' }], feeCents: 4000, amountCents: 4000, endDate: '2027-09-05',
        status: 'sent', createdAt: '2026-06-12T08:00:00.000Z', sentAt: isDue ? '2026-06-15T08:00:00.000Z' : '2026-06-19T08:00:00.000Z',
        link: { hash: `${i}`.padStart(64, '0'), expiresAt: '2026-08-14T08:00:00.000Z' },
      };
      const dueDate = isDue ? TODAY : addDays(TODAY, 1 + (i % 300));
      items.push({ ...conventionKey(id), ...conventionIndexKeys('2026-2027', convention.commune.siret), entity: 'convention', ...convention });
      items.push({ ...reminderDueKey(id), ...reminderDueIndexKeys(id, dueDate), entity: 'reminder-due', conventionId: id, dueDate });
    }
    await writeAll(db, settings.tableName, items);
    console.log(`loaded ${TOTAL} conventions and their due dates (${items.length} items) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const sweepStart = Date.now();
    const report = await sendReminders(deps, { today: TODAY, at: '2026-06-22T07:00:00.000Z' });
    const sweepMs = Date.now() - sweepStart;

    const scanStart = Date.now();
    let scanned = 0;
    let ExclusiveStartKey: Record<string, never> | undefined;
    const raw = (db as unknown as { send: typeof db.send });
    do {
      const page = await raw.send(new ScanCommand({ TableName: settings.tableName, Select: 'COUNT', ExclusiveStartKey }));
      scanned += page.ScannedCount ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
    } while (ExclusiveStartKey);
    const scanMs = Date.now() - scanStart;

    console.log(`sweep: ${report.read} index entries read for ${DUE} due among ${TOTAL} conventions; ${report.emails} emails in ${sweepMs} ms`);
    console.log(`baseline scan of the same table: ${scanned} items read in ${scanMs} ms`);
    console.log(`reminders: read ${report.read} for ${DUE} due of ${TOTAL}, scan ${scanned}, ratio ${(scanned / Math.max(1, report.read)).toFixed(0)}`);
  } finally {
    await servers.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
