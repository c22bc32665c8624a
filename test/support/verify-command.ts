/**
 * `npm run verify` (infra/verify/cli.ts) as a clerk runs it, in a process of its own: Node with tsx's loader,
 * which is what the `tsx` command starts, without the `tsx` command's own Node process in front of it (about
 * 0.6 core-second less per run).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { exitCodeOf, formatReport, verifyFiles } from '../../infra/verify/verify-files.ts';

export function verifyCommand(...args: string[]): { code: number | null; out: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'infra/verify/cli.ts'), ...args], { encoding: 'utf8', cwd: PROJECT_ROOT });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

/**
 * The same checks, report and exit code as the command (cli.ts prints `formatReport` and exits with
 * `exitCodeOf`), in this process: for the checks of a trail and its files, without a start-up each (about 1.3
 * core-seconds). The command line itself, its arguments and exit code, is run by verify-trail.test.ts.
 */
export async function verifyInProcess(audit: string, ...files: string[]): Promise<{ code: number; out: string }> {
  const lines = await verifyFiles(audit, files);
  return { code: exitCodeOf(lines), out: formatReport(audit, lines) };
}
