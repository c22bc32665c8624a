import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaign2026, deliberation, leBoulou, lespignan, pezilla } from '../fixtures/seed-communes.ts';
import { eventually, mayorEmail, sentConvention, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.close());

const withEmail = <T extends { mayor: object }>(fixture: T, label: string) => ({ ...fixture, mayor: { ...fixture.mayor, email: mayorEmail(label) } });
const status = async (id: string) => (await stack.admin('GET', `/admin/conventions/${id}`)).json;

/** The mails of an address once `ready` holds: what follows a signature or a decline is sent by a job. */
async function inboxWhen(email: string, ready: (mails: Awaited<ReturnType<TestStack['inbox']>>) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await stack.inbox(email);
    if (ready(mails) || Date.now() > deadline) return mails;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the signing link', () => {
  it('gives the same neutral French page, with the rectorat contact, for a wrong or malformed token', async () => {
    const wrong = await stack.request('GET', '/sign/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { token: null });
    const malformed = await stack.request('GET', '/sign/%3Cscript%3E', { token: null });
    expect(wrong.status).toBe(404);
    expect(malformed.status).toBe(404);
    const [wrongPage, malformedPage] = [await wrong.text(), await malformed.text()];
    expect(wrongPage).toBe(malformedPage);
    expect(wrongPage).toContain("Ce lien n'est pas valide");
    expect(wrongPage).toContain('ent-ecole@rectorat.example.org');
    expect(wrongPage).not.toMatch(/Error|at \w+ \(/);
  });

  it('re-shows the form with the field to fix, in French, and signs nothing, when consent is missing', async () => {
    const { id, path } = await sentConvention(stack, campaign2026, withEmail(leBoulou, 'consent'));
    const response = await stack.request('POST', path, { token: null, form: { signerName: 'François COMES', capacity: 'maire' } });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain("Cochez la case « J'ai lu la convention et je la signe au nom de la commune »".replace(/'/g, '&#39;'));
    expect(page).toContain('value="François COMES"');
    const convention = await status(id);
    expect(convention.status).toBe('sent');
    expect(convention.history.map((event: { type: string }) => event.type)).not.toContain('signed');
  });

  it('asks a delegate for their function before signing', async () => {
    const { id, path } = await sentConvention(stack, campaign2026, withEmail(lespignan, 'delegate'));
    const refused = await stack.request('POST', path, { token: null, form: { signerName: 'Guillaume BENHAÏEM', capacity: 'delegation', consent: 'on' } });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Indiquez votre fonction');
    const signed = await stack.request('POST', path, {
      token: null,
      form: { signerName: 'Guillaume BENHAÏEM', capacity: 'delegation', delegateFunction: 'Directeur Général des Services', consent: 'on', deliberationNumber: '48/2023', deliberationDate: '2023-09-25' },
    });
    expect(signed.status).toBe(200);
    const convention = await status(id);
    expect(convention.signature).toMatchObject({
      signerName: 'Guillaume BENHAÏEM',
      capacity: 'delegation',
      delegateFunction: 'Directeur Général des Services',
      deliberation: { number: '48/2023', date: '2023-09-25' },
    });
  });
});

describe('signing happens exactly once', () => {
  it('twenty simultaneous sign requests give one signature and one confirmation email; the others see "déjà signée"', async () => {
    const { id, path, email } = await sentConvention(stack, campaign2026, withEmail(pezilla, 'race'));
    const form = { signerName: 'Jean-Paul BILLES', capacity: 'maire', consent: 'on', ...deliberation };
    const responses = await Promise.all(Array.from({ length: 20 }, () => stack.request('POST', path, { token: null, form })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((code) => code === 200)).toHaveLength(1);
    expect(statuses.filter((code) => code === 409)).toHaveLength(19);
    const pages = await Promise.all(responses.map((response) => response.text()));
    expect(pages.filter((page) => page.includes('déjà signée'))).toHaveLength(19);

    const convention = await status(id);
    expect(convention.history.filter((event: { type: string }) => event.type === 'signed')).toHaveLength(1);
    // The confirmation with the signed copy comes from the signature's seal job: one, once it ran.
    // The job emails first, then records the signed copy in the transaction that ends it.
    await inboxWhen(email, (mails) => mails.some((mail) => mail.subject.includes('signée')));
    expect(await eventually(async () => (await status(id)).signedDocument)).toBeDefined();
    const confirmations = (await stack.inbox(email)).filter((mail) => mail.subject.includes('signée'));
    expect(confirmations).toHaveLength(1);

    // A later double submit changes nothing either.
    expect((await stack.request('POST', path, { token: null, form })).status).toBe(409);
    expect((await status(id)).signedAt).toBe(convention.signedAt);
  });
});

describe('declining', () => {
  it('records the reason for the rectorat, acknowledges it to the mayor, and then refuses a signature', async () => {
    const { id, path, email } = await sentConvention(stack, { ...campaign2026, schoolYear: '2027-2028' }, withEmail(leBoulou, 'decline'));
    const empty = await stack.request('POST', `${path}/decline`, { token: null, form: { declinedBy: 'François COMES', reason: '' } });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Indiquez la raison du refus');
    expect((await status(id)).status).toBe('sent');

    const reason = "Le conseil municipal n'a pas encore délibéré.";
    const declined = await stack.request('POST', `${path}/decline`, { token: null, form: { declinedBy: 'François COMES', reason } });
    expect(declined.status).toBe(200);
    expect(await declined.text()).toContain('Votre refus est enregistré');

    const convention = await status(id);
    expect(convention.status).toBe('declined');
    expect(convention.decline).toMatchObject({ reason, declinedBy: 'François COMES' });
    expect(convention.history.at(-1)).toMatchObject({ type: 'declined', reason, actor: 'François COMES' });
    // Acknowledged by the decline's job.
    const acknowledgement = (await inboxWhen(email, (mails) => mails.some((mail) => mail.subject.startsWith('Refus')))).find((mail) => mail.subject.startsWith('Refus'));
    expect(acknowledgement?.body.text).toContain(reason);

    const lateSignature = await stack.request('POST', path, { token: null, form: { signerName: 'François COMES', capacity: 'maire', consent: 'on' } });
    expect(lateSignature.status).toBe(409);
    expect(await lateSignature.text()).toContain('Le refus de cette convention est déjà enregistré');
    expect((await status(id)).status).toBe('declined');
  });
});

describe('a new link', () => {
  it('kills the old one, which then gets the neutral page, and can go to a corrected address', async () => {
    const { id, path: oldPath } = await sentConvention(stack, { ...campaign2026, schoolYear: '2028-2029' }, withEmail(lespignan, 'resend'));
    const newEmail = mayorEmail('resend-dgs');
    const resent = await stack.admin('POST', `/admin/conventions/${id}/resend`, { mayorEmail: newEmail });
    expect(resent.status).toBe(200);
    expect(resent.json.mayorEmail).toBe(newEmail);

    const oldPage = await stack.request('GET', oldPath, { token: null });
    expect(oldPage.status).toBe(404);
    expect(await oldPage.text()).toContain("Ce lien n'est pas valide");

    const [invitation] = await stack.inbox(newEmail);
    const newPath = new URL(/https?:\/\/\S+\/sign\/[A-Za-z0-9_-]+/.exec(invitation!.body.text ?? '')![0]).pathname;
    expect(newPath).not.toBe(oldPath);
    expect((await stack.request('GET', newPath, { token: null })).status).toBe(200);
    const convention = await status(id);
    expect(convention.mayor.email).toBe(newEmail);
    expect(convention.history.map((event: { type: string }) => event.type)).toContain('link_resent');
  });

  it('is refused for a convention already signed', async () => {
    const { id, path } = await sentConvention(stack, { ...campaign2026, schoolYear: '2029-2030' }, withEmail(pezilla, 'resend-signed'));
    await stack.request('POST', path, { token: null, form: { signerName: 'Jean-Paul BILLES', capacity: 'maire', consent: 'on', ...deliberation } });
    const refused = await stack.admin('POST', `/admin/conventions/${id}/resend`);
    expect(refused.status).toBe(409);
  });
});

