/**
 * `npm start`: the whole of Paraphe on this machine, on real protocol servers.
 * Data lives under .local/ and survives restarts.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEnvironment, handlerEnvironment, type LocalStackSettings } from './environment.ts';
import { startGateway } from './gateway.ts';
import { DEFAULT_ADMIN_AUDIENCE } from '../admin-auth.ts';
import { ensureConsoleSecret } from './console-secret.ts';
import { LOCAL_ACCOUNTS } from './oidc.ts';
import { createLambdaRuntime } from './lambda-runtime.ts';
import { CONSOLE_SECRET_FILE, LOCAL_DIR, PROJECT_ROOT, STACK_FILE } from './paths.ts';
import { ensureBucket, ensureTable } from './resources.ts';
import { startScheduler } from './scheduler.ts';
import { ensureSealingP12 } from './sealing-certificate.ts';
import { JavaMissingError, startServers } from './servers.ts';
import { startWorkers } from './workers.ts';

const port = Number(process.env.PORT ?? 3000);
const ports = {
  dynamodb: Number(process.env.DYNAMODB_PORT ?? 8000),
  s3: Number(process.env.S3_PORT ?? 4569),
  ses: Number(process.env.SES_PORT ?? 8005),
  tsa: Number(process.env.TSA_PORT ?? 8010),
  oidc: Number(process.env.OIDC_PORT ?? 8020),
};

async function main(): Promise<void> {
  let servers;
  try {
    servers = await startServers({ ports, dataDir: LOCAL_DIR, persistent: true });
  } catch (error) {
    if (error instanceof JavaMissingError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const settings: LocalStackSettings = {
    dynamodbEndpoint: servers.dynamodbEndpoint,
    s3Endpoint: servers.s3Endpoint,
    sesEndpoint: servers.sesEndpoint,
    sesInboxUrl: servers.sesEndpoint,
    gatewayUrl: `http://127.0.0.1:${port}`,
    tableName: 'paraphe-local',
    bucketName: 'paraphe-local-documents',
    sealingP12Path: join(LOCAL_DIR, 'sealing.p12'),
    tsaUrl: servers.tsa.url,
    oidcIssuer: servers.oidcIssuer,
    consoleSecretPath: ensureConsoleSecret(CONSOLE_SECRET_FILE),
  };
  // Issued by the TSA's local CA; a .local/sealing.p12 made before it stays self-signed until deleted.
  ensureSealingP12(settings.sealingP12Path, new Date(), { certificate: servers.tsa.caCertificate, key: servers.tsa.caKey, crlUrl: servers.tsa.crlUrl });
  await ensureTable(settings.dynamodbEndpoint, settings.tableName);
  await ensureBucket(settings.s3Endpoint, settings.bucketName);
  applyEnvironment(handlerEnvironment(settings));
  // One pool of execution environments per function, whichever service invokes it, as in Lambda.
  const runtime = createLambdaRuntime({ root: PROJECT_ROOT });
  const deadLetterFile = join(LOCAL_DIR, 'dead-letters.jsonl');
  const gateway = await startGateway({ root: PROJECT_ROOT, port, adminAuth: { issuer: servers.oidcIssuer, audience: [DEFAULT_ADMIN_AUDIENCE] }, runtime, log: (line) => console.log(`[api] ${line}`) });
  const scheduler = startScheduler({ root: PROJECT_ROOT, runtime, deadLetterFile, log: (line) => console.log(`[scheduler] ${line}`) });
  const workers = await startWorkers({
    root: PROJECT_ROOT,
    runtime,
    dynamodbEndpoint: settings.dynamodbEndpoint,
    tableName: settings.tableName,
    checkpointFile: join(LOCAL_DIR, 'stream-checkpoint.json'),
    deadLetterFile,
    log: (line) => console.log(`[jobs] ${line}`),
  });
  writeFileSync(STACK_FILE, JSON.stringify(settings, null, 2));

  console.log(`
Paraphe runs locally.
  API (HTTP API gateway)   ${gateway.url}
  Inbox (sent emails)      ${settings.sesInboxUrl}
  DynamoDB Local           ${settings.dynamodbEndpoint}  table ${settings.tableName}
  S3 (s3rver, its guard)   ${settings.s3Endpoint}  bucket ${settings.bucketName}
  Time-stamping (RFC 3161) ${settings.tsaUrl}  CA ${servers.tsa.caCertificate}
  OpenID provider          ${settings.oidcIssuer}  accounts ${Object.keys(LOCAL_ACCOUNTS).join(', ')} (password: the account's name)
  Console                  ${gateway.url}/console
  Scheduler                ${scheduler.describe()}
  Jobs                     the table's stream → run-jobs (dead letters in ${join(LOCAL_DIR, 'dead-letters.jsonl')})
  Data                     ${join(LOCAL_DIR)}
Next: \`npm run token\` for an admin token, \`npm run demo\` for a sample campaign. Ctrl-C stops.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await scheduler.stop();
    // Closing the environments stops what they run: the worker's batches are delivered again at the next start.
    await Promise.all([workers.stop(), runtime.close()]);
    await gateway.close();
    await servers.stop();
    rmSync(STACK_FILE, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
