/** The avenant rules' results (functions/domain/avenant-rules.ts) said in French: for the page, the emails, the history and the billing export. */
import { avenantWindow } from '../../functions/domain/calendar.ts';
import type { AvenantEffect, DepartementMismatch, PreparationWarning } from '../../functions/domain/avenant-rules.ts';
import { formatEuros, formatFrenchDate } from './french.ts';

/**
 * What a signed avenant does to the convention: recorded in French with it (as the mayor and the rectorat
 * read it), and phrased again from its audit event (avenant_signed), which keeps it as data.
 */
export function avenantEffectText(effect: AvenantEffect): string {
  if (effect.timing === 'in-window') {
    return `Avenant reçu dans les délais : ${effect.billedCount} école(s) pour ${effect.schoolYear}, soit ${formatEuros(effect.amountCents)}.`;
  }
  const parts = [`Avenant reçu après le ${formatFrenchDate(avenantWindow(effect.schoolYear).closes)}`];
  if (effect.refused.length > 0) parts.push(`${effect.refused.length} école(s) ajoutée(s) refusée(s), non activée(s) (${effect.refused.join(', ')})`);
  if (effect.removed.length > 0) parts.push(`retrait de ${effect.removed.length} école(s) non pris en compte dans la facturation de ${effect.schoolYear} (facturé sur ${effect.previousCount} école(s))`);
  return `${parts.join(' ; ')}.`;
}

/** What the mayor must know before signing, on the page and in the email. */
export function lateRuleNotice(schoolYear: string): string {
  return `Après le ${formatFrenchDate(avenantWindow(schoolYear).closes)}, une hausse du nombre d'écoles est refusée (les nouvelles écoles ne sont pas activées) et une baisse n'est pas prise en compte pour l'année en cours (facturation sur le nombre précédent).`;
}

/** What the rectorat reads in the 201 when it prepares an avenant. */
export function preparationWarningText(warning: PreparationWarning): string {
  switch (warning.kind) {
    case 'before-window':
      return `L'avenant ne pourra être signé qu'à partir du ${formatFrenchDate(warning.opens)}, et doit parvenir au rectorat au plus tard le ${formatFrenchDate(warning.closes)} pour prendre effet pleinement.`;
    case 'late-increase-refused':
      return `Le ${formatFrenchDate(warning.closes)} est passé : ${warning.refused.length} école(s) ajoutée(s) (${warning.refused.join(', ')}) seront refusées à la signature et ne seront pas activées.`;
    case 'late-decrease-ignored':
      return `Le ${formatFrenchDate(warning.closes)} est passé : la baisse ne sera pas appliquée pour ${warning.schoolYear}, facturée sur ${warning.billedCount} école(s) (${formatEuros(warning.amountCents)}).`;
  }
}

export function departementMismatchText(mismatch: DepartementMismatch): string {
  return `L'école ${mismatch.uai} est dans le département ${mismatch.schoolDepartement}, la commune dans le ${mismatch.communeDepartement} : vérifiez qu'il ne s'agit pas d'une erreur (regroupement intercommunal ?).`;
}
