/**
 * A plain HTTP proxy in front of s3rver that refuses what S3 refuses for the
 * documents bucket and s3rver lets through, and records what it is sent:
 *
 * - a PutObject with neither Content-MD5 nor an x-amz-checksum-* header gets
 *   the 400 InvalidRequest of a bucket under Object Lock;
 * - a checksum that is not the body's gets 400 BadDigest;
 * - `If-None-Match: *` (S3's conditional write) gets 412 PreconditionFailed
 *   when the key exists: the proxy HEADs s3rver first, under a lock per key,
 *   so of two racing creates one passes;
 * - every request is recorded (method, bucket, key, the headers that matter)
 *   and readable at `GET /_guard/requests?bucket=<name>`, for the tests.
 *
 * Requests are forwarded unchanged (presigned URLs keep their query-string
 * signature, signed requests their headers), bodies buffered: documents are
 * a few megabytes at most (imports 20 MB).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';

export interface RecordedS3Request {
  at: string;
  method: string;
  bucket: string;
  key: string;
  /** Names of the query parameters (a presigned URL's X-Amz-*, versionId …). */
  query: string[];
  /** Query-string authentication: a presigned URL. */
  presigned: boolean;
  /** The headers that say how a write is checked and conditioned, lowercased. */
  headers: Record<string, string>;
  status: number;
}

export interface S3Guard {
  url: string;
  close(): Promise<void>;
}

/** The message S3 gives a PutObject without a checksum on a bucket with Object Lock. */
export const CHECKSUM_REQUIRED = 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters';

const RECORDED_HEADERS = /^(content-md5|content-length|content-type|content-encoding|if-none-match|if-match|x-amz-checksum-.*|x-amz-sdk-checksum-algorithm|x-amz-content-sha256|x-amz-trailer|x-amz-decoded-content-length)$/;
/** Per bucket, the latest ones: a dev stack runs for days. */
const MAX_RECORDS = 10_000;

const DIGESTS: Record<string, { label: string; of: (body: Buffer) => string }> = {
  sha256: { label: 'SHA256', of: (body) => createHash('sha256').update(body).digest('base64') },
  sha1: { label: 'SHA1', of: (body) => createHash('sha1').update(body).digest('base64') },
  crc32: {
    label: 'CRC32',
    of: (body) => {
      const value = Buffer.alloc(4);
      value.writeUInt32BE(crc32(body));
      return value.toString('base64');
    },
  },
};

function s3Error(response: ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
  const fields = Object.entries({ Code: code, Message: message, ...extra, RequestId: randomBytes(8).toString('hex').toUpperCase() })
    .map(([name, value]) => `<${name}>${value.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${name}>`)
    .join('');
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${fields}</Error>`;
  response.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

const readBody = (request: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

/** What is wrong with a PutObject's checksums, as S3 would say it; undefined when S3 takes it. */
function checksumRefusal(headers: IncomingHttpHeaders, body: Buffer): { status: number; code: string; message: string } | undefined {
  const contentEncoding = String(headers['content-encoding'] ?? '');
  if (contentEncoding.includes('aws-chunked') || String(headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-')) {
    // S3 takes these; s3rver stores the chunk framing as the object's bytes. Paraphe sends its checksums as headers.
    return { status: 501, code: 'NotImplemented', message: 'aws-chunked uploads are not supported locally (s3rver stores them corrupted): send the checksum as a header' };
  }
  const md5 = headers['content-md5'];
  const checksums = Object.keys(headers).filter((name) => /^x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)$/.test(name));
  const algorithm = headers['x-amz-sdk-checksum-algorithm'];
  if (algorithm && !headers[`x-amz-checksum-${String(algorithm).toLowerCase()}`]) {
    return { status: 400, code: 'InvalidRequest', message: `x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.` };
  }
  if (md5 === undefined && checksums.length === 0) return { status: 400, code: 'InvalidRequest', message: CHECKSUM_REQUIRED };
  if (md5 !== undefined && createHash('md5').update(body).digest('base64') !== md5) {
    return { status: 400, code: 'BadDigest', message: 'The Content-MD5 you specified did not match what we received.' };
  }
  for (const name of checksums) {
    const digest = DIGESTS[name.slice('x-amz-checksum-'.length)];
    // CRC32C and CRC64NVME have no implementation in Node: taken as sent.
    if (digest && digest.of(body) !== headers[name]) {
      return { status: 400, code: 'BadDigest', message: `The ${digest.label} you specified did not match the calculated checksum.` };
    }
  }
  return undefined;
}

export async function startS3Guard(options: { target: string; port: number; host?: string }): Promise<S3Guard> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const records = new Map<string, RecordedS3Request[]>();
  const locks = new Map<string, Promise<void>>();

  /** One create at a time per key: a HEAD then a PUT is atomic for the requests that pass here. */
  async function underLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    while (locks.has(name)) await locks.get(name);
    let release!: () => void;
    locks.set(name, new Promise<void>((resolve) => (release = resolve)));
    try {
      return await work();
    } finally {
      locks.delete(name);
      release();
    }
  }

  /** Forwards a request to s3rver as it came (headers, path, query), with the buffered body; resolves once answered. */
  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer | undefined, response?: ServerResponse) =>
    new Promise<number>((resolve, reject) => {
      const outgoing = { ...headers };
      // The body goes whole: no chunking, no 100-continue (neither is signed).
      delete outgoing['transfer-encoding'];
      delete outgoing.expect;
      if (body) outgoing['content-length'] = String(body.length);
      const upstream = httpRequest({ host: target.hostname, port: target.port, method, path, headers: outgoing, agent }, (answer) => {
        const status = answer.statusCode ?? 502;
        if (!response) {
          answer.resume();
          answer.on('end', () => resolve(status));
          return;
        }
        response.writeHead(status, answer.headers);
        answer.pipe(response);
        answer.on('end', () => resolve(status));
        answer.on('error', reject);
      });
      upstream.on('error', reject);
      upstream.end(body && body.length > 0 ? body : undefined);
    });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<number> {
    const url = new URL(request.url ?? '/', 'http://guard');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const method = request.method ?? 'GET';
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(request);
    const objectPut = method === 'PUT' && key !== '' && !request.headers['x-amz-copy-source'] && !url.searchParams.has('uploadId') && [...url.searchParams.keys()].every((name) => /^(x-amz-|x-id$)/i.test(name));
    if (!objectPut) return forward(method, request.url ?? '/', request.headers, body, response);

    const refusal = checksumRefusal(request.headers, body ?? Buffer.alloc(0));
    if (refusal) {
      s3Error(response, refusal.status, refusal.code, refusal.message);
      return refusal.status;
    }
    const noneMatch = request.headers['if-none-match'];
    if (noneMatch === undefined) return forward(method, request.url ?? '/', request.headers, body, response);
    if (noneMatch !== '*') {
      s3Error(response, 501, 'NotImplemented', 'A header you provided implies functionality that is not implemented', { Header: 'If-None-Match' });
      return 501;
    }
    return underLock(`${bucket}/${key}`, async () => {
      // Unsigned: s3rver serves anonymous requests. The object's path as the client encoded it.
      const exists = (await forward('HEAD', url.pathname, { host: request.headers.host ?? target.host }, undefined)) === 200;
      if (exists) {
        s3Error(response, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-None-Match' });
        return 412;
      }
      return forward(method, request.url ?? '/', request.headers, body, response);
    });
  }

  function control(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://guard');
    const bucket = url.searchParams.get('bucket');
    if (request.method === 'DELETE') {
      if (bucket === null) records.clear();
      else records.delete(bucket);
      response.writeHead(204).end();
      return;
    }
    const body = JSON.stringify(bucket === null ? [...records.values()].flat() : (records.get(bucket) ?? []));
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  }

  const server = createServer((request, response) => {
    if (request.url?.startsWith('/_guard/requests')) return control(request, response);
    const url = new URL(request.url ?? '/', 'http://guard');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const record: RecordedS3Request = {
      at: new Date().toISOString(),
      method: request.method ?? 'GET',
      bucket,
      key: decodeURIComponent(rest.join('/')),
      query: [...url.searchParams.keys()],
      presigned: url.searchParams.has('X-Amz-Algorithm') || url.searchParams.has('Signature'),
      headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => RECORDED_HEADERS.test(name)).map(([name, value]) => [name, String(value)])),
      status: 0,
    };
    const keep = (status: number) => {
      record.status = status;
      const list = records.get(bucket) ?? [];
      list.push(record);
      if (list.length > MAX_RECORDS) list.splice(0, list.length - MAX_RECORDS);
      records.set(bucket, list);
    };
    handle(request, response).then(
      (status) => keep(status),
      (error: Error) => {
        keep(502);
        if (!response.headersSent) s3Error(response, 502, 'BadGateway', `s3rver did not answer: ${error.message}`);
        else response.destroy(error);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}
