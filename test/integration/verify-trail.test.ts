/**
 * `npm run verify`, as a clerk runs it: on the audit.json and the PDFs of a
 * real convention of the local stack (sent, viewed, signed, sealed,
 * countersigned, sealed again), as a child process. It accepts them as they
 * are, and refuses each kind of tampering: a byte of a PDF, an event
 * rewritten, removed, or two events swapped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { composeDeps } from '../../functions/adapters/composition.ts';
import { loadConfig } from '../../functions/adapters/config.ts';
import { verifyCommand, verifyInProcess as verify } from '../support/verify-command.ts';
import { eventHash } from '../../functions/domain/audit-chain.ts';
import { anchorFileKey, anchorTokenKey, startAnchor } from '../../functions/use-cases/anchor-audit.ts';
import { addDays, parisDateOf } from '../../functions/domain/calendar.ts';
import { campaign2026, lespignan, deliberation } from '../fixtures/seed-communes.ts';
import { mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
const dir = mkdtempSync(join(tmpdir(), 'paraphe-verify-'));
const files = { audit: join(dir, 'audit.json'), original: join(dir, 'original.pdf'), signed: join(dir, 'signee.pdf'), executed: join(dir, 'executoire.pdf'), anchor: join(dir, 'ancrage.json') };
let trail: { head: { seq: number; hash: string }; events: Record<string, unknown>[]; lecture: { seq: number; avenantId?: string; hash: string; texte: string }[] };
let conventionId: string;

async function conventionWhen(id: string, ready: (convention: any) => boolean): Promise<any> {
  for (const deadline = Date.now() + 60_000; ; await new Promise((resolve) => setTimeout(resolve, 200))) {
    const { json } = await stack.admin('GET', `/admin/conventions/${id}`);
    if (ready(json)) return json;
    if (Date.now() > deadline) throw new Error(`convention ${id} not ready: ${JSON.stringify(json)}`);
  }
}

beforeAll(async () => {
  stack = await startTestStack();
  const documents = composeDeps(loadConfig(process.env)).documents;
  const sent = await sentConvention(stack, { ...campaign2026, schoolYear: '2071-2072' }, { ...lespignan, mayor: { ...lespignan.mayor, email: mayorEmail('verify') } });
  conventionId = sent.id;
  expect((await stack.request('GET', sent.path, { token: null })).status).toBe(200);
  const signing = await stack.request('POST', sent.path, { token: null, form: { signerName: lespignan.mayor.name, capacity: 'maire', consent: 'on', ...deliberation } });
  expect(signing.status).toBe(200);
  await conventionWhen(sent.id, (convention) => convention.signedDocument !== undefined);
  const countersigned = await stack.request('POST', `/admin/conventions/${sent.id}/countersign`, { token: await stack.tokenWithRoles(['signataire']) });
  expect(countersigned.status).toBe(200);
  const convention = await conventionWhen(sent.id, (shown) => shown.executedDocument !== undefined);
  for (const [path, document] of [[files.original, convention.document], [files.signed, convention.signedDocument], [files.executed, convention.executedDocument]] as const) {
    writeFileSync(path, (await documents.get(document))!);
  }
  const audit = await stack.request('GET', `/admin/conventions/${sent.id}/audit.json`);
  trail = (await audit.json()) as typeof trail;
  writeFileSync(files.audit, JSON.stringify(trail, null, 2));
  // The day's anchor, as the schedule would start it after midnight (the trail's events are all of today).
  const today = parisDateOf(new Date());
  const anchor = await startAnchor(composeDeps(loadConfig(process.env)), { today: addDays(today, 1), at: new Date().toISOString() });
  expect(await stack.waitForJob(anchor.jobId)).toMatchObject({ state: 'done' });
  writeFileSync(files.anchor, (await documents.get({ key: anchorFileKey(today) }))!);
  writeFileSync(files.anchor.replace(/\.json$/, '.tst'), (await documents.get({ key: anchorTokenKey(today) }))!);
}, 180_000);
afterAll(async () => stack?.close());

/** audit.json with its events changed by `change`, written beside the original. */
function tampered(name: string, change: (events: Record<string, unknown>[]) => Record<string, unknown>[]): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ ...trail, events: change(structuredClone(trail.events)) }, null, 2));
  return path;
}

const indexOf = (type: string) => trail.events.findIndex((event) => event.type === type);

describe('npm run verify', () => {
  // The command itself runs in the two tests that read the anchors from the bucket and the whole proof folder;
  // the others run its checks, report and exit code in this process (test/support/verify-command.ts).
  it('accepts a real trail and its original, signed and executed PDFs, each printed head found in the chain', async () => {
    const { code, out } = await verify(files.audit, files.original, files.signed, files.executed);
    expect(out).not.toContain('✗');
    expect(code).toBe(0);
    expect(out).toMatch(/✓ chaîne de la convention : \d+ événement\(s\) intègres/);
    const signedAt = trail.events.find((event) => event.type === 'signed')!;
    const countersignedAt = trail.events.find((event) => event.type === 'countersigned')!;
    // The signed copy prints the head at the signature; the executed one, that and the head at the countersignature.
    expect(out).toContain(`signee.pdf : l'empreinte de piste imprimée (n° ${signedAt.seq}) est celle de la piste`);
    expect(out).toContain(`executoire.pdf : l'empreinte de piste imprimée (n° ${countersignedAt.seq}) est celle de la piste`);
    expect(out).toContain('executoire.pdf : le sceau');
    expect(out).toMatch(/✓ signee\.pdf : le sceau est horodaté du \d{4}-/);
    expect(out).toMatch(/✓ executoire\.pdf : le sceau est horodaté du \d{4}-/);
    // PAdES B-LT: both copies carry their chains and CRLs, checked at their token's instant.
    expect(out).toMatch(/✓ signee\.pdf : données de validation \(PAdES B-LT\) complètes/);
    expect(out).toMatch(/✓ executoire\.pdf : données de validation \(PAdES B-LT\) complètes/);
    expect(out).toContain('Résultat : tout est intègre.');
  });

  it('carries each event with its own fields, and beside the events its sentence in French, named by seq and hash', () => {
    const signed = trail.events[indexOf('signed')]!;
    expect(signed).toMatchObject({ capacity: 'maire' });
    expect(signed).not.toHaveProperty('detail');
    expect(trail.lecture.map(({ seq, hash }) => ({ seq, hash }))).toEqual(trail.events.map(({ seq, hash }) => ({ seq, hash })));
    expect(trail.lecture.find((line) => line.hash === signed.hash)?.texte).toBe('Signée par le maire');
    const sent = trail.events[indexOf('sent')]!;
    expect(sent.to).toMatch(/^maire\.verify\./);
    expect(trail.lecture.find((line) => line.seq === sent.seq)?.texte).toBe(`Invitation envoyée à ${String(sent.to)}`);
  });

  it("finds the trail's head in the day's anchor", async () => {
    const { code, out } = await verify(files.audit, files.anchor);
    expect(out).toContain(`✓ l'ancrage du ${parisDateOf(new Date())} (ancrage.json) retrouve la chaîne de la convention au n° ${trail.head.seq}`);
    expect(out).toMatch(/✓ ancrage\.json : l'ancrage est horodaté du \d{4}-/);
    expect(code).toBe(0);
  });

  it('with --bucket, reads the anchor of each day of the trail from the documents bucket and checks it and its token', () => {
    const today = parisDateOf(new Date());
    const { code, out } = verifyCommand(files.audit, '--bucket', process.env.BUCKET_NAME!);
    expect(out).toContain(`✓ l'ancrage du ${today} (s3://${process.env.BUCKET_NAME}/anchors/${today}.json) retrouve la chaîne de la convention au n° ${trail.head.seq}`);
    expect(out).toMatch(new RegExp(`✓ s3://${process.env.BUCKET_NAME}/anchors/${today}\\.json : l'ancrage est horodaté du \\d{4}-`));
    expect(code).toBe(0);
  });

  it("refuses an anchor whose bytes are not the ones its timestamp stamps, even with the same heads", async () => {
    const path = join(dir, 'ancrage-modifie.json');
    writeFileSync(path, `${readFileSync(files.anchor, 'utf8').trimEnd()} \n`);
    writeFileSync(path.replace(/\.json$/, '.tst'), readFileSync(files.anchor.replace(/\.json$/, '.tst')));
    const { code, out } = await verify(files.audit, path);
    expect(code).toBe(1);
    expect(out).toContain("✗ ancrage-modifie.json : l'horodatage de l'ancrage est invalide (le jeton d'horodatage ne porte pas sur cet ancrage");
  });

  it('refuses a seal without its timestamp (PAdES B-B, as Paraphe sealed before): B-T is required', async () => {
    const { pdflibAddPlaceholder } = await import('@signpdf/placeholder-pdf-lib');
    const { P12Signer } = await import('@signpdf/signer-p12');
    const { SignPdf } = await import('@signpdf/signpdf');
    const { SUBFILTER_ETSI_CADES_DETACHED } = await import('@signpdf/utils');
    const { PDFDocument } = await import('pdf-lib');
    const config = loadConfig(process.env);
    const document = await PDFDocument.load(readFileSync(files.original), { updateMetadata: false });
    pdflibAddPlaceholder({ pdfDoc: document, reason: 'r', contactInfo: 'c', name: 'n', location: 'l', signatureLength: 8192, subFilter: SUBFILTER_ETSI_CADES_DETACHED });
    const prepared = Buffer.from(await document.save({ useObjectStreams: false }));
    const untimed = await new SignPdf().sign(prepared, new P12Signer(readFileSync(config.SEALING_P12_PATH!), { passphrase: config.SEALING_P12_PASSPHRASE }));
    const path = join(dir, 'sans-horodatage.pdf');
    writeFileSync(path, untimed);
    const { code, out } = await verify(files.audit, path);
    expect(code).toBe(1);
    expect(out).toContain('✓ sans-horodatage.pdf : le sceau');
    expect(out).toContain("✗ sans-horodatage.pdf : le sceau n'est pas horodaté");
  });

  it('refuses a trail rewritten with every hash after the change recomputed: its own chain holds, but not the printed head nor the anchor', async () => {
    const at = indexOf('signed');
    const events = structuredClone(trail.events);
    events[at] = { ...events[at], actor: 'un autre' };
    for (let index = at; index < events.length; index += 1) {
      if (index > at) events[index] = { ...events[index], prevHash: events[index - 1]!.hash };
      events[index] = { ...events[index], hash: eventHash(events[index]!) };
    }
    const last = events.at(-1)!;
    const path = join(dir, 'reecrite.json');
    writeFileSync(path, JSON.stringify({ ...trail, events, head: { seq: last.seq, hash: last.hash } }));
    expect((await verify(path)).code).toBe(0);
    const { code, out } = await verify(path, files.signed, files.anchor);
    expect(code).toBe(1);
    expect(out).toContain(`✗ signee.pdf : l'empreinte de piste imprimée (n° ${trail.events[at]!.seq}`);
    expect(out).toContain("✗ l'ancrage du");
  });

  it('refuses a PDF with one byte changed: it matches no hash of the trail and its seal breaks', async () => {
    const bytes = readFileSync(files.signed);
    bytes[400] = bytes[400]! ^ 0x01;
    const path = join(dir, 'modifiee.pdf');
    writeFileSync(path, bytes);
    const { code, out } = await verify(files.audit, path);
    expect(code).toBe(1);
    expect(out).toContain('✗ le PDF modifiee.pdf ne correspond à aucune empreinte de la piste');
    expect(out).toContain('✗ modifiee.pdf : le sceau est invalide');
  });

  for (const [field, value] of [['actor', 'quelqu’un d’autre'], ['at', '2071-09-01T08:00:00.000Z'], ['type', 'declined'], ['capacity', 'delegation']] as const) {
    it(`refuses an event whose ${field} was rewritten: that event is named as modified`, async () => {
      const at = indexOf('signed');
      const seq = trail.events[at]!.seq;
      const { code, out } = await verify(tampered(`rewritten-${field}`, (events) => events.map((event, index) => (index === at ? { ...event, [field]: value } : event))), files.signed);
      expect(code).toBe(1);
      expect(out).toContain(`✗ chaîne de la convention : l'événement n° ${seq} (${field === 'type' ? value : 'signed'}) a été modifié`);
    });
  }

  it('refuses an event rewritten with its hash recomputed: the next event no longer follows it, and the head differs', async () => {
    const { eventHash } = await import('../../functions/domain/audit-chain.ts');
    const at = indexOf('signed');
    const path = tampered('rehashed', (events) => events.map((event, index) => {
      if (index !== at) return event;
      const rewritten = { ...event, actor: 'un autre' };
      return { ...rewritten, hash: eventHash(rewritten) };
    }));
    const { code, out } = await verify(path);
    expect(code).toBe(1);
    expect(out).toContain(`l'événement n° ${Number(trail.events[at]!.seq) + 1}`);
    expect(out).toContain('ne suit pas');
  });

  it('refuses a trail with an event removed: the gap is named', async () => {
    const at = indexOf('viewed');
    const seq = Number(trail.events[at]!.seq);
    const { code, out } = await verify(tampered('removed', (events) => events.filter((_, index) => index !== at)));
    expect(code).toBe(1);
    expect(out).toContain(`✗ chaîne de la convention : un événement manque entre n° ${seq - 1} et n° ${seq + 1}`);
  });

  it('refuses two events swapped, whether moved in the file or renumbered to look in order', async () => {
    const at = indexOf('viewed');
    const moved = await verify(tampered('swapped', (events) => {
      [events[at], events[at + 1]] = [events[at + 1]!, events[at]!];
      return events;
    }));
    expect(moved.code).toBe(1);
    expect(moved.out).toContain('✗');
    const renumbered = await verify(tampered('renumbered', (events) => {
      const [first, second] = [events[at]!, events[at + 1]!];
      [events[at], events[at + 1]] = [{ ...second, seq: first.seq }, { ...first, seq: second.seq }];
      return events;
    }));
    expect(renumbered.code).toBe(1);
    expect(renumbered.out).toContain('a été modifié');
  });
});

describe('the proof file, GET /admin/conventions/{id}/evidence.zip', () => {
  const unzipped = join(dir, 'preuve');
  let names: string[] = [];
  let readme = '';

  beforeAll(async () => {
    const response = await stack.request('GET', `/admin/conventions/${conventionId}/evidence.zip`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="preuve-convention-2071-2072-.*\.zip"/);
    const entries = unzipSync(new Uint8Array(await response.arrayBuffer()));
    names = Object.keys(entries).sort();
    for (const [name, bytes] of Object.entries(entries)) {
      mkdirSync(dirname(join(unzipped, name)), { recursive: true });
      writeFileSync(join(unzipped, name), bytes);
    }
    readme = readFileSync(join(unzipped, 'LISEZMOI.txt'), 'utf8');
  });

  it('holds the PDFs as stored, audit.json, the seals’ tokens, the chains, the root, the CRL, the day’s anchor and a LISEZMOI', () => {
    const today = parisDateOf(new Date());
    expect(names).toEqual(
      [
        'LISEZMOI.txt',
        `ancrages/${today}.json`,
        `ancrages/${today}.tst`,
        'audit.json',
        'certificats/chaine.pem',
        'certificats/crl-1.crl',
        'certificats/racine.pem',
        'convention-executoire.pdf',
        'convention-signee.pdf',
        'convention.pdf',
        'horodatage/convention-executoire.tst',
        'horodatage/convention-signee.tst',
      ].sort(),
    );
    const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
    expect(sha256(join(unzipped, 'convention-signee.pdf'))).toBe(sha256(files.signed));
    expect(sha256(join(unzipped, 'convention-executoire.pdf'))).toBe(sha256(files.executed));
    // The root is the local CA's, named by its fingerprint in the LISEZMOI.
    const fingerprint = (pem: string) => createHash('sha256').update(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')).digest('hex');
    const root = fingerprint(readFileSync(join(unzipped, 'certificats/racine.pem'), 'utf8'));
    expect(root).toBe(fingerprint(readFileSync(inject('servers').caCertificate, 'utf8')));
    expect(readme).toContain(`SHA-256 ${root}`);
  });

  /** The commands the LISEZMOI gives, for `tool`, as a clerk would paste them in the unzipped folder. */
  const commands = (tool: string) => readme.split('\n').filter((line) => line.startsWith(`   ${tool} `)).map((line) => line.trim().split(/\s+/));

  it('gives pdfsig commands that report every sealed PDF valid over the whole document', () => {
    const runs = commands('pdfsig');
    expect(runs.map((command) => command[1])).toEqual(['convention-signee.pdf', 'convention-executoire.pdf']);
    for (const [tool, ...args] of runs) {
      const out = spawnSync(tool!, args, { cwd: unzipped, encoding: 'utf8' }).stdout;
      expect(out).toContain('Signature is Valid');
      expect(out).toContain('Total document signed');
    }
  });

  it('gives openssl commands that verify each seal’s token and the CRL against the root', () => {
    const stamps = commands('openssl').filter((command) => command[1] === 'ts');
    expect(stamps).toHaveLength(2);
    for (const [tool, ...args] of stamps) expect(spawnSync(tool!, args, { cwd: unzipped, encoding: 'utf8' }).stdout).toContain('Verification: OK');
    const [crl] = commands('openssl').filter((command) => command[1] === 'crl');
    const run = spawnSync(crl![0]!, crl!.slice(1), { cwd: unzipped, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toContain('verify OK');
  });

  it('gives the npm run verify command, which accepts the whole folder', () => {
    const line = readme.split('\n').find((text) => text.trim().startsWith('npm run verify -- '))!;
    const args = line.trim().replace('npm run verify -- ', '').split(/\s+/).map((arg) => arg.replace('<dossier>', unzipped));
    expect(args.some((arg) => arg.endsWith('.json') && arg.includes('ancrages'))).toBe(true);
    const { code, out } = verifyCommand(args[0]!, ...args.slice(1));
    expect(out).not.toContain('✗');
    expect(out).toContain('Résultat : tout est intègre.');
    expect(code).toBe(0);
  });

  it('answers 404 in French for an avenant the convention does not have', async () => {
    const response = await stack.request('GET', `/admin/conventions/${conventionId}/avenants/00000000-0000-4000-8000-000000000000/evidence.zip`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("n'a pas d'avenant");
  });
});
