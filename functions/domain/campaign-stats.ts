/**
 * Where a campaign stands: conventions by status, by département and by
 * académie, and the money in integer cents.
 *
 * - The département of a convention is that of its first school's UAI
 *   (0341401N → 34). Not the SIRET: a commune's SIREN reads 21 + département
 *   only for historic communes; a commune nouvelle gets a 200… SIREN.
 * - Expected: what the campaign bills if every convention still open is
 *   signed: all but the declined ones and those that reached their end date
 *   unsigned. Drafts count: the campaign means to send them.
 * - Signed: the commune has signed (signed, executed, or expired after
 *   signing). Both amounts are sums of amountCents, so exact.
 */
import type { Convention, ConventionStatus } from './model.ts';
import { departementOfUai } from './identifiers.ts';

export type Academie = 'Montpellier' | 'Toulouse';

const ACADEMIES: Record<string, Academie> = {
  '11': 'Montpellier', '30': 'Montpellier', '34': 'Montpellier', '48': 'Montpellier', '66': 'Montpellier',
  '09': 'Toulouse', '12': 'Toulouse', '31': 'Toulouse', '32': 'Toulouse', '46': 'Toulouse', '65': 'Toulouse', '81': 'Toulouse', '82': 'Toulouse',
};

/** "34" → 'Montpellier', "31" → 'Toulouse'; undefined outside Occitanie. */
export function academieOf(departement: string): Academie | undefined {
  return ACADEMIES[departement];
}

/** "34" for Lespignan (0341401N); "" for a convention without schools (none is stored so). */
export function departementOf(convention: Convention): string {
  const first = convention.schools[0];
  return first ? departementOfUai(first.uai) : '';
}

export const CONVENTION_STATUSES: readonly ConventionStatus[] = ['draft', 'sending', 'sent', 'signed', 'declined', 'executed', 'expired', 'cancelled'];

/** The commune has signed: still so once the rectorat countersigned or the end date passed. */
export function isSignedByCommune(convention: Convention): boolean {
  return convention.status === 'signed' || convention.status === 'executed' || (convention.status === 'expired' && convention.signature !== undefined);
}

/** Counts towards what the campaign expects to bill. */
export function isExpected(convention: Convention): boolean {
  if (convention.status === 'declined' || convention.status === 'cancelled') return false;
  if (convention.status === 'expired') return isSignedByCommune(convention);
  return true;
}

export interface StatsTotals {
  conventions: number;
  schools: number;
  byStatus: Record<ConventionStatus, number>;
  /** Conventions the commune signed (isSignedByCommune). */
  signedConventions: number;
  expectedCents: number;
  signedCents: number;
}

export interface DepartementStats extends StatsTotals {
  departement: string;
  academie: Academie | undefined;
}

export interface AcademieStats extends StatsTotals {
  /** 'Hors Occitanie' gathers any UAI of another région (none is expected). */
  academie: Academie | 'Hors Occitanie';
}

export interface CampaignStats extends StatsTotals {
  /** Sorted by département number. */
  byDepartement: DepartementStats[];
  /** Montpellier, then Toulouse, then any other, each present only when it has conventions. */
  byAcademie: AcademieStats[];
}

function emptyTotals(): StatsTotals {
  return {
    conventions: 0,
    schools: 0,
    byStatus: Object.fromEntries(CONVENTION_STATUSES.map((status) => [status, 0])) as Record<ConventionStatus, number>,
    signedConventions: 0,
    expectedCents: 0,
    signedCents: 0,
  };
}

function add(totals: StatsTotals, convention: Convention): void {
  totals.conventions += 1;
  totals.schools += convention.schools.length;
  totals.byStatus[convention.status] += 1;
  if (isExpected(convention)) totals.expectedCents += convention.amountCents;
  if (isSignedByCommune(convention)) {
    totals.signedConventions += 1;
    totals.signedCents += convention.amountCents;
  }
}

export function campaignStats(conventions: readonly Convention[]): CampaignStats {
  const totals = emptyTotals();
  const departements = new Map<string, DepartementStats>();
  const academies = new Map<AcademieStats['academie'], AcademieStats>();
  for (const convention of conventions) {
    add(totals, convention);
    const departement = departementOf(convention);
    const academie = academieOf(departement);
    if (!departements.has(departement)) departements.set(departement, { departement, academie, ...emptyTotals() });
    add(departements.get(departement)!, convention);
    const key = academie ?? 'Hors Occitanie';
    if (!academies.has(key)) academies.set(key, { academie: key, ...emptyTotals() });
    add(academies.get(key)!, convention);
  }
  const academieOrder: AcademieStats['academie'][] = ['Montpellier', 'Toulouse', 'Hors Occitanie'];
  return {
    ...totals,
    byDepartement: [...departements.values()].sort((a, b) => a.departement.localeCompare(b.departement, 'fr', { numeric: true })),
    byAcademie: academieOrder.flatMap((name) => academies.get(name) ?? []),
  };
}
