/**
 * Starts DynamoDB Local, s3rver and aws-ses-v2-local once for the whole test
 * run, on free ports and in a temporary directory, so tests never touch the
 * data of a running dev stack. Each test file then makes its own table and
 * bucket (test/support/stack.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startServers } from '../../infra/local/servers.ts';

export interface ServerEndpoints {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  sesEndpoint: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    servers: ServerEndpoints;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'paraphe-test-'));
  const servers = await startServers({
    ports: { dynamodb: await freePort(), s3: await freePort(), ses: await freePort() },
    dataDir,
    persistent: false,
  });
  project.provide('servers', {
    dynamodbEndpoint: servers.dynamodbEndpoint,
    s3Endpoint: servers.s3Endpoint,
    sesEndpoint: servers.sesEndpoint,
  });
  return async () => {
    await servers.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
