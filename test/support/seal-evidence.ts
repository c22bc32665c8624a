/**
 * What a seal holds, read from the sealed PDF the way a verifier does: the CMS
 * in the /ByteRange gap, its signature value and its time-stamp token, checked
 * with OpenSSL (independent of the pkijs that built them).
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export const SIGNATURE_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';

/** The DER CMS of the (last) signature: the hex between the two signed ranges, its zero padding dropped. */
export function sealCms(pdf: Uint8Array): Buffer {
  const text = Buffer.from(pdf).toString('latin1');
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const [, gapStart, gapEnd] = ranges.at(-1)!.slice(1).map(Number) as [number, number, number, number];
  // Between « < » and « > »: the DER, then zeros up to the placeholder's size. The DER's own length says where it ends.
  const padded = Buffer.from(text.slice(gapStart + 1, gapEnd - 1), 'hex');
  const parsed = asn1js.fromBER(new Uint8Array(padded).buffer);
  if (parsed.offset === -1) throw new Error(`No CMS in the /ByteRange gap: ${parsed.result.error}`);
  return padded.subarray(0, parsed.offset);
}

export interface SealTimestamp {
  signatureValue: Buffer;
  token: Buffer | undefined;
}

export function sealTimestamp(pdf: Uint8Array): SealTimestamp {
  const contentInfo = pkijs.ContentInfo.fromBER(new Uint8Array(sealCms(pdf)).buffer);
  const signerInfo = new pkijs.SignedData({ schema: contentInfo.content }).signerInfos[0]!;
  const attribute = signerInfo.unsignedAttrs?.attributes.find((item) => item.type === SIGNATURE_TIMESTAMP_TOKEN);
  return {
    signatureValue: Buffer.from(signerInfo.signature.valueBlock.valueHexView),
    token: attribute ? Buffer.from(attribute.values[0]!.toBER()) : undefined,
  };
}

/** `openssl cms -cmsout -print` of the seal's CMS. */
export function printedCms(pdf: Uint8Array): string {
  const file = join(mkdtempSync(join(tmpdir(), 'paraphe-cms-')), 'seal.p7s');
  writeFileSync(file, sealCms(pdf));
  const run = spawnSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file], { encoding: 'utf8' });
  return run.stdout + run.stderr;
}

/** `openssl ts -verify` of the seal's token against the SHA-256 of its signature value: OpenSSL's verdict, stdout and stderr. */
export function verifiedTimestamp(pdf: Uint8Array, files: { caCertificate: string; tsaCertificate: string }): { ok: boolean; output: string } {
  const { signatureValue, token } = sealTimestamp(pdf);
  if (!token) return { ok: false, output: 'no signature time-stamp token' };
  const file = join(mkdtempSync(join(tmpdir(), 'paraphe-tst-')), 'token.der');
  writeFileSync(file, token);
  const digest = createHash('sha256').update(signatureValue).digest('hex');
  const run = spawnSync('openssl', ['ts', '-verify', '-digest', digest, '-token_in', '-in', file, '-CAfile', files.caCertificate, '-untrusted', files.tsaCertificate], { encoding: 'utf8' });
  return { ok: run.status === 0 && run.stdout.includes('Verification: OK'), output: run.stdout + run.stderr };
}
