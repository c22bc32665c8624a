/**
 * Sending a campaign as a job, through faults, on the real local servers: two
 * sends at once, a refused address, SES throttling, a job delivered twice, a
 * worker dying after SES took its email, DynamoDB unreachable right after an
 * email (an invitation, a reminder), and S3 unreachable while a signature's
 * seal job runs. The stack runs without its stream worker: the tests
 * run the jobs themselves (runJob, drainJobs) with wrapped ports, so the real
 * worker never races them; faults are only ever a wrapped port or a cut TCP line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDeps, type BaseDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { sealer } from '../../functions/adapters/sealing.ts';
import { parisMidnightUtc } from '../../functions/domain/calendar.ts';
import { sha256Hex } from '../../functions/domain/sha256.ts';
import { EMAIL_LEASE_MS, JOB_TAG } from '../../functions/use-cases/jobs/email-once.ts';
import { jobDefinitions } from '../../functions/use-cases/jobs/handlers.ts';
import { childJobId, newJob, type Job } from '../../functions/domain/jobs/job.ts';
import { runJob, type JobOutcome } from '../../functions/use-cases/jobs/run-job.ts';
import { firstWakeUp } from '../../functions/domain/reminder-schedule.ts';
import { startCampaignSend } from '../../functions/use-cases/send-campaign.ts';
import { startReminderDay } from '../../functions/use-cases/send-reminders.ts';
import { signConvention } from '../../functions/use-cases/sign-convention.ts';
import type { OutgoingEmail } from '../../functions/use-cases/ports.ts';
import { functionSpecs } from '../../infra/functions.ts';
import { lambdaContext, loadHandler } from '../../infra/local/gateway.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { campaign2026, leBoulou, lespignan, pezilla, deliberation } from '../fixtures/seed-communes.ts';
import { childJobs, drainJobs, wakeAll } from '../support/run-jobs-inline.ts';
import { sesSendEvent } from '../support/ses-events.ts';
import { mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

let stack: TestStack;
let deps: BaseDeps;
beforeAll(async () => {
  stack = await startTestStack({ workers: false });
  deps = composeDeps(loadConfig(process.env));
});
afterAll(async () => stack?.close());

const fixtures = [lespignan, leBoulou, pezilla];
const budget = { remainingMs: () => 60_000 };

/** A campaign for `year` with one convention per fixture, each with its own mayor address. */
async function campaignOf(year: string, label: string): Promise<{ ids: string[]; emails: string[] }> {
  expect((await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: year })).status).toBe(201);
  const ids: string[] = [];
  const emails: string[] = [];
  for (const [index, fixture] of fixtures.entries()) {
    const email = mayorEmail(`${label}-${index}`);
    const created = await stack.admin('POST', `/admin/campaigns/${year}/conventions`, { ...fixture, mayor: { ...fixture.mayor, email } });
    expect(created.status).toBe(201);
    ids.push(created.json.id);
    emails.push(email);
  }
  return { ids, emails };
}

/** POST …/send: 202 and its job. */
async function postSend(year: string): Promise<{ jobId: string; started: boolean }> {
  const response = await stack.admin('POST', `/admin/campaigns/${year}/send`);
  expect(response.status, JSON.stringify(response.json)).toBe(202);
  return response.json;
}

/** GET /admin/jobs/{id}: what the rectorat sees. */
async function jobView(jobId: string) {
  const response = await stack.admin('GET', `/admin/jobs/${jobId}`);
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  return response.json;
}

/** A campaign's send with these deps, run here to its end: the job's view. */
async function sendWith(d: BaseDeps, year: string) {
  const { jobId } = await startCampaignSend(d, { schoolYear: year, actor: 'test' });
  await drainJobs(d, jobId);
  return { jobId, ...(await jobView(jobId)) };
}

/** The send-invitation jobs of a tracked send, after running its fan-out. */
async function fannedOut(d: BaseDeps, year: string): Promise<{ jobId: string; children: Job[] }> {
  const { jobId } = await startCampaignSend(d, { schoolYear: year, actor: 'test' });
  const root = (await d.jobs.get(jobId))!;
  expect(await runJob(d, jobDefinitions, root, budget)).toBe('done');
  return { jobId, children: await childJobs(jobId) };
}

const sesEventsHandler = () => loadHandler(PROJECT_ROOT, functionSpecs.find((spec) => spec.name === 'ses-events')!);

/** SES's Send event for an email it took, delivered to the real ses-events function. */
async function deliverSendEvent(email: OutgoingEmail) {
  const handler = await sesEventsHandler();
  return handler(sesSendEvent({ to: email.to[0]!, tags: email.tags!, at: new Date() }), lambdaContext('ses-events'));
}

/**
 * Dependencies whose DynamoDB or S3 goes through a TCP line that `cut()` cuts
 * for 3 s (connections refused and reset), as when the server restarts.
 */
async function withCutLine<T>(service: 'DYNAMODB_ENDPOINT' | 'S3_ENDPOINT', act: (cut: BaseDeps, cut3s: () => Promise<void>) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const target = new URL(config[service]!);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  try {
    const cut3s = async () => {
      await proxy.down();
      setTimeout(() => void proxy.up(), 3_000);
    };
    return await act(composeDeps({ ...config, [service]: proxy.url }), cut3s);
  } finally {
    await proxy.close();
  }
}

/** DynamoDB cut for 3 s right after the first email went out; `accepted` lists what SES took. */
async function withOutageAfterFirstEmail<T>(act: (cut: BaseDeps, accepted: OutgoingEmail[]) => Promise<T>): Promise<T> {
  return withCutLine('DYNAMODB_ENDPOINT', (cut, cut3s) => {
    const accepted: OutgoingEmail[] = [];
    const mailer = {
      send: async (message: OutgoingEmail) => {
        await cut.mailer.send(message);
        accepted.push(message);
        if (accepted.length === 1) await cut3s();
      },
    };
    return act({ ...cut, mailer }, accepted);
  });
}

/**
 * A worker that dies right after SES took its first email: the mailer sends
 * for real, then the process is gone (Lambda's Runtime.ExitError), so nothing
 * after it runs, no clean-up and no record: every port throws from then on.
 */
function dyingAfterEmail(base: BaseDeps): { deps: BaseDeps; accepted: OutgoingEmail[] } {
  let dead = false;
  const accepted: OutgoingEmail[] = [];
  const death = () => Object.assign(new Error('Runtime exited with error: signal: killed'), { name: 'Runtime.ExitError' });
  const alive = <T extends object>(port: T): T =>
    new Proxy(port, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => (dead ? Promise.reject(death()) : (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
  const mailer = {
    send: async (email: OutgoingEmail) => {
      if (dead) throw death();
      await base.mailer.send(email);
      accepted.push(email);
      dead = true;
      throw death();
    },
  };
  const ports = ['campaigns', 'conventions', 'reminders', 'avenants', 'jobs', 'undeliverable', 'documents'] as const;
  return { deps: { ...base, ...Object.fromEntries(ports.map((name) => [name, alive(base[name])])), mailer } as BaseDeps, accepted };
}

describe('sending a campaign', () => {
  it('is one job however many sends are asked at once, and a send after it ended emails nobody again', async () => {
    const { ids, emails } = await campaignOf('2031-2032', 'twice');
    const [first, second] = await Promise.all([postSend('2031-2032'), postSend('2031-2032')]);
    expect(second!.jobId).toBe(first!.jobId);
    expect([first!.started, second!.started].sort()).toEqual([false, true]);
    // Still running: a third send gets the same job.
    expect(await postSend('2031-2032')).toMatchObject({ jobId: first!.jobId, started: false });

    await drainJobs(deps, first!.jobId);
    expect(await jobView(first!.jobId)).toMatchObject({ kind: 'send-campaign', state: 'done', total: 3, done: 3, failedCount: 0, failed: [], tally: { sent: 3 } });

    const again = await postSend('2031-2032');
    expect(again).toMatchObject({ started: true });
    expect(again.jobId).not.toBe(first!.jobId);
    await drainJobs(deps, again.jobId);
    const view = await jobView(again.jobId);
    expect(view).toMatchObject({ state: 'done', failedCount: 0, failed: [] });
    expect(view.tally.sent ?? 0).toBe(0);
    expect(view.total).toBe(view.tally.skipped ?? 0); // nothing left to send: no child, or only skipped ones
    for (const id of ids) expect((await deps.conventions.get(id))?.status).toBe('sent');
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(1);
  });

  it('lists a refused address with a French reason naming the fix, puts that convention back to draft, and the next send sends it', async () => {
    const { ids, emails } = await campaignOf('2032-2033', 'refused');
    const refusedAddress = emails[1]!;
    let refusing = true;
    const mailer = {
      send: async (email: OutgoingEmail) => {
        if (refusing && email.to.includes(refusedAddress)) {
          throw Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected', $metadata: { httpStatusCode: 400 } });
        }
        await deps.mailer.send(email);
      },
    };
    const failed = await sendWith({ ...deps, mailer }, '2032-2033');
    expect(failed).toMatchObject({ state: 'done', total: 3, done: 2, failedCount: 1, tally: { sent: 2 } });
    expect(failed.failed).toHaveLength(1);
    expect(failed.failed[0]).toMatchObject({ item: leBoulou.commune.name });
    expect(failed.failed[0].reason).toContain(`L'adresse ${refusedAddress} a été refusée`);
    expect(failed.failed[0].reason).toContain('corrigez-la, puis envoyez à nouveau');
    expect(await deps.conventions.get(ids[1]!)).toMatchObject({ status: 'draft' });
    expect((await deps.conventions.get(ids[1]!))?.sendingJob).toBeUndefined();
    const history = await deps.conventions.history(ids[1]!);
    expect(history.filter((event) => event.type === 'invitation_failed')).toMatchObject([{ reason: failed.failed[0].reason }]);
    expect(await stack.inbox(refusedAddress)).toEqual([]);

    // SES takes the address next time: the next send sends that one only.
    refusing = false;
    const retried = await sendWith({ ...deps, mailer }, '2032-2033');
    expect(retried).toMatchObject({ state: 'done', failedCount: 0, failed: [], tally: { sent: 1 } });
    for (const id of ids) expect((await deps.conventions.get(id))?.status).toBe('sent');
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(1);
  });

  it('waits out SES throttling without reporting a failure, and every invitation goes out once', async () => {
    const { ids, emails } = await campaignOf('2033-2034', 'throttled');
    // Four refusals in a row: three short waits spent in the invocation (1, 2, 4 s), then one through the wake-up.
    let throttles = 4;
    const mailer = {
      send: async (email: OutgoingEmail) => {
        if (throttles-- > 0) throw Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' });
        await deps.mailer.send(email);
      },
    };
    const view = await sendWith({ ...deps, mailer }, '2033-2034');
    expect(throttles).toBeLessThan(0);
    expect(view).toMatchObject({ state: 'done', total: 3, done: 3, failedCount: 0, failed: [], tally: { sent: 3 } });
    for (const child of await childJobs(view.jobId)) expect(child).toMatchObject({ state: 'done', attempts: 0 });
    for (const id of ids) expect((await deps.conventions.get(id))?.status).toBe('sent');
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(1);
  });

  it('does the work of a job delivered twice once', async () => {
    const { ids, emails } = await campaignOf('2034-2035', 'redelivered');
    const { jobId, children } = await fannedOut(deps, '2034-2035');
    const root = (await deps.jobs.get(jobId))!;
    expect(await runJob(deps, jobDefinitions, root, budget)).toBe('skipped');
    expect(await childJobs(jobId)).toHaveLength(3);

    // One after the other: the second delivery finds the job ended.
    const [one, two, three] = children as [Job, Job, Job];
    expect(await runJob(deps, jobDefinitions, one, budget)).toBe('done');
    expect(await runJob(deps, jobDefinitions, one, budget)).toBe('skipped');
    // At the same time: one email, whoever wins.
    const outcomes: JobOutcome[] = await Promise.all([runJob(deps, jobDefinitions, two, budget), runJob(deps, jobDefinitions, two, budget)]);
    expect(outcomes).toContain('done');
    expect(await runJob(deps, jobDefinitions, three, budget)).toBe('done');
    await drainJobs(deps, jobId);

    expect(await jobView(jobId)).toMatchObject({ state: 'done', total: 3, done: 3, failedCount: 0, tally: { sent: 3 } });
    for (const id of ids) {
      expect((await deps.conventions.get(id))?.status).toBe('sent');
      expect((await deps.conventions.history(id)).filter((event) => event.type === 'sent')).toHaveLength(1);
    }
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(1);
  });

  it('waits for the lease, without emailing again, when a worker died after SES took the email and nothing recorded it', async () => {
    const { ids, emails } = await campaignOf('2035-2036', 'died-no-event');
    const { jobId, children } = await fannedOut(deps, '2035-2036');
    const [child] = children as [Job];
    const dying = dyingAfterEmail(deps);
    const before = Date.now();
    await expect(runJob(dying.deps, jobDefinitions, child, budget)).rejects.toMatchObject({ name: 'Runtime.ExitError' });
    expect(dying.accepted).toHaveLength(1);
    expect(dying.accepted[0]!.tags?.[JOB_TAG]).toBe(child.id);
    expect(await deps.jobs.get(child.id)).toMatchObject({ state: 'pending' }); // the stream delivers it again
    const conventionId = child.payload.conventionId as string;
    expect((await deps.conventions.get(conventionId))?.status).toBe('sending');

    // Delivered again: the claim is held and SES said nothing yet, so the job waits past the lease.
    expect(await runJob(deps, jobDefinitions, child, budget)).toBe('waiting');
    const waiting = (await deps.jobs.get(child.id))!;
    expect(waiting.state).toBe('waiting');
    expect(Date.parse(waiting.wakeAt!)).toBeGreaterThanOrEqual(before + EMAIL_LEASE_MS);
    expect(waiting.attempts).toBe(0);
    // Woken early (before the lease lapsed): it waits again, still without emailing.
    await wakeAll();
    expect(await runJob(deps, jobDefinitions, (await deps.jobs.get(child.id))!, budget)).toBe('waiting');
    const mayor = dying.accepted[0]!.to[0]!;
    expect(await stack.inbox(mayor)).toHaveLength(1);
    expect(await jobView(jobId)).toMatchObject({ state: 'running' });
    expect(ids).toContain(conventionId);
    expect(emails).toContain(mayor);
  });

  it("does not email again, once SES's Send event recorded it, an invitation whose worker died after SES took it", async () => {
    const { ids, emails } = await campaignOf('2036-2037', 'died-event');
    const { jobId, children } = await fannedOut(deps, '2036-2037');
    const [child] = children as [Job];
    const dying = dyingAfterEmail(deps);
    await expect(runJob(dying.deps, jobDefinitions, child, budget)).rejects.toMatchObject({ name: 'Runtime.ExitError' });
    expect(dying.accepted).toHaveLength(1);

    expect(await deliverSendEvent(dying.accepted[0]!)).toEqual({ marked: 0, confirmed: 1 });
    expect(await deliverSendEvent(dying.accepted[0]!)).toEqual({ marked: 0, confirmed: 0 }); // delivered twice: recorded once
    expect(await runJob(deps, jobDefinitions, child, budget)).toBe('done');
    const conventionId = child.payload.conventionId as string;
    expect((await deps.conventions.history(conventionId)).filter((event) => event.type === 'sent')).toHaveLength(1);

    await drainJobs(deps, jobId);
    expect(await jobView(jobId)).toMatchObject({ state: 'done', total: 3, done: 3, failedCount: 0, tally: { sent: 3 } });
    for (const id of ids) expect((await deps.conventions.get(id))?.status).toBe('sent');
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(1);
  });

  it("leaves alone a Send event for an invitation its job recorded", async () => {
    const { emails } = await campaignOf('2037-2038', 'recorded');
    const accepted: OutgoingEmail[] = [];
    const watching = { ...deps, mailer: { send: async (email: OutgoingEmail) => { await deps.mailer.send(email); accepted.push(email); } } };
    expect(await sendWith(watching, '2037-2038')).toMatchObject({ state: 'done', tally: { sent: 3 } });
    for (const email of accepted) {
      expect(await deliverSendEvent(email)).toEqual({ marked: 0, confirmed: 0 });
    }
    expect(accepted.map((email) => email.to[0])).toEqual(expect.arrayContaining(emails));
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(1);
  });

  it('retries a job through DynamoDB refusing connections right after its email, and the mayor still has exactly one invitation', async () => {
    const { ids, emails } = await campaignOf('2038-2039', 'outage');
    const { jobId, accepted } = await withOutageAfterFirstEmail(async (cut, accepted) => {
      const { jobId } = await startCampaignSend(cut, { schoolYear: '2038-2039', actor: 'test' });
      // The worker's own bookkeeping fails while the line is down: the stream delivers the job again (drainJobs' redelivery).
      const report = await drainJobs(cut, jobId, { maxRounds: 8 }).catch((error: Error) => error);
      // The invitation SES took cannot be recorded by its job: the retry waits for SES's word or the lease, never emails again.
      expect(String(report)).toContain('waiting');
      return { jobId, accepted };
    });
    expect(accepted).toHaveLength(3);
    const first = accepted[0]!;
    const held = (await deps.jobs.get(first.tags![JOB_TAG]!))!;
    expect(held.state).toBe('waiting');
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(1);

    // SES's Send event records it: the retry ends the job without emailing.
    expect(await deliverSendEvent(first)).toEqual({ marked: 0, confirmed: 1 });
    await drainJobs(deps, jobId);
    expect(await jobView(jobId)).toMatchObject({ state: 'done', total: 3, done: 3, failedCount: 0, failed: [], tally: { sent: 3 } });
    for (const id of ids) expect((await deps.conventions.get(id))?.status).toBe('sent');
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(1);
    expect(childJobId(jobId, held.payload.conventionId as string)).toBe(held.id);
  });

  it('ends a job through DynamoDB refusing connections after its email was recorded, without emailing again', async () => {
    const { ids, emails } = await campaignOf('2039-2040', 'outage-recorded');
    await withCutLine('DYNAMODB_ENDPOINT', async (cut, cut3s) => {
      let cuts = 0;
      const jobs = {
        ...cut.jobs,
        recordEmailSent: async (jobId: string, at: string) => {
          const recorded = await cut.jobs.recordEmailSent(jobId, at);
          if (cuts++ === 0) await cut3s();
          return recorded;
        },
      };
      const { jobId } = await startCampaignSend(cut, { schoolYear: '2039-2040', actor: 'test' });
      const report = await drainJobs({ ...cut, jobs }, jobId);
      // The outage was felt: a try was delivered again, or set to wait (whether the SDK's own retries outlasted the cut).
      expect(report.redelivered + report.waiting).toBeGreaterThan(0);
      expect(await jobView(jobId)).toMatchObject({ state: 'done', total: 3, done: 3, failedCount: 0, failed: [], tally: { sent: 3 } });
    });
    for (const id of ids) expect((await deps.conventions.get(id))?.status).toBe('sent');
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(1);
  });
});

describe("a day's reminders", () => {
  it('are recorded when DynamoDB refuses connections right after an email (SES took it: its Send event says so), and a job of another day meeting the same reminders sends none again', async () => {
    const { ids, emails } = await campaignOf('2041-2042', 'reminded');
    expect(await sendWith(deps, '2041-2042')).toMatchObject({ state: 'done', tally: { sent: 3 } });
    const campaign = (await deps.campaigns.get('2041-2042'))!;
    const first = (await deps.conventions.get(ids[0]!))!;
    const due = firstWakeUp(campaign, first, first.sentAt!)!;
    const at = new Date(Date.parse(parisMidnightUtc(due)) + 9 * 3600 * 1000);

    // Other tests' conventions of this table may fall due the same day: they are in the day's job too.
    const { jobId } = await startReminderDay(deps, { today: due, at: at.toISOString() });
    await withOutageAfterFirstEmail(async (cut, accepted) => {
      // The first reminder's record was cut off: its job cannot know whether SES took it, and waits.
      await expect(drainJobs(cut, jobId, { maxRounds: 4 })).rejects.toThrow(/waiting/);
      expect(accepted.length).toBeGreaterThanOrEqual(1);
      for (const email of accepted) expect(await deliverSendEvent(email)).toMatchObject({ confirmed: expect.any(Number) });
    });
    await drainJobs(deps, jobId);
    expect(await jobView(jobId)).toMatchObject({ state: 'done', failedCount: 0 });
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(2); // the invitation and one reminder

    // A job of another day that meets the same reminders (their due dates not moved): the reminders' keys hold.
    for (const id of ids) await deps.reminders.reschedule(id, due);
    const other = newJob({ id: `${jobId}-other`, kind: 'send-reminders', payload: { today: due, at: new Date(at.getTime() + 20 * 60 * 1000).toISOString() }, at: at.toISOString() });
    await deps.jobs.startTracked(other);
    await drainJobs(deps, other.id);
    expect(await jobView(other.id)).toMatchObject({ state: 'done', failedCount: 0, tally: { 'already-sent': 3 } });
    for (const email of emails) expect(await stack.inbox(email)).toHaveLength(2);
  });
});

describe('a signature', () => {
  it('is sealed by its job through S3 refusing connections: the job is retried, stores the signed PDF and emails it once', async () => {
    const email = mayorEmail('s3-blip');
    const { id, path } = await sentConvention(stack, { ...campaign2026, schoolYear: '2042-2043' }, { ...lespignan, mayor: { ...lespignan.mayor, email } });
    const signed = await signConvention(
      deps,
      { token: path.split('/').at(-1)!, form: { signerName: 'Jean François GUIBBERT', capacity: 'maire', consent: 'on', ...deliberation }, ip: '127.0.0.1', userAgent: 'test' },
    );
    expect(signed.status).toBe('signed');
    const job = (await deps.jobs.get(signed.sealingJob))!;
    expect(job).toMatchObject({ kind: 'seal-signed', state: 'pending' });

    await withCutLine('S3_ENDPOINT', async (cut, cut3s) => {
      await cut3s();
      const sealing = { ...cut, sealer: sealer() };
      // S3 down: the job waits for its retry (or its bookkeeping is delivered again); nothing is emailed.
      const first = await runJob(sealing, jobDefinitions, job, budget).catch((error: Error) => error);
      expect(first).toBe('waiting');
      expect((await stack.inbox(email)).map((mail) => mail.attachments.length)).toEqual([0]);
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      await wakeAll();
      expect(await runJob(sealing, jobDefinitions, (await deps.jobs.get(job.id))!, budget)).toBe('done');
    });
    const convention = (await deps.conventions.get(id))!;
    const stored = await deps.documents.get(convention.signedDocument!);
    expect(stored && sha256Hex(stored)).toBe(convention.signedDocument!.sha256);
    expect((await stack.inbox(email)).map((mail) => mail.attachments.length)).toEqual([0, 1]); // the invitation, then the signed copy
    expect(await runJob({ ...deps, sealer: sealer() }, jobDefinitions, job, budget)).toBe('skipped');
  });
});
