/**
 * The rectorat imports a campaign's communes from a spreadsheet (CSV, UTF-8
 * or Windows-1252, `;` or `,`). The request stores the file and starts a
 * tracked job; the job reads the file, lists every refused row with its line
 * and reason, and enqueues one job per commune; each adds that commune's
 * convention. All or nothing per commune. Importing the same file again
 * changes nothing: a commune whose convention already lists the same schools
 * is counted unchanged.
 */
import { addConvention } from './add-convention.ts';
import { sha256Hex } from '../domain/sha256.ts';
import { IMPORT_PREFIX, importFileKey } from '../domain/document-keys.ts';
import { AppError, isAppError } from '../domain/errors.ts';
import { invalidInput } from './input/invalid-input.ts';
import { planImportFile, rejectTaken, type PlannedCommune } from './input/import/import-rows.ts';
import { childJobId, JobRefused, newJob, type Job } from '../domain/jobs/job.ts';
import { enqueueInChunks } from './jobs/fan-out.ts';
import type { JobBudget, JobDeps } from './jobs/run-job.ts';
import type { Deps } from './ports.ts';

/** The largest file an import takes. Above the API's payload limit, it comes through a presigned upload. */
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;

const UPLOAD_VALIDITY_SECONDS = 15 * 60;

const sameSchools = (a: readonly { uai: string }[], b: readonly { uai: string }[]) =>
  a.length === b.length && a.every((school) => b.some((other) => other.uai === school.uai));

async function campaignOrFail(deps: Pick<Deps, 'campaigns'>, schoolYear: string) {
  const campaign = await deps.campaigns.get(schoolYear);
  if (!campaign) throw new AppError('NOT_FOUND', `Aucune campagne n'existe pour l'année scolaire ${schoolYear} : créez-la d'abord.`);
  return campaign;
}

function tooLarge(field: string, size: number): AppError {
  const mb = (size / 1024 / 1024).toFixed(1).replace('.', ',');
  return invalidInput([{ field, message: `Le fichier fait ${mb} Mo : une importation accepte au plus 20 Mo. Découpez-le en plusieurs fichiers.` }]);
}

/** POST …/imports/uploads: where to PUT a file too large for the request body. */
export async function prepareImportUpload(
  deps: Pick<Deps, 'now' | 'newId' | 'campaigns' | 'documents'>,
  input: { schoolYear: string; size: number; md5: string },
): Promise<{ key: string; uploadUrl: string; expiresAt: string; method: 'PUT'; headers: Record<string, string> }> {
  const campaign = await campaignOrFail(deps, input.schoolYear);
  if (input.size > IMPORT_MAX_BYTES) throw tooLarge('size', input.size);
  const key = importFileKey(campaign.schoolYear, deps.newId());
  const { url, headers } = await deps.documents.uploadUrl(key, input.size, 'text/csv', input.md5, UPLOAD_VALIDITY_SECONDS);
  const expiresAt = new Date(deps.now().getTime() + UPLOAD_VALIDITY_SECONDS * 1000).toISOString();
  return { key, uploadUrl: url, expiresAt, method: 'PUT', headers };
}

/** POST …/imports: the file in the body, or the key of an uploaded one; 202 with the job. */
export async function startImport(
  deps: Pick<Deps, 'now' | 'newId' | 'campaigns' | 'documents' | 'jobs'>,
  input: { schoolYear: string; actor: string; file?: Uint8Array; key?: string },
): Promise<{ jobId: string }> {
  const campaign = await campaignOrFail(deps, input.schoolYear);
  const id = deps.newId();
  let key: string;
  // The file the job reads: this version, with this SHA-256 when the store knows it (an uploaded file
  // carries the MD5 S3 checked; S3 keeps no SHA-256 of it).
  let stored: { versionId?: string; sha256?: string };
  if (input.file) {
    if (input.file.length > IMPORT_MAX_BYTES) throw tooLarge('(corps de la requête)', input.file.length);
    key = importFileKey(campaign.schoolYear, id);
    const { versionId, sha256 } = await deps.documents.put(key, input.file, 'text/csv');
    stored = { ...(versionId ? { versionId } : {}), sha256 };
  } else {
    key = input.key ?? '';
    if (!key.startsWith(`${IMPORT_PREFIX}${campaign.schoolYear}/`)) {
      throw invalidInput([{ field: 'key', message: `Cette clé n'est pas celle d'un dépôt pour la campagne ${campaign.schoolYear} : demandez d'abord une adresse de dépôt (POST …/imports/uploads).` }]);
    }
    const found = await deps.documents.head(key);
    if (!found) throw invalidInput([{ field: 'key', message: "Aucun fichier n'a été déposé à cette adresse : déposez-le (PUT sur l'adresse reçue), puis relancez l'importation." }]);
    if (found.size > IMPORT_MAX_BYTES) throw tooLarge('key', found.size);
    stored = { ...(found.versionId ? { versionId: found.versionId } : {}), ...(found.sha256 ? { sha256: found.sha256 } : {}) };
  }
  const job = newJob({ id, kind: 'import-campaign', payload: { schoolYear: campaign.schoolYear, key, ...stored, actor: input.actor }, at: deps.now().toISOString(), label: `Importation pour ${campaign.schoolYear}` });
  await deps.jobs.startTracked(job);
  return { jobId: id };
}

/** The import job: refused rows listed with their line, then one job per commune, in chunks, each chunk once. */
export async function fanOutImport(deps: JobDeps, job: Job, budget?: JobBudget): Promise<void> {
  const { schoolYear, key, versionId, sha256, actor } = job.payload as { schoolYear: string; key: string; versionId?: string; sha256?: string; actor: string };
  const progress = await deps.jobs.progress(job.id);
  if (!progress || progress.complete) return;
  const bytes = await deps.documents.get({ key, ...(versionId ? { versionId } : {}), ...(sha256 ? { sha256 } : {}) });
  if (!bytes) throw new JobRefused("Le fichier à importer n'a pas été trouvé : déposez-le à nouveau.");
  let planned;
  try {
    planned = planImportFile(bytes);
  } catch (error) {
    if (!isAppError(error)) throw error;
    throw new JobRefused([error.message, ...error.issues.map((issue) => issue.message)].join(' '));
  }
  const owners = await deps.conventions.schoolOwners(schoolYear, planned.communes.flatMap((commune) => commune.convention.schools.map((school) => school.uai)));
  const plan = rejectTaken(planned, owners);
  const at = deps.now().toISOString();
  if (progress.cursor === 0) {
    await deps.jobs.recordFailures(job.id, plan.rejected.map((row) => ({ item: row.commune ?? `ligne ${row.line}`, reason: row.reason, at, line: row.line })));
  }
  await enqueueInChunks(deps, job, {
    cursor: progress.cursor,
    items: plan.communes,
    budget,
    children: (chunk) =>
      chunk.map((commune) =>
        newJob({
          id: childJobId(job.id, commune.siret),
          kind: 'import-commune',
          payload: { schoolYear, actor, commune: commune as unknown as Record<string, unknown> },
          parentId: job.id,
          label: commune.convention.commune.name,
          at,
        }),
      ),
  });
}

/** A convention's id from its import job: a retry after a crash recognises its own convention. */
function conventionIdOf(jobId: string): string {
  const hex = sha256Hex(jobId);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** One commune of an import: its convention is added, found unchanged, or refused with its lines. */
export async function importCommune(deps: JobDeps, job: Job): Promise<{ tally: string }> {
  const { schoolYear, actor, commune } = job.payload as { schoolYear: string; actor: string; commune: PlannedCommune };
  const name = commune.convention.commune.name;
  const id = conventionIdOf(job.id);
  const existing = await deps.conventions.findByCommune(schoolYear, commune.siret);
  if (existing?.id === id) return { tally: 'imported' };
  if (existing && sameSchools(existing.schools, commune.convention.schools)) return { tally: 'unchanged' };
  if (existing) {
    throw new JobRefused(
      `La commune ${name} a déjà une convention pour ${schoolYear} avec une autre liste d'écoles : modifiez-la par un avenant, ou annulez-la avant de l'importer à nouveau.`,
      commune.lines,
    );
  }
  try {
    await addConvention({ ...deps, newId: () => id }, { schoolYear, convention: commune.convention, actor });
    return { tally: 'imported' };
  } catch (error) {
    // A commune taken meanwhile, or an end date outside its school year: its lines are refused.
    if (!isAppError(error) || (error.code !== 'ALREADY_EXISTS' && error.code !== 'INVALID_INPUT')) throw error;
    throw new JobRefused(error.issues[0]?.message ?? error.message, commune.lines);
  }
}
