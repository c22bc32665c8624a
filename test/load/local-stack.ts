/**
 * A private Paraphe for a script or a bench (no vitest): DynamoDB Local,
 * s3rver and aws-ses-v2-local on free loopback ports in a temp dir, a table,
 * a bucket, a sealing certificate, the real handlers behind the local
 * gateway. With `count`, the handlers reach the three servers through a
 * loopback proxy that counts their requests (DynamoDB operations with the
 * capacity units DynamoDB reports, S3 and SES calls).
 *
 * Handler modules read their environment once per process, at their first
 * import: one stack per process.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { siretCheckDigit, uaiCheckLetter } from '../../functions/domain/identifiers.ts';
import { applyEnvironment, handlerEnvironment, type LocalStackSettings } from '../../infra/local/environment.ts';
import { startGateway } from '../../infra/local/gateway.ts';
import { DEFAULT_ADMIN_AUDIENCE } from '../../infra/admin-auth.ts';
import { ensureConsoleSecret } from '../../infra/local/console-secret.ts';
import { machineToken } from '../../infra/local/oidc.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { ensureBucket, ensureTable } from '../../infra/local/resources.ts';
import { ensureSealingP12 } from '../../infra/local/sealing-certificate.ts';
import { freePort, startServers } from '../../infra/local/servers.ts';
import type { SentEmail } from '../support/sent-email.ts';

export type { SentEmail } from '../support/sent-email.ts';

/** What the handlers asked of the servers, by operation. */
export interface Counts {
  /** "dynamodb GetItem", "s3 PUT", "ses SendRawEmail"… → calls. */
  calls: Map<string, number>;
  /** DynamoDB capacity units consumed, as DynamoDB (Local) reports them, by operation. */
  capacity: Map<string, number>;
  /** Bytes sent to S3 (PUT bodies) and to SES (email bodies). */
  bytes: Map<string, number>;
}

export const emptyCounts = (): Counts => ({ calls: new Map(), capacity: new Map(), bytes: new Map() });

export interface LocalStack {
  settings: LocalStackSettings;
  /**
   * The servers' own endpoints, past the counting proxy (equal to `settings`' without `count`): for what
   * a bench reads for itself and for the stream's poller (free in AWS), which the counts must not include.
   */
  direct: { dynamodbEndpoint: string; s3Endpoint: string; sesEndpoint: string };
  url: string;
  adminToken: string;
  /** Gateway lines: `METHOD /route → status (N ms)`. */
  gatewayLog: string[];
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  inbox(): Promise<SentEmail[]>;
  /** Counts since the last reset (empty unless started with `count`). */
  counts: Counts;
  resetCounts(): void;
  stop(): Promise<void>;
}

const add = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value);

type Capacity = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };

/** A counting pass-through on loopback to one server. DynamoDB requests are asked for their consumed capacity. */
async function startCountingProxy(kind: 'dynamodb' | 's3' | 'ses', target: string, counts: () => Counts): Promise<{ url: string; server: Server }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      const headers = { ...req.headers };
      let operation = '';
      if (kind === 'dynamodb') {
        operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
        try {
          const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
          // DynamoDB Local does not check signatures; asking for the capacity leaves the request otherwise unchanged.
          if (!parsed.ReturnConsumedCapacity) {
            parsed.ReturnConsumedCapacity = 'TOTAL';
            body = Buffer.from(JSON.stringify(parsed));
            headers['content-length'] = String(body.length);
          }
        } catch {
          // not JSON: forwarded as is
        }
      } else if (kind === 's3') {
        operation = req.method ?? 'unknown';
        if (req.method === 'PUT') add(counts().bytes, 's3 PUT', body.length);
      } else {
        operation = new URLSearchParams(body.toString('utf8')).get('Action') ?? `${req.method} ${req.url}`;
        add(counts().bytes, `ses ${operation}`, body.length);
      }
      add(counts().calls, `${kind} ${operation}`, 1);
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (upstreamResponse) => {
          const out: Buffer[] = [];
          upstreamResponse.on('data', (chunk: Buffer) => out.push(chunk));
          upstreamResponse.on('end', () => {
            const responseBody = Buffer.concat(out);
            if (kind === 'dynamodb') {
              try {
                const parsed = JSON.parse(responseBody.toString('utf8')) as { ConsumedCapacity?: Capacity | Capacity[] };
                const consumed = [parsed.ConsumedCapacity ?? []].flat();
                for (const capacity of consumed) add(counts().capacity, `dynamodb ${operation}`, capacity.CapacityUnits ?? 0);
              } catch {
                // an error body: no capacity
              }
            }
            res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
            res.end(responseBody);
          });
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, server };
}

async function retrying(act: () => Promise<void>, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      return await act();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export async function startLocalStack(options: { count?: boolean; log?: (line: string) => void } = {}): Promise<LocalStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'paraphe-load-'));
  const servers = await startServers({
    ports: { dynamodb: await freePort(), s3: await freePort(), ses: await freePort() },
    dataDir,
    persistent: false,
  });
  let counts = emptyCounts();
  const proxies: Server[] = [];
  const endpoint = async (kind: 'dynamodb' | 's3' | 'ses', url: string) => {
    if (!options.count) return url;
    const proxy = await startCountingProxy(kind, url, () => counts);
    proxies.push(proxy.server);
    return proxy.url;
  };
  const suffix = randomBytes(4).toString('hex');
  const settings: LocalStackSettings = {
    dynamodbEndpoint: await endpoint('dynamodb', servers.dynamodbEndpoint),
    s3Endpoint: await endpoint('s3', servers.s3Endpoint),
    sesEndpoint: await endpoint('ses', servers.sesEndpoint),
    sesInboxUrl: servers.sesEndpoint,
    gatewayUrl: '',
    tableName: `paraphe-load-${suffix}`,
    bucketName: `paraphe-load-${suffix}`,
    sealingP12Path: join(dataDir, 'sealing.p12'),
    tsaUrl: servers.tsa.url,
    oidcIssuer: servers.oidcIssuer,
    consoleSecretPath: ensureConsoleSecret(join(dataDir, 'console-secret.json')),
  };
  ensureSealingP12(settings.sealingP12Path, new Date(), { certificate: servers.tsa.caCertificate, key: servers.tsa.caKey, crlUrl: servers.tsa.crlUrl });
  // DynamoDB Local (Jetty) can answer an HTML 500 for a moment after its port opens: retried, bounded.
  await retrying(() => ensureTable(servers.dynamodbEndpoint, settings.tableName), 30_000);
  await retrying(() => ensureBucket(servers.s3Endpoint, settings.bucketName), 30_000);
  const gatewayLog: string[] = [];
  const gateway = await startGateway({
    root: PROJECT_ROOT,
    port: 0,
    adminAuth: { issuer: servers.oidcIssuer, audience: [DEFAULT_ADMIN_AUDIENCE] },
    // The load comes from many mayors through one loopback address: each request says whose it is.
    trustForwardedFor: true,
    log: (line) => {
      gatewayLog.push(line);
      options.log?.(line);
    },
  });
  settings.gatewayUrl = gateway.url;
  applyEnvironment(handlerEnvironment(settings));
  const adminToken = await machineToken(servers.oidcIssuer, ['gestionnaire', 'signataire']);

  return {
    settings,
    direct: { dynamodbEndpoint: servers.dynamodbEndpoint, s3Endpoint: servers.s3Endpoint, sesEndpoint: servers.sesEndpoint },
    url: gateway.url,
    adminToken,
    gatewayLog,
    async admin(method, path, body) {
      const response = await fetch(`${gateway.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(600_000),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: response.status, json };
    },
    async inbox() {
      const response = await fetch(`${servers.sesEndpoint}/store`, { signal: AbortSignal.timeout(60_000) });
      return ((await response.json()) as { emails: SentEmail[] }).emails;
    },
    get counts() {
      return counts;
    },
    resetCounts() {
      counts = emptyCounts();
    },
    async stop() {
      gateway.server.closeAllConnections();
      await gateway.close();
      for (const proxy of proxies) {
        proxy.closeAllConnections();
        await new Promise<void>((resolve) => proxy.close(() => resolve()));
      }
      await servers.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A valid UAI: seven digits and their check letter. */
export const uai = (digits: string): string => digits + uaiCheckLetter(digits);

/** A valid commune SIRET (Luhn): "21" + département + a serial, then the check digit. */
export function siret(departement: string, serial: number): string {
  const body = `21${departement}${String(serial).padStart(9, '0')}`; // 13 digits
  return body + siretCheckDigit(body);
}

export const campaignBody = (schoolYear: string) => ({
  schoolYear,
  feeCents: 4000,
  endDate: `${schoolYear.slice(5)}-09-05`,
  issuePlace: 'Montpellier',
  issueDate: new Date().toISOString().slice(0, 10),
  signatory: {
    name: 'Carole Drucker-Godard',
    title: "Rectrice de la région académique Occitanie, Rectrice de l'académie de Montpellier, Chancelière des universités",
  },
  linkValidityDays: 60,
});

/** Convention i of a synthetic campaign: a unique commune, SIRET, mayor address and two schools. */
export const conventionBody = (i: number, tag: string) => ({
  commune: { name: `Commune de charge ${i}`, siret: siret('34', 100_000 + i), address: `PLACE DE LA MAIRIE, 34${String(i % 1000).padStart(3, '0')} COMMUNE ${i}` },
  mayor: { name: `Maire ${i}`, title: 'Maire', email: `maire.${tag}.${i}@example.org` },
  schools: [
    { uai: uai(`034${String(2 * i).padStart(4, '0')}`), type: 'maternelle', name: '' },
    { uai: uai(`034${String(2 * i + 1).padStart(4, '0')}`), type: 'elementaire', name: 'JULES FERRY' },
  ],
});

/** The signing path of an invitation or reminder email. */
export const signingPathOf = (email: SentEmail): string | undefined => {
  const link = /https?:\/\/\S+?\/sign\/[A-Za-z0-9_-]+/.exec(email.body.text ?? '')?.[0];
  return link ? new URL(link).pathname : undefined;
};
