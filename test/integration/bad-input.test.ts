import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../infra/functions.ts';
import { LOCAL_CREDENTIALS } from '../../infra/local/resources.ts';
import { campaign2026, leBoulou, lespignan, pezilla, deliberation } from '../fixtures/seed-communes.ts';
import { eventually, mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let db: DynamoDBClient;

beforeAll(async () => {
  stack = await startTestStack();
  db = new DynamoDBClient({ region: 'eu-west-3', endpoint: stack.settings.dynamodbEndpoint, credentials: LOCAL_CREDENTIALS });
  expect((await stack.admin('POST', '/admin/campaigns', campaign2026)).status).toBe(201);
});
afterAll(async () => stack?.close());

async function itemCount(): Promise<number> {
  const { Count } = await db.send(new ScanCommand({ TableName: stack.settings.tableName, Select: 'COUNT', ConsistentRead: true }));
  return Count ?? 0;
}

/** Runs a request that must be refused, and checks that nothing was written. */
async function refused(method: string, path: string, body?: unknown) {
  const before = await itemCount();
  const response = await stack.admin(method, path, body);
  expect(await itemCount()).toBe(before);
  return response;
}

const fields = (json: { error: { fields: { field: string }[] } }) => json.error.fields.map((issue) => issue.field);

describe('every admin route refuses a caller without a valid bearer token', () => {
  const adminRoutes = functionSpecs.flatMap((spec) => spec.routes.filter((route) => route.auth === 'admin'));

  it.each(adminRoutes.map((route) => [route.method, route.path]))('%s %s answers 401 with no token and with a forged one', async (method, path) => {
    const concrete = path.replace('{schoolYear}', '2026-2027').replace('{id}', '00000000-0000-4000-8000-000000000000');
    const before = await itemCount();
    const body = method === 'GET' ? {} : { body: {} };
    expect((await stack.request(method, concrete, { token: null, ...body })).status).toBe(401);
    const forged = `${stack.adminToken.slice(0, -4)}AAAA`;
    expect((await stack.request(method, concrete, { token: forged, ...body })).status).toBe(401);
    expect(await itemCount()).toBe(before);
  });
});

describe('a campaign with bad input is refused, field by field, in French', () => {
  it('names every missing field', async () => {
    const { status, json } = await refused('POST', '/admin/campaigns', {});
    expect(status).toBe(400);
    expect(fields(json)).toEqual(expect.arrayContaining(['schoolYear', 'feeCents', 'endDate', 'issuePlace', 'issueDate', 'signatory']));
    expect(json.error.fields[0].message).toMatch(/obligatoire/);
  });

  it('refuses a fee in euros with a decimal point', async () => {
    const { status, json } = await refused('POST', '/admin/campaigns', { ...campaign2026, schoolYear: '2030-2031', feeCents: 40.5 });
    expect(status).toBe(400);
    expect(fields(json)).toEqual(['feeCents']);
  });

  it('refuses a school year that is not two consecutive years, and a date off the calendar', async () => {
    const { status, json } = await refused('POST', '/admin/campaigns', { ...campaign2026, schoolYear: '2026-2028', endDate: '2027-02-30' });
    expect(status).toBe(400);
    expect(fields(json).sort()).toEqual(['endDate', 'schoolYear']);
  });

  it('refuses a school year for which no convention text exists, naming the texts there are', async () => {
    const { status, json } = await refused('POST', '/admin/campaigns', { ...campaign2026, schoolYear: '2010-2011', endDate: '2011-09-05' });
    expect(status).toBe(400);
    expect(json.error.fields[0]).toEqual({ field: 'schoolYear', message: expect.stringContaining('2023-2024') });
  });

  it('refuses a body that is not JSON', async () => {
    const response = await stack.request('POST', '/admin/campaigns', { body: '{"schoolYear":' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBeTruthy();
  });

  it('refuses a second campaign for the same school year with 409', async () => {
    const { status, json } = await refused('POST', '/admin/campaigns', campaign2026);
    expect(status).toBe(409);
    expect(fields(json)).toEqual(['schoolYear']);
  });
});

describe('a convention with bad input is refused and writes nothing', () => {
  const path = '/admin/campaigns/2026-2027/conventions';
  const good = () => ({ ...lespignan, mayor: { ...lespignan.mayor, email: mayorEmail('bad-input') } });

  it('refuses a SIRET with a wrong check digit', async () => {
    const { status, json } = await refused('POST', path, { ...good(), commune: { ...lespignan.commune, siret: '21340135900013' } });
    expect(status).toBe(400);
    expect(fields(json)).toEqual(['commune.siret']);
  });

  it('refuses a UAI whose check letter is wrong, and says which letter it should be', async () => {
    const { status, json } = await refused('POST', path, { ...good(), schools: [{ uai: '0341401M', type: 'maternelle', name: '' }] });
    expect(status).toBe(400);
    expect(json.error.fields[0]).toEqual({ field: 'schools.0.uai', message: expect.stringContaining('devrait être N') });
  });

  it('refuses a school listed twice', async () => {
    const school = { uai: '0341401N', type: 'maternelle', name: '' };
    const { status, json } = await refused('POST', path, { ...good(), schools: [school, school] });
    expect(status).toBe(400);
    expect(fields(json)).toEqual(['schools.1.uai']);
  });

  it('refuses a malformed mayor email and an unknown school type', async () => {
    const { status, json } = await refused('POST', path, {
      ...good(),
      mayor: { name: 'X', email: 'mairie-at-lespignan' },
      schools: [{ uai: '0341401N', type: 'college', name: '' }],
    });
    expect(status).toBe(400);
    expect(fields(json).sort()).toEqual(['mayor.email', 'schools.0.type']);
  });

  it('refuses a campaign that does not exist with 404, and a malformed school year with 400', async () => {
    expect((await refused('POST', '/admin/campaigns/2040-2041/conventions', good())).status).toBe(404);
    expect((await refused('POST', '/admin/campaigns/2026/conventions', good())).status).toBe(400);
  });

  it("refuses a school already in another commune's convention, naming that commune", async () => {
    expect((await stack.admin('POST', path, good())).status).toBe(201);
    const { status, json } = await refused('POST', path, {
      ...leBoulou,
      schools: [...leBoulou.schools, { uai: '0341406U', type: 'elementaire', name: '' }],
    });
    expect(status).toBe(409);
    expect(json.error.fields).toEqual([{ field: 'schools.1.uai', message: expect.stringContaining('Lespignan') }]);
  });

  it('refuses a second convention for the same commune', async () => {
    const { status, json } = await refused('POST', path, { ...good(), schools: [{ uai: '0340001S', type: 'primaire', name: '' }] });
    expect(status).toBe(409);
    expect(fields(json)).toEqual(['commune.siret']);
  });
});

describe('sending and reading refuse what does not exist', () => {
  it('answers 404 for a campaign that does not exist and 400 for a malformed year', async () => {
    expect((await refused('POST', '/admin/campaigns/2040-2041/send')).status).toBe(404);
    expect((await refused('POST', '/admin/campaigns/deux-mille/send')).status).toBe(400);
  });

  it('answers 400 for an id that is not a UUID and 404 for an unknown one', async () => {
    const malformed = await stack.admin('GET', '/admin/conventions/abc');
    expect(malformed.status).toBe(400);
    expect(fields(malformed.json)).toEqual(['id']);
    expect((await stack.admin('GET', '/admin/conventions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

/** The item count once the jobs a previous step started (sealing, emails) have stopped writing. */
async function quietItemCount(): Promise<number> {
  let [previous, stable] = [await itemCount(), 0];
  while (stable < 3) {
    await new Promise((resolve) => setTimeout(resolve, 400));
    const count = await itemCount();
    stable = count === previous ? stable + 1 : 0;
    previous = count;
  }
  return previous;
}

/** A form body exactly as given (stack.request would encode it, or send it as JSON). */
const postRaw = (path: string, body: string, contentType = 'application/x-www-form-urlencoded') =>
  fetch(`${stack.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body, redirect: 'manual' });

describe('an admin body with an invisible, control or non-string value is refused, naming the field, and writes nothing', () => {
  it('refuses a right-to-left override in the place of issue, and a line break in the signatory', async () => {
    const { status, json } = await refused('POST', '/admin/campaigns', {
      ...campaign2026,
      schoolYear: '2031-2032',
      endDate: '2032-09-05',
      issuePlace: 'Montpellier\u202e',
      signatory: { ...campaign2026.signatory, name: 'Carole\nDrucker-Godard' },
    });
    expect(status).toBe(400);
    expect(json.error.fields).toEqual(
      expect.arrayContaining([
        { field: 'issuePlace', message: expect.stringContaining('caractère invisible qui change le sens de lecture (U+202E)') },
        { field: 'signatory.name', message: 'Le nom du signataire doit tenir sur une seule ligne.' },
      ]),
    );
  });

  it.each([
    ['a NUL', 'commune.name', { commune: { ...lespignan.commune, name: 'Lespi\u0000gnan' } }, /caractère de contrôle invisible \(U\+0000\)/],
    ['a C1 control', 'commune.address', { commune: { ...lespignan.commune, address: 'PLACE\u0085JEAN POVEDA' } }, /U\+0085/],
    ['DEL', 'mayor.title', { mayor: { ...lespignan.mayor, title: 'Maire\u007f' } }, /U\+007F/],
    ['an isolate', 'mayor.name', { mayor: { ...lespignan.mayor, name: '\u2067GUIBBERT\u2069' } }, /sens de lecture \(U\+2067\)/],
    ['a left-to-right mark', 'schools.0.name', { schools: [{ uai: '0341401N', type: 'maternelle', name: 'Les\u200e Pins' }] }, /U\+200E/],
    ['an object for a string', 'commune.name', { commune: { ...lespignan.commune, name: { number: 12 } } }, /^Le nom de la commune doit être un texte\.$/],
    ['an array for a string', 'schools.0.name', { schools: [{ uai: '0341401N', type: 'maternelle', name: ['Les Pins'] }] }, /^Le nom de l'école doit être un texte\.$/],
  ])('refuses a convention with %s in %s', async (_, field, change, message) => {
    const { status, json } = await refused('POST', '/admin/campaigns/2026-2027/conventions', { ...lespignan, mayor: { ...lespignan.mayor, email: mayorEmail('bidi') }, ...change });
    expect(status).toBe(400);
    expect(json.error.fields).toEqual([{ field, message: expect.stringMatching(message) }]);
  });

  it('refuses a lone surrogate, which DynamoDB could not store, with a 400 and not a 500', async () => {
    const body = JSON.stringify({ ...lespignan, mayor: { ...lespignan.mayor, email: mayorEmail('surrogate') } }).replace('"Lespignan"', '"Lespi\\ud800gnan"');
    const before = await itemCount();
    const response = await stack.request('POST', '/admin/campaigns/2026-2027/conventions', { body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { fields: unknown[] } }).error.fields).toEqual([
      { field: 'commune.name', message: 'Le nom de la commune contient un caractère incomplet (U+D800) : retapez-le.' },
    ]);
    expect(await itemCount()).toBe(before);
  });

  it("refuses a control character in a cancellation's reason, but not its line breaks, and a bidi override in a delegate", async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const cancel = await refused('POST', `/admin/conventions/${id}/cancel`, { reason: 'Doublon\u0007' });
    expect(cancel.status).toBe(400);
    expect(cancel.json.error.fields).toEqual([{ field: 'reason', message: expect.stringMatching(/^La raison de l'annulation contient un caractère de contrôle invisible \(U\+0007\)/) }]);
    // A reason on two lines is good input: it goes on to find no such convention.
    expect((await refused('POST', `/admin/conventions/${id}/cancel`, { reason: 'Doublon\r\nvoir la commune voisine' })).status).toBe(404);
    const countersign = await refused('POST', `/admin/conventions/${id}/countersign`, { delegate: { name: 'Jean \u202eDUPONT', title: 'Secrétaire général' } });
    expect(countersign.status).toBe(400);
    expect(countersign.json.error.fields).toEqual([{ field: 'delegate.name', message: expect.stringContaining('(U+202E)') }]);
  });

  it('refuses a malformed or invisible search in the list of conventions, and a page size that is not a number, in French', async () => {
    for (const query of ['q=%E0%A4%A', 'q=abc%E2%80%AE', 'q=abc%00']) {
      const { status, json } = await refused('GET', `/admin/campaigns/2026-2027/conventions?${query}`);
      expect(status).toBe(400);
      expect(json.error.fields).toEqual([{ field: 'q', message: expect.stringMatching(/^La recherche contient un caractère/) }]);
    }
    const { status, json } = await refused('GET', '/admin/campaigns/2026-2027/conventions?limit=beaucoup&cursor=%E0%A4%A');
    expect(status).toBe(400);
    expect(json.error.fields).toEqual([
      { field: 'limit', message: 'La taille de page (limit) doit être un nombre.' },
      { field: 'cursor', message: 'Le curseur (cursor) doit être le nextCursor de la page précédente.' },
    ]);
  });
});

describe('an import with an invisible character', () => {
  it("lists the row with its line and the French reason, and imports nothing of that commune", async () => {
    const campaign = { ...campaign2026, schoolYear: '2032-2033', endDate: '2033-09-05' };
    expect((await stack.admin('POST', '/admin/campaigns', campaign)).status).toBe(201);
    const header = "Commune;SIRET;Code INSEE;Adresse;Nom du maire;Qualité;Courriel du maire;UAI;Type d'école;Nom de l'école";
    const commune = `Lespignan;21340135900012;34135;PLACE JEAN POVEDA, 34710 LESPIGNAN;Jean François GUIBBERT;Maire;${mayorEmail('import-bidi')}`;
    const file = [header, `${commune};0341401N;maternelle;Les Pins`, `${commune};0341406U;elementaire;Jules \u202eFerry`].join('\r\n');
    const response = await stack.request('POST', '/admin/campaigns/2032-2033/imports', { body: new TextEncoder().encode(file), headers: { 'content-type': 'text/csv' } });
    expect(response.status).toBe(202);
    const job = await stack.waitForJob(((await response.json()) as { jobId: string }).jobId);
    expect(job.failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 3, reason: expect.stringContaining("Le nom de l'école contient un caractère invisible qui change le sens de lecture (U+202E)") }),
        expect.objectContaining({ line: 2, reason: 'Rejetée avec la commune Lespignan : la ligne 3 est invalide.' }),
      ]),
    );
    const listed = await stack.admin('GET', '/admin/campaigns/2032-2033/conventions');
    expect(listed.json.items).toEqual([]);
  });
});

describe("the mayor's forms refuse bad input, in French, naming the field, and write nothing", () => {
  const form = { signerName: 'Jean-Paul BILLES', capacity: 'maire', consent: 'on' };
  let sent: { id: string; path: string; email: string };
  beforeAll(async () => {
    sent = await sentConvention(stack, campaign2026, { ...pezilla, mayor: { ...pezilla.mayor, email: mayorEmail('forms') } });
  });

  /** Sends a form that must be refused: the convention, its history, the table and the mayor's inbox are as they were. */
  async function formRefused(send: () => Promise<Response>): Promise<{ status: number; page: string }> {
    const [items, before, mails] = [await itemCount(), (await stack.admin('GET', `/admin/conventions/${sent.id}`)).json, (await stack.inbox(sent.email)).length];
    const response = await send();
    const page = await response.text();
    const after = (await stack.admin('GET', `/admin/conventions/${sent.id}`)).json;
    expect(after.status).toBe('sent');
    expect(after.history).toEqual(before.history);
    expect(await itemCount()).toBe(items);
    expect((await stack.inbox(sent.email)).length).toBe(mails);
    return { status: response.status, page };
  }
  const sign = (values: Record<string, string>) => () => stack.request('POST', sent.path, { token: null, form: values });

  it.each([
    ['a right-to-left override in the name', { signerName: 'Jean-Paul \u202eBILLES' }, 'contient un caractère invisible qui change le sens de lecture (U+202E)'],
    ['a line break in the name', { signerName: 'Jean-Paul\r\nBILLES' }, 'Votre nom complet doit tenir sur une seule ligne.'],
    ['a control character in the function', { capacity: 'delegation', delegateFunction: 'DGS\u001b[2J' }, 'Votre fonction contient un caractère de contrôle invisible (U+001B)'],
    ['a délibération number without its date', { deliberationNumber: '2026/048' }, 'Indiquez la date de la délibération, ou effacez son numéro.'],
    ['a délibération date without its number', { deliberationDate: '2026-10-02' }, 'Indiquez le numéro de la délibération, ou effacez sa date.'],
  ])('the signature: %s', async (_, change, message) => {
    const { status, page } = await formRefused(sign({ ...form, ...change }));
    expect(status).toBe(400);
    expect(page).toContain("La signature n'a pas été enregistrée");
    expect(page).toContain(message);
  });

  it('the signature: a délibération number without its date is refused on every try, never a 503', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      expect((await formRefused(sign({ ...form, deliberationNumber: '12' }))).status).toBe(400);
    }
  });

  it.each([
    ['a field sent twice', 'signerName=Jean&signerName=Paul&capacity=maire&consent=on', 'Le champ « signerName » est envoyé plusieurs fois'],
    ['a malformed percent-encoding', 'signerName=%E0%A4%A&capacity=maire&consent=on', 'Le champ « signerName » du formulaire est mal encodé'],
    ['bytes that are not UTF-8', 'signerName=Ren%E9&capacity=maire&consent=on', 'Le champ « signerName » du formulaire est mal encodé'],
  ])('the signature: %s', async (_, body, message) => {
    const { status, page } = await formRefused(() => postRaw(sent.path, body));
    expect(status).toBe(400);
    expect(page).toContain(message);
  });

  it.each([
    ['an object', { ...form, signerName: { first: 'Jean' } }, 'Le champ « signerName » doit être un texte.'],
    ['an array', { ...form, signerName: ['Jean', 'Paul'] }, 'Le champ « signerName » doit être un texte.'],
    ['a nested délibération', { ...form, deliberation: { number: 12 } }, 'Le champ « deliberation » doit être un texte.'],
    ['a number', { ...form, deliberationNumber: 12, deliberationDate: '2026-10-02' }, 'Le champ « deliberationNumber » doit être un texte.'],
  ])('the signature sent as JSON with %s for a string', async (_, body, message) => {
    const { status, page } = await formRefused(() => postRaw(sent.path, JSON.stringify(body), 'application/json'));
    expect(status).toBe(400);
    expect(page).toContain(message);
  });

  it('the refusal: a control character in the reason, or a line break in the name', async () => {
    const reason = await formRefused(() => stack.request('POST', `${sent.path}/decline`, { token: null, form: { declinedBy: 'Jean-Paul BILLES', reason: 'Pas de\u0007 budget cette année.' } }));
    expect(reason.status).toBe(400);
    expect(reason.page).toContain("Le refus n'a pas été enregistré");
    expect(reason.page).toContain('La raison du refus contient un caractère de contrôle invisible (U+0007)');
    const name = await formRefused(() => stack.request('POST', `${sent.path}/decline`, { token: null, form: { declinedBy: 'Jean-Paul\nBILLES', reason: 'Pas de budget.' } }));
    expect(name.status).toBe(400);
    expect(name.page).toContain('Votre nom complet doit tenir sur une seule ligne.');
    const twice = await formRefused(() => postRaw(`${sent.path}/decline`, 'declinedBy=A&reason=Pas%20de%20budget&reason=Autre'));
    expect(twice.status).toBe(400);
    expect(twice.page).toContain('Le champ « reason » est envoyé plusieurs fois');
  });
});

describe('an avenant form with bad input writes nothing', () => {
  it('refuses an invisible character in the list of schools, and in the name of its signer', async () => {
    // A convention that has not ended: an avenant after the end date is refused before its list is read.
    const campaign = { ...campaign2026, schoolYear: '2023-2024', endDate: '2099-09-05', issueDate: '2023-06-01' };
    const { id, path } = await sentConvention(stack, campaign, { ...lespignan, mayor: { ...lespignan.mayor, email: mayorEmail('avenant-input') } });
    expect((await stack.request('POST', path, { token: null, form: { signerName: 'Jean François GUIBBERT', capacity: 'maire', consent: 'on', ...deliberation } })).status).toBe(200);
    const historyOf = async () => (await stack.admin('GET', `/admin/conventions/${id}`)).json.history.map((event: { type: string }) => event.type);
    // The signature's seal job writes for a few seconds after it (the signed copy, the job's end): counted once it is done.
    await eventually(async () => (await stack.admin('GET', `/admin/conventions/${id}`)).json.signedDocument);

    let items = await quietItemCount();
    const list = await stack.request('POST', `${path}/avenant`, { token: null, form: { schools: '0341401N ; maternelle ; Les\u202e Pins\n0341406U ; élémentaire' } });
    expect(list.status).toBe(400);
    expect(await list.text()).toContain("Le nom de l&#39;école contient un caractère invisible qui change le sens de lecture (U+202E)");
    expect(await itemCount()).toBe(items);
    expect(await historyOf()).not.toContain('avenant_requested');

    const asked = await stack.request('POST', `${path}/avenant`, { token: null, form: { schools: '0341401N ; maternelle' } });
    expect(asked.status).toBe(303);
    const avenantPath = asked.headers.get('location')!;
    items = await quietItemCount();
    const history = await historyOf();
    for (const [values, message] of [
      [{ signerName: 'Jean François \u2066GUIBBERT', capacity: 'maire', consent: 'on' }, '(U+2066)'],
      [{ signerName: 'Jean François GUIBBERT', capacity: 'maire', consent: 'on', deliberationNumber: '12' }, 'Indiquez la date de la délibération'],
    ] as const) {
      const signed = await stack.request('POST', avenantPath, { token: null, form: values });
      expect(signed.status).toBe(400);
      expect(await signed.text()).toContain(message);
    }
    const twice = await postRaw(avenantPath, 'signerName=A&signerName=B&capacity=maire&consent=on');
    expect(twice.status).toBe(400);
    expect(await twice.text()).toContain('Le champ « signerName » est envoyé plusieurs fois');
    expect(await itemCount()).toBe(items);
    expect(await historyOf()).toEqual(history);
    expect(history).not.toContain('avenant_signed');
  });
});

describe('a malformed percent-encoding in a path never crashes a function', () => {
  // The local gateway decodes path parameters itself (and cannot, for these, until it is fixed): the handlers are
  // called here with what API Gateway may hand over, the raw token or one decoded leniently, in a payload 2.0
  // event (its version and requestContext.http.path, on which @middy/http-router dispatches).
  const event = (rawPath: string, pathParameters: Record<string, string>) =>
    ({ version: '2.0', rawPath, pathParameters, headers: {}, requestContext: { http: { method: 'GET', path: rawPath, sourceIp: '127.0.0.1', userAgent: 'test' }, requestId: 'r' } }) as never;
  const invoke = async (entry: string, rawPath: string, pathParameters: Record<string, string>) => {
    const { handler } = (await import(`../../functions/${entry}/handler.ts`)) as { handler: (event: never, context: never) => Promise<{ statusCode: number; body: string }> };
    return handler(event(rawPath, pathParameters), {} as never);
  };

  it.each(['%E0%A4%A', '\ufffd%A', '%'])('a signing link %j gives the neutral « lien invalide » page', async (token) => {
    for (const [entry, prefix] of [['signing-page', '/sign'], ['avenant-page', '/avenant']] as const) {
      const response = await invoke(entry, `${prefix}/${token}`, { token });
      expect(response.statusCode).toBe(404);
      expect(response.body).toContain("Ce lien n'est pas valide");
    }
  });

  it('a design-system file gives a 404, and a convention id a French 400 naming it', async () => {
    expect((await invoke('static-assets', '/dsfr/1.14.4/%E0%A4%A', { version: '1.14.4', file: '%E0%A4%A' })).statusCode).toBe(404);
    expect((await invoke('static-assets', '/dsfr/%E0%A4%A/x', { version: '%E0%A4%A', file: 'x' })).statusCode).toBe(404);
    const convention = await stack.admin('GET', '/admin/conventions/%25E0%25A4%25A');
    expect(convention.status).toBe(400);
    expect(fields(convention.json)).toEqual(['id']);
  });
});
