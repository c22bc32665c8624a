/**
 * The two roles of the rectorat: "gestionnaire" does everything but
 * countersigning, which is the "signataire"'s.
 */
export type AdminRole = 'gestionnaire' | 'signataire';

const ADMIN_ROLES: readonly string[] = ['gestionnaire', 'signataire'] satisfies AdminRole[];

/**
 * The roles a `roles` claim grants, each matched exactly: a role is one whole
 * string equal to "gestionnaire" or "signataire", never a piece of one.
 *
 * - An array (a JSON-typed claim: a direct invocation, a REST API's JWT
 *   authorizer) is read element by element.
 * - The HTTP API's JWT authorizer passes every claim as a string, an array as
 *   its elements joined by single spaces between brackets: ["a","b"] arrives
 *   as "[a b]". That form is read as such; a bracketed string that is not
 *   exactly it (doubled or edge spaces, other blanks, nested brackets) grants
 *   nothing, rather than a guess.
 * - Any other string is one role: "gestionnaire signataire" or "signataires"
 *   is no role at all.
 */
export function rolesOf(claim: unknown): AdminRole[] {
  const granted = (values: readonly unknown[]) => values.filter((value): value is AdminRole => typeof value === 'string' && ADMIN_ROLES.includes(value));
  if (Array.isArray(claim)) return granted(claim);
  if (typeof claim !== 'string') return [];
  const flattened = /^\[(.*)\]$/s.exec(claim);
  if (!flattened) return granted([claim]);
  const inside = flattened[1]!;
  if (inside === '') return [];
  const elements = inside.split(' ');
  if (elements.some((element) => element === '' || /[\s[\]]/.test(element))) return [];
  return granted(elements);
}
