/**
 * Starts DynamoDB Local, s3rver, aws-ses-v2-local, the TSA and the OpenID provider once for the whole test
 * run, on free ports and in a temporary directory, so tests never touch the
 * data of a running dev stack. Each test file then makes its own table and
 * bucket (test/support/stack.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { StreamPlans } from '../../infra/local/dynamodb-stream-index.ts';
import { ensureSealingP12 } from '../../infra/local/sealing-certificate.ts';
import { freePort, startServers } from '../../infra/local/servers.ts';

export interface ServerEndpoints {
  dynamodbEndpoint: string;
  /** SQLite's plans, at DynamoDB Local's start, for the lookups infra/local/dynamodb-stream-index.ts indexes. */
  dynamodbStreamPlans: StreamPlans;
  /** The S3 guard (infra/local/s3-guard.ts) in front of s3rver; its recorded requests at /_guard/requests. */
  s3Endpoint: string;
  /** s3rver itself, bypassing the guard. */
  s3DirectEndpoint: string;
  sesEndpoint: string;
  /** The local time-stamping authority (TSA_URL). */
  tsaUrl: string;
  /** The local test CA (PEM file) that issued the TSA's certificate, and that certificate. */
  caCertificate: string;
  caKey: string;
  tsaCertificate: string;
  /** The local CA's CRL (its certificates' distribution point). */
  crlUrl: string;
  /** The local OpenID provider (infra/local/oidc.ts): the admin API's tokens, the console's login. */
  oidcIssuer: string;
  /**
   * The sealing certificate and key (PKCS#12, LOCAL_SEALING_PASSPHRASE), issued by the local CA: one for the
   * run, as a deployment has one, rather than a key pair made for each file's stack.
   */
  sealingP12: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    servers: ServerEndpoints;
  }
}

/**
 * The integration and browser projects both name this setup, and vitest runs it once per project, in the
 * same process: the servers are started by the first and shared (one JVM, one TSA), and stopped when the
 * last project is done.
 */
interface Shared {
  endpoints: Promise<{ endpoints: ServerEndpoints; stop: () => Promise<void> }>;
  users: number;
}
const SHARED = Symbol.for('paraphe.test-servers');
const registry = globalThis as unknown as Record<symbol, Shared | undefined>;

/**
 * DynamoDB Local's JVM, tuned for a test run of a few minutes on two cores: the client compiler only (the
 * server compiler's warm-up costs more CPU than it wins back in a run this short) and the serial collector.
 */
const TEST_JVM_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+UseSerialGC';

async function start(): Promise<{ endpoints: ServerEndpoints; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'paraphe-test-'));
  process.env.JAVA_TOOL_OPTIONS ??= TEST_JVM_OPTIONS;
  const servers = await startServers({
    ports: { dynamodb: await freePort(), s3: await freePort(), ses: await freePort() },
    dataDir,
    persistent: false,
  });
  const endpoints: ServerEndpoints = {
    dynamodbEndpoint: servers.dynamodbEndpoint,
    dynamodbStreamPlans: servers.dynamodbStreamPlans,
    s3Endpoint: servers.s3Endpoint,
    s3DirectEndpoint: servers.s3DirectEndpoint,
    sesEndpoint: servers.sesEndpoint,
    tsaUrl: servers.tsa.url,
    caCertificate: servers.tsa.caCertificate,
    caKey: servers.tsa.caKey,
    tsaCertificate: servers.tsa.tsaCertificate,
    crlUrl: servers.tsa.crlUrl,
    oidcIssuer: servers.oidcIssuer,
    sealingP12: join(dataDir, 'sealing.p12'),
  };
  ensureSealingP12(endpoints.sealingP12, new Date(), { certificate: endpoints.caCertificate, key: endpoints.caKey, crlUrl: endpoints.crlUrl });
  return {
    endpoints,
    stop: async () => {
      await servers.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject) {
  const shared = (registry[SHARED] ??= { endpoints: start(), users: 0 });
  shared.users += 1;
  const { endpoints, stop } = await shared.endpoints;
  project.provide('servers', endpoints);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    registry[SHARED] = undefined;
    await stop();
  };
}
