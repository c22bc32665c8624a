/** Where a convention's documents live in the bucket: named by campaign and commune. */
import type { Convention } from './model.ts';

function slug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function folder(convention: Pick<Convention, 'schoolYear' | 'commune' | 'id'>): string {
  const { schoolYear, commune, id } = convention;
  return `campaigns/${schoolYear}/communes/${commune.siret}-${slug(commune.name)}/${id}`;
}

export const conventionDocumentKey = (convention: Pick<Convention, 'schoolYear' | 'commune' | 'id'>) =>
  `${folder(convention)}/convention.pdf`;

export const signedDocumentKey = (convention: Pick<Convention, 'schoolYear' | 'commune' | 'id'>) =>
  `${folder(convention)}/convention-signee.pdf`;

export const executedDocumentKey = (convention: Pick<Convention, 'schoolYear' | 'commune' | 'id'>) =>
  `${folder(convention)}/convention-executoire.pdf`;

export const avenantDocumentKey = (convention: Pick<Convention, 'schoolYear' | 'commune' | 'id'>, avenantId: string) =>
  `${folder(convention)}/avenants/${avenantId}.pdf`;

export const signedAvenantDocumentKey = (convention: Pick<Convention, 'schoolYear' | 'commune' | 'id'>, avenantId: string) =>
  `${folder(convention)}/avenants/${avenantId}-signe.pdf`;

export const executedAvenantDocumentKey = (convention: Pick<Convention, 'schoolYear' | 'commune' | 'id'>, avenantId: string) =>
  `${folder(convention)}/avenants/${avenantId}-executoire.pdf`;

const SUFFIX = { original: '', signed: '-signee', executed: '-executoire' } as const;

export function documentFileName(
  convention: Pick<Convention, 'schoolYear' | 'commune'>,
  version: keyof typeof SUFFIX,
): string {
  return `convention-ent-ecole-${convention.schoolYear}-${slug(convention.commune.name)}${SUFFIX[version]}.pdf`;
}

/** An import file, as the rectorat sent it (in the request, or uploaded to a presigned URL). */
export const IMPORT_PREFIX = 'imports/';

export const importFileKey = (schoolYear: string, id: string) => `${IMPORT_PREFIX}${schoolYear}/${id}.csv`;
