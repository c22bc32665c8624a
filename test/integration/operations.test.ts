/**
 * The rectorat's operations over HTTP: import a campaign from a spreadsheet
 * (both encodings), follow it, cancel, invoice, and the daily digest.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { addDays, nextWorkingDay, parisDateOf } from '../../functions/domain/calendar.ts';
import { planImportFile } from '../../functions/use-cases/input/import/import-rows.ts';
import { startDigest } from '../../functions/use-cases/send-digest.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { campaign2026, deliberation } from '../fixtures/seed-communes.ts';
import { eventually, startTestStack, type TestStack } from '../support/stack.ts';

const utf8 = readFileSync(join(PROJECT_ROOT, 'test/fixtures/import/communes-2025-2026-utf8.csv'));
const cp1252 = readFileSync(join(PROJECT_ROOT, 'test/fixtures/import/communes-2025-2026-cp1252.csv'));

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
  for (const schoolYear of ['2025-2026', '2024-2025']) {
    const created = await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear, endDate: `${schoolYear.slice(5)}-09-05`, issueDate: `${schoolYear.slice(0, 4)}-05-28` });
    expect(created.status).toBe(201);
  }
});
afterAll(async () => stack?.close());

/** One request, then the job it started: what was imported, found unchanged, and every refused line with its reason. */
async function importFile(schoolYear: string, bytes: Buffer) {
  const response = await stack.request('POST', `/admin/campaigns/${schoolYear}/imports`, { headers: { 'content-type': 'text/csv' }, body: bytes });
  const started = (await response.json()) as { jobId: string };
  const job = await stack.waitForJob(started.jobId);
  const rejected = (job.failed as { lines?: number[]; line: number; reason: string }[])
    .flatMap((failure) => (failure.lines ?? [failure.line]).map((line) => ({ line, reason: failure.reason })))
    .sort((a, b) => a.line - b.line);
  return { status: response.status, job, json: { imported: job.tally.imported ?? 0, unchanged: job.tally.unchanged ?? 0, rejected } };
}

describe('importing a campaign from a spreadsheet', () => {
  it('imports the good communes and reports every refused row with its line and reason, in UTF-8 and in Windows-1252', async () => {
    const expected = planImportFile(utf8);
    const first = await importFile('2025-2026', utf8);
    expect(first.status).toBe(202);
    expect(first.job).toMatchObject({ kind: 'import-campaign', state: 'done', total: expected.communes.length, done: expected.communes.length });
    expect(first.json.imported).toBe(expected.communes.length);
    expect(first.json.rejected).toEqual(expected.rejected.map(({ line, reason }) => ({ line, reason })));

    const excel = await importFile('2024-2025', cp1252);
    expect(excel.json.imported).toBe(expected.communes.length);
    expect(excel.json.rejected.map((row) => row.line).length).toBe(expected.rejected.length);
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = (await stack.admin('GET', '/admin/campaigns/2025-2026/stats')).json.conventions;
    const again = await importFile('2025-2026', utf8);
    expect(again.json.imported).toBe(0);
    expect(again.json.unchanged).toBe(before);
    expect((await stack.admin('GET', '/admin/campaigns/2025-2026/stats')).json.conventions).toBe(before);
  });
});

describe('importing a file larger than a request can carry', () => {
  it('takes a presigned upload of the file, then its key, and imports it as a job', async () => {
    const upload = await stack.admin('POST', '/admin/campaigns/2024-2025/imports/uploads', { size: utf8.length, md5: createHash('md5').update(utf8).digest('base64') });
    expect(upload.status).toBe(201);
    expect(upload.json).toMatchObject({ method: 'PUT', key: expect.stringMatching(/^imports\/2024-2025\//) });
    // S3 checks what is signed: the length, the type and the MD5 (s3rver checks none of them, S3 does).
    expect(new URL(upload.json.uploadUrl).searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(expect.arrayContaining(['content-length', 'content-md5', 'content-type', 'if-none-match']));
    const put = await fetch(upload.json.uploadUrl, { method: 'PUT', body: utf8, headers: upload.json.headers });
    expect(put.status).toBe(200);
    const started = await stack.admin('POST', '/admin/campaigns/2024-2025/imports', { key: upload.json.key });
    expect(started.status).toBe(202);
    // The same file as the Windows-1252 one imported above: every commune is found unchanged.
    expect(await stack.waitForJob(started.json.jobId)).toMatchObject({ state: 'done', tally: { unchanged: planImportFile(utf8).communes.length } });
  });

  it('refuses an upload above 20 MB, a key that is not an upload of the campaign, and a body above API Gateway\'s 10 MB, each saying what to do', async () => {
    const noMd5 = await stack.admin('POST', '/admin/campaigns/2024-2025/imports/uploads', { size: 100 });
    expect(noMd5.status).toBe(400);
    expect(noMd5.json.error.fields[0]).toMatchObject({ field: 'md5' });
    const big = await stack.admin('POST', '/admin/campaigns/2024-2025/imports/uploads', { size: 21 * 1024 * 1024, md5: '1B2M2Y8AsgTpgAmY7PhCfg==' });
    expect(big.status).toBe(400);
    expect(big.json.error.fields[0]).toMatchObject({ field: 'size', message: expect.stringContaining('au plus 20 Mo') });
    const foreign = await stack.admin('POST', '/admin/campaigns/2024-2025/imports', { key: 'campaigns/2024-2025/secret.pdf' });
    expect(foreign.status).toBe(400);
    expect(foreign.json.error.fields[0]).toMatchObject({ field: 'key', message: expect.stringContaining('demandez d\'abord une adresse de dépôt') });
    const missing = await stack.admin('POST', '/admin/campaigns/2024-2025/imports', { key: 'imports/2024-2025/nothing-here.csv' });
    expect(missing.status).toBe(400);
    expect(missing.json.error.fields[0].message).toContain("Aucun fichier n'a été déposé");
    const tooLarge = await stack.request('POST', '/admin/campaigns/2024-2025/imports', { headers: { 'content-type': 'text/csv' }, body: new Uint8Array(10 * 1024 * 1024 + 1) });
    expect(tooLarge.status).toBe(413);
  });
});

describe('following a campaign', () => {
  it('lists conventions by département and by text, a page at a time, with stats by académie', async () => {
    const inPyrenees = (await stack.admin('GET', '/admin/campaigns/2025-2026/conventions?departement=66')).json;
    expect(inPyrenees.items.length).toBeGreaterThan(0);
    for (const item of inPyrenees.items) expect(['Le Boulou', 'Pézilla-la-Rivière', 'Céret', 'Perpignan']).toContain(item.commune.name);
    const search = (await stack.admin('GET', '/admin/campaigns/2025-2026/conventions?q=lespignan')).json;
    expect(search.items.map((item: { commune: { name: string } }) => item.commune.name)).toEqual(['Lespignan']);
    const page = (await stack.admin('GET', '/admin/campaigns/2025-2026/conventions?limit=1')).json;
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toBe(1);
    const stats = (await stack.admin('GET', '/admin/campaigns/2025-2026/stats')).json;
    expect(stats.byAcademie.map((row: { academie: string }) => row.academie)).toContain('Montpellier');
    expect(stats.expectedCents % 4000).toBe(0);
    const badFilter = await stack.admin('GET', '/admin/campaigns/2025-2026/conventions?status=perdue');
    expect(badFilter.status).toBe(400);
  });

  it('cancels a convention not yet signed, once', async () => {
    const { items } = (await stack.admin('GET', '/admin/campaigns/2024-2025/conventions?q=lespignan')).json;
    const cancelled = await stack.admin('POST', `/admin/conventions/${items[0].id}/cancel`, { reason: 'Import en double.' });
    expect(cancelled.json).toEqual({ id: items[0].id, status: 'cancelled' });
    expect((await stack.admin('POST', `/admin/conventions/${items[0].id}/cancel`, { reason: 'Encore.' })).status).toBe(409);
    expect((await stack.admin('POST', `/admin/conventions/${items[0].id}/cancel`, {})).status).toBe(400);
  });
});

describe('invoicing and the digest', () => {
  it('bills an executed convention exactly, in a CSV that opens in Excel, and the next digest tells its signature', async () => {
    expect(await stack.sendCampaign('2025-2026')).toMatchObject({ state: 'done', failedCount: 0 });
    const { items } = (await stack.admin('GET', '/admin/campaigns/2025-2026/conventions?q=lespignan')).json;
    // The address is the fixture's, which other test files email too (the sample events): this stack's link.
    const invitation = (await stack.inbox('maire.lespignan@example.org')).find((email) => email.body.text?.includes(`${stack.url}/sign/`));
    const path = new URL(/https?:\/\/\S+\/sign\/[A-Za-z0-9_-]+/.exec(invitation!.body.text ?? '')![0]).pathname;
    expect((await stack.request('POST', path, { token: null, form: { signerName: 'Jean François GUIBBERT', capacity: 'maire', consent: 'on', ...deliberation } })).status).toBe(200);
    // Countersigning needs the signed copy, which its job seals.
    await eventually(async () => (await stack.admin('GET', `/admin/conventions/${items[0].id}`)).json.signedDocument);
    expect((await stack.request('POST', `/admin/conventions/${items[0].id}/countersign`, { token: await stack.tokenWithRoles(['signataire']) })).status).toBe(200);

    const billing = await stack.request('GET', '/admin/campaigns/2025-2026/billing.csv');
    expect(billing.headers.get('content-disposition')).toContain('facturation-ent-ecole-2025-2026.csv');
    const bytes = Buffer.from(await billing.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toContain('Commune;');
    expect(lines.find((line) => line.startsWith('Lespignan;'))).toContain(';80,00;');

    const deps = composeDeps(loadConfig(process.env));
    const today = nextWorkingDay(addDays(parisDateOf(new Date()), 1));
    const input = { today, at: new Date().toISOString(), recipients: ['digest.ops@rectorat.example.org'] };
    const started = await startDigest(deps, input);
    expect(started).toEqual({ jobId: `digest-${today}`, started: true });
    expect(await stack.waitForJob(started.jobId)).toMatchObject({ state: 'done', failedCount: 0 });
    const [digest, ...more] = await stack.inbox('digest.ops@rectorat.example.org');
    expect(more).toHaveLength(0);
    expect(digest!.body.text).toContain('Lespignan');
    // Each convention it names, and each campaign, links to its page in the console.
    expect(digest!.body.text).toContain(`${stack.url}/console/conventions/${items[0].id}`);
    expect(digest!.body.html).toContain(`href="${stack.url}/console/campagnes/2025-2026"`);
    expect(digest!.attachments[0]!.contentType).toContain('text/csv');
    // The schedule fires again (Scheduler is at-least-once): the day's job exists, nothing is sent twice.
    expect(await startDigest(deps, input)).toEqual({ jobId: `digest-${today}`, started: false });
    expect(await stack.inbox('digest.ops@rectorat.example.org')).toHaveLength(1);
  });
});
