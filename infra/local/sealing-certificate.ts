/**
 * A self-signed sealing certificate for the local stack and the tests, made
 * once under .local/. Poppler reports signatures made with it as valid but
 * the certificate as untrusted, which is expected locally.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import forge from 'node-forge';

export const LOCAL_SEALING_PASSPHRASE = 'paraphe-local';

export function generateSealingP12(passphrase: string, now: Date): Uint8Array {
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
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
  ]);
  certificate.sign(key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [certificate], passphrase, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}

export function ensureSealingP12(path: string, now: Date): void {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, generateSealingP12(LOCAL_SEALING_PASSPHRASE, now), { mode: 0o600 });
}

export const readSealingP12 = (path: string): Buffer => readFileSync(path);
