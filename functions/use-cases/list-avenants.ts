/** A convention's avenants, oldest first, as the rectorat sees them: without their link's hash. */
import type { AvenantView } from '../domain/model.ts';
import type { Deps } from './ports.ts';

export type { AvenantView };

export async function listAvenants(deps: Pick<Deps, 'avenants'>, conventionId: string): Promise<AvenantView[]> {
  return (await deps.avenants.ofConvention(conventionId)).map(({ link: _link, ...avenant }) => avenant);
}
