import { describe, expect, it } from 'vitest';
import { addConvention } from '../../../functions/use-cases/add-convention.ts';
import { newConventionSchema, parseInput } from '../../../functions/use-cases/input/inputs.ts';
import type { Campaign, Convention, ConventionEvent } from '../../../functions/domain/model.ts';
import { uaiCheckLetter } from '../../../functions/domain/identifiers.ts';
import { addLink, hashToken, replaceAllLinks, resolveSigningLink, withdrawLink } from '../../../functions/use-cases/signing-link.ts';
import { remindersOf } from '../../../functions/domain/reminder-schedule.ts';
import { communeTaken, schoolsTaken } from '../../../functions/domain/convention-errors.ts';
import { AppError } from '../../../functions/domain/errors.ts';
import { RefusedError } from '../../../functions/domain/refusals.ts';
import { campaign2026, lespignan, lespignanConvention, pezilla } from '../../fixtures/seed-communes.ts';

const fixedNow = new Date('2026-11-20T09:00:00Z');
const campaign: Campaign = { ...campaign2026, linkValidityDays: 60, createdAt: fixedNow.toISOString() };

function memoryConventions() {
  const stored = new Map<string, Convention>();
  const events: ConventionEvent[] = [];
  return {
    stored,
    events,
    async add(convention: Convention, event: ConventionEvent) {
      stored.set(convention.id, convention);
      events.push(event);
      return { reference: `ENT-${convention.schoolYear}-34-${String(stored.size).padStart(4, '0')}` };
    },
    async get(id: string) {
      return stored.get(id);
    },
    async findByLinkHash(hash: string) {
      const found = [...stored.values()].find((convention) => convention.link?.hash === hash || convention.links?.[hash]);
      return found ? { conventionId: found.id, expiresAt: found.links?.[hash] ?? found.link!.expiresAt } : undefined;
    },
  };
}

describe('adding a convention', () => {
  it('costs the number of schools times the fee, in integer cents', async () => {
    const conventions = memoryConventions();
    const deps = {
      now: () => fixedNow,
      newId: () => 'c-1',
      campaigns: { get: async () => campaign, create: async () => undefined, list: async () => [campaign], pinnedText: async () => undefined },
      conventions: conventions as never,
    };
    const convention = await addConvention(deps, { schoolYear: '2026-2027', convention: parseInput(newConventionSchema, pezilla), actor: 'clerk' });
    expect(convention.amountCents).toBe(2 * 4000);
    expect(convention.status).toBe('draft');
    expect(convention.endDate).toBe('2027-09-05');
    expect(conventions.events).toEqual([{ conventionId: 'c-1', at: fixedNow.toISOString(), type: 'created', actor: 'clerk' }]);
  });

  it('refuses a campaign that does not exist', async () => {
    const deps = {
      now: () => fixedNow,
      newId: () => 'c-1',
      campaigns: { get: async () => undefined, create: async () => undefined, list: async () => [], pinnedText: async () => undefined },
      conventions: memoryConventions() as never,
    };
    await expect(addConvention(deps, { schoolYear: '2040-2041', convention: parseInput(newConventionSchema, lespignan), actor: 'clerk' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("says in French what the repository's guards refuse as data: a commune taken, a school taken", async () => {
    const refusing = (refusal: (convention: Convention) => Error) => ({
      now: () => fixedNow,
      newId: () => 'c-1',
      campaigns: { get: async () => campaign, create: async () => undefined, list: async () => [campaign], pinnedText: async () => undefined },
      conventions: { add: async (convention: Convention) => Promise.reject(refusal(convention)) } as never,
    });
    const add = (refusal: (convention: Convention) => Error) =>
      addConvention(refusing(refusal), { schoolYear: '2026-2027', convention: parseInput(newConventionSchema, pezilla), actor: 'clerk' });
    const commune = await add(communeTaken).catch((error: unknown) => error);
    expect(commune).not.toBeInstanceOf(RefusedError);
    expect(commune).toMatchObject({
      code: 'ALREADY_EXISTS',
      message: `La commune ${pezilla.commune.name} a déjà une convention pour 2026-2027.`,
      issues: [{ field: 'commune.siret', message: `Une convention existe déjà pour le SIRET ${pezilla.commune.siret} dans cette campagne.` }],
    });
    const uai = pezilla.schools[1]!.uai;
    await expect(add((convention) => schoolsTaken(convention, [{ uai, communeName: 'Perpignan' }]))).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      message: "Une école figure déjà dans la convention d'une autre commune.",
      issues: [{ field: 'schools.1.uai', message: `L'école ${uai} figure déjà dans la convention de la commune Perpignan pour 2026-2027.` }],
    });
    // Any other failure passes as it is.
    const other = new AppError('CONFLICT', "L'ajout de la convention a pris trop de temps : réessayez.");
    await expect(add(() => other)).rejects.toBe(other);
  });
});

describe('the size of a convention', () => {
  const schools = (count: number) => Array.from({ length: count }, (_, index) => {
    const digits = `031${String(index + 1).padStart(4, '0')}`;
    return { uai: `${digits}${uaiCheckLetter(digits)}`, type: 'primaire' };
  });

  it('takes a large commune (Toulouse, ~200 schools; 300 here), and refuses a list over 1,000 schools in French', () => {
    expect(parseInput(newConventionSchema, { ...pezilla, schools: schools(300) }).schools).toHaveLength(300);
    expect(parseInput(newConventionSchema, { ...pezilla, schools: schools(1000) }).schools).toHaveLength(1000);
    expect(() => parseInput(newConventionSchema, { ...pezilla, schools: schools(1001) })).toThrow(
      expect.objectContaining({ issues: [{ field: 'schools', message: expect.stringContaining('plus de 1\u00a0000 écoles') }] }),
    );
  });
});

describe('a signing link', () => {
  const token = 'A'.repeat(43);
  const convention = (overrides: Partial<Convention>): Convention =>
    lespignanConvention({ status: 'sent', createdAt: fixedNow.toISOString(), link: { hash: hashToken(token), expiresAt: '2027-01-19T09:00:00.000Z' }, ...overrides });
  const depsAt = (now: string, stored: Convention) => {
    const conventions = memoryConventions();
    conventions.stored.set(stored.id, stored);
    return { now: () => new Date(now), conventions: conventions as never };
  };

  it('opens its convention until it expires', async () => {
    const resolved = await resolveSigningLink(depsAt('2027-01-19T08:59:59Z', convention({})), token);
    expect(resolved.convention.id).toBe('c-1');
  });

  it('is refused from the instant it expires', async () => {
    await expect(resolveSigningLink(depsAt('2027-01-19T09:00:00Z', convention({})), token)).rejects.toMatchObject({ code: 'LINK_INVALID' });
  });

  it('is refused once its convention has expired', async () => {
    await expect(resolveSigningLink(depsAt('2026-12-01T00:00:00Z', convention({ status: 'expired' })), token)).rejects.toMatchObject({ code: 'LINK_INVALID' });
  });

  it('is refused once a newer link replaced it', async () => {
    const replaced = convention({ link: { hash: hashToken('B'.repeat(43)), expiresAt: '2027-01-19T09:00:00.000Z' } });
    await expect(resolveSigningLink(depsAt('2026-12-01T00:00:00Z', replaced), token)).rejects.toMatchObject({ code: 'LINK_INVALID' });
  });

  describe('beside the links of later emails', () => {
    const reminderToken = 'R'.repeat(43);
    const reminderLink = { hash: hashToken(reminderToken), expiresAt: '2027-01-26T09:00:00.000Z' };
    // A reminder sent a week after the invitation adds its own link.
    const withReminder = (base: Convention, at = '2026-11-27T08:00:00Z') => {
      const change = addLink(base, reminderLink, new Date(at));
      return { change, convention: { ...base, link: change.link, links: change.links } };
    };

    it('the invitation\'s link still opens the convention after a reminder added its own, and so does the reminder\'s', async () => {
      const { convention: reminded, change } = withReminder(convention({}));
      expect(change.removed).toEqual([]);
      expect(change.newestBefore).toBe(hashToken(token));
      expect((await resolveSigningLink(depsAt('2026-12-01T00:00:00Z', reminded), token)).linkExpiresAt).toBe('2027-01-19T09:00:00.000Z');
      expect((await resolveSigningLink(depsAt('2026-12-01T00:00:00Z', reminded), reminderToken)).linkExpiresAt).toBe('2027-01-26T09:00:00.000Z');
    });

    it('each expires on its own date: the invitation\'s first, the reminder\'s still open', async () => {
      const { convention: reminded } = withReminder(convention({}));
      await expect(resolveSigningLink(depsAt('2027-01-20T00:00:00Z', reminded), token)).rejects.toMatchObject({ code: 'LINK_INVALID' });
      expect((await resolveSigningLink(depsAt('2027-01-20T00:00:00Z', reminded), reminderToken)).convention.id).toBe('c-1');
    });

    it('an expired link is dropped when the next one is added', () => {
      const { change } = withReminder(convention({}), '2027-01-19T09:00:00Z');
      expect(change.removed).toEqual([hashToken(token)]);
      expect(Object.keys(change.links)).toEqual([reminderLink.hash]);
    });

    it('after a resend, neither the invitation\'s nor the reminder\'s link opens anything; the new one does', async () => {
      const { convention: reminded } = withReminder(convention({}));
      const fresh = { hash: hashToken('N'.repeat(43)), expiresAt: '2027-02-01T09:00:00.000Z' };
      const change = replaceAllLinks(reminded, fresh);
      expect(change.removed.sort()).toEqual([hashToken(token), reminderLink.hash].sort());
      const resent = { ...reminded, link: change.link, links: change.links };
      for (const old of [token, reminderToken]) {
        await expect(resolveSigningLink(depsAt('2026-12-01T00:00:00Z', resent), old)).rejects.toMatchObject({ code: 'LINK_INVALID' });
      }
      expect((await resolveSigningLink(depsAt('2026-12-01T00:00:00Z', resent), 'N'.repeat(43))).convention.id).toBe('c-1');
    });

    it('a reminder whose email never left withdraws its link and gives back the newest one', async () => {
      const { convention: reminded, change } = withReminder(convention({}));
      const undone = withdrawLink(change, convention({}).link!);
      expect(undone).toEqual({ newestBefore: reminderLink.hash, link: convention({}).link, links: { [hashToken(token)]: '2027-01-19T09:00:00.000Z' }, removed: [reminderLink.hash] });
      const back = { ...reminded, link: undone.link, links: undone.links };
      await expect(resolveSigningLink(depsAt('2026-12-01T00:00:00Z', back), reminderToken)).rejects.toMatchObject({ code: 'LINK_INVALID' });
      expect((await resolveSigningLink(depsAt('2026-12-01T00:00:00Z', back), token)).convention.id).toBe('c-1');
    });
  });

  it('is refused when it is not a token at all, without reading the table', async () => {
    const deps = { now: () => fixedNow, conventions: { findByLinkHash: () => { throw new Error('must not read'); } } as never };
    await expect(resolveSigningLink(deps, '../../etc/passwd')).rejects.toMatchObject({ code: 'LINK_INVALID' });
  });
});

describe("a convention's end date", () => {
  const deps = (conventions = memoryConventions()) => ({
    now: () => fixedNow,
    newId: () => 'c-1',
    campaigns: { get: async () => campaign, create: async () => undefined, list: async () => [campaign], pinnedText: async () => undefined },
    conventions: conventions as never,
  });

  it("is its own when given (the 2023-2024 conventions ended on 1 or 5 September 2024), the campaign's otherwise", async () => {
    const own = await addConvention(deps(), { schoolYear: '2026-2027', convention: parseInput(newConventionSchema, { ...pezilla, endDate: '2027-09-01' }), actor: 'clerk' });
    expect(own.endDate).toBe('2027-09-01');
    const campaigns = await addConvention(deps(), { schoolYear: '2026-2027', convention: parseInput(newConventionSchema, pezilla), actor: 'clerk' });
    expect(campaigns.endDate).toBe(campaign.endDate);
  });

  it('is refused, field endDate, outside the calendar year its school year ends', async () => {
    const conventions = memoryConventions();
    await expect(addConvention(deps(conventions), { schoolYear: '2026-2027', convention: parseInput(newConventionSchema, { ...pezilla, endDate: '2026-09-05' }), actor: 'clerk' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      issues: [{ field: 'endDate', message: expect.stringContaining("doit tomber en 2027, l'année où se termine l'année scolaire 2026-2027") }],
    });
    expect(conventions.stored.size).toBe(0);
  });

  it('sets its reminders before its own end date, not the campaign\'s', () => {
    const sent = (endDate: string): Convention => ({ ...(lespignanConvention({ endDate, status: 'signed', sentAt: '2026-11-23T09:00:00.000Z' })) });
    const endNotices = (endDate: string) => remindersOf(campaign, sent(endDate)).filter((reminder) => reminder.kind === 'end-date').map((reminder) => reminder.nominalDate);
    expect(endNotices('2027-09-01')).toEqual(['2027-07-03', '2027-08-02', '2027-08-25']);
    expect(endNotices('2027-09-05')).toEqual(['2027-07-07', '2027-08-06', '2027-08-29']);
  });
});
