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
import { freePort, startServers } from '../../infra/local/servers.ts';

export interface ServerEndpoints {
  dynamodbEndpoint: string;
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
    s3DirectEndpoint: servers.s3DirectEndpoint,
    sesEndpoint: servers.sesEndpoint,
    tsaUrl: servers.tsa.url,
    caCertificate: servers.tsa.caCertificate,
    caKey: servers.tsa.caKey,
    tsaCertificate: servers.tsa.tsaCertificate,
    crlUrl: servers.tsa.crlUrl,
    oidcIssuer: servers.oidcIssuer,
  });
  return async () => {
    await servers.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
