import { AppError } from './errors.ts';
import type { Convention, ConventionEvent } from './model.ts';
import type { Deps } from './ports.ts';

export interface ConventionWithHistory {
  convention: Convention;
  history: ConventionEvent[];
}

export async function getConvention(deps: Pick<Deps, 'conventions'>, id: string): Promise<ConventionWithHistory> {
  const convention = await deps.conventions.get(id);
  if (!convention) throw new AppError('NOT_FOUND', `Aucune convention ne porte l'identifiant ${id}.`);
  return { convention, history: await deps.conventions.history(id) };
}
