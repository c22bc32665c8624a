/**
 * Which convention text a campaign pins when it is created. The text is kept
 * with the campaign (its exact content and SHA-256), so every convention of
 * the campaign, sent in May or in December, carries the same words whatever
 * model files are shipped meanwhile.
 *
 * The rules: the text must name the party of its school year (l'Académie de
 * Montpellier until 2021-2022, the Région académique Occitanie since: seeds
 * 000 and 001); a text of another year, or a fee other than the text's year's,
 * is allowed but worth a second look (findings, phrased by the caller).
 */
import { AppError, type FieldIssue } from './errors.ts';

const invalidInput = (issues: FieldIssue[]) => new AppError('INVALID_INPUT', 'Certaines données sont invalides.', issues);

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

export const PARTY_NAMES: Record<RectoratParty, string> = {
  'academie-montpellier': "l'Académie de Montpellier",
  'region-academique-occitanie': 'la Région académique Occitanie',
};

/**
 * The text a new campaign pins: the one it names (`model`), or the latest text
 * not after its school year that names the right party. Throws INVALID_INPUT
 * (field `model` or `schoolYear`) when none fits.
 */
export function pinCampaignText(
  texts: readonly ConventionText[],
  input: { schoolYear: string; feeCents: number; model?: string | undefined },
): { text: ConventionText; findings: CampaignTextFinding[] } {
  const party = partyOfSchoolYear(input.schoolYear);
  const available = texts.map((text) => text.schoolYear).join(', ');
  let text: ConventionText | undefined;
  if (input.model) {
    text = texts.find((candidate) => candidate.schoolYear === input.model);
    if (!text) throw invalidInput([{ field: 'model', message: `Aucun texte de convention n'existe pour ${input.model} : textes disponibles ${available}.` }]);
    if (text.party !== party) {
      throw invalidInput([{
        field: 'model',
        message: `Le texte de ${text.schoolYear} nomme ${PARTY_NAMES[text.party]} comme partie, mais les conventions de ${input.schoolYear} nomment ${PARTY_NAMES[party]} : choisissez un texte de cette période.`,
      }]);
    }
  } else {
    text = texts.filter((candidate) => candidate.party === party && startYear(candidate.schoolYear) <= startYear(input.schoolYear)).at(-1);
    if (!text) {
      throw invalidInput([{
        field: 'schoolYear',
        message: `Aucun texte de convention ne convient à ${input.schoolYear} (il doit nommer ${PARTY_NAMES[party]}) : textes disponibles ${available}. Ajoutez le texte de cette année, ou nommez-en un avec « model ».`,
      }]);
    }
  }
  const findings: CampaignTextFinding[] = [];
  if (text.schoolYear !== input.schoolYear) findings.push({ kind: 'other-year', text: text.schoolYear, schoolYear: input.schoolYear });
  if (text.feeCents !== input.feeCents) findings.push({ kind: 'fee-differs', text: text.schoolYear, textFeeCents: text.feeCents, feeCents: input.feeCents });
  return { text, findings };
}
