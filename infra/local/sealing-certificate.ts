/**
 * A sealing certificate for the local stack and the tests, made once under
 * .local/: issued by the local test CA of the time-stamping authority
 * (tsa.ts) when one is given, so that seal and time-stamp chain up to the same
 * root, else self-signed. Poppler reports signatures made with it as valid but
 * the certificate's issuer as unknown, which is expected locally.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import forge from 'node-forge';

export const LOCAL_SEALING_PASSPHRASE = 'paraphe-local';

/** A CA that issues the sealing certificate: its certificate and its unencrypted private key, PEM files, and its CRL's URL. */
export interface LocalCa {
  certificate: string;
  key: string;
  /** The CRL distribution point written in the certificate (PAdES B-LT fetches the CRL from there). */
  crlUrl?: string;
}

export function generateSealingP12(passphrase: string, now: Date, ca?: LocalCa): Uint8Array {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  certificate.serialNumber = `01${randomBytes(8).toString('hex')}`;
  certificate.validity.notBefore = new Date(now.getTime() - 24 * 3600 * 1000);
  certificate.validity.notAfter = new Date(now.getTime() + 10 * 365 * 24 * 3600 * 1000);
  const subject = [
    // ASCII only: node-forge writes these strings byte for byte.
    { name: 'commonName', value: 'Paraphe - cachet local (non qualifie)' },
    { name: 'organizationName', value: 'Region academique Occitanie (developpement local)' },
    { name: 'countryName', value: 'FR' },
  ];
  certificate.setSubject(subject);
  const issuer = ca ? forge.pki.certificateFromPem(readFileSync(ca.certificate, 'utf8')) : undefined;
  certificate.setIssuer(issuer ? issuer.subject.attributes : subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
    { name: 'subjectKeyIdentifier' },
    ...(ca?.crlUrl ? [{ name: 'cRLDistributionPoints', altNames: [{ type: 6, value: ca.crlUrl }] }] : []),
  ]);
  certificate.sign(ca ? forge.pki.privateKeyFromPem(readFileSync(ca.key, 'utf8')) : key, forge.md.sha256.create());
  const chain = issuer ? [certificate, issuer] : [certificate];
  const p12 = forge.pkcs12.toPkcs12Asn1(key, chain, passphrase, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}

/** Made once; made again if the local CA now publishes its CRL elsewhere (another port) than the certificate says. */
export function ensureSealingP12(path: string, now: Date, ca?: LocalCa): void {
  if (existsSync(path) && (!ca?.crlUrl || crlUrlOfP12(path) === ca.crlUrl)) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, generateSealingP12(LOCAL_SEALING_PASSPHRASE, now, ca), { mode: 0o600 });
}

export const readSealingP12 = (path: string): Buffer => readFileSync(path);

function crlUrlOfP12(path: string): string | undefined {
  try {
    const bundle = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(readFileSync(path).toString('binary')), LOCAL_SEALING_PASSPHRASE);
    const certBag = forge.pki.oids.certBag as string;
    const certificate = bundle.getBags({ bagType: certBag })[certBag]?.find((bag) => !bag.cert?.getExtension('basicConstraints') || !(bag.cert.getExtension('basicConstraints') as { cA?: boolean }).cA)?.cert;
    const points = certificate?.getExtension('cRLDistributionPoints') as { altNames?: { type: number; value: string }[] } | undefined;
    return points?.altNames?.find((name) => name.type === 6)?.value;
  } catch {
    return undefined;
  }
}
