/**
 * The reference a finance office quotes on a titre de perception:
 * "ENT-2026-2027-34-0042" = the school year, the commune's département, and
 * the convention's number among those of the campaign in that département
 * (from 1, four digits at least). Numbers are given in order by a counter per
 * campaign and département, moved in the transaction that adds the convention
 * (functions/adapters/dynamodb/convention-repository.ts), so a number is used
 * once and only by a convention that exists. A cancelled convention keeps its
 * reference: a number is never given twice.
 */

/** The département of a commune from its SIRET (21 + code INSEE): "21340135900012" gives "34", "21971..." gives "971". */
export function communeDepartement(siret: string): string {
  return /^219[78]/.test(siret) ? siret.slice(2, 5) : siret.slice(2, 4);
}

export function conventionReference(schoolYear: string, departement: string, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError(`Not a convention number: ${sequence}`);
  return `ENT-${schoolYear}-${departement}-${String(sequence).padStart(4, '0')}`;
}

/** What a page, an email or an export prints: the reference, or the identifier for a convention added before references. */
export const referenceOrId = (convention: { id: string; reference?: string }): string => convention.reference ?? convention.id;
