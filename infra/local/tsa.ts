/**
 * A local RFC 3161 time-stamping authority, for `npm start`, the tests and
 * the load stacks: POST application/timestamp-query → application/timestamp-reply.
 *
 * The replies are made by `openssl ts -reply`, OpenSSL's reference TSA, with a
 * configuration written here (SHA-256, ESSCertIDv2 signing-certificate-v2, an
 * accuracy, the nonce echoed, a serial kept in a file): a TSA written on
 * pkijs would be a second implementation of what the client (functions/adapters/tsa-client.ts)
 * checks, so a mistake common to both would pass unseen; OpenSSL's is
 * independent of it. The price is a process per request, fine locally.
 *
 * Its certificate (extendedKeyUsage timeStamping, critical) is issued by a
 * local test CA, both made once under the data directory. In AWS the TSA is
 * the one the académie chooses (README, "Evidence: the sealing certificate").
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stopChild, typeScriptEntryArgs } from './child-process.ts';

const run = promisify(execFile);

/** The policy the local TSA stamps under: an OID of the ITU's "example" arc, never a real policy. */
export const LOCAL_TSA_POLICY = '2.999.14.1';

export interface LocalTsaFiles {
  caCertificate: string;
  /** The local CA's key (unencrypted, test only): it issues the local sealing certificate too. */
  caKey: string;
  tsaCertificate: string;
  /** Where the CA publishes its CRL (GET, DER): the CRL distribution point of every certificate it issues. */
  crlUrl: string;
}

export interface LocalTsa extends LocalTsaFiles {
  url: string;
  /** Replies given so far. */
  served(): number;
  /** Revokes a certificate the local CA issued (PEM file): the next CRL lists it. Tests only. */
  revoke(certificatePem: string): void;
  close(): Promise<void>;
}

const openssl = (args: string[]) => {
  try {
    return execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('The local time-stamping authority needs OpenSSL 3 (`openssl`), not found: install it with `sudo apt-get install -y openssl`.');
    }
    throw error;
  }
};

/**
 * The local CA and the TSA's certificate, made once in `dir`. The TSA's certificate names `crlUrl` as its CRL
 * distribution point; one made for another URL (another port) is issued again.
 */
export function ensureTsaCertificates(dir: string, crlUrl: string): LocalTsaFiles & { dir: string } {
  mkdirSync(dir, { recursive: true });
  const file = (name: string) => join(dir, name);
  const issuedFor = existsSync(file('crl-url')) ? readFileSync(file('crl-url'), 'utf8') : undefined;
  if (issuedFor !== crlUrl) rmSync(file('tsa.pem'), { force: true });
  if (!existsSync(file('ca.pem'))) {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '3650', '-subj', '/CN=Paraphe - AC de test locale (non qualifiee)/O=Region academique Occitanie (developpement local)/C=FR', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  }
  if (!existsSync(file('tsa.pem'))) {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('tsa.key'), '-out', file('tsa.pem'), '-days', '3650', '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-subj', '/CN=Paraphe - horodatage local (non qualifie)/O=Region academique Occitanie (developpement local)/C=FR', '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=critical,timeStamping', '-addext', `crlDistributionPoints=URI:${crlUrl}`]);
    writeFileSync(file('crl-url'), crlUrl);
  }
  // What `openssl ca` needs to revoke and to publish a CRL (valid 7 days, made again at each request).
  writeFileSync(
    file('ca.cnf'),
    ['[ ca ]', 'default_ca = local', '[ local ]', `database = ${file('index.txt')}`, `crlnumber = ${file('crlnumber')}`, `certificate = ${file('ca.pem')}`, `private_key = ${file('ca.key')}`, 'default_md = sha256', 'default_crl_days = 7', ''].join('\n'),
  );
  if (!existsSync(file('index.txt'))) writeFileSync(file('index.txt'), '');
  if (!existsSync(file('crlnumber'))) writeFileSync(file('crlnumber'), '01\n');
  writeFileSync(
    file('tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = local',
      '[ local ]',
      `serial = ${file('tsa-serial')}`,
      'crypto_device = builtin',
      `signer_cert = ${file('tsa.pem')}`,
      `certs = ${file('ca.pem')}`,
      `signer_key = ${file('tsa.key')}`,
      'signer_digest = sha256',
      `default_policy = ${LOCAL_TSA_POLICY}`,
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'clock_precision_digits = 0',
      'ordering = yes',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      // ESSCertIDv2 (signing-certificate-v2) with SHA-256, as ETSI EN 319 422 asks.
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  if (!existsSync(file('tsa-serial'))) writeFileSync(file('tsa-serial'), '01\n');
  return { dir, caCertificate: file('ca.pem'), caKey: file('ca.key'), tsaCertificate: file('tsa.pem'), crlUrl };
}

/** The local CA's current CRL, DER: made by `openssl ca -gencrl` from its database of revoked certificates. */
function currentCrl(dir: string): Buffer {
  const pem = join(dir, 'ca.crl.pem');
  const der = join(dir, 'ca.crl');
  openssl(['ca', '-gencrl', '-config', join(dir, 'ca.cnf'), '-out', pem]);
  openssl(['crl', '-in', pem, '-outform', 'DER', '-out', der]);
  return readFileSync(der);
}

/** Starts the TSA on loopback; `port` 0 takes a free one. */
export async function startTsa(options: { dir: string; port: number }): Promise<LocalTsa> {
  // The certificates name the CRL's URL, hence the port: the server listens first, and answers once they exist.
  let files: (LocalTsaFiles & { dir: string }) | undefined;
  const work = mkdtempSync(join(tmpdir(), 'paraphe-tsa-'));
  let served = 0;
  let sequence = 0;
  // One reply at a time: openssl increments the serial file without a lock.
  let queue: Promise<unknown> = Promise.resolve();
  const reply = (query: Buffer): Promise<Buffer> => {
    const next = queue.then(async () => {
      const id = (sequence += 1);
      const queryFile = join(work, `${id}.tsq`);
      const replyFile = join(work, `${id}.tsr`);
      writeFileSync(queryFile, query);
      try {
        await run('openssl', ['ts', '-reply', '-config', join(files!.dir, 'tsa.cnf'), '-queryfile', queryFile, '-out', replyFile]);
        return readFileSync(replyFile);
      } finally {
        rmSync(queryFile, { force: true });
        rmSync(replyFile, { force: true });
      }
    });
    queue = next.catch(() => undefined);
    return next;
  };

  // A CRL stands until the next revocation, as a CA publishes one per period rather than one per request: made
  // again after `revoke`, or once half of its 7 days are gone. Each one is two openssl processes.
  let issued: { der: Buffer; until: number } | undefined;
  // `openssl ca` rewrites its crlnumber without a lock: one CRL at a time, in the replies' queue.
  const currentCrlOnce = (dir: string): Promise<Buffer> => {
    const next = queue.then(() => {
      if (issued && Date.now() < issued.until) return issued.der;
      const der = currentCrl(dir);
      issued = { der, until: Date.now() + 3.5 * 24 * 3600 * 1000 };
      return der;
    });
    queue = next.catch(() => undefined);
    return next;
  };

  const server: Server = createServer((request, response) => {
    if (!files) {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('starting');
      return;
    }
    if (request.method === 'GET' && request.url === '/ca.crl') {
      currentCrlOnce(files.dir).then(
        (crl) => response.writeHead(200, { 'content-type': 'application/pkix-crl', 'content-length': crl.length }).end(crl),
        () => response.writeHead(500, { 'content-type': 'text/plain' }).end('no CRL'),
      );
      return;
    }
    if (request.method === 'GET' && request.url === '/ca.pem') {
      response.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(readFileSync(files.caCertificate));
      return;
    }
    if (request.method !== 'POST' || request.headers['content-type'] !== 'application/timestamp-query') {
      response.writeHead(415, { 'content-type': 'text/plain' }).end('POST application/timestamp-query');
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      reply(Buffer.concat(chunks)).then(
        (body) => {
          served += 1;
          response.writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': body.length }).end(body);
        },
        () => response.writeHead(400, { 'content-type': 'text/plain' }).end('bad timestamp query'),
      );
    });
  });
  // Idle keep-alive sockets are closed by the client (undici: 4 s) before the server would: a server closing one
  // while a busy client reuses it answers "other side closed".
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}/`;
  try {
    files = ensureTsaCertificates(options.dir, `${url}ca.crl`);
  } catch (error) {
    server.close();
    throw error;
  }
  const ready = files;
  return {
    url,
    caCertificate: ready.caCertificate,
    caKey: ready.caKey,
    tsaCertificate: ready.tsaCertificate,
    crlUrl: ready.crlUrl,
    served: () => served,
    revoke: (certificatePem) => {
      openssl(['ca', '-config', join(ready.dir, 'ca.cnf'), '-revoke', certificatePem, '-crl_reason', 'keyCompromise']);
      issued = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(work, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

/** The TSA as its own process (tsa-server.ts): what `startServers` runs. */
export type LocalTsaProcess = Pick<LocalTsa, 'url' | 'caCertificate' | 'caKey' | 'tsaCertificate' | 'crlUrl' | 'close'> & { pid: number };

/**
 * Starts the TSA in a small process of its own (see tsa-server.ts for why), on `port` (0: a free one), and
 * resolves once it answers.
 */
export function startTsaProcess(options: { dir: string; port: number; log?: (line: string) => void }): Promise<LocalTsaProcess> {
  const entry = fileURLToPath(new URL('./tsa-server.ts', import.meta.url));
  const child = spawn(process.execPath, [...typeScriptEntryArgs(), entry, options.dir, String(options.port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const errors: string[] = [];
  child.stderr.on('data', (data: Buffer) => {
    const text = data.toString().trimEnd();
    errors.push(text);
    options.log?.(`[tsa] ${text}`);
  });
  const close = () => stopChild(child);
  return new Promise<LocalTsaProcess>((resolve, reject) => {
    let line = '';
    const onData = (data: Buffer) => {
      line += data.toString();
      const end = line.indexOf('\n');
      if (end < 0) return;
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      resolve({ ...(JSON.parse(line.slice(0, end)) as LocalTsaFiles & { url: string }), pid: child.pid!, close });
    };
    const onExit = (code: number | null) => reject(new Error(`The local time-stamping authority stopped before answering (exit ${code}): ${errors.join(' ')}`));
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });
}
