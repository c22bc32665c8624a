/**
 * An audit event said in French (functions/domain/audit-events.ts keeps it as data): the console's
 * history, the reading aid beside the events of audit.json, and the digest's lines about the same facts.
 * Pure.
 *
 * Events stored before the events carried their fields have their sentence in `detail` and nothing else:
 * they are shown by it, as they were written.
 */
import type { ReminderKind } from '../../functions/domain/reminder-policy.ts';
import type { ConventionEvent, Countersigner, EventOf } from '../../functions/domain/model.ts';
import { formatCsvAmount } from '../export/csv.ts';
import { avenantEffectText } from './avenant-phrases.ts';
import { formatFrenchDate, formatShortDate } from './french.ts';

/** Each reminder as its email's subject says it, for the history. */
const REMINDER_KIND: Record<ReminderKind, string> = {
  unsigned: 'convention non signée',
  'avenant-window-open': 'ouverture de la période des avenants',
  'avenant-deadline': 'date limite des avenants',
  'end-date': 'fin prochaine de la convention',
};

const countersignedBy = (signer: Countersigner) => `${signer.signerName}, ${signer.signerTitle}${signer.byDelegation ? ', par délégation' : ''}`;

/** The mayor's reason, in their own words: the history and the digest say it alike. */
export const declinedText = ({ reason }: Pick<EventOf<'declined'>, 'reason'>) => `Motif du refus : « ${reason} »`;

/** The history gives both addresses in full; the digest, which goes to a list, passes the previous one masked. */
export const mayorEmailChangedText = ({ addressChange }: Pick<EventOf<'mayor_email_changed'>, 'addressChange'>) =>
  `Adresse du maire changée à la demande du rectorat : ${addressChange.previous} → ${addressChange.next} ; l'ancienne adresse en est avertie, sans lien.`;

const titreRecordedText = ({ titre, amountCents }: Pick<EventOf<'titre_recorded'>, 'titre' | 'amountCents'>) =>
  `Titre de perception n° ${titre.number} du ${formatShortDate(titre.date)} : ${formatCsvAmount(amountCents)} €`;

function documentSealedText(event: EventOf<'document_sealed'>): string {
  const to = `${event.sentTo}${event.rectoratCopy ? ' et au rectorat' : ''}`;
  if (event.avenantId) {
    return event.document === 'signed' ? `Avenant ${event.avenantId} signé : copie scellée et envoyée à ${to}` : `Avenant ${event.avenantId} exécutoire : scellé et envoyé à ${to}`;
  }
  return event.document === 'signed' ? `Copie signée scellée et envoyée à ${to}` : `Convention exécutoire scellée et envoyée à ${to}`;
}

/** The event's sentence: its legacy `detail` when it has one, else its fields phrased. */
export function describeEvent(event: ConventionEvent): string {
  if (event.detail !== undefined) return event.detail;
  switch (event.type) {
    case 'created':
      return 'Convention ajoutée à la campagne.';
    case 'sent':
      return `Invitation envoyée à ${event.to}`;
    case 'invitation_failed':
      return event.reason;
    case 'viewed':
      return 'Lien de signature ouvert pour la première fois.';
    case 'signed':
      return event.capacity === 'maire' ? 'Signée par le maire' : `Signée par délégation du maire (${event.delegateFunction ?? ''})`;
    case 'declined':
      return declinedText(event);
    case 'countersigned':
      return `Contresignée par ${countersignedBy(event)}`;
    case 'link_resent':
      if (event.cause === 'reminder') return 'Lien joint au rappel ; les liens déjà reçus restent valables.';
      return event.newAddress
        ? `Nouveau lien envoyé à une nouvelle adresse (${event.newAddress}) ; les liens précédents ne fonctionnent plus.`
        : 'Nouveau lien envoyé ; les liens précédents ne fonctionnent plus.';
    case 'reminded':
      return `Rappel envoyé : ${event.kinds.map((kind) => REMINDER_KIND[kind] ?? kind).join(', ')}`;
    case 'reminder_failed':
      return `Le rappel n'a pas pu partir (${event.error}) ; il sera retenté.`;
    case 'expired':
      return `Échue le ${formatFrenchDate(event.endDate)}`;
    case 'avenant_requested':
      return `Avenant ${event.avenantId} : ${event.added} école(s) ajoutée(s), ${event.removed} retirée(s)${event.replaces.length > 0 ? `, remplace ${event.replaces.join(', ')}` : ''}`;
    case 'avenant_signed':
      return avenantEffectText(event.effect);
    case 'avenant_countersigned':
      return `Avenant ${event.avenantId} contresigné par ${countersignedBy(event)}`;
    case 'avenant_replaced':
      return `Remplacé par l'avenant ${event.replacedBy} avant sa signature : son lien ne fonctionne plus.`;
    case 'cancelled':
      return `Motif de l'annulation : « ${event.reason} »`;
    case 'document_sealed':
      return documentSealedText(event);
    case 'mayor_email_changed':
      return mayorEmailChangedText(event);
    case 'titre_recorded':
      return titreRecordedText(event);
    default: {
      // A new event type without its sentence does not compile.
      const unphrased: never = event;
      return unphrased;
    }
  }
}
