import { AppError } from './errors.ts';
import type { NewConvention } from './inputs.ts';
import type { Convention } from './model.ts';
import type { Deps } from './ports.ts';

/**
 * The rectorat adds a commune's convention to a campaign. Its amount is the
 * number of schools times the campaign's fee, in cents. The repository refuses
 * a second convention for the commune and a school already in another one,
 * and gives the convention its reference (convention-reference.ts).
 */
export async function addConvention(
  deps: Pick<Deps, 'now' | 'newId' | 'campaigns' | 'conventions'>,
  input: { schoolYear: string; convention: NewConvention; actor: string },
): Promise<Convention> {
  const campaign = await deps.campaigns.get(input.schoolYear);
  if (!campaign) {
    throw new AppError('NOT_FOUND', `Aucune campagne n'existe pour l'année scolaire ${input.schoolYear} : créez-la d'abord.`);
  }
  const now = deps.now().toISOString();
  const convention: Convention = {
    id: deps.newId(),
    schoolYear: campaign.schoolYear,
    commune: input.convention.commune,
    mayor: input.convention.mayor,
    schools: input.convention.schools,
    feeCents: campaign.feeCents,
    amountCents: input.convention.schools.length * campaign.feeCents,
    endDate: campaign.endDate,
    status: 'draft',
    createdAt: now,
  };
  const { reference } = await deps.conventions.add(convention, { conventionId: convention.id, at: now, type: 'created', actor: input.actor });
  return { ...convention, reference };
}
