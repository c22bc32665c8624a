/**
 * What a sealed PDF holds, read from the file alone: its last signature field
 * (/ByteRange and the CMS in /Contents), the signature time-stamp token of that
 * CMS, and the DSS dictionary's certificates and CRLs. The proof file
 * (evidence.zip) lays them out for OpenSSL; `npm run verify` checks them.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef } from 'pdf-lib';
import * as pkijs from 'pkijs';
import type { SealContentsReader } from '../use-cases/ports.ts';
import { certificateOf, isSelfSigned } from './x509.ts';

export const SIGNATURE_TIMESTAMP_OID = '1.2.840.113549.1.9.16.2.14';

export interface SignatureField {
  byteRange: [number, number, number, number];
  contents: Uint8Array;
}

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer => new Uint8Array(bytes).buffer;

/** The last signature field of the file (the seal is the last signature: nothing is added after it). */
export function lastSignatureField(pdf: Uint8Array): SignatureField | undefined {
  const text = Buffer.from(pdf).toString('latin1');
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = ranges.at(-1);
  if (!last) return undefined;
  const byteRange = last.slice(1, 5).map(Number) as SignatureField['byteRange'];
  // /Contents is the hex string in the gap between the two ranges: <…>.
  const gap = text.slice(byteRange[0] + byteRange[1], byteRange[2]);
  const hex = /^<([0-9A-Fa-f\s]*)>$/.exec(gap.trim())?.[1]?.replace(/\s+/g, '');
  if (hex === undefined) return { byteRange, contents: new Uint8Array() };
  return { byteRange, contents: Uint8Array.from(Buffer.from(hex, 'hex')) };
}

/** The first DER element of `bytes` (a /Contents is padded with zeros after it). */
export function parseDer(bytes: Uint8Array): asn1js.AsnType {
  const parsed = asn1js.fromBER(toArrayBuffer(bytes));
  if (parsed.offset === -1) throw new Error('ASN.1 illisible');
  return parsed.result;
}

export function signedDataOf(der: asn1js.AsnType): pkijs.SignedData {
  const info = new pkijs.ContentInfo({ schema: der });
  if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error(`CMS de type ${info.contentType}, pas SignedData`);
  return new pkijs.SignedData({ schema: info.content });
}

/** The seal's signature time-stamp token (DER) and the SHA-256 (hex) of the signature value it stamps. */
export function sealToken(pdf: Uint8Array): { token: Uint8Array; stampedSha256: string } | undefined {
  const field = lastSignatureField(pdf);
  if (!field || field.contents.length === 0) return undefined;
  const signerInfo = signedDataOf(parseDer(field.contents)).signerInfos[0];
  const attribute = signerInfo?.unsignedAttrs?.attributes.find((entry) => entry.type === SIGNATURE_TIMESTAMP_OID);
  if (!signerInfo || !attribute) return undefined;
  return {
    token: new Uint8Array((attribute.values[0] as asn1js.AsnType).toBER()),
    stampedSha256: createHash('sha256').update(signerInfo.signature.valueBlock.valueHexView).digest('hex'),
  };
}

/** The DSS dictionary's certificates and CRLs (DER), or undefined when the PDF has none. */
export async function dssOf(pdf: Uint8Array): Promise<{ certificates: Uint8Array[]; crls: Uint8Array[] } | undefined> {
  const document = await PDFDocument.load(pdf, { updateMetadata: false, ignoreEncryption: true });
  const dss = document.catalog.lookupMaybe(PDFName.of('DSS'), PDFDict);
  if (!dss) return undefined;
  const streams = (key: string): Uint8Array[] => {
    const array = dss.lookupMaybe(PDFName.of(key), PDFArray);
    if (!array) return [];
    return array.asArray().map((item) => {
      const stream = item instanceof PDFRef ? document.context.lookup(item) : item;
      if (!(stream instanceof PDFRawStream)) throw new Error(`/DSS /${key} contient autre chose qu'un flux`);
      return decodePDFRawStream(stream).decode();
    });
  };
  return { certificates: streams('Certs'), crls: streams('CRLs') };
}

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The SealContentsReader port: what the proof file lays out of a sealed PDF. */
export const sealContentsReader: SealContentsReader = {
  async read(pdf) {
    const sealed = lastSignatureField(pdf) !== undefined;
    const timestamp = sealed ? sealToken(pdf) : undefined;
    const dss = sealed ? await dssOf(pdf) : undefined;
    const certificates = await Promise.all(
      (dss?.certificates ?? []).map(async (der) => ({ der, sha256: sha256Hex(der), root: await isSelfSigned(certificateOf(der)) })),
    );
    return { sealed, ...(timestamp ? { timestamp } : {}), certificates, crls: (dss?.crls ?? []).map((der) => ({ der, sha256: sha256Hex(der) })) };
  },
};
