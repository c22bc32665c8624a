/** The console's words for statuses and events. */
import type { ConventionEventType, ConventionStatus } from '../../../functions/domain/model.ts';

export const STATUS_LABEL: Record<ConventionStatus, string> = {
  draft: 'Brouillon',
  sending: 'Envoi en cours',
  sent: 'Envoyée',
  signed: 'Signée par la commune',
  declined: 'Refusée',
  executed: 'Exécutoire',
  expired: 'Expirée',
  cancelled: 'Annulée',
};

/** DSFR badge colours: success once signed, error when refused, warning when it lapsed. */
export const STATUS_BADGE: Record<ConventionStatus, string> = {
  draft: '', sending: 'fr-badge--info', sent: 'fr-badge--info', signed: 'fr-badge--success', declined: 'fr-badge--error',
  executed: 'fr-badge--success', expired: 'fr-badge--warning', cancelled: 'fr-badge--warning',
};

export const EVENT_LABEL: Record<ConventionEventType, string> = {
  created: 'Convention créée',
  sent: 'Envoyée au maire',
  invitation_failed: "Échec de l'envoi",
  viewed: 'Consultée par la commune',
  signed: 'Signée par la commune',
  declined: 'Refusée par la commune',
  countersigned: 'Contresignée par le rectorat',
  link_resent: 'Lien envoyé à nouveau',
  reminded: 'Relance envoyée',
  reminder_failed: 'Échec de la relance',
  expired: 'Arrivée à échéance',
  avenant_requested: 'Avenant demandé',
  avenant_signed: 'Avenant signé',
  avenant_countersigned: 'Avenant contresigné',
  cancelled: 'Convention annulée',
  document_sealed: 'Document scellé',
  mayor_email_changed: 'Adresse du maire changée',
  titre_recorded: 'Titre de perception enregistré',
  avenant_replaced: 'Avenant remplacé par un nouveau',
};

export const OCCITANIE_DEPARTEMENTS = ['09', '11', '12', '30', '31', '32', '34', '46', '48', '65', '66', '81', '82'] as const;
