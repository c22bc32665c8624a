/**
 * The municipal council votes the délibération that authorises the signature
 * before the mayor signs (every seed shows it). A campaign requires its number
 * and date to sign unless it says otherwise (`deliberationRequired: false`).
 */
import type { FieldIssue } from './errors.ts';

/** What the signing form must fix about the délibération, field by field; empty when nothing. */
export function deliberationIssues(input: { required: boolean; number?: string | undefined; date?: string | undefined; today: string }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (input.required && !input.number && !input.date) {
    issues.push(
      { field: 'deliberationNumber', message: 'Indiquez le numéro de la délibération par laquelle le conseil municipal autorise la signature (par exemple 2026/048).' },
      { field: 'deliberationDate', message: 'Indiquez la date de la séance du conseil municipal qui a voté cette délibération.' },
    );
  }
  if (input.date && input.date > input.today) {
    issues.push({ field: 'deliberationDate', message: "La date de la délibération ne peut pas être postérieure à aujourd'hui : le conseil municipal vote avant la signature." });
  }
  return issues;
}
