import { chooseModel, loadConventionModels } from '../../templates/convention/models.ts';
import { invalidInput } from './errors.ts';
import type { NewCampaign } from './inputs.ts';
import type { Campaign } from './model.ts';
import type { Deps } from './ports.ts';

/** The rectorat opens the campaign of a school year: fee, end date, place and date of issue, signatory. */
export async function createCampaign(deps: Pick<Deps, 'now' | 'campaigns'>, input: NewCampaign): Promise<Campaign> {
  // A campaign whose text cannot be drawn would fail at sending: refuse it now, saying which texts exist.
  const models = loadConventionModels();
  try {
    chooseModel(models, input.schoolYear, input.model);
  } catch {
    const available = models.map((model) => model.model).join(', ');
    throw invalidInput([
      {
        field: input.model ? 'model' : 'schoolYear',
        message: `Aucun texte de convention ne convient à ${input.model ?? input.schoolYear} : textes disponibles ${available}.`,
      },
    ]);
  }
  const campaign: Campaign = { ...input, createdAt: deps.now().toISOString() };
  await deps.campaigns.create(campaign);
  return campaign;
}
