/**
 * The platform seal: a PAdES baseline B-T signature (ETSI.CAdES.detached) over
 * the whole PDF with Paraphe's sealing certificate, so that any later change
 * to the file shows, time-stamped by the TSA at TSA_URL (cades-signer.ts). The
 * PKCS#12 bundle comes from a file locally and from Secrets Manager in AWS
 * (see README, "Sealing certificate"). A seal is not deterministic any more
 * (the token has its own time and serial): it is made once and stored once.
 */
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { PDFDocument } from 'pdf-lib';
import type { PdfSealer, Timestamper } from '../core/ports.ts';
import { CadesTimestampedSigner, signingKeyFromP12, type SigningKey } from './cades-signer.ts';
import { pdfTextString } from './pdf-text-string.ts';

export interface SealingIdentity {
  p12: Uint8Array;
  passphrase: string;
}

/**
 * Bytes of the CMS: a 4096-bit RSA signature with its certificate and chain (about 3 KB) and the
 * time-stamp token with the TSA's certificate and chain (2 to 6 KB), with room to spare.
 */
const SIGNATURE_LENGTH = 16384;

export function createPdfSealer(loadIdentity: () => Promise<SealingIdentity>, timestamper: Timestamper): PdfSealer {
  let key: Promise<SigningKey> | undefined;
  const newSigner = async () => {
    key ??= loadIdentity().then(({ p12, passphrase }) => signingKeyFromP12(p12, passphrase));
    return new CadesTimestampedSigner(await key, timestamper);
  };
  return {
    timestamp: (data) => timestamper.timestamp(data),
    async seal(pdf, info) {
      const document = await PDFDocument.load(pdf, { updateMetadata: false });
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
      const sealed = await new SignPdf().sign(Buffer.from(prepared), await newSigner(), info.signingTime);
      return new Uint8Array(sealed);
    },
  };
}
