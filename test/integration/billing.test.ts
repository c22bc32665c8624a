/**
 * Billing a finance office can use, over HTTP on the real local servers: the
 * convention's reference (given by a conditional counter per campaign and
 * département, printed on the PDF, the signing page and the emails),
 * billing.csv with the address, the reference, the délibération and the
 * titre, POST /admin/conventions/{id}/titre once (role gestionnaire), and
 * ?reste=1. A convention added before references still goes through.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/adapters/config.ts';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { conventionKey } from '../../functions/adapters/dynamodb/keys.ts';
import { verifyChains } from '../../functions/domain/audit-verify.ts';
import { parisDateOf } from '../../functions/domain/calendar.ts';
import { siretCheckDigit, uaiCheckLetter } from '../../functions/domain/identifiers.ts';
import { campaign2026, deliberation, leBoulou, lespignan } from '../fixtures/seed-communes.ts';
import { eventually, mayorEmail, startTestStack, type TestStack } from '../support/stack.ts';

const YEAR = '2072-2073';
let stack: TestStack;

const withEmail = <T extends { mayor: object }>(fixture: T, label: string) => ({ ...fixture, mayor: { ...fixture.mayor, email: mayorEmail(label) } });
/** A commune of the Hérault with one school, both identifiers valid. */
const herault = (n: number) => {
  const siret13 = `2134${String(900 + n).padStart(3, '0')}000001`;
  const digits = `034${String(9000 + n).padStart(4, '0')}`;
  return withEmail({
    commune: { name: `Commune ${n}`, siret: `${siret13}${siretCheckDigit(siret13)}`, address: `${n} place de la Mairie, 34000 COMMUNE ${n}` },
    mayor: { name: `Maire ${n}`, title: 'Maire' },
    schools: [{ uai: `${digits}${uaiCheckLetter(digits)}`, type: 'primaire', name: '' }],
  }, `billing-${n}`);
};

function pdftext(pdf: Uint8Array): string {
  const file = join(mkdtempSync(join(tmpdir(), 'paraphe-billing-')), 'convention.pdf');
  writeFileSync(file, pdf);
  return spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout;
}

const signingPath = async (email: string) =>
  new URL(/https?:\/\/\S+\/sign\/[A-Za-z0-9_-]+/.exec((await stack.inbox(email))[0]?.body.text ?? '')![0]).pathname;

const shown = async (id: string) => (await stack.admin('GET', `/admin/conventions/${id}`)).json;

async function executed(id: string, path: string, form: Record<string, string>) {
  expect((await stack.request('POST', path, { token: null, form: { capacity: 'maire', consent: 'on', ...deliberation, ...form } })).status).toBe(200);
  await eventually(async () => (await shown(id)).signedDocument);
  expect((await stack.request('POST', `/admin/conventions/${id}/countersign`, { token: await stack.tokenWithRoles(['signataire']) })).status).toBe(200);
  await eventually(async () => (await shown(id)).executedDocument);
}

const billing = async (query = '') => {
  const response = await stack.request('GET', `/admin/campaigns/${YEAR}/billing.csv${query}`);
  return { status: response.status, lines: (await response.text()).replace(/^\ufeff/, '').split('\r\n').slice(0, -1) };
};
const cellsOf = (lines: string[], commune: string) => {
  const header = lines[0]!.split(';');
  const line = lines.find((candidate) => candidate.startsWith(`${commune};`));
  return line ? Object.fromEntries(line.split(';').map((cell, index) => [header[index], cell])) : undefined;
};

const ids: Record<string, string> = {};
const lespignanHere = withEmail(lespignan, 'billing-lespignan');
const boulouHere = withEmail(leBoulou, 'billing-boulou');
const communes = [1, 2, 3, 4].map(herault);

beforeAll(async () => {
  stack = await startTestStack();
  expect((await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: YEAR })).status).toBe(201);
}, 60_000);
afterAll(async () => stack?.close());

describe("a convention's reference", () => {
  it('numbers the conventions of a campaign per département, each number once, even when added at the same time', async () => {
    const added = await Promise.all([lespignanHere, ...communes, boulouHere].map((body) => stack.admin('POST', `/admin/campaigns/${YEAR}/conventions`, body)));
    expect(added.map((response) => response.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const references = added.map((response) => response.json.convention.reference as string);
    expect(references.slice(0, 5).sort()).toEqual([1, 2, 3, 4, 5].map((n) => `ENT-${YEAR}-34-000${n}`));
    expect(references[5]).toBe(`ENT-${YEAR}-66-0001`);
    ids.lespignan = added[0]!.json.id;
    ids.legacy = added[1]!.json.id;
    ids.unsigned = added[2]!.json.id;
    ids.boulou = added[5]!.json.id;
    // As stored, and in the list the rectorat searches.
    expect((await shown(ids.lespignan!)).reference).toBe(references[0]);
    const listed = await stack.admin('GET', `/admin/campaigns/${YEAR}/conventions?q=${references[0]}`);
    expect(listed.json.items.map((item: { id: string }) => item.id)).toEqual([ids.lespignan]);
  });

  it('is on the PDF, the invitation email and the signing page; a convention added before references goes through without one', async () => {
    // A convention as stored before references existed.
    const config = loadConfig(process.env);
    const db = createDocumentClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
    await db.send(new UpdateCommand({ TableName: config.TABLE_NAME, Key: conventionKey(ids.legacy!), UpdateExpression: 'REMOVE #reference', ExpressionAttributeNames: { '#reference': 'reference' } }));

    expect(await stack.sendCampaign(YEAR)).toMatchObject({ state: 'done', failedCount: 0, tally: { sent: 6 } });
    const { reference } = await shown(ids.lespignan!);
    const [invitation] = await stack.inbox(lespignanHere.mayor.email);
    expect(invitation!.body.text).toContain(`Référence de la convention : ${reference}`);
    expect(invitation!.body.html).toContain(reference);
    const path = await signingPath(lespignanHere.mayor.email);
    expect(await (await stack.request('GET', path, { token: null })).text()).toContain(reference);
    const pdf = new Uint8Array(await (await stack.request('GET', `${path}/document`, { token: null })).arrayBuffer());
    expect(pdftext(pdf)).toContain(`Référence : ${reference}`);

    const legacy = communes[0]!;
    const legacyPath = await signingPath(legacy.mayor.email);
    const page = await stack.request('GET', legacyPath, { token: null });
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('Référence');
    expect((await stack.inbox(legacy.mayor.email))[0]!.body.text).not.toContain('Référence');
    expect(pdftext(new Uint8Array(await (await stack.request('GET', `${legacyPath}/document`, { token: null })).arrayBuffer()))).not.toContain('Référence');

    await executed(ids.lespignan!, path, { signerName: lespignan.mayor.name, deliberationNumber: '2072/041', deliberationDate: '2026-11-20' });
    await executed(ids.legacy!, legacyPath, { signerName: legacy.mayor.name });
  }, 180_000);
});

describe('billing.csv and the titre de perception', () => {
  it('gives the address, the reference and the délibération of each executed convention', async () => {
    const { lines } = await billing();
    expect(cellsOf(lines, 'Lespignan')).toMatchObject({
      Adresse: lespignan.commune.address,
      Référence: `ENT-${YEAR}-34-${(await shown(ids.lespignan!)).reference.slice(-4)}`,
      'Délibération (n°)': '2072/041',
      'Délibération (date)': '20/11/2026',
      'Titre de perception (n°)': '',
      'Titre de perception (date)': '',
      'Montant (€)': '80,00',
    });
    expect(cellsOf(lines, 'Commune 1')).toMatchObject({ Référence: '', Adresse: '1 place de la Mairie, 34000 COMMUNE 1' });
    expect(cellsOf(lines, 'Commune 2')).toBeUndefined();
  });

  it('is recorded once by a gestionnaire, with its audit event; a second titre is refused (409) and the first kept', async () => {
    const today = parisDateOf(new Date());
    const path = `/admin/conventions/${ids.lespignan}/titre`;
    const forbidden = await stack.request('POST', path, { token: await stack.tokenWithRoles(['signataire']), body: { number: 'T-1', date: today } });
    expect(forbidden.status).toBe(403);

    const bad = await stack.admin('POST', path, { number: '', date: '12/01/2027' });
    expect(bad.status).toBe(400);
    expect([...new Set(bad.json.error.fields.map((field: { field: string }) => field.field))].sort()).toEqual(['date', 'number']);

    const recorded = await stack.admin('POST', path, { number: 'T-2072-000184', date: today });
    expect(recorded.status).toBe(200);
    expect(recorded.json).toMatchObject({ id: ids.lespignan, titre: { number: 'T-2072-000184', date: today, actor: 'clerk@rectorat.example.org' } });

    const again = await stack.admin('POST', path, { number: 'T-2072-000185', date: today });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain('Un titre de perception est déjà enregistré pour cette convention : n° T-2072-000184');

    const convention = await shown(ids.lespignan!);
    expect(convention.titre.number).toBe('T-2072-000184');
    expect(convention.history.filter((event: { type: string }) => event.type === 'titre_recorded')).toHaveLength(1);
    const trail = (await (await stack.request('GET', `/admin/conventions/${ids.lespignan}/audit.json`)).json()) as { events: never[]; head: never; avenantHeads: never };
    expect(verifyChains(ids.lespignan!, trail.events, trail.head, trail.avenantHeads)).toMatchObject({ ok: true });

    const { lines } = await billing();
    expect(cellsOf(lines, 'Lespignan')).toMatchObject({ 'Titre de perception (n°)': 'T-2072-000184', 'Titre de perception (date)': today.split('-').reverse().join('/') });
  });

  it('is refused (409) for a convention the commune has not signed, and 404 for an unknown one', async () => {
    const unsigned = await stack.admin('POST', `/admin/conventions/${ids.unsigned}/titre`, { number: 'T-9', date: parisDateOf(new Date()) });
    expect(unsigned.status).toBe(409);
    expect(unsigned.json.error.message).toContain('Un titre de perception suit la signature de la commune');
    expect((await shown(ids.unsigned!)).titre).toBeUndefined();
    expect((await stack.admin('POST', '/admin/conventions/00000000-0000-4000-8000-000000000000/titre', { number: 'T-9', date: '2026-01-01' })).status).toBe(404);
  });

  it('?reste=1 lists only what is still to invoice; another value is refused in French', async () => {
    const { lines } = await billing('?reste=1');
    expect(cellsOf(lines, 'Lespignan')).toBeUndefined();
    expect(cellsOf(lines, 'Commune 1')).toBeDefined();
    expect(lines.at(-1)).toMatch(/^Total;;;;;1;;40,00;/);
    const refused = await stack.admin('GET', `/admin/campaigns/${YEAR}/billing.csv?reste=oui`);
    expect(refused.status).toBe(400);
    expect(refused.json.error.fields).toEqual([{ field: 'reste', message: expect.stringContaining('« reste » vaut 1') }]);
  });
});
