import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../infra/functions.ts';
import { lambdaContext, loadHandler } from '../../infra/local/gateway.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { campaign2026, leBoulou } from '../fixtures/seed-communes.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.close());

async function invoke(name: string) {
  const spec = functionSpecs.find((candidate) => candidate.name === name)!;
  const event = JSON.parse(readFileSync(join(PROJECT_ROOT, 'events', `${name}.json`), 'utf8')) as unknown;
  const handler = await loadHandler(PROJECT_ROOT, spec);
  return (await handler(event, lambdaContext(name, spec.timeoutSeconds, spec.memoryMb))) as { statusCode: number; body: string };
}

describe('the sample events of events/ run the handlers directly, as `npm run invoke` does', () => {
  it('create a campaign, add a convention and send it, in that order', async () => {
    expect((await invoke('create-campaign')).statusCode).toBe(201);
    const added = await invoke('add-convention');
    expect(added.statusCode).toBe(201);
    expect(JSON.parse(added.body)).toMatchObject({ amountCents: 8000, status: 'draft' });
    const sent = await invoke('send-campaign');
    expect(sent.statusCode).toBe(202);
    const { jobId } = JSON.parse(sent.body);
    expect(await stack.waitForJob(jobId)).toMatchObject({ kind: 'send-campaign', state: 'done', total: 1, failedCount: 0, failed: [], tally: { sent: 1 } });
  });

  it('answer 404 for the sample job id; a stream record of a job that is not in the table is skipped, not failed; a wake-up with nothing waiting wakes nothing', async () => {
    expect((await invoke('get-job')).statusCode).toBe(404);
    expect(await invoke('run-jobs')).toEqual({ batchItemFailures: [] });
    expect(await invoke('wake-jobs')).toEqual({ woken: 0 });
  });

  it('answer 404 for the sample convention id and the sample token, which name nothing', async () => {
    expect((await invoke('get-convention')).statusCode).toBe(404);
    const page = await invoke('signing-page');
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain("Ce lien n'est pas valide");
  });

  it('answer the sample signature, a base64-encoded form post, with the neutral page for its unknown token', async () => {
    const page = await invoke('sign-convention');
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain("Ce lien n'est pas valide");
  });

  it('answer the sample refusal with the neutral page for its unknown token', async () => {
    expect((await invoke('decline-convention')).statusCode).toBe(404);
  });

  it('answer the sample countersignature with 404 for its unknown convention', async () => {
    expect((await invoke('countersign-convention')).statusCode).toBe(404);
  });

  it("serve the design system's stylesheet from the sample event, and nothing outside its list", async () => {
    const css = await invoke('static-assets');
    expect(css.statusCode).toBe(200);
    expect(Buffer.from(css.body, 'base64').toString('utf8')).toContain('.fr-btn');
    const spec = functionSpecs.find((candidate) => candidate.name === 'static-assets')!;
    const handler = await loadHandler(PROJECT_ROOT, spec);
    const outside = (await handler({ pathParameters: { version: '1.14.4', file: '../../package.json' } }, lambdaContext('static-assets'))) as { statusCode: number };
    expect(outside.statusCode).toBe(404);
  });

  it('answer the sample resend with 404 for its unknown convention', async () => {
    expect((await invoke('resend-link')).statusCode).toBe(404);
  });

  it('answer the sample titre de perception with 404 for its unknown convention', async () => {
    expect((await invoke('record-titre')).statusCode).toBe(404);
  });

  it('send the sample console visit, without a session, to the OpenID provider to log in', async () => {
    const answer = (await invoke('console')) as { statusCode: number; headers?: Record<string, string> };
    expect(answer.statusCode).toBe(302);
    expect(answer.headers?.location).toContain('code_challenge_method=S256');
  });

  it("replay the reminder sweep of 13 October 2026 from its scheduled event: the day's job, started once however often the schedule fires", async () => {
    const first = (await invoke('send-reminders')) as unknown as { jobId: string; started: boolean };
    expect(first).toEqual({ jobId: 'reminders-2026-10-13', started: true });
    expect(await invoke('send-reminders')).toEqual({ jobId: 'reminders-2026-10-13', started: false });
    expect(await stack.waitForJob(first.jobId)).toMatchObject({ kind: 'send-reminders', state: 'done', failedCount: 0 });
  });

  it('answer the sample avenant events with 404: they name no convention and no link', async () => {
    expect((await invoke('request-avenant')).statusCode).toBe(404);
    expect((await invoke('countersign-avenant')).statusCode).toBe(404);
    for (const name of ['mayor-avenant', 'avenant-page', 'sign-avenant']) {
      const page = await invoke(name);
      expect(page.statusCode, name).toBe(404);
      expect(page.body).toContain("Ce lien n'est pas valide");
    }
  });

  it('import the sample CSV into the sample campaign, then report its stats; cancel nothing that does not exist', async () => {
    const imported = await invoke('import-campaign');
    expect(imported.statusCode).toBe(202);
    const job = await stack.waitForJob(JSON.parse(imported.body).jobId);
    expect(job).toMatchObject({ kind: 'import-campaign', state: 'done' });
    expect(job.failed.length).toBeGreaterThan(0);
    const stats = await invoke('campaign-reports');
    expect(JSON.parse(stats.body).conventions).toBeGreaterThan(0);
    expect((await invoke('cancel-convention')).statusCode).toBe(404);
    const digest = (await invoke('send-digest')) as unknown as { jobId: string; started: boolean };
    expect(digest).toEqual({ jobId: 'digest-2026-10-13', started: true });
    expect(await stack.waitForJob(digest.jobId)).toMatchObject({ kind: 'digest', state: 'done', tally: {}, failedCount: 0 });
    // Fired at 00:15 Paris on 14 October: anchors the 13th.
    const anchor = (await invoke('anchor-audit')) as unknown as { jobId: string; started: boolean };
    expect(anchor).toMatchObject({ jobId: 'anchor-2026-10-13' });
    expect(await stack.waitForJob(anchor.jobId)).toMatchObject({ kind: 'anchor-audit', state: 'done' });
  });

  it("serve the admin API's OpenAPI document to the sample signataire's token", async () => {
    const served = await invoke('get-openapi');
    expect(served.statusCode).toBe(200);
    expect(JSON.parse(served.body)).toMatchObject({ openapi: '3.1.0', paths: { '/admin/openapi.json': { get: { operationId: 'getOpenApi' } } } });
  });

  it('cover every function of the catalogue', () => {
    for (const spec of functionSpecs) {
      expect.soft(existsSync(join(PROJECT_ROOT, 'events', `${spec.name}.json`)), `events/${spec.name}.json`).toBe(true);
    }
  });
});

describe('a bounce reported by SES', () => {
  it('marks the address undeliverable, and Paraphe stops emailing it', async () => {
    const bounced = 'ancienne.adresse@mairie.example.org';
    expect(await invoke('ses-events')).toEqual({ marked: 1, confirmed: 0 });
    // A convention whose mayor has that address: the invitation is not sent to it.
    const created = await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: '2032-2033' });
    expect(created.status).toBe(201);
    const added = await stack.admin('POST', '/admin/campaigns/2032-2033/conventions', { ...leBoulou, mayor: { ...leBoulou.mayor, email: bounced } });
    expect(added.status).toBe(201);
    // The job sends it as usual; the mailer drops the undeliverable address.
    expect(await stack.sendCampaign('2032-2033')).toMatchObject({ state: 'done', failedCount: 0 });
    expect(await stack.inbox(bounced)).toEqual([]);
  });

  it('leaves an address alone after a transient bounce', async () => {
    const event = JSON.parse(readFileSync(join(PROJECT_ROOT, 'events', 'ses-events.json'), 'utf8'));
    event.detail.bounce.bounceType = 'Transient';
    const spec = functionSpecs.find((candidate) => candidate.name === 'ses-events')!;
    const handler = await loadHandler(PROJECT_ROOT, spec);
    expect(await handler(event, lambdaContext('ses-events'))).toEqual({ marked: 0, confirmed: 0 });
  });
});
