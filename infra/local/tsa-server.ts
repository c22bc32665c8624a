/**
 * The local TSA (tsa.ts) in a process of its own, as servers.ts starts it: `node tsa-server.ts DIR PORT`.
 *
 * Each reply is an `openssl ts` process. Started from this small process rather than from the one that runs
 * the servers (vitest's own process in the tests, hundreds of MB), each costs the fork of a small process, and
 * the large process's event loop (the S3 guard, the OpenID provider, vitest's messages) never stops for one.
 *
 * Prints its endpoints and files as one JSON line once it answers; ends on SIGTERM, or when its parent is gone
 * (its stdin closes).
 */
import { startTsa } from './tsa.ts';

const [dir, port] = process.argv.slice(2);
if (!dir) throw new Error('usage: tsa-server.ts DIR [PORT]');
const tsa = await startTsa({ dir, port: Number(port ?? 0) });
const { url, caCertificate, caKey, tsaCertificate, crlUrl } = tsa;
process.stdout.write(`${JSON.stringify({ url, caCertificate, caKey, tsaCertificate, crlUrl })}\n`);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void tsa.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.stdin.once('end', stop).resume();
