import { describe, expect, it } from 'vitest';
import { partyOfSchoolYear, pinCampaignText, type ConventionText } from '../../../functions/domain/campaign-text.ts';
import { createCampaign } from '../../../functions/use-cases/create-campaign.ts';
import { newCampaignSchema, parseInput } from '../../../functions/use-cases/input/inputs.ts';
import type { Campaign } from '../../../functions/domain/model.ts';
import { createShippedConventionTexts } from '../../../functions/adapters/convention-texts.ts';
import { sha256Hex } from '../../../functions/domain/sha256.ts';
import { campaign2026 } from '../../fixtures/seed-communes.ts';

const text = (schoolYear: string, party: ConventionText['party'], feeCents: number): ConventionText => {
  const content = JSON.stringify({ model: schoolYear, party, feeCents });
  return { schoolYear, party, feeCents, content, sha256: sha256Hex(content) };
};
const texts = [
  text('2021-2022', 'academie-montpellier', 5000),
  text('2023-2024', 'region-academique-occitanie', 4500),
  text('2025-2026', 'region-academique-occitanie', 4000),
];

describe('the text a campaign pins', () => {
  it('names l\'Académie de Montpellier until 2021-2022 and the Région académique Occitanie since', () => {
    expect(partyOfSchoolYear('2017-2018')).toBe('academie-montpellier');
    expect(partyOfSchoolYear('2021-2022')).toBe('academie-montpellier');
    expect(partyOfSchoolYear('2023-2024')).toBe('region-academique-occitanie');
  });

  it('is the latest text not after the year that names its party, with no finding when year and fee are the text\'s', () => {
    expect(pinCampaignText(texts, { schoolYear: '2025-2026', feeCents: 4000 })).toEqual({ text: texts[2], findings: [] });
    expect(pinCampaignText(texts, { schoolYear: '2021-2022', feeCents: 5000 }).text).toBe(texts[0]);
    expect(pinCampaignText(texts, { schoolYear: '2024-2025', feeCents: 4500 }).text).toBe(texts[1]);
  });

  it('a text of another school year is a finding', () => {
    expect(pinCampaignText(texts, { schoolYear: '2026-2027', feeCents: 4000 }).findings).toEqual([{ kind: 'other-year', text: '2025-2026', schoolYear: '2026-2027' }]);
  });

  it('a fee that differs from the text year\'s fee is a finding (4500 for a 2026-2027 campaign on the 40 € text)', () => {
    expect(pinCampaignText(texts, { schoolYear: '2026-2027', feeCents: 4500 }).findings).toContainEqual({ kind: 'fee-differs', text: '2025-2026', textFeeCents: 4000, feeCents: 4500 });
  });

  it('refuses a text whose party does not fit the year: a Région académique text for 2021-2022, an Académie text for 2023-2024', () => {
    expect(() => pinCampaignText(texts, { schoolYear: '2021-2022', feeCents: 5000, model: '2023-2024' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        refusal: { code: 'text-of-other-party', text: '2023-2024', textParty: 'region-academique-occitanie', schoolYear: '2021-2022', party: 'academie-montpellier' },
      }),
    );
    expect(() => pinCampaignText(texts, { schoolYear: '2023-2024', feeCents: 4500, model: '2021-2022' })).toThrow(
      expect.objectContaining({ refusal: expect.objectContaining({ code: 'text-of-other-party', textParty: 'academie-montpellier' }) }),
    );
  });

  it('refuses a year no text of its party precedes, and an unknown text, naming the texts there are', () => {
    expect(() => pinCampaignText(texts.slice(1), { schoolYear: '2021-2022', feeCents: 5000 })).toThrow(
      expect.objectContaining({ refusal: { code: 'no-text-for-year', schoolYear: '2021-2022', party: 'academie-montpellier', available: ['2023-2024', '2025-2026'] } }),
    );
    expect(() => pinCampaignText(texts, { schoolYear: '2026-2027', feeCents: 4000, model: '2031-2032' })).toThrow(
      expect.objectContaining({ refusal: expect.objectContaining({ code: 'text-unknown', model: '2031-2032' }) }),
    );
  });
});

describe('creating a campaign', () => {
  const now = new Date('2026-06-12T08:00:00Z');
  const create = async (body: object, available = texts) => {
    const stored: { campaign?: Campaign; text?: ConventionText } = {};
    const campaigns = { create: async (campaign: Campaign, pinned: ConventionText) => void Object.assign(stored, { campaign, text: pinned }) };
    const result = await createCampaign({ now: () => now, campaigns: campaigns as never, conventionTexts: { list: () => available } }, parseInput(newCampaignSchema, body));
    return { ...result, stored };
  };

  it('records the pinned text\'s year and SHA-256 on the campaign and stores the text itself with it', async () => {
    const { campaign, stored } = await create({ ...campaign2026, schoolYear: '2025-2026' });
    expect(campaign).toMatchObject({ model: '2025-2026', modelSha256: texts[2]!.sha256 });
    expect(stored.text).toBe(texts[2]);
  });

  it('warns in French of a text of another year and of a fee other than the text\'s', async () => {
    const { warnings } = await create({ ...campaign2026, feeCents: 4500 });
    expect(warnings).toEqual([
      expect.stringContaining('Les conventions de 2026-2027 reprendront le texte de 2025-2026'),
      expect.stringContaining('Le montant par école (45\u00a0€) diffère de celui du texte de 2025-2026 (40\u00a0€)'),
    ]);
  });

  it('refuses in French a text that does not fit, as an INVALID_INPUT on its field', async () => {
    await expect(create({ ...campaign2026, schoolYear: '2021-2022', endDate: '2022-09-01', issueDate: '2021-06-01', model: '2023-2024' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Certaines données sont invalides.',
      issues: [{ field: 'model', message: expect.stringContaining("les conventions de 2021-2022 nomment l'Académie de Montpellier") }],
    });
    await expect(create({ ...campaign2026, model: '2031-2032' })).rejects.toMatchObject({
      issues: [{ field: 'model', message: "Aucun texte de convention n'existe pour 2031-2032 : textes disponibles 2021-2022, 2023-2024, 2025-2026." }],
    });
    await expect(create({ ...campaign2026, schoolYear: '2021-2022', endDate: '2022-09-01', issueDate: '2021-06-01' }, texts.slice(1))).rejects.toMatchObject({
      issues: [{ field: 'schoolYear', message: expect.stringContaining('textes disponibles 2023-2024, 2025-2026') }],
    });
  });

  it('requires the délibération to sign unless the campaign says otherwise', async () => {
    expect((await create(campaign2026)).campaign.deliberationRequired).toBe(true);
    expect((await create({ ...campaign2026, deliberationRequired: false })).campaign.deliberationRequired).toBe(false);
  });
});

describe('the texts shipped', () => {
  it('each declares the party its own words name, and its SHA-256 is the file\'s', () => {
    for (const shipped of createShippedConventionTexts().list()) {
      const front = JSON.stringify(JSON.parse(shipped.content).front);
      expect(front).toContain(shipped.party === 'academie-montpellier' ? "L'ACADEMIE DE MONTPELLIER" : 'LA RÉGION ACADÉMIQUE OCCITANIE');
      expect(partyOfSchoolYear(shipped.schoolYear)).toBe(shipped.party);
      expect(shipped.sha256).toBe(sha256Hex(shipped.content));
    }
  });
});
