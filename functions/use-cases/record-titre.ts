/**
 * The rectorat records that the finance office issued the titre de
 * perception of a convention (docs/domain.md: "after signature the région
 * académique issues a titre de perception"): its number and date, once.
 *
 * - Only a convention the commune signed: signed, executed, or expired after
 *   its signature (a titre is often issued months later).
 * - One titre per convention, never rewritten: in public accounting a titre
 *   once issued is not edited; a mistake is undone by a titre d'annulation or
 *   de réduction, itself a new document of the finance office. So a second
 *   record is refused (409) rather than corrected here; the trail keeps the
 *   first, and the refusal says whom to ask.
 * - The date is a real day: not before the commune signed, not in the future.
 */
import { parisDateOf } from '../domain/calendar.ts';
import { AppError } from '../domain/errors.ts';
import type { Convention, Titre } from '../domain/model.ts';
import type { Deps } from './ports.ts';
import { formatShortDate } from '../../templates/format/french.ts';

/** The commune signed it: a titre can be issued. */
export const canReceiveTitre = (convention: Convention): boolean =>
  convention.status === 'signed' || convention.status === 'executed' || (convention.status === 'expired' && convention.signature !== undefined);

function alreadyRecorded(titre: Titre): AppError {
  return new AppError(
    'CONFLICT',
    `Un titre de perception est déjà enregistré pour cette convention : n° ${titre.number} du ${formatShortDate(titre.date)}. Un titre émis ne se modifie pas : s'il est erroné, le service financier émet un titre d'annulation ou de réduction.`,
  );
}

const notSigned = (convention: Convention) =>
  new AppError('CONFLICT', `Un titre de perception suit la signature de la commune : cette convention est « ${convention.status} ».`);

export async function recordTitre(
  deps: Pick<Deps, 'now' | 'conventions'>,
  input: { id: string; number: string; date: string; actor: string },
): Promise<Convention> {
  const convention = await deps.conventions.get(input.id);
  if (!convention) throw new AppError('NOT_FOUND', `Aucune convention ne porte l'identifiant ${input.id}.`);
  if (convention.titre) throw alreadyRecorded(convention.titre);
  if (!canReceiveTitre(convention)) throw notSigned(convention);
  const now = deps.now();
  const today = parisDateOf(now.toISOString());
  if (input.date > today) {
    throw new AppError('INVALID_INPUT', 'La date du titre est dans le futur.', [{ field: 'date', message: `La date du titre ne peut pas être après aujourd'hui (${formatShortDate(today)}).` }]);
  }
  const signedOn = parisDateOf(convention.signature?.signedAt ?? convention.signedAt ?? now.toISOString());
  if (input.date < signedOn) {
    throw new AppError('INVALID_INPUT', 'La date du titre précède la signature de la commune.', [
      { field: 'date', message: `Le titre est émis après la signature de la commune, le ${formatShortDate(signedOn)} : vérifiez sa date.` },
    ]);
  }
  const titre: Titre = { number: input.number, date: input.date, recordedAt: now.toISOString(), actor: input.actor };
  const done = await deps.conventions.recordTitre(convention.id, titre, {
    conventionId: convention.id,
    at: titre.recordedAt,
    type: 'titre_recorded',
    actor: input.actor,
    titre: { number: titre.number, date: titre.date },
    amountCents: convention.amountCents,
  });
  if (!done) {
    // Another request recorded one first, or the convention changed: say which.
    const current = await deps.conventions.get(convention.id);
    if (current?.titre) throw alreadyRecorded(current.titre);
    throw notSigned(current ?? convention);
  }
  return { ...convention, titre };
}
