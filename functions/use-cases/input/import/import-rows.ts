/**
 * From the rows of the import file to the conventions to add, one per commune
 * (rows grouped by SIRET), and the rows refused, each with its line and a
 * reason in French a clerk can act on. All or nothing per commune: a commune
 * with one bad row is not imported at all, so no convention is ever sent with
 * a school missing; its other rows are refused with a reason pointing at the
 * bad one. Pure: which schools other communes already hold is the caller's
 * question, answered through rejectTaken.
 */
import { emailSchema, frenchIssue, newConventionSchema, type NewConvention } from '../inputs.ts';
import { departementOfUai, inseeDepartement, isInseeCode, isSiretShaped, isUaiShaped, isValidSiret, isValidUai, uaiCheckLetter } from '../../../domain/identifiers.ts';
import { invalidInput } from '../invalid-input.ts';
import type { SchoolType } from '../../../domain/model.ts';
import { mapColumns, schoolTypeOf, type ColumnMap, type ImportField } from './columns.ts';
import { decodeCsv, parseCsv, type CsvRow } from './read-csv.ts';

export interface RejectedRow {
  line: number;
  commune?: string;
  reason: string;
}

export interface PlannedCommune {
  siret: string;
  insee: string;
  /** lines[i] is the line of convention.schools[i]. */
  lines: number[];
  convention: NewConvention;
}

export interface ImportPlan {
  communes: PlannedCommune[];
  rejected: RejectedRow[];
}

/** What the import answers: filled by the caller once it has written (or found) each commune's convention. */
export interface ImportReport {
  /** Communes whose convention was created by this import. */
  imported: number;
  /** Communes whose convention already existed with the same content: a file imported twice changes nothing. */
  unchanged: number;
  rejected: RejectedRow[];
}

interface ReadRow {
  line: number;
  communeName: string;
  siret: string;
  insee: string;
  address: string;
  mayorName: string;
  mayorTitle: string;
  mayorEmail: string;
  uai: string;
  schoolType: SchoolType | undefined;
  schoolName: string;
  /** The convention's own end date (AAAA-MM-JJ), '' for the campaign's. */
  endDate: string;
  problems: string[];
}

/** "lignes 3 et 7", "lignes 3, 7 et 9". */
export function listLines(lines: number[]): string {
  const sorted = [...lines].sort((a, b) => a - b);
  if (sorted.length === 1) return `ligne ${sorted[0]}`;
  return `lignes ${sorted.slice(0, -1).join(', ')} et ${sorted.at(-1)}`;
}

function readRow(row: CsvRow, columns: ColumnMap): ReadRow {
  const cell = (field: ImportField) => {
    const index = columns[field];
    // A line break inside a quoted cell (an address on two lines) reads as « , ».
    return index === undefined ? '' : (row.cells[index] ?? '').trim().replace(/\s*[\r\n]+\s*/g, ', ').replace(/\s+/g, ' ');
  };
  const read: ReadRow = {
    line: row.line,
    communeName: cell('communeName'),
    siret: cell('siret').replace(/\s/g, ''),
    // Excel reads 09123 (Ariège) as a number and saves 9123: four digits can only be that.
    insee: cell('insee').toUpperCase().replace(/^(\d{4})$/, '0$1'),
    address: cell('address'),
    mayorName: cell('mayorName'),
    mayorTitle: cell('mayorTitle'),
    mayorEmail: cell('mayorEmail').toLowerCase(),
    uai: cell('uai').toUpperCase(),
    schoolType: schoolTypeOf(cell('schoolType')),
    schoolName: cell('schoolName'),
    endDate: isoDate(cell('endDate')),
    problems: [],
  };
  const problem = (message: string) => read.problems.push(message);
  if (!read.communeName) problem('Le nom de la commune est manquant.');
  if (!read.siret) problem('Le SIRET est manquant.');
  else if (!isSiretShaped(read.siret)) problem(`Le SIRET « ${read.siret} » doit compter 14 chiffres.`);
  else if (!isValidSiret(read.siret)) problem(`Le SIRET ${read.siret} n'est pas valide : sa clé de contrôle ne correspond pas (vérifiez-le sur l'avis de situation INSEE).`);
  if (!read.insee) problem('Le code INSEE est manquant.');
  else if (!isInseeCode(read.insee)) problem(`Le code INSEE « ${read.insee} » doit compter 5 caractères (par exemple 34135, ou 2A004 en Corse).`);
  if (!read.address) problem("L'adresse de la commune est manquante.");
  if (!read.mayorName) problem('Le nom du maire est manquant.');
  if (!read.mayorEmail) problem('Le courriel du maire est manquant.');
  else if (!emailSchema.safeParse(read.mayorEmail).success) problem(`Le courriel du maire « ${read.mayorEmail} » n'est pas valide (par exemple mairie@commune.fr).`);
  if (!read.uai) problem("Le code UAI de l'école est manquant.");
  else if (!isUaiShaped(read.uai)) problem(`Le code UAI « ${read.uai} » doit compter 7 chiffres suivis d'une lettre (par exemple 0341401N).`);
  else if (!isValidUai(read.uai)) problem(`Le code UAI ${read.uai} n'est pas valide : sa lettre de contrôle devrait être ${uaiCheckLetter(read.uai.slice(0, 7))}.`);
  if (isInseeCode(read.insee) && isValidUai(read.uai) && inseeDepartement(read.insee) !== departementOfUai(read.uai)) {
    problem(`Le code INSEE ${read.insee} n'est pas du département de l'école ${read.uai} (${departementOfUai(read.uai)}) : l'un des deux est erroné.`);
  }
  if (read.endDate && !/^\d{4}-\d{2}-\d{2}$/.test(read.endDate)) problem(`La date de fin « ${read.endDate} » doit s'écrire JJ/MM/AAAA ou AAAA-MM-JJ (par exemple 05/09/2024), ou rester vide pour celle de la campagne.`);
  const type = cell('schoolType');
  if (!type) problem("Le type d'école est manquant (maternelle, élémentaire ou primaire).");
  else if (!read.schoolType) problem(`Le type d'école « ${type} » n'est pas reconnu : indiquez maternelle, élémentaire ou primaire.`);
  return read;
}

/** « 05/09/2024 » (as Excel writes a French date) → 2024-09-05; anything else as it was typed. */
function isoDate(value: string): string {
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  return french ? `${french[3]}-${french[2]!.padStart(2, '0')}-${french[1]!.padStart(2, '0')}` : value;
}

/** The fields every row of one commune must repeat identically. */
const COMMUNE_FIELDS: [keyof ReadRow, string][] = [
  ['communeName', 'le même nom de commune'],
  ['insee', 'le même code INSEE'],
  ['address', 'la même adresse'],
  ['mayorName', 'le même nom de maire'],
  ['mayorTitle', 'la même qualité du maire'],
  ['mayorEmail', 'le même courriel du maire'],
  ['endDate', 'la même date de fin'],
];

const same = (a: string, b: string) => a.toLocaleLowerCase('fr') === b.toLocaleLowerCase('fr');

function checkSchoolsListedTwice(rows: ReadRow[]): void {
  const linesByUai = new Map<string, number[]>();
  for (const row of rows) if (row.uai) linesByUai.set(row.uai, [...(linesByUai.get(row.uai) ?? []), row.line]);
  for (const row of rows) {
    const lines = linesByUai.get(row.uai);
    if (lines && lines.length > 1) row.problems.push(`L'école ${row.uai} figure plusieurs fois dans le fichier (${listLines(lines)}).`);
  }
}

function checkCommuneAgrees(group: ReadRow[]): void {
  const [first, ...others] = group;
  for (const row of others) {
    for (const [field, what] of COMMUNE_FIELDS) {
      const [mine, theirs] = [row[field] as string, first![field] as string];
      if (mine && theirs && !same(mine, theirs)) {
        row.problems.push(`Cette ligne ne donne pas ${what} que la ligne ${first!.line} pour le SIRET ${row.siret} (« ${mine} » au lieu de « ${theirs} »).`);
      }
    }
  }
}

/** One commune, one SIRET: two SIRETs for one INSEE code would be two conventions for one commune. */
function checkOneSiretPerCommune(groups: ReadRow[][]): void {
  const groupsByInsee = new Map<string, ReadRow[][]>();
  for (const group of groups) {
    const insee = group[0]!.insee;
    if (isInseeCode(insee)) groupsByInsee.set(insee, [...(groupsByInsee.get(insee) ?? []), group]);
  }
  for (const [insee, sharing] of groupsByInsee) {
    if (sharing.length < 2) continue;
    for (const group of sharing) {
      const elsewhere = sharing
        .filter((other) => other !== group)
        .map(([other]) => `ligne ${other!.line} (${other!.siret ? `SIRET ${other!.siret}` : 'SIRET manquant'})`);
      for (const row of group.filter((candidate) => candidate.insee === insee)) {
        row.problems.push(`Le code INSEE ${insee} figure aussi ${elsewhere.join(', ')} : une commune n'a qu'une convention, sous un seul SIRET.`);
      }
    }
  }
}

/** "la ligne 12 est invalide", "les lignes 12 et 14 sont invalides". */
const lines = (numbers: number[], singular: string, plural: string) =>
  numbers.length === 1 ? `la ${listLines(numbers)} ${singular}` : `les ${listLines(numbers)} ${plural}`;

const communeOf = (group: ReadRow[]) => group.find((row) => row.communeName)?.communeName;

function rejectGroup(group: ReadRow[], because: (row: ReadRow) => string | undefined, others: string): RejectedRow[] {
  const commune = communeOf(group);
  return group.map((row) => ({ line: row.line, ...(commune ? { commune } : {}), reason: because(row) ?? `Rejetée avec la commune ${commune ?? row.siret} : ${others}.` }));
}

function conventionInput(group: ReadRow[]): unknown {
  const [first] = group;
  return {
    commune: { name: first!.communeName, siret: first!.siret, address: first!.address },
    mayor: { name: first!.mayorName, ...(first!.mayorTitle ? { title: first!.mayorTitle } : {}), email: first!.mayorEmail },
    schools: group.map((row) => ({ uai: row.uai, type: row.schoolType, name: row.schoolName })),
    ...(group.find((row) => row.endDate) ? { endDate: group.find((row) => row.endDate)!.endDate } : {}),
  };
}

/** The rows of the file (header first, as parseCsv returns them) → what to import and what is refused. */
export function planImport(rows: CsvRow[]): ImportPlan {
  const [header, ...body] = rows;
  if (!header) throw invalidInput([{ field: 'fichier', message: 'Le fichier est vide.' }], 'Le fichier est vide.');
  const columns = mapColumns(header.cells);
  if (body.length === 0) throw invalidInput([{ field: 'fichier', message: "Le fichier ne contient aucune école : une ligne par école est attendue sous la ligne d'en-tête." }]);

  const read = body.map((row) => readRow(row, columns));
  checkSchoolsListedTwice(read);
  const groups = new Map<string, ReadRow[]>();
  for (const row of read) {
    const key = row.siret || `ligne ${row.line}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  for (const group of groups.values()) checkCommuneAgrees(group);
  checkOneSiretPerCommune([...groups.values()]);

  const plan: ImportPlan = { communes: [], rejected: [] };
  for (const group of groups.values()) {
    const bad = group.filter((row) => row.problems.length > 0);
    if (bad.length > 0) {
      const others = lines(bad.map((row) => row.line), 'est invalide', 'sont invalides');
      plan.rejected.push(...rejectGroup(group, (row) => (row.problems.length ? row.problems.join(' ') : undefined), others));
      continue;
    }
    const parsed = newConventionSchema.safeParse(conventionInput(group), { error: frenchIssue });
    if (!parsed.success) {
      // An issue of schools[i] is its row's; one of the commune or its mayor is every row's (each repeats them).
      const rowOf = (issue: { path: PropertyKey[] }) => (issue.path[0] === 'schools' && typeof issue.path[1] === 'number' ? group[issue.path[1]] : undefined);
      const reasonOf = (row: ReadRow) => {
        const messages = parsed.error.issues.filter((issue) => (rowOf(issue) ?? row) === row).map((issue) => issue.message);
        return messages.length ? [...new Set(messages)].join(' ') : undefined;
      };
      const bad = group.filter((row) => reasonOf(row) !== undefined).map((row) => row.line);
      plan.rejected.push(...rejectGroup(group, reasonOf, lines(bad, 'est invalide', 'sont invalides')));
      continue;
    }
    plan.communes.push({ siret: group[0]!.siret, insee: group[0]!.insee, lines: group.map((row) => row.line), convention: parsed.data });
  }
  plan.rejected.sort((a, b) => a.line - b.line);
  return plan;
}

/** The whole file, bytes in: UTF-8 or Windows-1252, « ; » or « , ». */
export function planImportFile(bytes: Uint8Array): ImportPlan {
  return planImport(parseCsv(decodeCsv(bytes)));
}

/**
 * Who already holds a school: the commune's name, or its name and SIRET. With
 * the SIRET, the commune's own convention (a file imported again) is told
 * apart; with a bare name, the caller leaves that commune's own schools out.
 */
export type TakenBy = string | { communeName: string; siret: string };

/** Refuses the communes of the plan that list a school another commune's convention already holds, naming that commune. */
export function rejectTaken(plan: ImportPlan, taken: ReadonlyMap<string, TakenBy>): ImportPlan {
  const result: ImportPlan = { communes: [], rejected: [...plan.rejected] };
  for (const commune of plan.communes) {
    const holders = commune.convention.schools.map((school) => {
      const holder = taken.get(school.uai);
      if (holder === undefined) return undefined;
      if (typeof holder === 'string') return holder;
      return holder.siret === commune.siret ? undefined : holder.communeName;
    });
    const takenLines = commune.lines.filter((_, index) => holders[index] !== undefined);
    if (takenLines.length === 0) {
      result.communes.push(commune);
      continue;
    }
    const name = commune.convention.commune.name;
    const others = takenLines.length === 1
      ? `l'école de la ${listLines(takenLines)} est déjà dans la convention d'une autre commune`
      : `les écoles des ${listLines(takenLines)} sont déjà dans la convention d'autres communes`;
    commune.lines.forEach((line, index) => {
      const holder = holders[index];
      const uai = commune.convention.schools[index]!.uai;
      result.rejected.push({
        line,
        commune: name,
        reason: holder !== undefined ? `L'école ${uai} figure déjà dans la convention de la commune ${holder}.` : `Rejetée avec la commune ${name} : ${others}.`,
      });
    });
  }
  result.rejected.sort((a, b) => a.line - b.line);
  return result;
}
