/**
 * The domain's refusals (functions/domain/refusals.ts) in French: the sentence an AppError carries and one
 * issue per field to fix, the words the API's error body, the console's forms and the mayor's pages show.
 * The field paths are the request's (`commune.siret`, `schools.3.uai`), so an issue sits next to its field.
 */
import type { RectoratParty } from '../../functions/domain/campaign-text.ts';
import type { FieldIssue } from '../../functions/domain/errors.ts';
import type { RuleRefusal } from '../../functions/domain/refusals.ts';

/** INVALID_INPUT's sentence when the issues say it all. */
export const INVALID_INPUT_MESSAGE = 'Certaines données sont invalides.';

export interface RefusalWords {
  message: string;
  issues: FieldIssue[];
}

/** The party a convention text names, as the sentence names it. */
export const PARTY_NAMES: Record<RectoratParty, string> = {
  'academie-montpellier': "l'Académie de Montpellier",
  'region-academique-occitanie': 'la Région académique Occitanie',
};

const invalid = (...issues: FieldIssue[]): RefusalWords => ({ message: INVALID_INPUT_MESSAGE, issues });

/** A refusal in words; every code has its own, or this does not compile. */
export function refusalWords(refusal: RuleRefusal): RefusalWords {
  switch (refusal.code) {
    case 'commune-taken':
      return {
        message: `La commune ${refusal.communeName} a déjà une convention pour ${refusal.schoolYear}.`,
        issues: [{ field: 'commune.siret', message: `Une convention existe déjà pour le SIRET ${refusal.siret} dans cette campagne.` }],
      };
    case 'schools-taken':
      return {
        message: "Une école figure déjà dans la convention d'une autre commune.",
        issues: refusal.taken.map((school) => ({
          field: `schools.${school.index}.uai`,
          message: `L'école ${school.uai} figure déjà dans la convention de la commune ${school.communeName} pour ${refusal.schoolYear}.`,
        })),
      };
    case 'already-signed':
      return { message: 'Cette convention est déjà signée.', issues: [] };
    case 'already-declined':
      return { message: 'Le refus de cette convention est déjà enregistré.', issues: [] };
    case 'deliberation-missing':
      return invalid(
        { field: 'deliberationNumber', message: 'Indiquez le numéro de la délibération par laquelle le conseil municipal autorise la signature (par exemple 2026/048).' },
        { field: 'deliberationDate', message: 'Indiquez la date de la séance du conseil municipal qui a voté cette délibération.' },
      );
    case 'deliberation-after-today':
      return invalid({ field: 'deliberationDate', message: "La date de la délibération ne peut pas être postérieure à aujourd'hui : le conseil municipal vote avant la signature." });
    case 'text-unknown':
      return invalid({ field: 'model', message: `Aucun texte de convention n'existe pour ${refusal.model} : textes disponibles ${refusal.available.join(', ')}.` });
    case 'text-of-other-party':
      return invalid({
        field: 'model',
        message: `Le texte de ${refusal.text} nomme ${PARTY_NAMES[refusal.textParty]} comme partie, mais les conventions de ${refusal.schoolYear} nomment ${PARTY_NAMES[refusal.party]} : choisissez un texte de cette période.`,
      });
    case 'no-text-for-year':
      return invalid({
        field: 'schoolYear',
        message: `Aucun texte de convention ne convient à ${refusal.schoolYear} (il doit nommer ${PARTY_NAMES[refusal.party]}) : textes disponibles ${refusal.available.join(', ')}. Ajoutez le texte de cette année, ou nommez-en un avec « model ».`,
      });
    default:
      return unworded(refusal);
  }
}

/** Reached only by a code the switch above forgot: `never` makes that a compile error. */
function unworded(refusal: never): never {
  throw new Error(`A refusal without words: ${JSON.stringify(refusal)}`);
}
