/**
 * An RFC 3161 client: asks the time-stamping authority at TSA_URL for a token
 * over a SHA-256 digest (with a nonce and its certificate), and accepts only a
 * granted token that stamps that digest, echoes that nonce and is signed by
 * the certificate it carries. Anything else is a TimestampUnavailableError:
 * the seal fails and its job retries later, so no document is stored without
 * its timestamp.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Timestamper } from '../use-cases/ports.ts';

const SHA256 = '2.16.840.1.101.3.4.2.1';
const TIMEOUT_MS = 10_000;

/**
 * The TSA could not be reached, or did not grant a token that stamps what was asked. The job that seals
 * retries later (functions/use-cases/jobs/run-job.ts); its message, in French, is what the rectorat reads.
 */
export class TimestampUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`Horodatage indisponible : ${message}`, options);
    this.name = 'TimestampUnavailableError';
  }
}

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
const equal = (a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array) => Buffer.from(a as ArrayBuffer).equals(Buffer.from(b as ArrayBuffer));

export function createTsaClient(url: string, fetchImpl: typeof fetch = fetch): Timestamper {
  return {
    async timestamp(data) {
      const digest = createHash('sha256').update(data).digest();
      // A positive nonce of 64 bits in minimal DER: its first byte 0x01–0x7f (no sign byte needed, and never a
      // leading zero, which a strict TSA such as OpenSSL's refuses as a bad request: 1 query in 128 otherwise).
      const nonce = randomBytes(8);
      nonce[0] = nonce[0]! & 0x7f || 0x01;
      const request = new pkijs.TimeStampReq({
        version: 1,
        messageImprint: new pkijs.MessageImprint({
          hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 }),
          hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(digest) }),
        }),
        nonce: new asn1js.Integer({ valueHex: toArrayBuffer(nonce) }),
        certReq: true,
      });
      let body: ArrayBuffer;
      try {
        const response = await fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/timestamp-query' },
          body: Buffer.from(request.toSchema().toBER()),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        if (!response.ok) throw new TimestampUnavailableError(`l’autorité d’horodatage ${url} a répondu HTTP ${response.status}`);
        body = await response.arrayBuffer();
      } catch (error) {
        if (error instanceof TimestampUnavailableError) throw error;
        throw new TimestampUnavailableError(`l’autorité d’horodatage ${url} ne répond pas (${(error as Error).message})`, { cause: error });
      }
      return checkedToken(body, data, digest, nonce);
    },
  };
}

async function checkedToken(body: ArrayBuffer, data: Uint8Array, digest: Uint8Array, nonce: Uint8Array): Promise<Uint8Array> {
  let response: pkijs.TimeStampResp;
  try {
    response = pkijs.TimeStampResp.fromBER(body);
  } catch (error) {
    throw new TimestampUnavailableError('la réponse n’est pas une réponse d’horodatage (RFC 3161)', { cause: error });
  }
  // 0 granted, 1 granted with modifications; anything else is a refusal.
  if (response.status.status > 1 || !response.timeStampToken) {
    const text = response.status.statusStrings?.map((s) => s.valueBlock.value).join(' ') ?? '';
    throw new TimestampUnavailableError(`l’autorité d’horodatage a refusé (statut ${response.status.status}${text ? ` : ${text}` : ''})`);
  }
  const signedData = new pkijs.SignedData({ schema: response.timeStampToken.content });
  const info = pkijs.TSTInfo.fromBER(signedData.encapContentInfo.eContent!.getValue());
  if (info.messageImprint.hashAlgorithm.algorithmId !== SHA256 || !equal(info.messageImprint.hashedMessage.valueBlock.valueHexView, digest)) {
    throw new TimestampUnavailableError('le jeton horodate une autre empreinte que celle demandée');
  }
  if (!info.nonce || !equal(info.nonce.valueBlock.valueHexView, nonce)) throw new TimestampUnavailableError('le jeton ne reprend pas le nonce de la demande');
  // pkijs checks the imprint against `data` again, and the signature with the certificate the token carries.
  const verified = await signedData.verify({ signer: 0, checkChain: false, data: toArrayBuffer(data) }).catch(() => false);
  if (!verified) throw new TimestampUnavailableError('la signature du jeton ne se vérifie pas avec le certificat qu’il porte');
  return new Uint8Array(response.timeStampToken.toSchema().toBER());
}

/**
 * The certificates a token carries (the TSA's, and the chain it sends with it), DER: the bytes as the token
 * holds them, read from its ASN.1 tree (ContentInfo, [0] SignedData, its [0] certificates), rather than each
 * certificate made into a pkijs object and encoded again. Of the choices a CertificateSet allows, only the
 * X.509 certificates (a SEQUENCE; the other choices are tagged [0] to [3]).
 */
export function tokenCertificates(token: Uint8Array): Uint8Array[] {
  const { result, offset } = asn1js.fromBER(toArrayBuffer(token));
  if (offset === -1) throw new Error(`not a time-stamp token: ${result.error}`);
  const [, explicit] = (result as asn1js.Sequence).valueBlock.value;
  const signedData = (explicit as asn1js.Constructed | undefined)?.valueBlock.value[0] as asn1js.Sequence | undefined;
  const certificates = signedData?.valueBlock.value.find((item) => item.idBlock.tagClass === CONTEXT && item.idBlock.tagNumber === 0) as asn1js.Constructed | undefined;
  return (certificates?.valueBlock.value ?? [])
    .filter((item) => item.idBlock.tagClass === UNIVERSAL && item.idBlock.tagNumber === SEQUENCE)
    .map((certificate) => new Uint8Array(certificate.valueBeforeDecodeView));
}

const UNIVERSAL = 1;
const CONTEXT = 3;
const SEQUENCE = 16;
