/**
 * The CMS of a PAdES baseline B-T seal (ETSI EN 319 142-1), for @signpdf:
 * a detached SignedData over the PDF's byte range whose SignerInfo has the
 * signed attributes PAdES asks for (content-type, message-digest,
 * signing-certificate-v2; no signing-time: the claimed time is the signature
 * dictionary's /M) and, unsigned, the signature time-stamp token
 * (id-aa-signatureTimeStampToken) that a TSA gave over its signature value.
 * @signpdf's P12Signer writes a signing-time attribute and cannot add an
 * unsigned one, hence this signer.
 */
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { Signer } from '@signpdf/utils';
import * as asn1js from 'asn1js';
import forge from 'node-forge';
import * as pkijs from 'pkijs';
import type { Timestamper } from '../use-cases/ports.ts';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
} as const;

export interface SigningKey {
  /** PKCS#8 PEM of an RSA key. */
  privateKeyPem: string;
  /** The signer's certificate first, then any chain the bundle holds (DER). */
  certificates: Uint8Array[];
}

/** The key and certificates of a PKCS#12 bundle. */
export function signingKeyFromP12(p12: Uint8Array, passphrase: string): SigningKey {
  const bundle = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(Buffer.from(p12).toString('binary')), passphrase);
  const keyBagType = forge.pki.oids.pkcs8ShroudedKeyBag as string;
  const certBagType = forge.pki.oids.certBag as string;
  const keyBag = bundle.getBags({ bagType: keyBagType })[keyBagType]?.[0];
  const certBags = bundle.getBags({ bagType: certBagType })[certBagType] ?? [];
  if (!keyBag?.key || certBags.length === 0) throw new Error('The sealing PKCS#12 bundle holds no key or no certificate');
  const der = (certificate: forge.pki.Certificate) => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
  const keyModulus = (keyBag.key as forge.pki.rsa.PrivateKey).n;
  // The signer's certificate is the one of the key, wherever the bundle put it.
  const ordered = [...certBags].sort((a, b) => Number((b.cert!.publicKey as forge.pki.rsa.PublicKey).n.equals(keyModulus)) - Number((a.cert!.publicKey as forge.pki.rsa.PublicKey).n.equals(keyModulus)));
  return {
    privateKeyPem: forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key))),
    certificates: ordered.map((bag) => der(bag.cert!)),
  };
}

const arrayBuffer = (bytes: Uint8Array): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

function attribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** DER orders a SET OF by its members' encodings; verifiers that re-encode (OpenSSL) would otherwise see other bytes. */
function derSorted(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  const encoded = attributes.map((item) => ({ item, der: Buffer.from(item.toSchema().toBER()) }));
  return encoded.sort((a, b) => Buffer.compare(a.der, b.der)).map(({ item }) => item);
}

export class CadesTimestampedSigner extends Signer {
  constructor(
    private readonly key: SigningKey,
    private readonly timestamper: Timestamper,
  ) {
    super();
  }

  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    const [signerDer, ...chainDer] = this.key.certificates;
    const signer = pkijs.Certificate.fromBER(arrayBuffer(signerDer!));
    const essCertIdV2 = new asn1js.Sequence({
      // hashAlgorithm is SHA-256 by default, and a DEFAULT value is absent in DER.
      value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: arrayBuffer(sha256(signerDer!)) })] })] })],
    });
    const signedAttributes = derSorted([
      attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })),
      attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: arrayBuffer(sha256(pdfBuffer)) })),
      attribute(OID.signingCertificateV2, essCertIdV2),
    ]);
    // The signature covers the signed attributes encoded as a SET OF (RFC 5652, 5.4).
    const toSign = new asn1js.Set({ value: signedAttributes.map((item) => item.toSchema()) }).toBER();
    const signature = sign('sha256', Buffer.from(toSign), createPrivateKey(this.key.privateKeyPem));
    // ETSI EN 319 142-1, 5.3: the token's imprint is the hash of the SignerInfo's signature value.
    const token = await this.timestamper.timestamp(signature);

    const signerInfo = new pkijs.SignerInfo({
      version: 1,
      sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.issuer, serialNumber: signer.serialNumber }),
      digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
      signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: signedAttributes }),
      signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRsa, algorithmParams: new asn1js.Null() }),
      signature: new asn1js.OctetString({ valueHex: arrayBuffer(signature) }),
      unsignedAttrs: new pkijs.SignedAndUnsignedAttributes({
        type: 1,
        attributes: [attribute(OID.signatureTimeStampToken, asn1js.fromBER(arrayBuffer(token)).result)],
      }),
    });
    const signedData = new pkijs.SignedData({
      version: 1,
      digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 })],
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
      certificates: [signer, ...chainDer.map((der) => pkijs.Certificate.fromBER(arrayBuffer(der)))],
      signerInfos: [signerInfo],
    });
    const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
    return Buffer.from(contentInfo.toSchema().toBER());
  }
}
