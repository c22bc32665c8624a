/**
 * The few X.509 questions the seal's validation data asks (validation-data.ts)
 * and that `npm run verify` asks again (infra/verify/long-term.ts), on pkijs,
 * which the sealer already carries.
 */
import * as pkijs from 'pkijs';

const CRL_DISTRIBUTION_POINTS = '2.5.29.31';

// A copy: a Buffer's slice() shares its pool, whose .buffer holds other bytes.
const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer => new Uint8Array(bytes).buffer;

export const certificateOf = (der: Uint8Array): pkijs.Certificate => pkijs.Certificate.fromBER(toArrayBuffer(der));
export const crlOf = (der: Uint8Array): pkijs.CertificateRevocationList => pkijs.CertificateRevocationList.fromBER(toArrayBuffer(der));

/** A distinguished name as a person reads it: its values, comma-separated. */
export const nameOf = (name: pkijs.RelativeDistinguishedNames): string => name.typesAndValues.map((entry) => String(entry.value.valueBlock.value)).join(', ');

export async function isSelfSigned(certificate: pkijs.Certificate): Promise<boolean> {
  return certificate.subject.isEqual(certificate.issuer) && (await certificate.verify().catch(() => false));
}

/** Whether `issuer` signed `certificate`. */
export async function issued(issuer: pkijs.Certificate, certificate: pkijs.Certificate): Promise<boolean> {
  return certificate.issuer.isEqual(issuer.subject) && (await certificate.verify(issuer).catch(() => false));
}

/** Whether `issuer` signed `crl`. */
export async function signedCrl(issuer: pkijs.Certificate, crl: pkijs.CertificateRevocationList): Promise<boolean> {
  return crl.issuer.isEqual(issuer.subject) && (await crl.verify({ issuerCertificate: issuer }).catch(() => false));
}

/** The http(s) URLs of a certificate's CRL distribution points. */
export function crlUrlsOf(certificate: pkijs.Certificate): string[] {
  const extension = certificate.extensions?.find((item) => item.extnID === CRL_DISTRIBUTION_POINTS);
  const points = (extension?.parsedValue as pkijs.CRLDistributionPoints | undefined)?.distributionPoints ?? [];
  return points
    .flatMap((point) => (Array.isArray(point.distributionPoint) ? point.distributionPoint : []))
    .filter((name) => name.type === 6 && typeof name.value === 'string' && /^https?:\/\//.test(name.value))
    .map((name) => name.value as string);
}

/** The entry of `crl` that revokes `certificate`, if any. */
export function revocationOf(crl: pkijs.CertificateRevocationList, certificate: pkijs.Certificate): { date: Date } | undefined {
  const entry = crl.revokedCertificates?.find((item) => item.userCertificate.isEqual(certificate.serialNumber));
  return entry ? { date: entry.revocationDate.value } : undefined;
}
