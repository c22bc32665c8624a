/**
 * What a campaign fixes for its conventions, on the local stack: the text it
 * pins at creation (and keeps, whatever model files come later), its fee
 * checked against the text's, the délibération its mayors must give to sign,
 * and the end date each convention may carry of its own.
 */
import { readFileSync } from 'node:fs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { campaignTextKey } from '../../functions/adapters/dynamodb/keys.ts';
import { createCampaign } from '../../functions/use-cases/create-campaign.ts';
import { sha256Hex } from '../../functions/domain/sha256.ts';
import { newCampaignSchema, parseInput } from '../../functions/use-cases/input/inputs.ts';
import { campaign2026, leBoulou, lespignan, pezilla } from '../fixtures/seed-communes.ts';
import { normalize, pdfInfo, pdfText, savePdf } from '../support/read-pdf.ts';
import { eventually, mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.close());

const withEmail = <T extends { mayor: object }>(fixture: T, label: string) => ({ ...fixture, mayor: { ...fixture.mayor, email: mayorEmail(label) } });
const modelFile = (year: string) => readFileSync(new URL(`../../templates/convention/models/${year}.json`, import.meta.url), 'utf8');

/** The PDF behind a signing link, as pdftotext reads it (one page, or all). */
async function pdfOf(path: string, page?: (pages: number) => number): Promise<string> {
  const response = await stack.request('GET', `${path}/document`, { token: null });
  expect(response.status).toBe(200);
  const file = savePdf(new Uint8Array(await response.arrayBuffer()));
  return normalize(pdfText(file, page?.(Number(pdfInfo(file).Pages))));
}

describe('the text a campaign pins', () => {
  it('answers 201 with the text pinned (year and SHA-256 of its file) and French warnings for another year\'s text and a fee other than its own', async () => {
    const created = await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: '2061-2062', feeCents: 4500 });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ model: '2025-2026', modelSha256: sha256Hex(modelFile('2025-2026')), deliberationRequired: true });
    expect(created.json.warnings).toEqual([
      expect.stringContaining('Les conventions de 2061-2062 reprendront le texte de 2025-2026'),
      expect.stringContaining('Le montant par école (45\u00a0€) diffère de celui du texte de 2025-2026 (40\u00a0€)'),
    ]);
  });

  it('answers 201 without warnings when the text is the year\'s own at its fee', async () => {
    const created = await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: '2023-2024', feeCents: 4500, endDate: '2024-09-05' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ model: '2023-2024', warnings: [] });
  });

  it('refuses (400, field model, in French) a Région académique text for 2021-2022, whose conventions name l\'Académie de Montpellier, and writes nothing; that year pins the 2021-2022 text', async () => {
    const refused = await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: '2021-2022', feeCents: 5000, endDate: '2022-09-01', model: '2023-2024' });
    expect(refused.status).toBe(400);
    expect(refused.json.error.fields).toEqual([{ field: 'model', message: expect.stringContaining("les conventions de 2021-2022 nomment l'Académie de Montpellier") }]);
    expect((await stack.admin('GET', '/admin/campaigns/2021-2022/stats')).status).toBe(404);
    const backwards = await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: '2024-2025', feeCents: 4500, endDate: '2025-09-05', model: '2021-2022' });
    expect(backwards.status).toBe(400);
    expect(backwards.json.error.fields[0]).toMatchObject({ field: 'model', message: expect.stringContaining("Le texte de 2021-2022 nomme l'Académie de Montpellier comme partie") });
    const own = await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: '2021-2022', feeCents: 5000, endDate: '2022-09-01' });
    expect(own.status).toBe(201);
    expect(own.json).toMatchObject({ model: '2021-2022', modelSha256: sha256Hex(modelFile('2021-2022')), warnings: [] });
  });

  describe('conventions sent later in the campaign get the pinned text, not the files shipped since', () => {
    const marker = 'TEXTE ÉPINGLÉ PAR LA CAMPAGNE';
    const pinned = modelFile('2025-2026').replace('"La présente convention a pour objet', `"${marker}. La présente convention a pour objet`);

    /** A campaign created when the shipped text was `content`; the files no longer are. */
    const createdWith = async (schoolYear: string, content: string) => {
      const deps = composeDeps(loadConfig(process.env));
      const texts = { list: () => [{ schoolYear: '2025-2026', party: 'region-academique-occitanie' as const, feeCents: 4000, content, sha256: sha256Hex(content) }] };
      await createCampaign({ ...deps, conventionTexts: texts }, parseInput(newCampaignSchema, { ...campaign2026, schoolYear }));
    };
    beforeAll(() => createdWith('2062-2063', pinned));

    it('draws the PDF from the stored text', async () => {
      expect(modelFile('2025-2026')).not.toContain(marker);
      const { path } = await sentConvention(stack, { ...campaign2026, schoolYear: '2062-2063' }, withEmail(lespignan, 'pinned'));
      expect(await pdfOf(path)).toContain(marker);
    });

    it('refuses to send, in French, once the stored text no longer has its SHA-256, and leaves the convention a draft', async () => {
      const changed = pinned.replace(marker, 'UN TEXTE ÉPINGLÉ AILLEURS');
      await createdWith('2068-2069', changed);
      const config = loadConfig(process.env);
      const db = createDocumentClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
      await db.send(new UpdateCommand({ TableName: config.TABLE_NAME, Key: campaignTextKey('2068-2069'), UpdateExpression: 'SET content = :c', ExpressionAttributeValues: { ':c': changed.replace('ÉPINGLÉ', 'CHANGÉ') } }));
      const added = await stack.admin('POST', '/admin/campaigns/2068-2069/conventions', withEmail(leBoulou, 'pinned-changed'));
      const job = await stack.sendCampaign('2068-2069');
      expect(job.failed).toEqual([expect.objectContaining({ reason: expect.stringContaining("Le texte de convention de la campagne 2068-2069 est introuvable ou a changé : aucune convention n'est envoyée avec un autre texte.") })]);
      expect((await stack.admin('GET', `/admin/conventions/${added.json.id}`)).json.status).toBe('draft');
    });
  });
});

describe("a convention's own end date", () => {
  it('is taken from add-convention (201) and printed in Article 10; the campaign\'s is the default', async () => {
    await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: '2063-2064', endDate: '2064-09-05' });
    const added = await stack.admin('POST', '/admin/campaigns/2063-2064/conventions', { ...withEmail(lespignan, 'own-end'), endDate: '2064-09-01' });
    expect(added.status).toBe(201);
    expect(added.json.convention.endDate).toBe('2064-09-01');
    const other = await stack.admin('POST', '/admin/campaigns/2063-2064/conventions', withEmail(pezilla, 'campaign-end'));
    expect(other.json.convention.endDate).toBe('2064-09-05');
    await stack.sendCampaign('2063-2064');
    const [invitation] = await stack.inbox(added.json.convention.mayor.email);
    expect(invitation!.body.text).toContain('se termine le 1er septembre 2064');
    const path = new URL(/https?:\/\/\S+\/sign\/[A-Za-z0-9_-]+/.exec(invitation!.body.text ?? '')![0]).pathname;
    expect(await pdfOf(path)).toContain('La présente convention prend effet à la date de signature et se termine au 1er septembre 2064.');
  });

  it('comes from the « Date de fin » column of an import; a commune whose date falls outside its school year is refused with its lines', async () => {
    await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: '2069-2070', endDate: '2070-09-05' });
    const lespignanEmail = mayorEmail('import-end');
    const csv = [
      "Commune;SIRET;Code INSEE;Adresse;Nom du maire;Courriel du maire;UAI;Type d'école;Date de fin",
      `Lespignan;21340135900012;34135;PLACE JEAN POVEDA, 34710 LESPIGNAN;Jean François GUIBBERT;${lespignanEmail};0341401N;maternelle;01/09/2070`,
      `Lespignan;21340135900012;34135;PLACE JEAN POVEDA, 34710 LESPIGNAN;Jean François GUIBBERT;${lespignanEmail};0341406U;élémentaire;01/09/2070`,
      `Le Boulou;21660024700011;66024;AVENUE LEON JEAN GREGORY, 66160 LE BOULOU;François COMES;${mayorEmail('import-bad-end')};0660713S;élémentaire;05/09/2069`,
    ].join('\n');
    const started = await stack.request('POST', '/admin/campaigns/2069-2070/imports', { headers: { 'content-type': 'text/csv' }, body: new TextEncoder().encode(csv) });
    expect(started.status).toBe(202);
    const job = await stack.waitForJob(((await started.json()) as { jobId: string }).jobId);
    expect(job).toMatchObject({ tally: { imported: 1 }, failedCount: 1 });
    expect(job.failed).toEqual([expect.objectContaining({ item: 'Le Boulou', line: 4, reason: expect.stringContaining("doit tomber en 2070, l'année où se termine l'année scolaire 2069-2070") })]);
    const { items } = (await stack.admin('GET', '/admin/campaigns/2069-2070/conventions')).json;
    expect(items.map((item: { commune: { name: string } }) => item.commune.name)).toEqual(['Lespignan']);
    expect((await stack.admin('GET', `/admin/conventions/${items[0].id}`)).json.endDate).toBe('2070-09-01');
  });

  it('is refused (400, field endDate, in French) outside the year its school year ends, and nothing is written', async () => {
    await stack.admin('POST', '/admin/campaigns', { ...campaign2026, schoolYear: '2064-2065', endDate: '2065-09-05' });
    const refused = await stack.admin('POST', '/admin/campaigns/2064-2065/conventions', { ...withEmail(lespignan, 'bad-end'), endDate: '2064-09-05' });
    expect(refused.status).toBe(400);
    expect(refused.json.error.fields).toEqual([{ field: 'endDate', message: expect.stringContaining("doit tomber en 2065, l'année où se termine l'année scolaire 2064-2065") }]);
    expect((await stack.admin('GET', '/admin/campaigns/2064-2065/conventions')).json.items).toEqual([]);
  });
});

describe('the délibération', () => {
  it('is required to sign by default: the form comes back (400) with a French message next to its number and its date, and nothing is signed', async () => {
    const { id, path } = await sentConvention(stack, { ...campaign2026, schoolYear: '2065-2066' }, withEmail(leBoulou, 'delib-required'));
    const page = await (await stack.request('GET', path, { token: null })).text();
    expect(page).toContain('Date de la délibération</label>');
    const refused = await stack.request('POST', path, { token: null, form: { signerName: 'François COMES', capacity: 'maire', consent: 'on' } });
    expect(refused.status).toBe(400);
    const form = await refused.text();
    expect(form).toMatch(/id="deliberationNumber-error">Indiquez le numéro de la délibération par laquelle le conseil municipal autorise la signature/);
    expect(form).toMatch(/id="deliberationDate-error">Indiquez la date de la séance du conseil municipal/);
    const future = await stack.request('POST', path, { token: null, form: { signerName: 'François COMES', capacity: 'maire', consent: 'on', deliberationNumber: '12', deliberationDate: '2099-01-05' } });
    expect(future.status).toBe(400);
    expect(await future.text()).toContain('La date de la délibération ne peut pas être postérieure à aujourd&#39;hui');
    expect((await stack.admin('GET', `/admin/conventions/${id}`)).json.status).toBe('sent');
  });

  it('is optional in a campaign that says so (deliberationRequired: false)', async () => {
    const { id, path } = await sentConvention(stack, { ...campaign2026, schoolYear: '2066-2067', deliberationRequired: false } as typeof campaign2026, withEmail(pezilla, 'delib-optional'));
    expect(await (await stack.request('GET', path, { token: null })).text()).toContain('Date de la délibération (facultatif)');
    expect((await stack.request('POST', path, { token: null, form: { signerName: 'Jean-Paul BILLES', capacity: 'maire', consent: 'on' } })).status).toBe(200);
    expect((await stack.admin('GET', `/admin/conventions/${id}`)).json.status).toBe('signed');
  });

  it('is printed with « Pour le Maire et par délégation, <fonction> » in the signature block of the signed PDF', async () => {
    const { id, path } = await sentConvention(stack, { ...campaign2026, schoolYear: '2067-2068' }, withEmail(lespignan, 'delib-pdf'));
    const signed = await stack.request('POST', path, {
      token: null,
      form: { signerName: 'Guillaume BENHAÏEM', capacity: 'delegation', delegateFunction: 'Directeur Général des Services', consent: 'on', deliberationNumber: '48/2023', deliberationDate: '2023-09-25' },
    });
    expect(signed.status).toBe(200);
    await eventually(async () => (await stack.admin('GET', `/admin/conventions/${id}`)).json.signedDocument);
    // The last page of the convention itself, before the certificate page.
    const block = await pdfOf(path, (pages) => pages - 1);
    expect(block).toContain('COMMUNE DE LESPIGNAN :');
    expect(block).toContain('Pour le Maire et par délégation, Directeur Général des Services Guillaume BENHAÏEM Délibération N° 48/2023 du 25 septembre 2023');
    expect(block.indexOf('Pour le Maire et par délégation')).toBeGreaterThan(block.indexOf('COMMUNE DE LESPIGNAN :'));
  });
});
