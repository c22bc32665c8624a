/**
 * Which convention text a campaign pins when it is created. The text is kept
 * with the campaign (its exact content and SHA-256), so every convention of
 * the campaign, sent in May or in December, carries the same words whatever
 * model files are shipped meanwhile.
 *
 * The rules: the text must name the party of its school year (l'Académie de
 * Montpellier until 2021-2022, the Région académique Occitanie since: seeds
 * 000 and 001); a text of another year, or a fee other than the text's year's,
 * is allowed but worth a second look (findings). Findings and refusals are
 * data, phrased in templates/format/ (campaign-warnings.ts, refusals.ts).
 */
import { RefusedError } from './refusals.ts';

export type RectoratParty = 'academie-montpellier' | 'region-academique-occitanie';

/** A convention text as shipped (one model file) or as pinned by a campaign. */
export interface ConventionText {
  /** The school year the text was written for, "2025-2026". */
  schoolYear: string;
  party: RectoratParty;
  /** The fee per school of the text's year, in cents. */
  feeCents: number;
  /** The file's exact text. */
  content: string;
  /** SHA-256 of `content` (UTF-8), lowercase hex: `sha256sum` of the model file gives it. */
  sha256: string;
}

/** What deserves a second look in a campaign's choice of text: data, phrased by campaignTextWarnings. */
export type CampaignTextFinding =
  | { kind: 'other-year'; text: string; schoolYear: string }
  | { kind: 'fee-differs'; text: string; textFeeCents: number; feeCents: number };

/** The last school year whose conventions named l'Académie de Montpellier as the party. */
const LAST_ACADEMIE_YEAR = 2021;

const startYear = (schoolYear: string) => Number(schoolYear.slice(0, 4));

/** The party a convention of that school year names for the rectorat. */
export function partyOfSchoolYear(schoolYear: string): RectoratParty {
  return startYear(schoolYear) <= LAST_ACADEMIE_YEAR ? 'academie-montpellier' : 'region-academique-occitanie';
}

/**
 * The text a new campaign pins: the one it names (`model`), or the latest text
 * not after its school year that names the right party. Throws a RefusedError
 * (text-unknown, text-of-other-party, no-text-for-year: INVALID_INPUT) when
 * none fits.
 */
export function pinCampaignText(
  texts: readonly ConventionText[],
  input: { schoolYear: string; feeCents: number; model?: string | undefined },
): { text: ConventionText; findings: CampaignTextFinding[] } {
  const party = partyOfSchoolYear(input.schoolYear);
  const available = texts.map((text) => text.schoolYear);
  let text: ConventionText | undefined;
  if (input.model) {
    text = texts.find((candidate) => candidate.schoolYear === input.model);
    if (!text) throw new RefusedError({ code: 'text-unknown', model: input.model, available });
    if (text.party !== party) {
      throw new RefusedError({ code: 'text-of-other-party', text: text.schoolYear, textParty: text.party, schoolYear: input.schoolYear, party });
    }
  } else {
    text = texts.filter((candidate) => candidate.party === party && startYear(candidate.schoolYear) <= startYear(input.schoolYear)).at(-1);
    if (!text) throw new RefusedError({ code: 'no-text-for-year', schoolYear: input.schoolYear, party, available });
  }
  const findings: CampaignTextFinding[] = [];
  if (text.schoolYear !== input.schoolYear) findings.push({ kind: 'other-year', text: text.schoolYear, schoolYear: input.schoolYear });
  if (text.feeCents !== input.feeCents) findings.push({ kind: 'fee-differs', text: text.schoolYear, textFeeCents: text.feeCents, feeCents: input.feeCents });
  return { text, findings };
}
