/**
 * Avenants end to end. Over HTTP with school years whose window is past or
 * far ahead, so the wall clock never changes the rule (2023-2024 to
 * 2025-2026 are late for good, 2090-2091 not open yet), their conventions
 * ending in 2099 unless a test needs an end date passed; in the window
 * through the use cases with a fixed clock at the edges, on the same real
 * local servers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyInProcess } from '../support/verify-command.ts';
import { verifiedTimestamp } from '../support/seal-evidence.ts';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { sealer } from '../../functions/adapters/sealing.ts';
import { addConvention } from '../../functions/use-cases/add-convention.ts';
import { verifyChains } from '../../functions/domain/audit-verify.ts';
import { createCampaign } from '../../functions/use-cases/create-campaign.ts';
import { auditExport, avenantHeadsOf, getConvention } from '../../functions/use-cases/get-convention.ts';
import { newCampaignSchema, newConventionSchema, parseInput } from '../../functions/use-cases/input/inputs.ts';
import type { Deps } from '../../functions/use-cases/ports.ts';
import { requestAvenant } from '../../functions/use-cases/request-avenant.ts';
import { signAvenant } from '../../functions/use-cases/sign-avenant.ts';
import { signConvention } from '../../functions/use-cases/sign-convention.ts';
import { campaign2026, leBoulou, lespignan, pezilla, deliberation } from '../fixtures/seed-communes.ts';
import { mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.close());

const withEmail = <T extends { mayor: object }>(fixture: T, label: string) => ({ ...fixture, mayor: { ...fixture.mayor, email: mayorEmail(label) } });
const form = { signerName: 'Jean François GUIBBERT', capacity: 'maire', consent: 'on', ...deliberation };
const nouvelle = { uai: '0340001S', type: 'primaire', name: 'NOUVELLE ECOLE' };
/** A fourth commune, for the fixed-clock tests of the 2026-2027 campaign (one convention per commune). */
const castelnaudary = {
  commune: { name: 'Castelnaudary', siret: '21110762000018', address: 'PLACE DE LA REPUBLIQUE, 11400 CASTELNAUDARY' },
  mayor: { name: 'Patrick MAUGARD', title: 'Maire', email: '' },
  schools: [{ uai: '0110801L', type: 'primaire', name: 'ECOLE DU CENTRE' }, { uai: '0110803N', type: 'maternelle', name: '' }],
} as unknown as typeof lespignan;

/** The avenant's PDF behind its link once it contains `marker`: the signed and final avenants are made by jobs. */
async function avenantPdfWith(avenantPath: string, marker: string, timeoutMs = 60_000): Promise<Buffer> {
  const file = join(mkdtempSync(join(tmpdir(), 'paraphe-avenant-')), 'avenant.pdf');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pdf = Buffer.from(await (await stack.request('GET', `${avenantPath}/document`, { token: null })).arrayBuffer());
    writeFileSync(file, pdf);
    if (spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout.includes(marker) || Date.now() > deadline) return pdf;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function signedOverHttp(schoolYear: string, fixture: typeof lespignan, label: string, endDate = '2099-09-05') {
  const campaign = { ...campaign2026, schoolYear, endDate, issueDate: `${schoolYear.slice(0, 4)}-06-01` };
  const sent = await sentConvention(stack, campaign, withEmail(fixture, label));
  expect((await stack.request('POST', sent.path, { token: null, form })).status).toBe(200);
  return sent;
}

describe('an avenant asked by the mayor from the signed convention page', () => {
  it('is drawn up, signed late (after 15 October): the new school is refused and the amount unchanged', async () => {
    const { id, path } = await signedOverHttp('2023-2024', lespignan, 'avenant-late');
    const page = await (await stack.request('GET', path, { token: null })).text();
    expect(page).toContain('Modifier la liste des écoles (avenant)');

    const asked = await stack.request('POST', `${path}/avenant`, {
      token: null,
      form: { schools: '0341401N ; maternelle\n0341406U ; élémentaire\n0340001S ; primaire ; NOUVELLE ECOLE' },
    });
    expect(asked.status).toBe(303);
    const avenantPath = asked.headers.get('location')!;
    expect(avenantPath).toMatch(/^\/avenant\/[A-Za-z0-9_-]{43}$/);

    const avenantPage = await (await stack.request('GET', avenantPath, { token: null })).text();
    expect(avenantPage).toContain('Attention');
    expect(avenantPage).toContain('une hausse du nombre d’écoles est refusée');
    expect(avenantPage).toContain('0340001S');

    const signed = await stack.request('POST', avenantPath, { token: null, form });
    expect(signed.status).toBe(200);
    expect(await signed.text()).toContain('Avenant signé, merci');

    const convention = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
    expect(convention.schools.map((school: { uai: string }) => school.uai)).toEqual(['0341401N', '0341406U']);
    expect(convention.amountCents).toBe(8000);
    expect(convention.avenants[0].effect).toContain('refusée');
    expect(convention.history.map((event: { type: string }) => event.type)).toEqual(expect.arrayContaining(['avenant_requested', 'avenant_signed']));

    const pdf = await avenantPdfWith(avenantPath, 'Certificat de signature');
    const file = join(mkdtempSync(join(tmpdir(), 'paraphe-avenant-')), 'avenant.pdf');
    writeFileSync(file, pdf);
    expect(spawnSync('pdfsig', [file], { encoding: 'utf8' }).stdout).toContain('Signature is Valid');
    expect(verifiedTimestamp(pdf, inject('servers')).output).toContain('Verification: OK');
    expect(spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout).toContain('Certificat de signature');

    // The rectorat countersigns it, as a convention: both parties get the final avenant.
    const avenantId = convention.avenants[0].id;
    const countersigned = await stack.request('POST', `/admin/conventions/${id}/avenants/${avenantId}/countersign`, { token: await stack.tokenWithRoles(['signataire']) });
    expect(countersigned.status).toBe(200);
    const answer = (await countersigned.json()) as { status: string; jobId: string };
    expect(answer.status).toBe('executed');
    expect(await stack.waitForJob(answer.jobId)).toMatchObject({ kind: 'seal-avenant-executed', state: 'done' });
    const final = await avenantPdfWith(avenantPath, 'Certificat de contresignature');
    writeFileSync(file, final);
    expect(spawnSync('pdfsig', [file], { encoding: 'utf8' }).stdout).toContain('Signature is Valid');
    expect(verifiedTimestamp(final, inject('servers')).output).toContain('Verification: OK');
    expect(spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout).toContain('Certificat de contresignature');
    const again = await stack.request('POST', `/admin/conventions/${id}/avenants/${avenantId}/countersign`, { token: await stack.tokenWithRoles(['signataire']) });
    expect(again.status).toBe(409);

    // Its proof file holds its own three PDFs, which `npm run verify` accepts with the trail beside them.
    const evidence = await stack.request('GET', `/admin/conventions/${id}/avenants/${avenantId}/evidence.zip`);
    expect(evidence.status).toBe(200);
    const entries = unzipSync(new Uint8Array(await evidence.arrayBuffer()));
    expect(Object.keys(entries)).toEqual(expect.arrayContaining(['audit.json', 'avenant.pdf', 'avenant-signe.pdf', 'avenant-executoire.pdf', 'horodatage/avenant-executoire.tst', 'LISEZMOI.txt']));
    expect(Object.keys(entries).some((name) => name.startsWith('convention'))).toBe(false);
    const folder = mkdtempSync(join(tmpdir(), 'paraphe-avenant-preuve-'));
    for (const name of ['audit.json', 'avenant.pdf', 'avenant-signe.pdf', 'avenant-executoire.pdf']) writeFileSync(join(folder, name), entries[name]!);
    const [audit, ...pdfs] = ['audit.json', 'avenant.pdf', 'avenant-signe.pdf', 'avenant-executoire.pdf'].map((name) => join(folder, name));
    const verify = await verifyInProcess(audit!, ...pdfs);
    expect(verify.out).not.toContain('✗');
    expect(verify.code).toBe(0);
  });

  it('refuses a list with a school twice or a wrong UAI, and keeps the mayor on the page with the reason', async () => {
    const { path } = await signedOverHttp('2024-2025', lespignan, 'avenant-bad');
    const response = await stack.request('POST', `${path}/avenant`, { token: null, form: { schools: '0341401N ; maternelle\n0341401N ; maternelle\n0341406X ; primaire' } });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toMatch(/figure deux fois|devrait être/);
  });
});

describe('an avenant prepared by the rectorat', () => {
  it("is refused when a school belongs to another commune's convention, naming that commune", async () => {
    const { id } = await signedOverHttp('2025-2026', leBoulou, 'avenant-owner');
    await signedOverHttp('2025-2026', lespignan, 'avenant-owner-2');
    const refused = await stack.admin('POST', `/admin/conventions/${id}/avenants`, { schools: [...leBoulou.schools, { uai: '0341401N', type: 'maternelle', name: '' }] });
    expect(refused.status).toBe(409);
    expect(refused.json.error.fields[0].message).toContain('Lespignan');
  });

  it('is refused at preparation when its link would die before the window opens (1 September), and nothing is written', async () => {
    const { id, email } = await signedOverHttp('2090-2091', pezilla, 'avenant-early');
    const refused = await stack.admin('POST', `/admin/conventions/${id}/avenants`, { schools: [pezilla.schools[0]] });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toContain("avant l'ouverture de la période des avenants le 1er septembre 2090");
    expect((await stack.inbox(email)).filter((candidate) => candidate.subject.startsWith('Avenant'))).toEqual([]);
    expect((await stack.admin('GET', `/admin/conventions/${id}`)).json.history.map((event: { type: string }) => event.type)).not.toContain('avenant_requested');
  });

  it("is refused after the convention's end date (409, in French), and nothing is written", async () => {
    const { id, email } = await signedOverHttp('2040-2041', pezilla, 'avenant-ended', '2025-09-05');
    const refused = await stack.admin('POST', `/admin/conventions/${id}/avenants`, { schools: [pezilla.schools[0]] });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toContain('a pris fin le 5 septembre 2025');
    expect((await stack.inbox(email)).filter((candidate) => candidate.subject.startsWith('Avenant'))).toEqual([]);
  });

  it('tells the rectorat in the 201 that, after 15 October, the added school will be refused and the decrease not applied', async () => {
    const { id } = await signedOverHttp('2023-2024', pezilla, 'avenant-warned');
    const swap = await stack.admin('POST', `/admin/conventions/${id}/avenants`, { schools: [pezilla.schools[0], { uai: '0660713S', type: 'elementaire', name: 'LA SUBERAIE' }] });
    expect(swap.status).toBe(201);
    expect(swap.json.warnings).toEqual(expect.arrayContaining([
      expect.stringContaining('1 école(s) ajoutée(s) (0660713S) seront refusées à la signature'),
      expect.stringContaining('la baisse ne sera pas appliquée pour 2023-2024, facturée sur 2 école(s)'),
    ]));
  });

  it('replaces the pending avenant: its link dies, the 201 says so, and only the new one can be signed', async () => {
    const { id, email } = await signedOverHttp('2024-2025', pezilla, 'avenant-replaced');
    const first = await stack.admin('POST', `/admin/conventions/${id}/avenants`, { schools: [pezilla.schools[0]] });
    expect(first.status).toBe(201);
    expect(first.json.warnings.join(' ')).not.toContain('remplace');
    const second = await stack.admin('POST', `/admin/conventions/${id}/avenants`, { schools: [pezilla.schools[1]] });
    expect(second.status).toBe(201);
    expect(second.json.warnings).toContainEqual(expect.stringMatching(new RegExp(`^Cet avenant remplace l'avenant ${first.json.id} préparé le .+, qui n'était pas signé : son lien ne fonctionne plus\\.$`)));

    const mails = (await stack.inbox(email)).filter((candidate) => candidate.subject.startsWith('Avenant'));
    expect(mails[0]!.body.text).toMatch(/Référence de la convention : ENT-2024-2025-66-\d{4}\n/);
    expect(mails[0]!.body.text).toContain('TTC pour 2024-2025.');
    const links = mails
      .map((mail) => new URL(/https?:\/\/\S+\/avenant\/[A-Za-z0-9_-]+/.exec(mail.body.text ?? '')![0]).pathname);
    expect(links).toHaveLength(2);
    const dead = await stack.request('GET', links[0]!, { token: null });
    expect(dead.status).toBe(404);
    expect(await dead.text()).toContain("Ce lien n'est pas valide");
    expect((await stack.request('POST', links[0]!, { token: null, form })).status).toBe(404);
    expect((await stack.request('GET', links[1]!, { token: null })).status).toBe(200);

    const shown = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
    expect(shown.pendingAvenantId).toBe(second.json.id);
    const replaced = shown.history.filter((event: { type: string }) => event.type === 'avenant_replaced');
    expect(replaced).toHaveLength(1);
    expect(replaced[0].avenantId).toBe(first.json.id);
    // Both avenants' chains still verify, the replaced one ending on its replacement.
    const trail = (await (await stack.request('GET', `/admin/conventions/${id}/audit.json`)).json()) as { events: never[]; head: never; avenantHeads: never };
    expect(verifyChains(id, trail.events, trail.head, trail.avenantHeads)).toMatchObject({ ok: true });

    const signed = await stack.request('POST', links[1]!, { token: null, form: { ...form, signerName: 'Jean-Paul BILLES' } });
    expect(signed.status).toBe(200);
    const after = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
    expect(after.pendingAvenantId).toBeUndefined();
    expect(after.avenants.map((avenant: { id: string }) => avenant.id)).toEqual([second.json.id]);
  });
});

describe('in the window, through the use cases with a fixed clock', () => {
  let clock = new Date('2026-06-15T08:00:00Z');
  let deps: Deps;
  const client = { ip: '192.0.2.1', userAgent: 'test' };

  async function signedConvention(fixture: typeof lespignan, label: string) {
    clock = new Date('2026-06-15T08:00:00Z');
    const email = mayorEmail(label);
    const convention = await addConvention(deps, { schoolYear: '2026-2027', convention: parseInput(newConventionSchema, { ...fixture, mayor: { ...fixture.mayor, email } }), actor: 'test' });
    // Sent by the stack's worker (on the wall clock, after this fixed June clock): the link is valid through the window.
    expect(await stack.sendCampaign('2026-2027')).toMatchObject({ state: 'done', failedCount: 0 });
    const token = /\/sign\/([A-Za-z0-9_-]+)/.exec((await stack.inbox(email)).at(-1)!.body.text ?? '')![1]!;
    await signConvention(deps, { token, form: { signerName: fixture.mayor.name, capacity: 'maire', consent: 'on', ...deliberation }, ...client });
    return (await deps.conventions.get(convention.id))!;
  }

  beforeAll(async () => {
    deps = { ...composeDeps(loadConfig(process.env)), sealer: sealer(), now: () => clock };
    await createCampaign(deps, parseInput(newCampaignSchema, { ...campaign2026, issueDate: '2026-06-12' }));
  });

  it('15 October at 23:59 Paris: the new list and its amount are the convention\'s, and the new school is taken', async () => {
    const convention = await signedConvention(lespignan, 'window-in');
    const requested = parseInput(newConventionSchema, { ...lespignan, schools: [...lespignan.schools, nouvelle] }).schools;
    clock = new Date('2026-10-15T21:59:00Z'); // 23:59 summer time
    const { token } = await requestAvenant(deps, { convention, schools: requested, requestedBy: 'maire', actor: 'maire' });
    const { convention: after } = await signAvenant(deps, { token, form: { signerName: 'Jean François GUIBBERT', capacity: 'maire', consent: 'on' }, ...client });
    expect(after.schools.map((school) => school.uai)).toEqual(['0341401N', '0341406U', '0340001S']);
    const stored = (await deps.conventions.get(convention.id))!;
    expect(stored.amountCents).toBe(12000);
    // This school year only: the following ones are other conventions, with their own lists.
    expect(stored.avenants?.[0]?.effect).toMatch(/^Avenant reçu dans les délais : 3 école\(s\) pour 2026-2027, soit 120\s€\.$/);
    expect(stored).not.toHaveProperty('followingYearsSchoolCount');
    expect((await deps.conventions.schoolOwners('2026-2027', ['0340001S'])).get('0340001S')?.communeName).toBe('Lespignan');
    // The avenant's events form a chain of their own, its head on the avenant and in its signature (the certificate prints it).
    const found = await getConvention(deps, convention.id);
    const avenantEvents = found.history.filter((event) => event.avenantId);
    expect(avenantEvents.map((event) => [event.type, event.seq])).toEqual([['avenant_requested', 1], ['avenant_signed', 2]]);
    const avenant = (await deps.avenants.get(convention.id, avenantEvents[0]!.avenantId!))!;
    expect(avenant.signature?.auditHead).toEqual({ seq: 2, hash: avenantEvents[1]!.hash });
    const heads = await avenantHeadsOf(deps, found);
    expect(heads).toEqual({ [avenant.id]: { seq: 2, hash: avenant.auditHead } });
    const trail = auditExport(found, clock, heads);
    expect(verifyChains(convention.id, trail.events, trail.head, trail.avenantHeads)).toMatchObject({ ok: true });
    // The effect as data in the event; said from it, the sentence recorded on the convention.
    expect(avenantEvents[1]).toMatchObject({ avenantId: avenant.id, effect: { timing: 'in-window', schoolYear: '2026-2027', billedCount: 3, amountCents: 12000, refused: [], removed: [], previousCount: 2 } });
    expect(trail.lecture.filter((line) => line.avenantId === avenant.id).map((line) => line.texte)).toEqual([
      `Avenant ${avenant.id} : 1 école(s) ajoutée(s), 0 retirée(s)`,
      stored.avenants?.[0]?.effect,
    ]);
  });

  it('16 October at 00:00 Paris: a decrease is billed at the previous count', async () => {
    const convention = await signedConvention(pezilla, 'window-late');
    clock = new Date('2026-10-15T22:00:00Z'); // 00:00 on the 16th, summer time
    const { token } = await requestAvenant(deps, { convention, schools: [convention.schools[0]!], requestedBy: 'rectorat', actor: 'clerk' });
    await signAvenant(deps, { token, form: { signerName: 'Jean-Paul BILLES', capacity: 'maire', consent: 'on' }, ...client });
    const stored = (await deps.conventions.get(convention.id))!;
    expect(stored.schools).toHaveLength(1);
    expect(stored.amountCents).toBe(8000);
    // The school that left is free for another commune.
    expect((await deps.conventions.schoolOwners('2026-2027', [convention.schools[1]!.uai])).size).toBe(0);
  });

  it('prepared in August, it says when signing opens, and cannot be signed before 1 September', async () => {
    const convention = await signedConvention(leBoulou, 'window-early');
    clock = new Date('2026-08-20T08:00:00Z');
    const { avenant, token } = await requestAvenant(deps, { convention, schools: [...convention.schools, { uai: '0110802M', type: 'primaire', name: '' }], requestedBy: 'rectorat', actor: 'clerk' });
    expect(avenant.warnings[0]).toContain("qu'à partir du 1er septembre 2026");
    clock = new Date('2026-08-31T21:59:00Z'); // 23:59 on 31 August in Paris
    const early = await signAvenant(deps, { token, form: { signerName: 'Maire', capacity: 'maire', consent: 'on' }, ...client }).catch((error: unknown) => error);
    expect(early).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining("La période des avenants s'ouvre le 1er septembre 2026") });
    expect((await deps.conventions.get(convention.id))!.schools).toHaveLength(1);
  });

  it("prepared before the convention's end date, it is refused at a signature after it", async () => {
    const target = await signedConvention(castelnaudary, 'window-ended');
    clock = new Date('2027-09-01T08:00:00Z');
    const { token } = await requestAvenant(deps, { convention: target, schools: [target.schools[0]!], requestedBy: 'rectorat', actor: 'clerk' });
    clock = new Date('2027-09-05T08:00:00Z'); // the end date of the 2026-2027 campaign
    const refused = await signAvenant(deps, { token, form: { signerName: 'Maire', capacity: 'maire', consent: 'on' }, ...client }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('a pris fin le 5 septembre 2027') });
    expect((await deps.conventions.get(target.id))!.avenants).toBeUndefined();
  });
});
