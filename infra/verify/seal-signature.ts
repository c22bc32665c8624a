/**
 * The seal of a PDF, checked on the file alone: its /ByteRange and /Contents,
 * the CMS SignedData in /Contents verified over the bytes the range covers
 * (pkijs, no chain to a trusted root: that is pdfsig's and the reader's
 * business), and a signature timestamp when the SignerInfo carries one
 * (unsigned attribute 1.2.840.113549.1.9.16.2.14): its message imprint must be
 * the SHA-256 of the signature value, and its own CMS signature must verify.
 */
import { createHash, webcrypto } from 'node:crypto';
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { lastSignatureField, parseDer, SIGNATURE_TIMESTAMP_OID, signedDataOf } from '../../functions/adapters/seal-contents.ts';

pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));

export type SealCheck =
  | { kind: 'none' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'valid'; coversWholeFile: boolean; signer: string; signerCertificate: Uint8Array | undefined; timestamp: { kind: 'none' } | TimestampCheck };

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer as ArrayBuffer;

async function verifies(signed: pkijs.SignedData, data?: ArrayBuffer): Promise<{ ok: boolean; reason: string; signer: string; certificate: Uint8Array | undefined }> {
  try {
    const result = await signed.verify({ signer: 0, ...(data ? { data } : {}), checkChain: false, extendedMode: true });
    const signer = result.signerCertificate?.subject.typesAndValues.map((entry) => entry.value.valueBlock.value).join(', ') ?? '?';
    const certificate = result.signerCertificate ? new Uint8Array(result.signerCertificate.toSchema().toBER()) : undefined;
    return { ok: result.signatureVerified === true, reason: result.message || 'signature invalide', signer, certificate };
  } catch (error) {
    const reason = typeof error === 'object' && error && 'message' in error ? String((error as { message: unknown }).message) : String(error);
    return { ok: false, reason, signer: '?', certificate: undefined };
  }
}

/** A valid token gives its time and the TSA's certificate that signed it (DER). */
export type TimestampCheck = { kind: 'valid'; genTime: string; tsaCertificate: Uint8Array | undefined } | { kind: 'invalid'; reason: string };

/**
 * An RFC 3161 token (a CMS SignedData holding a TSTInfo) checked against the bytes it should stamp:
 * its message imprint is their SHA-256, and its own signature verifies.
 */
export async function checkTimestampToken(token: asn1js.AsnType, stamped: Uint8Array, what: string): Promise<TimestampCheck> {
  try {
    const signed = signedDataOf(token);
    const content = signed.encapContentInfo.eContent;
    if (!content) return { kind: 'invalid', reason: "le jeton d'horodatage n'a pas de contenu" };
    const tstInfo = pkijs.TSTInfo.fromBER(content.getValue());
    const imprint = Buffer.from(tstInfo.messageImprint.hashedMessage.valueBlock.valueHexView).toString('hex');
    const expected = createHash('sha256').update(stamped).digest('hex');
    if (tstInfo.messageImprint.hashAlgorithm.algorithmId !== '2.16.840.1.101.3.4.2.1') {
      return { kind: 'invalid', reason: `empreinte du jeton en ${tstInfo.messageImprint.hashAlgorithm.algorithmId}, pas en SHA-256` };
    }
    if (imprint !== expected) return { kind: 'invalid', reason: `le jeton d'horodatage ne porte pas sur ${what} (empreinte différente)` };
    // For a TSTInfo, pkijs wants the stamped bytes: it checks the imprint against them again, then the signature.
    const verified = await verifies(signed, toArrayBuffer(Uint8Array.from(stamped)));
    if (!verified.ok) return { kind: 'invalid', reason: `signature du jeton invalide : ${verified.reason}` };
    return { kind: 'valid', genTime: tstInfo.genTime.toISOString(), tsaCertificate: verified.certificate };
  } catch (error) {
    return { kind: 'invalid', reason: `jeton d'horodatage illisible : ${(error as Error).message}` };
  }
}

/** A token file (DER) checked against the file it stamps. */
export async function checkTimestampFile(token: Uint8Array, stamped: Uint8Array, what: string): Promise<TimestampCheck> {
  try {
    return await checkTimestampToken(parseDer(token), stamped, what);
  } catch (error) {
    return { kind: 'invalid', reason: `jeton d'horodatage illisible : ${(error as Error).message}` };
  }
}

async function checkTimestamp(signerInfo: pkijs.SignerInfo): Promise<Extract<SealCheck, { kind: 'valid' }>['timestamp']> {
  const attribute = signerInfo.unsignedAttrs?.attributes.find((entry) => entry.type === SIGNATURE_TIMESTAMP_OID);
  if (!attribute) return { kind: 'none' };
  return checkTimestampToken(attribute.values[0] as asn1js.AsnType, signerInfo.signature.valueBlock.valueHexView, 'cette signature');
}

export async function checkSeal(pdf: Uint8Array): Promise<SealCheck> {
  const field = lastSignatureField(pdf);
  if (!field) return { kind: 'none' };
  const [start1, length1, start2, length2] = field.byteRange;
  if (start1 !== 0 || start2 + length2 > pdf.length || start1 + length1 > start2) return { kind: 'invalid', reason: '/ByteRange incohérent' };
  if (field.contents.length === 0) return { kind: 'invalid', reason: '/Contents illisible' };
  let signed: pkijs.SignedData;
  try {
    signed = signedDataOf(parseDer(field.contents));
  } catch (error) {
    return { kind: 'invalid', reason: `CMS illisible : ${(error as Error).message}` };
  }
  const covered = new Uint8Array(length1 + length2);
  covered.set(pdf.subarray(start1, start1 + length1), 0);
  covered.set(pdf.subarray(start2, start2 + length2), length1);
  const verified = await verifies(signed, toArrayBuffer(covered));
  if (!verified.ok) return { kind: 'invalid', reason: verified.reason };
  const signerInfo = signed.signerInfos[0]!;
  return { kind: 'valid', coversWholeFile: start2 + length2 === pdf.length, signer: verified.signer, signerCertificate: verified.certificate, timestamp: await checkTimestamp(signerInfo) };
}
