/**
 * The rectorat cancels a convention that is not signed (a commune that left
 * ENT-École, a mistake in the import): its link dies, no reminder follows,
 * and its commune and schools are free for a new convention.
 */
import { AppError } from '../domain/errors.ts';
import type { Convention } from '../domain/model.ts';
import type { Deps } from './ports.ts';

export async function cancelConvention(deps: Pick<Deps, 'now' | 'conventions'>, input: { id: string; reason: string; actor: string }): Promise<Convention> {
  const convention = await deps.conventions.get(input.id);
  if (!convention) throw new AppError('NOT_FOUND', `Aucune convention ne porte l'identifiant ${input.id}.`);
  const refused = () =>
    new AppError('CONFLICT', `Une convention « ${convention.status} » ne peut pas être annulée : seules celles à envoyer, envoyées ou refusées le peuvent (une convention signée se résilie selon son article 11).`);
  if (!['draft', 'sent', 'declined'].includes(convention.status)) throw refused();
  const at = deps.now().toISOString();
  const done = await deps.conventions.cancel(convention, { conventionId: convention.id, at, type: 'cancelled', actor: input.actor, reason: input.reason });
  if (!done) throw refused();
  return { ...convention, status: 'cancelled' };
}
