/** The findings of a campaign's choice of text (functions/domain/campaign-text.ts), in French for the rectorat. */
import type { CampaignTextFinding } from '../../functions/domain/campaign-text.ts';
import { formatEuros } from './french.ts';

export function campaignTextWarnings(findings: readonly CampaignTextFinding[]): string[] {
  return findings.map((finding) =>
    finding.kind === 'other-year'
      ? `Les conventions de ${finding.schoolYear} reprendront le texte de ${finding.text} : vérifiez qu'il est toujours celui que les conseils municipaux doivent voter.`
      : `Le montant par école (${formatEuros(finding.feeCents)}) diffère de celui du texte de ${finding.text} (${formatEuros(finding.textFeeCents)}) : vérifiez-le, il sera facturé à chaque commune.`);
}
