/**
 * The workers of `npm run faults` in a process of their own, so that the
 * fault run can SIGKILL them as Lambda's runtime dies: the run-jobs event
 * source mapping on the table's stream (with its checkpoint file, so a new
 * process resumes where the dead one last checkpointed) and wake-jobs.
 *
 * Started by faults.ts with `node --import tsx` and an IPC channel; the
 * handler environment (endpoints, table, SES_MAX_SEND_RATE…) comes from the
 * parent's environment, already applied before this process starts, and the
 * mapping's settings from FAULTS_WORKER (JSON). Says `ready` over IPC once
 * the mappings poll. Every line it logs goes to stdout.
 */
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { startWorkers } from '../../infra/local/workers.ts';

interface WorkerSettings {
  dynamodbEndpoint: string;
  tableName: string;
  checkpointFile: string;
  deadLetterFile: string;
  wakeEveryMs: number;
  retryBaseMs?: number;
}

const settings = JSON.parse(process.env.FAULTS_WORKER ?? '{}') as WorkerSettings;
const log = (line: string) => console.log(`${new Date().toISOString()} [mapping] ${line}`);

const workers = await startWorkers({
  root: PROJECT_ROOT,
  dynamodbEndpoint: settings.dynamodbEndpoint,
  tableName: settings.tableName,
  checkpointFile: settings.checkpointFile,
  deadLetterFile: settings.deadLetterFile,
  wakeEveryMs: settings.wakeEveryMs,
  ...(settings.retryBaseMs ? { retryBaseMs: settings.retryBaseMs } : {}),
  log,
});
log(`workers started (pid ${process.pid})`);
process.send?.('ready');

const stop = async () => {
  await workers.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('disconnect', () => void stop());
