/**
 * The validation data of a seal (PAdES B-LT, ETSI EN 319 142-1, 5.4): the
 * certificate chains of the sealing certificate and of the time-stamping
 * authority, and for each certificate that is not a root, the CRL its issuer
 * publishes at the certificate's CRL distribution point. They go into the
 * PDF's DSS dictionary, so that the signature still validates once the
 * certificates have expired and the CA's servers are gone.
 *
 * Every CRL is checked before it is used: signed by the certificate's issuer,
 * current (thisUpdate ≤ now < nextUpdate), and not listing the certificate.
 * A revoked or expired certificate stops the seal (CertificateRevokedError); an
 * unreachable or unusable CRL makes the seal fail and its job retry
 * (ValidationDataUnavailableError), as an unreachable TSA does. A CRL is kept
 * in memory until its nextUpdate, or an hour at most, then fetched again.
 */
import { createHash } from 'node:crypto';
import type * as pkijs from 'pkijs';
import { certificateOf, crlOf, crlUrlsOf, isSelfSigned, nameOf, revocationOf, signedCrl } from './x509.ts';

const TIMEOUT_MS = 10_000;
const CACHE_MS = 60 * 60 * 1000;

export interface ValidationData {
  /** Every certificate of the chains, DER, each once. */
  certificates: Uint8Array[];
  /** The CRLs that cover the certificates that are not roots, DER, each once. */
  crls: Uint8Array[];
}

/** A CRL could not be fetched or used: the seal waits and retries, as when the TSA is down. */
export class ValidationDataUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`Données de validation indisponibles : ${message}`, options);
    this.name = 'ValidationDataUnavailableError';
  }
}

/** A certificate of the seal's chains is revoked, or expired: no seal is made with it. */
export class CertificateRevokedError extends Error {
  constructor(subject: string, date: Date | undefined, state = `est révoqué${date ? ` depuis le ${date.toISOString().slice(0, 10)}` : ''}`) {
    super(`Le certificat « ${subject} » ${state} : aucun cachet n’est apposé. Remplacez le certificat de cachet (ou faites renouveler celui de l’autorité d’horodatage).`);
    this.name = 'CertificateRevokedError';
  }
}

export interface ValidationDataSource {
  collect(chains: Uint8Array[]): Promise<ValidationData>;
}

const fingerprint = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

export function createValidationDataSource(options: { fetch?: typeof fetch; now?: () => Date } = {}): ValidationDataSource {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const cache = new Map<string, { crl: pkijs.CertificateRevocationList; der: Uint8Array; until: number }>();

  async function crlAt(url: string, issuer: pkijs.Certificate): Promise<{ crl: pkijs.CertificateRevocationList; der: Uint8Array }> {
    const at = now();
    const kept = cache.get(url);
    if (kept && kept.until > at.getTime()) return kept;
    let der: Uint8Array;
    try {
      const response = await fetchImpl(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      der = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw new ValidationDataUnavailableError(`la liste de révocation ${url} ne répond pas (${(error as Error).message})`, { cause: error });
    }
    let crl: pkijs.CertificateRevocationList;
    try {
      crl = crlOf(der);
    } catch (error) {
      throw new ValidationDataUnavailableError(`${url} ne donne pas une liste de révocation (CRL)`, { cause: error });
    }
    if (!(await signedCrl(issuer, crl))) {
      throw new ValidationDataUnavailableError(`la liste de révocation ${url} n’est pas signée par « ${nameOf(issuer.subject)} »`);
    }
    const [thisUpdate, nextUpdate] = [crl.thisUpdate.value, crl.nextUpdate?.value];
    if (thisUpdate.getTime() > at.getTime() + 5 * 60 * 1000 || !nextUpdate || nextUpdate.getTime() <= at.getTime()) {
      throw new ValidationDataUnavailableError(`la liste de révocation ${url} n’est pas en cours de validité (${thisUpdate.toISOString()} → ${nextUpdate?.toISOString() ?? '?'})`);
    }
    const fetched = { crl, der, until: Math.min(nextUpdate.getTime(), at.getTime() + CACHE_MS) };
    cache.set(url, fetched);
    return fetched;
  }

  // The same few certificates come with every seal (the sealing chain, the TSA's): each is parsed, and a root's
  // signature checked, once per process. Their dates and revocation are checked at each seal.
  const certificatesSeen = new Map<string, { certificate: pkijs.Certificate; selfSigned: Promise<boolean> }>();
  const parsed = (print: string, der: Uint8Array) => {
    let found = certificatesSeen.get(print);
    if (!found) {
      const certificate = certificateOf(der);
      found = { certificate, selfSigned: isSelfSigned(certificate) };
      certificatesSeen.set(print, found);
    }
    return found;
  };

  return {
    async collect(chains) {
      const unique = new Map<string, Uint8Array>();
      for (const der of chains) unique.set(fingerprint(der), der);
      const certificates = [...unique.entries()].map(([print, der]) => ({ der, ...parsed(print, der) }));
      const crls = new Map<string, Uint8Array>();
      const at = now();
      for (const { certificate, selfSigned } of certificates) {
        const subject = nameOf(certificate.subject);
        if (at < certificate.notBefore.value || at > certificate.notAfter.value) {
          throw new CertificateRevokedError(subject, undefined, `n’est pas en cours de validité (${certificate.notBefore.value.toISOString().slice(0, 10)} → ${certificate.notAfter.value.toISOString().slice(0, 10)})`);
        }
        if (await selfSigned) continue;
        const issuer = certificates.find((other) => other.certificate.subject.isEqual(certificate.issuer))?.certificate;
        if (!issuer) throw new ValidationDataUnavailableError(`la chaîne de « ${subject} » est incomplète : le certificat de « ${nameOf(certificate.issuer)} » manque`);
        const urls = crlUrlsOf(certificate);
        if (urls.length === 0) throw new ValidationDataUnavailableError(`le certificat « ${subject} » ne dit pas où trouver sa liste de révocation`);
        const { crl, der } = await crlAt(urls[0]!, issuer);
        const revoked = revocationOf(crl, certificate);
        if (revoked) throw new CertificateRevokedError(subject, revoked.date);
        crls.set(fingerprint(der), der);
      }
      return { certificates: certificates.map(({ der }) => der), crls: [...crls.values()] };
    },
  };
}
