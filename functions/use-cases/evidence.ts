/**
 * The proof file of a convention, or of one of its avenants: everything a
 * commune's lawyer needs to check it offline, ten years on, without Paraphe.
 * The PDFs as stored (read by version, SHA-256 checked), `audit.json`, the
 * daily anchors of the days the trail changed (with their tokens), and for
 * each sealed PDF its signature time-stamp token and the certificates and CRLs
 * of its DSS; and a French LISEZMOI.txt that says how to check each with
 * pdfsig, openssl and `npm run verify`.
 */
import { anchorFileKey, anchorTokenKey } from './anchor-audit.ts';
import { chainKey } from '../domain/audit-chain.ts';
import { parisDateOf } from '../domain/calendar.ts';
import { AppError } from '../domain/errors.ts';
import { auditExport, auditTrail } from './get-convention.ts';
import type { StoredDocument } from '../domain/model.ts';
import type { Deps, SealContentsReader, SealedPdfContents } from './ports.ts';
import { readDocument } from './stored-document.ts';
import { evidenceReadme, type EvidenceReadme } from '../../templates/evidence/lisezmoi.ts';

export interface EvidenceFile {
  name: string;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();

/** PEM of DER certificates, one after the other. */
export function pem(ders: Uint8Array[], label = 'CERTIFICATE'): string {
  return ders.map((der) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`).join('');
}

type EvidenceDeps = Pick<Deps, 'conventions' | 'avenants' | 'documents' | 'now'> & { sealContents: SealContentsReader };

export async function evidenceFiles(deps: EvidenceDeps, id: string, avenantId?: string): Promise<{ fileName: string; files: EvidenceFile[] }> {
  const { found, avenantHeads } = await auditTrail(deps, id);
  const { convention } = found;
  const base = `convention-${convention.schoolYear}-${convention.id}`;
  let documents: [string, StoredDocument | undefined][];
  let subject: string;
  if (avenantId) {
    const avenant = await deps.avenants.get(id, avenantId);
    if (!avenant) throw new AppError('NOT_FOUND', `La convention ${id} n'a pas d'avenant ${avenantId}.`);
    subject = `l'avenant ${avenantId} à la convention ENT-École ${convention.schoolYear} de ${convention.commune.name}`;
    documents = [
      ['avenant.pdf', avenant.document],
      ['avenant-signe.pdf', avenant.signedDocument],
      ['avenant-executoire.pdf', avenant.executedDocument],
    ];
  } else {
    subject = `la convention ENT-École ${convention.schoolYear} de ${convention.commune.name}`;
    documents = [
      ['convention.pdf', convention.document],
      ['convention-signee.pdf', convention.signedDocument],
      ['convention-executoire.pdf', convention.executedDocument],
    ];
  }
  const files: EvidenceFile[] = [];
  const readme: EvidenceReadme = { subject, exportedAt: deps.now().toISOString(), pdfs: [], anchors: [], roots: [] };

  const trail = auditExport(found, deps.now(), avenantHeads);
  files.push({ name: 'audit.json', bytes: encoder.encode(`${JSON.stringify(trail, null, 2)}\n`) });

  const certificates = new Map<string, Uint8Array>();
  const roots = new Map<string, Uint8Array>();
  const crls = new Map<string, Uint8Array>();
  for (const [name, document] of documents) {
    if (!document) continue;
    const bytes = await readDocument(deps, document);
    files.push({ name, bytes });
    const contents: SealedPdfContents = await deps.sealContents.read(bytes);
    const token = contents.timestamp ? `horodatage/${name.replace(/\.pdf$/, '.tst')}` : undefined;
    if (contents.timestamp) files.push({ name: token!, bytes: contents.timestamp.token });
    readme.pdfs.push({ name, sha256: document.sha256, sealed: contents.sealed, ...(contents.timestamp ? { token, stampedSha256: contents.timestamp.stampedSha256 } : {}) });
    for (const certificate of contents.certificates) (certificate.root ? roots : certificates).set(certificate.sha256, certificate.der);
    for (const crl of contents.crls) crls.set(crl.sha256, crl.der);
  }
  if (roots.size > 0) files.push({ name: 'certificats/racine.pem', bytes: encoder.encode(pem([...roots.values()])) });
  if (certificates.size > 0) files.push({ name: 'certificats/chaine.pem', bytes: encoder.encode(pem([...certificates.values()])) });
  [...crls.values()].forEach((der, index) => files.push({ name: `certificats/crl-${index + 1}.crl`, bytes: der }));
  readme.roots = [...roots.keys()];
  readme.crls = crls.size;

  // The anchors of the days the chains shown here changed (Paris days, as the anchor job counts them).
  const wanted = avenantId ? chainKey({ conventionId: id, avenantId }) : undefined;
  const days = [...new Set(trail.events.filter((event) => !wanted || chainKey(event) === wanted).map((event) => parisDateOf(event.at)))].sort();
  for (const day of days) {
    const anchor = await deps.documents.get({ key: anchorFileKey(day) });
    if (!anchor) continue;
    files.push({ name: `ancrages/${day}.json`, bytes: anchor });
    const token = await deps.documents.get({ key: anchorTokenKey(day) });
    if (token) files.push({ name: `ancrages/${day}.tst`, bytes: token });
    readme.anchors.push(day);
  }
  files.push({ name: 'LISEZMOI.txt', bytes: encoder.encode(evidenceReadme(readme)) });
  return { fileName: `preuve-${avenantId ? `${base}-avenant-${avenantId}` : base}.zip`, files };
}
