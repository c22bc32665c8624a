/**
 * PAdES B-LT checked on the file alone: the PDF's DSS dictionary must hold,
 * for the seal's certificate and for the certificate of the TSA that
 * time-stamped it, a chain up to a root and, for each certificate below the
 * root, a CRL signed by its issuer that was current at the time-stamp's
 * instant and does not list it as revoked by then. Everything is judged at
 * that instant, never at today's date: the seal still proves itself once its
 * certificates have expired and their CA's servers are gone.
 *
 * Whether the root itself is to be trusted is the reader's decision: the
 * report names it with its SHA-256 fingerprint, to compare with the one the
 * certification authority publishes (pdfsig and Acrobat use their own lists).
 */
import { createHash } from 'node:crypto';
import type * as pkijs from 'pkijs';
import type { CheckLine } from '../../templates/format/verify-report.ts';
import { dssOf } from '../../functions/adapters/seal-contents.ts';
import { certificateOf, crlOf, isSelfSigned, issued, nameOf, revocationOf, signedCrl } from '../../functions/adapters/x509.ts';

/** A CRL issued a few minutes before the token (it was fetched just before the seal) covers its instant. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

interface Dss {
  certificates: pkijs.Certificate[];
  crls: pkijs.CertificateRevocationList[];
}

async function readDss(pdf: Uint8Array): Promise<Dss | undefined> {
  const dss = await dssOf(pdf);
  return dss && { certificates: dss.certificates.map(certificateOf), crls: dss.crls.map(crlOf) };
}

const day = (date: Date) => date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
const fingerprint = (certificate: pkijs.Certificate) => createHash('sha256').update(new Uint8Array(certificate.toSchema().toBER())).digest('hex');

/** Why `certificate` does not hold at `at` with the DSS's data, or its root when it does. */
async function chainAt(certificate: pkijs.Certificate, dss: Dss, at: Date): Promise<{ root: pkijs.Certificate } | { reason: string }> {
  let current = certificate;
  for (let depth = 0; depth < 8; depth += 1) {
    const [subject, notBefore, notAfter] = [nameOf(current.subject), current.notBefore.value, current.notAfter.value];
    if (at < notBefore || at > notAfter) return { reason: `« ${subject} » n'était pas en cours de validité au ${day(at)} (${day(notBefore)} → ${day(notAfter)})` };
    if (await isSelfSigned(current)) return { root: current };
    let issuer: pkijs.Certificate | undefined;
    for (const candidate of dss.certificates) if (await issued(candidate, current)) issuer = candidate;
    if (!issuer) return { reason: `le certificat de « ${nameOf(current.issuer)} », émetteur de « ${subject} », manque dans le DSS` };
    let crl: pkijs.CertificateRevocationList | undefined;
    for (const candidate of dss.crls) {
      const [thisUpdate, nextUpdate] = [candidate.thisUpdate.value, candidate.nextUpdate?.value];
      const covers = thisUpdate.getTime() <= at.getTime() + CLOCK_SKEW_MS && nextUpdate !== undefined && at < nextUpdate;
      if (covers && (await signedCrl(issuer, candidate))) crl = candidate;
    }
    if (!crl) return { reason: `aucune CRL de « ${nameOf(issuer.subject)} » signée par lui et en cours de validité au ${day(at)} dans le DSS` };
    const revoked = revocationOf(crl, current);
    if (revoked && revoked.date <= at) return { reason: `« ${subject} » est révoqué depuis le ${day(revoked.date)}` };
    current = issuer;
  }
  return { reason: `la chaîne de « ${nameOf(certificate.subject)} » est trop longue` };
}

/**
 * The B-LT line of a sealed PDF whose seal and time-stamp verified: `sealCertificate` signed it, `tsaCertificate`
 * signed its token at `genTime`.
 */
export async function checkLongTerm(name: string, pdf: Uint8Array, sealCertificate: Uint8Array | undefined, tsaCertificate: Uint8Array | undefined, genTime: string): Promise<CheckLine> {
  let dss: Dss | undefined;
  try {
    dss = await readDss(pdf);
  } catch (error) {
    return { status: 'fail', text: `${name} : le DSS (données de validation) est illisible (${(error as Error).message})` };
  }
  if (!dss) return { status: 'fail', text: `${name} : pas de données de validation (dictionnaire DSS) : le sceau ne se vérifiera plus quand ses certificats auront expiré (PAdES B-T, pas B-LT)` };
  if (!sealCertificate || !tsaCertificate) return { status: 'fail', text: `${name} : le certificat du sceau ou de l'horodatage est introuvable dans la signature` };
  const at = new Date(genTime);
  const roots: pkijs.Certificate[] = [];
  for (const [what, der] of [['du sceau', sealCertificate], ["de l'horodatage", tsaCertificate]] as const) {
    const chain = await chainAt(certificateOf(der), dss, at);
    if ('reason' in chain) return { status: 'fail', text: `${name} : les données de validation ${what} ne suffisent pas : ${chain.reason}` };
    roots.push(chain.root);
  }
  const named = [...new Map(roots.map((root) => [fingerprint(root), root])).entries()].map(([hash, root]) => `« ${nameOf(root.subject)} » (SHA-256 ${hash})`);
  return {
    status: 'ok',
    text: `${name} : données de validation (PAdES B-LT) complètes : chaînes du sceau et de l'horodatage, ${dss.crls.length} CRL, aucun certificat révoqué ni expiré au ${day(at)} ; racine ${named.join(' et ')}`,
  };
}
