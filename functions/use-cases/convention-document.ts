/** The data a convention PDF is drawn from: the campaign's terms and the commune's part. */
import type { ConventionDocumentInput } from '../../templates/convention/render-convention.ts';
import type { Campaign, Convention } from '../domain/model.ts';

export function conventionDocumentInput(campaign: Campaign, convention: Convention): ConventionDocumentInput {
  return {
    conventionId: convention.id,
    ...(convention.reference ? { reference: convention.reference } : {}),
    schoolYear: convention.schoolYear,
    ...(campaign.model ? { model: campaign.model } : {}),
    feeCents: convention.feeCents,
    amountCents: convention.amountCents,
    endDate: convention.endDate,
    issuePlace: campaign.issuePlace,
    issueDate: campaign.issueDate,
    rectorat: campaign.signatory,
    commune: convention.commune,
    mayor: { name: convention.mayor.name, title: convention.mayor.title },
    schools: convention.schools,
  };
}
