import { campaignTextWarnings } from '../../templates/format/campaign-warnings.ts';
import { pinCampaignText } from '../domain/campaign-text.ts';
import type { NewCampaign } from './input/inputs.ts';
import type { Campaign } from '../domain/model.ts';
import type { Deps } from './ports.ts';
import { inWords } from './refused.ts';

/**
 * The rectorat opens the campaign of a school year: fee, end date, place and date of issue, signatory, and
 * the convention text it pins (stored with it: later model files change nothing for it). A text of another
 * year or a fee other than the text's come back as warnings; a text naming the wrong party is refused.
 */
export async function createCampaign(
  deps: Pick<Deps, 'now' | 'campaigns' | 'conventionTexts'>,
  input: NewCampaign,
): Promise<{ campaign: Campaign; warnings: string[] }> {
  const { text, findings } = pinnedText(deps.conventionTexts.list(), input);
  const campaign: Campaign = { ...input, model: text.schoolYear, modelSha256: text.sha256, createdAt: deps.now().toISOString() };
  await deps.campaigns.create(campaign, text);
  return { campaign, warnings: campaignTextWarnings(findings) };
}

/** The text the campaign pins; one that does not fit is refused in French (INVALID_INPUT on its field). */
function pinnedText(...args: Parameters<typeof pinCampaignText>): ReturnType<typeof pinCampaignText> {
  try {
    return pinCampaignText(...args);
  } catch (error) {
    throw inWords(error);
  }
}
