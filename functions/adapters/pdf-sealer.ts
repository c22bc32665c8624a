/**
 * The platform seal: a PAdES baseline B-LT signature (ETSI.CAdES.detached)
 * over the whole PDF with Paraphe's sealing certificate, so that any later
 * change to the file shows, time-stamped by the TSA at TSA_URL
 * (cades-signer.ts). The PKCS#12 bundle comes from a file locally and from
 * Secrets Manager in AWS (see README, "Sealing certificate"). A seal is not
 * deterministic any more (the token has its own time and serial): it is made
 * once and stored once.
 *
 * Its validation data (the chains of the seal and of the TSA, and their CRLs:
 * validation-data.ts) go into the document's DSS dictionary *before* it is
 * signed, in the same revision, so the signature covers them and the whole
 * file: an incremental update after the signature would make every reader
 * report a signature that does not cover the total document. The TSA's chain
 * is the one its last token carried (one token asked for it when a container
 * has none yet); if the token of a seal comes with another certificate (the
 * TSA renewed its own), the seal is made once more with that chain.
 */
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { createHash } from 'node:crypto';
import { PDFDocument, PDFName } from 'pdf-lib';
import type { PdfSealer, SealInfo, Timestamper } from '../use-cases/ports.ts';
import { CadesTimestampedSigner, signingKeyFromP12, type SigningKey } from './cades-signer.ts';
import { pdfTextString } from './pdf-text-string.ts';
import { tokenCertificates } from './tsa-client.ts';
import { createValidationDataSource, ValidationDataUnavailableError, type ValidationData, type ValidationDataSource } from './validation-data.ts';

export interface SealingIdentity {
  p12: Uint8Array;
  passphrase: string;
}

/**
 * Bytes of the CMS: a 4096-bit RSA signature with its certificate and chain (about 3 KB) and the
 * time-stamp token with the TSA's certificate and chain (2 to 6 KB), with room to spare.
 */
const SIGNATURE_LENGTH = 16384;

/** What a container stamps to learn the TSA's chain when it has no token yet. */
const TSA_CHAIN_PROBE = new TextEncoder().encode('Paraphe : chaîne de certification de l’autorité d’horodatage');

const fingerprint = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

export function createPdfSealer(
  loadIdentity: () => Promise<SealingIdentity>,
  timestamper: Timestamper,
  validation: ValidationDataSource = createValidationDataSource(),
): PdfSealer {
  let key: Promise<SigningKey> | undefined;
  let tsaChain: Uint8Array[] | undefined;
  // Every token this sealer gets tells it the TSA's current chain.
  const stamping: Timestamper = {
    async timestamp(data) {
      const token = await timestamper.timestamp(data);
      tsaChain = tokenCertificates(token);
      return token;
    },
  };
  const signingKey = () => (key ??= loadIdentity().then(({ p12, passphrase }) => signingKeyFromP12(p12, passphrase)));

  async function sealWith(pdf: Uint8Array, info: SealInfo, data: ValidationData): Promise<Uint8Array> {
    const document = await PDFDocument.load(pdf, { updateMetadata: false });
    const streams = (items: Uint8Array[]) => items.map((der) => document.context.register(document.context.flateStream(der)));
    document.catalog.set(PDFName.of('DSS'), document.context.obj({ Certs: streams(data.certificates), CRLs: streams(data.crls) }));
    // The library writes these as they are between parentheses: a commune's name must arrive escaped.
    pdflibAddPlaceholder({
      pdfDoc: document,
      reason: pdfTextString(info.reason),
      contactInfo: pdfTextString(info.contactInfo),
      name: pdfTextString('Paraphe – Région académique Occitanie'),
      location: pdfTextString(info.location),
      signingTime: info.signingTime,
      signatureLength: SIGNATURE_LENGTH,
      subFilter: SUBFILTER_ETSI_CADES_DETACHED,
      appName: 'Paraphe',
    });
    const prepared = await document.save({ useObjectStreams: false });
    const sealed = await new SignPdf().sign(Buffer.from(prepared), new CadesTimestampedSigner(await signingKey(), stamping), info.signingTime);
    return new Uint8Array(sealed);
  }

  return {
    timestamp: (data) => stamping.timestamp(data),
    async seal(pdf, info) {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        if (!tsaChain) await stamping.timestamp(TSA_CHAIN_PROBE);
        const expected = tsaChain!;
        const data = await validation.collect([...(await signingKey()).certificates, ...expected]);
        const sealed = await sealWith(pdf, info, data);
        // tsaChain is now the chain of the token this seal carries: the DSS must hold it.
        const inDss = new Set(data.certificates.map(fingerprint));
        if (tsaChain!.every((der) => inDss.has(fingerprint(der)))) return sealed;
      }
      throw new ValidationDataUnavailableError('l’autorité d’horodatage change de certificat d’un jeton à l’autre');
    },
  };
}
