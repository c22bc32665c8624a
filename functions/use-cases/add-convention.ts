import { AppError } from '../domain/errors.ts';
import { invalidInput } from './input/invalid-input.ts';
import type { NewConvention } from './input/inputs.ts';
import type { Convention } from '../domain/model.ts';
import type { Deps } from './ports.ts';
import { inWords } from './refused.ts';

/**
 * The rectorat adds a commune's convention to a campaign. Its amount is the
 * number of schools times the campaign's fee, in cents; it ends on its own
 * date when given (the 2023-2024 conventions ended on 1 or 5 September 2024),
 * the campaign's otherwise. The repository refuses a second convention for the
 * commune and a school already in another one (refusals, said here in French),
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
  const own = input.convention.endDate;
  const endProblem = own && endDateProblem(campaign.schoolYear, own);
  if (endProblem) throw invalidInput([{ field: 'endDate', message: endProblem }]);
  const endDate = own ?? campaign.endDate;
  const now = deps.now().toISOString();
  const convention: Convention = {
    id: deps.newId(),
    schoolYear: campaign.schoolYear,
    commune: input.convention.commune,
    mayor: input.convention.mayor,
    schools: input.convention.schools,
    feeCents: campaign.feeCents,
    amountCents: input.convention.schools.length * campaign.feeCents,
    endDate,
    ...(campaign.deliberationRequired === false ? { deliberationRequired: false } : {}),
    status: 'draft',
    createdAt: now,
  };
  const { reference } = await deps.conventions.add(convention, { conventionId: convention.id, at: now, type: 'created', actor: input.actor }).catch((error: unknown) => {
    throw inWords(error);
  });
  return { ...convention, reference };
}

/**
 * Why a convention of that school year cannot end on that date, or undefined: it ends in the calendar year
 * its school year ends (1 September 2022 for 2021-2022, 5 September 2026 for 2025-2026).
 */
export function endDateProblem(schoolYear: string, endDate: string): string | undefined {
  const endYear = schoolYear.slice(5);
  if (endDate.slice(0, 4) === endYear) return undefined;
  return `La date de fin de la convention (${endDate}) doit tomber en ${endYear}, l'année où se termine l'année scolaire ${schoolYear} (par exemple ${endYear}-09-05).`;
}
