/**
 * The rectorat imports a campaign's communes from a spreadsheet (CSV, UTF-8
 * or Windows-1252, `;` or `,`). All or nothing per commune; every refused row
 * comes back with its line and a reason in French. Importing the same file
 * again changes nothing: a commune whose convention already lists the same
 * schools is counted unchanged.
 */
import { addConvention } from './add-convention.ts';
import { AppError, isAppError } from './errors.ts';
import { planImportFile, rejectTaken, type ImportReport } from './import/import-rows.ts';
import type { Deps } from './ports.ts';

const sameSchools = (a: readonly { uai: string }[], b: readonly { uai: string }[]) =>
  a.length === b.length && a.every((school) => b.some((other) => other.uai === school.uai));

export async function importCampaign(
  deps: Pick<Deps, 'now' | 'newId' | 'campaigns' | 'conventions'>,
  input: { schoolYear: string; file: Uint8Array; actor: string; onProgress?: (done: number, total: number) => void },
): Promise<ImportReport> {
  const campaign = await deps.campaigns.get(input.schoolYear);
  if (!campaign) throw new AppError('NOT_FOUND', `Aucune campagne n'existe pour l'année scolaire ${input.schoolYear} : créez-la d'abord.`);
  const planned = planImportFile(input.file);
  const owners = await deps.conventions.schoolOwners(
    campaign.schoolYear,
    planned.communes.flatMap((commune) => commune.convention.schools.map((school) => school.uai)),
  );
  const plan = rejectTaken(planned, owners);
  const report: ImportReport = { imported: 0, unchanged: 0, rejected: [...plan.rejected] };
  const reject = (lines: number[], commune: string, reason: string) => {
    for (const line of lines) report.rejected.push({ line, commune, reason });
  };

  let done = 0;
  for (const commune of plan.communes) {
    const name = commune.convention.commune.name;
    const existing = await deps.conventions.findByCommune(campaign.schoolYear, commune.siret);
    if (existing && sameSchools(existing.schools, commune.convention.schools)) report.unchanged += 1;
    else if (existing) {
      reject(commune.lines, name, `La commune ${name} a déjà une convention pour ${campaign.schoolYear} avec une autre liste d'écoles : modifiez-la par un avenant, ou annulez-la avant de l'importer à nouveau.`);
    } else {
      try {
        await addConvention(deps, { schoolYear: campaign.schoolYear, convention: commune.convention, actor: input.actor });
        report.imported += 1;
      } catch (error) {
        if (!isAppError(error) || error.code !== 'ALREADY_EXISTS') throw error;
        reject(commune.lines, name, error.issues[0]?.message ?? error.message);
      }
    }
    done += 1;
    input.onProgress?.(done, plan.communes.length);
  }
  report.rejected.sort((a, b) => a.line - b.line);
  return report;
}
