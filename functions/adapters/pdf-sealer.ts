/**
 * The platform seal: a PAdES signature (ETSI.CAdES.detached) over the whole
 * PDF with Paraphe's sealing certificate, so that any later change to the
 * file shows. The PKCS#12 bundle comes from a file locally and from Secrets
 * Manager in AWS (see README, "Sealing certificate").
 */
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { P12Signer } from '@signpdf/signer-p12';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { PDFDocument } from 'pdf-lib';
import type { PdfSealer } from '../core/ports.ts';
import { pdfTextString } from './pdf-text-string.ts';

export interface SealingIdentity {
  p12: Uint8Array;
  passphrase: string;
}

// Large enough for a 2048- or 4096-bit RSA signature with its certificate.
const SIGNATURE_LENGTH = 8192;

export function createPdfSealer(loadIdentity: () => Promise<SealingIdentity>): PdfSealer {
  let identity: Promise<SealingIdentity> | undefined;
  // A P12Signer consumes its certificate buffer when it signs: one per seal.
  const newSigner = async () => {
    identity ??= loadIdentity();
    const { p12, passphrase } = await identity;
    return new P12Signer(Buffer.from(p12), { passphrase });
  };
  return {
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
