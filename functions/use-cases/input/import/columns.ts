/**
 * The columns of the import file, whatever the clerk called them: headers are
 * compared without case, accents, spaces or punctuation, in French or in
 * English, so « Nom de l'école », « NOM DE L ECOLE » and « school name » are
 * the same column. Columns Paraphe does not know are ignored (an export from
 * another tool often carries more).
 */
import type { SchoolType } from '../../../domain/model.ts';
import { invalidInput } from '../invalid-input.ts';

export type ImportField =
  | 'communeName'
  | 'siret'
  | 'insee'
  | 'address'
  | 'mayorName'
  | 'mayorTitle'
  | 'mayorEmail'
  | 'uai'
  | 'schoolType'
  | 'schoolName'
  | 'endDate';

interface ColumnSpec {
  /** The name the error message and the documentation give. */
  label: string;
  required: boolean;
  aliases: string[];
}

/** Aliases are written normalized: lowercase ASCII letters and digits only. */
export const IMPORT_COLUMNS: Record<ImportField, ColumnSpec> = {
  communeName: { label: 'Commune', required: true, aliases: ['commune', 'nomdelacommune', 'nomcommune', 'collectivite', 'communename', 'municipality', 'town'] },
  siret: { label: 'SIRET', required: true, aliases: ['siret', 'nsiret', 'nosiret', 'numerosiret', 'siretdelacommune', 'siretcommune'] },
  insee: { label: 'Code INSEE', required: true, aliases: ['codeinsee', 'insee', 'codeinseedelacommune', 'codecommune', 'inseecode', 'cog'] },
  address: { label: 'Adresse', required: true, aliases: ['adresse', 'adressedelamairie', 'adressemairie', 'adressepostale', 'adressedelacommune', 'address'] },
  mayorName: { label: 'Nom du maire', required: true, aliases: ['nomdumaire', 'maire', 'nommaire', 'mayor', 'mayorname', 'mayorsname'] },
  mayorTitle: { label: 'Qualité', required: false, aliases: ['qualite', 'qualitedumaire', 'qualitedusignataire', 'fonction', 'titre', 'title', 'mayortitle', 'mayorstitle'] },
  mayorEmail: {
    label: 'Courriel du maire',
    required: true,
    aliases: ['courrieldumaire', 'courriel', 'email', 'mail', 'courrielmaire', 'emaildumaire', 'maildumaire', 'adresseelectronique', 'adressemail', 'mayoremail', 'mayorsemail'],
  },
  uai: { label: 'UAI', required: true, aliases: ['uai', 'codeuai', 'uaiecole', 'uaidelecole', 'codeecole', 'rne', 'schooluai'] },
  schoolType: { label: "Type d'école", required: true, aliases: ['typedecole', 'typeecole', 'type', 'naturedelecole', 'nature', 'schooltype'] },
  schoolName: { label: "Nom de l'école", required: false, aliases: ['nomdelecole', 'nomecole', 'ecole', 'appellation', 'denomination', 'schoolname'] },
  endDate: { label: 'Date de fin', required: false, aliases: ['datedefin', 'datefin', 'fin', 'findelaconvention', 'datedefindelaconvention', 'echeance', 'enddate'] },
};

/** « Nom de l'école » → "nomdelecole": what two spellings of one header have in common. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/[^a-z0-9]/g, '');
}

export type ColumnMap = Partial<Record<ImportField, number>>;

/** Which cell holds which field; throws INVALID_INPUT naming every missing column, or a column given twice. */
export function mapColumns(header: string[]): ColumnMap {
  const byAlias = new Map<string, ImportField>();
  for (const [field, spec] of Object.entries(IMPORT_COLUMNS) as [ImportField, ColumnSpec][]) {
    for (const alias of spec.aliases) byAlias.set(alias, field);
  }
  const columns: ColumnMap = {};
  const issues: { field: string; message: string }[] = [];
  header.forEach((name, index) => {
    const field = byAlias.get(normalizeHeader(name));
    if (field === undefined) return;
    const first = columns[field];
    if (first !== undefined) {
      issues.push({
        field: IMPORT_COLUMNS[field].label,
        message: `Les colonnes « ${header[first]!.trim()} » et « ${name.trim()} » désignent toutes deux la colonne « ${IMPORT_COLUMNS[field].label} » : gardez-en une seule.`,
      });
    } else columns[field] = index;
  });
  for (const [field, spec] of Object.entries(IMPORT_COLUMNS) as [ImportField, ColumnSpec][]) {
    if (spec.required && columns[field] === undefined) {
      issues.push({ field: spec.label, message: `La colonne « ${spec.label} » est absente de la première ligne du fichier.` });
    }
  }
  if (issues.length > 0) {
    const expected = Object.values(IMPORT_COLUMNS).map((spec) => spec.label).join(', ');
    throw invalidInput(issues, `La première ligne du fichier doit nommer les colonnes : ${expected}.`);
  }
  return columns;
}

const TYPE_WORDS: [RegExp, SchoolType][] = [
  [/maternelle|\bempu?\b|nursery|kindergarten|preschool/, 'maternelle'],
  [/elementaire|\beepu?\b|elementary/, 'elementaire'],
  [/primaire|\beppu?\b|primary/, 'primaire'],
];

/**
 * « ECOLE MATERNELLE PUBLIQUE », « Élémentaire », « EEPU » (the sigles of the
 * ministry's annuaire) → the type of the domain; undefined when none fits. A
 * school said to be both maternelle and élémentaire is a primaire.
 */
export function schoolTypeOf(value: string): SchoolType | undefined {
  const words = ` ${value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\./g, '')
    .replace(/[^a-z0-9]+/g, ' ')} `;
  const found = new Set(TYPE_WORDS.filter(([pattern]) => pattern.test(words)).map(([, type]) => type));
  if (found.has('primaire') || found.size > 1) return 'primaire';
  return [...found][0];
}
