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

/** The audit trail as a self-contained record: what was signed, by whom, when, and the hashes that bind them. */
export function auditExport({ convention, history }: ConventionWithHistory, exportedAt: Date) {
  return {
    format: 'paraphe-audit/1',
    exportedAt: exportedAt.toISOString(),
    convention: {
      id: convention.id,
      schoolYear: convention.schoolYear,
      commune: convention.commune,
      schools: convention.schools.map((school) => school.uai),
      amountCents: convention.amountCents,
      status: convention.status,
      document: convention.document,
      signedDocument: convention.signedDocument,
    },
    events: history,
  };
}
