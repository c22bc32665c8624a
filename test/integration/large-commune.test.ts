/**
 * Large communes (Toulouse, Montpellier: hundreds of schools, more than one
 * DynamoDB transaction holds) over HTTP on the real local servers: a 300-school
 * convention is added, refused to a second commune school by school, sent,
 * signed, countersigned, changed by an avenant swapping 150 schools, and
 * another one cancelled. The avenant is signed through the use cases with a
 * clock in its window (1 September to 15 October), as avenants.test.ts does.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { createConventionRepository } from '../../functions/adapters/dynamodb/convention-repository.ts';
import { createSchoolGuards } from '../../functions/adapters/dynamodb/school-guards.ts';
import { sealer } from '../../functions/adapters/sealing.ts';
import { addConvention } from '../../functions/use-cases/add-convention.ts';
import { isAppError } from '../../functions/domain/errors.ts';
import { siretCheckDigit, uaiCheckLetter } from '../../functions/domain/identifiers.ts';
import { newConventionSchema, parseInput } from '../../functions/use-cases/input/inputs.ts';
import type { Deps } from '../../functions/use-cases/ports.ts';
import { requestAvenant } from '../../functions/use-cases/request-avenant.ts';
import { GUARD_GRACE_MS } from '../../functions/domain/school-guards.ts';
import { signAvenant } from '../../functions/use-cases/sign-avenant.ts';
import { campaign2026, deliberation } from '../fixtures/seed-communes.ts';
import { mayorEmail, startTestStack, type TestStack } from '../support/stack.ts';

const YEAR = campaign2026.schoolYear;
const FEE = campaign2026.feeCents;

/** A valid UAI of the département: 0 + département + a 4-digit number + its check letter. */
const uai = (departement: string, n: number) => {
  const digits = `0${departement}${String(n).padStart(4, '0')}`;
  return `${digits}${uaiCheckLetter(digits)}`;
};
const siret = (first13: string) => `${first13}${siretCheckDigit(first13)}`;
const schools = (departement: string, from: number, count: number) =>
  Array.from({ length: count }, (_, index) => ({ uai: uai(departement, from + index), type: 'primaire' as const, name: `ECOLE ${from + index}` }));
type SchoolInput = ReturnType<typeof schools>[number];

const commune = (name: string, siret13: string, list: SchoolInput[], label: string) => ({
  commune: { name, siret: siret(siret13), address: `1 place de la Mairie, ${name.toUpperCase()}` },
  mayor: { name: `Maire de ${name}`, title: 'Maire', email: mayorEmail(label) },
  schools: list,
});

function pdftext(pdf: Uint8Array): string {
  const file = join(mkdtempSync(join(tmpdir(), 'paraphe-large-')), 'convention.pdf');
  writeFileSync(file, pdf);
  return spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout;
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
  expect((await stack.admin('POST', '/admin/campaigns', campaign2026)).status).toBe(201);
}, 180_000);
afterAll(async () => stack?.close());

const add = (body: unknown) => stack.admin('POST', `/admin/campaigns/${YEAR}/conventions`, body);

async function send(email: string): Promise<string> {
  expect(await stack.sendCampaign(YEAR)).toMatchObject({ state: 'done', failedCount: 0 });
  const invitation = (await stack.inbox(email)).at(-1);
  const link = /https?:\/\/\S+\/sign\/[A-Za-z0-9_-]+/.exec(invitation?.body.text ?? '')?.[0];
  if (!link) throw new Error('no invitation link');
  return new URL(link).pathname;
}

/** Polls until the value is there (a job's effect), for at most a minute. */
async function until<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((wait) => setTimeout(wait, 200))) {
    const value = await read();
    if (value) return value;
  }
  throw new Error('never came');
}

describe('a 300-school convention (Toulouse)', () => {
  const toulouse = commune('Toulouse', '2131055550001', schools('31', 1, 300), 'toulouse');
  const kept = toulouse.schools.slice(0, 150);
  const removed = toulouse.schools.slice(150);
  const added = schools('31', 2001, 150);
  let id = '';

  it('is added, and a second commune claiming one of its schools is refused, naming Toulouse', async () => {
    const created = await add(toulouse);
    expect(created.status).toBe(201);
    expect(created.json.schoolCount).toBe(300);
    expect(created.json.amountCents).toBe(300 * FEE);
    id = created.json.id;

    // The colliding school is in the third chunk of guards: the chunks claimed before it are released.
    const blagnac = commune('Blagnac', '2131006960001', [...schools('31', 5001, 200), toulouse.schools[250]!], 'blagnac');
    const refused = await add(blagnac);
    expect(refused.status).toBe(409);
    expect(refused.json.error.fields).toEqual([
      { field: 'schools.200.uai', message: `L'école ${toulouse.schools[250]!.uai} figure déjà dans la convention de la commune Toulouse pour ${YEAR}.` },
    ]);
    // Nothing of Blagnac's attempt holds a school: its own schools are free for another commune.
    const colomiers = commune('Colomiers', '2131014960001', schools('31', 5001, 200), 'colomiers');
    expect((await add(colomiers)).status).toBe(201);
    expect((await add(toulouse)).json.error.message).toContain('La commune Toulouse a déjà une convention');
  });

  it('is sent, signed and countersigned', async () => {
    const path = await send(toulouse.mayor.email);
    const document = await stack.request('GET', `${path}/document`, { token: null });
    expect(document.status).toBe(200);
    // The list spans pages: every school is in the document.
    const text = pdftext(new Uint8Array(await document.arrayBuffer()));
    for (const school of toulouse.schools) expect(text).toContain(school.uai);
    const signed = await stack.request('POST', path, { token: null, form: { signerName: toulouse.mayor.name, capacity: 'maire', consent: 'on', ...deliberation } });
    expect(signed.status).toBe(200);
    // The signed copy is sealed by its job; countersigning waits for it.
    const sealed = await until(async () => (await stack.admin('GET', `/admin/conventions/${id}`)).json.signedDocument);
    expect(sealed.sha256).toMatch(/^[0-9a-f]{64}$/);
    const countersigned = await stack.request('POST', `/admin/conventions/${id}/countersign`, { token: await stack.tokenWithRoles(['signataire']) });
    expect(countersigned.status).toBe(200);
    const answer = (await countersigned.json()) as { status: string; jobId: string };
    expect(answer.status).toBe('executed');
    expect(await stack.waitForJob(answer.jobId)).toMatchObject({ state: 'done' });
    expect((await stack.admin('GET', `/admin/conventions/${id}`)).json.executedDocument.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes an avenant swapping 150 schools, signed by the mayor in the window, and the guards follow', async () => {
    const clock = new Date('2026-09-21T08:00:00Z');
    const deps: Deps = { ...composeDeps(loadConfig(process.env)), sealer: sealer(), now: () => clock };
    const convention = (await deps.conventions.get(id))!;
    const requested = parseInput(newConventionSchema, { ...toulouse, schools: [...kept, ...added] }).schools;
    const { token } = await requestAvenant(deps, { convention, schools: requested, requestedBy: 'rectorat', actor: 'clerk' });
    const { convention: after } = await signAvenant(deps, {
      token,
      form: { signerName: toulouse.mayor.name, capacity: 'maire', consent: 'on' },
      ip: '192.0.2.1',
      userAgent: 'test',
    });
    expect(after.schools).toHaveLength(300);

    const shown = (await stack.admin('GET', `/admin/conventions/${id}`)).json;
    expect(shown.schools.map((school: SchoolInput) => school.uai)).toEqual(requested.map((school) => school.uai));
    expect(shown.amountCents).toBe(300 * FEE);
    expect(shown.history.map((event: { type: string }) => event.type)).toContain('avenant_signed');

    // A removed school is free; an added one is Toulouse's.
    const cugnaux = commune('Cugnaux', '2131015760001', [removed[0]!, removed[149]!], 'cugnaux');
    expect((await add(cugnaux)).status).toBe(201);
    const tournefeuille = commune('Tournefeuille', '2131055760001', [added[149]!], 'tournefeuille');
    const refused = await add(tournefeuille);
    expect(refused.status).toBe(409);
    expect(refused.json.error.fields[0].message).toContain('la commune Toulouse');

    const owners = await deps.conventions.schoolOwners(YEAR, [added[0]!.uai, removed[1]!.uai, removed[0]!.uai]);
    expect(owners.get(added[0]!.uai)?.communeName).toBe('Toulouse');
    expect(owners.has(removed[1]!.uai)).toBe(false);
    expect(owners.get(removed[0]!.uai)?.communeName).toBe('Cugnaux');
  });

  it('refuses an avenant whose new school was taken meanwhile, and frees the schools it had claimed', async () => {
    const clock = new Date('2026-09-22T08:00:00Z');
    const deps: Deps = { ...composeDeps(loadConfig(process.env)), sealer: sealer(), now: () => clock };
    const convention = (await deps.conventions.get(id))!;
    const more = schools('31', 7001, 100);
    const { token } = await requestAvenant(deps, { convention, schools: [...convention.schools, ...more], requestedBy: 'rectorat', actor: 'clerk' });
    // The last new school (in the second chunk of claims) goes to another commune before the mayor signs.
    expect((await add(commune('Balma', '2131004460001', [more[99]!], 'balma'))).status).toBe(201);
    const refused = await signAvenant(deps, { token, form: { signerName: toulouse.mayor.name, capacity: 'maire', consent: 'on' }, ip: '192.0.2.1', userAgent: 'test' })
      .catch((error: unknown) => error);
    expect(isAppError(refused) && refused.code === 'CONFLICT').toBe(true);
    expect((await deps.conventions.get(id))!.schools).toHaveLength(300);
    // The first chunk it had claimed is free again, at once.
    expect((await deps.conventions.schoolOwners(YEAR, more.map((school) => school.uai))).size).toBe(1);
    expect((await add(commune('Aucamville', '2131003260001', [more[0]!, more[89]!], 'aucamville'))).status).toBe(201);
  });
});

describe('another 300-school convention (Montpellier)', () => {
  const montpellier = commune('Montpellier', '2134017200001', schools('34', 1, 300), 'montpellier');

  it('is cancelled once sent, and its commune and schools can be used again', async () => {
    const created = await add(montpellier);
    expect(created.status).toBe(201);
    await send(montpellier.mayor.email);
    expect((await stack.admin('GET', `/admin/conventions/${created.json.id}`)).json.status).toBe('sent');

    const cancelled = await stack.admin('POST', `/admin/conventions/${created.json.id}/cancel`, { reason: 'Liste des écoles à refaire.' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toEqual({ id: created.json.id, status: 'cancelled' });

    const again = await add({ ...montpellier, schools: montpellier.schools.slice(0, 299) });
    expect(again.status).toBe(201);
    const lattes = commune('Lattes', '2134012960001', [montpellier.schools[299]!], 'lattes');
    expect((await add(lattes)).status).toBe(201);
  });
});

describe('the CSV import', () => {
  it('adds a 300-school commune', async () => {
    const header = "Commune;SIRET;Code INSEE;Adresse;Nom du maire;Qualité;Courriel du maire;UAI;Type d'école;Nom de l'école";
    const narbonne = siret('2111026200001');
    const rows = schools('11', 1, 300).map((school) =>
      `Narbonne;${narbonne};11262;Hôtel de ville, 11100 NARBONNE;Bertrand MALQUIER;Maire;maire.narbonne@example.org;${school.uai};primaire;${school.name}`);
    const response = await stack.request('POST', `/admin/campaigns/${YEAR}/imports`, { headers: { 'content-type': 'text/csv' }, body: Buffer.from([header, ...rows].join('\n')) });
    expect(response.status).toBe(202);
    const job = await stack.waitForJob(((await response.json()) as { jobId: string }).jobId);
    expect(job).toMatchObject({ state: 'done', total: 1, done: 1, tally: { imported: 1 }, failed: [] });
  });
});

describe('claims left behind by a process that died between two chunks', () => {
  it('hold the schools while the operation may still be in flight, and nobody past the grace period', async () => {
    const config = loadConfig(process.env);
    const db = createDocumentClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
    let wall = Date.parse('2026-11-02T09:00:00Z');
    const wallClock = () => wall;
    const list = schools('46', 1, 120);
    // A "dead" add: its guards, never its convention.
    const ghost = await createSchoolGuards(db, config.TABLE_NAME, wallClock).claim(YEAR, { conventionId: 'ghost', siret: siret('2146042000001'), communeName: 'Cahors' }, list.map((school) => school.uai));
    expect(ghost.ok).toBe(true);

    const deps = { ...composeDeps(config), conventions: createConventionRepository(db, config.TABLE_NAME, { wallClock }) };
    const figeac = parseInput(newConventionSchema, commune('Figeac', '2146102000001', list, 'figeac'));
    wall += 60_000;
    const early = await addConvention(deps, { schoolYear: YEAR, convention: figeac, actor: 'test' }).catch((error: unknown) => error);
    expect(isAppError(early) && early.code === 'ALREADY_EXISTS' && early.issues[0]!.message.includes('Cahors')).toBe(true);
    expect((await deps.conventions.schoolOwners(YEAR, [list[0]!.uai])).size).toBe(0);

    wall += GUARD_GRACE_MS;
    const taken = await addConvention(deps, { schoolYear: YEAR, convention: figeac, actor: 'test' });
    expect((await deps.conventions.schoolOwners(YEAR, [list[0]!.uai, list[119]!.uai])).get(list[119]!.uai)?.communeName).toBe('Figeac');
    expect(taken.schools).toHaveLength(120);
  });
});
