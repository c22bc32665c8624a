/** The signed copy, rebuilt from recorded facts: original + certificate page, sealed at the recorded instant. */
import { appendSignatureCertificate } from '../../templates/convention/signature-certificate.ts';
import type { Convention, Signature } from './model.ts';

/** The original with the collectivité's certificate page, before any seal. */
export function certifyOriginal(original: Uint8Array, convention: Convention, signature: Signature, originalSha256: string) {
  return appendSignatureCertificate(original, {
    conventionId: convention.id,
    communeName: convention.commune.name,
    schoolYear: convention.schoolYear,
    ...signature,
    documentSha256: originalSha256,
  });
}
