/**
 * `npm run verify -- <audit.json> [<pdf>…] [<anchors/day.json>…]`, offline, on the files alone:
 * the trail's chains recomputed (domain/audit-verify.ts, its findings said by
 * templates/format/verify-report.ts), then each PDF: its
 * SHA-256 one the trail records, the audit heads its certificate pages print
 * found in the trail at their seq, its seal's CMS signature over its byte
 * range, the seal's timestamp, and its validation data (DSS, long-term.ts); each daily anchor given:
 * the heads it holds for this convention found in the trail.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { checkAnchor, headInTrail, recordedHashes, verifyChains, type AnchorFile, type ChainIndex, type TrailEvent } from '../../functions/domain/audit-verify.ts';
import type { ChainHead } from '../../functions/domain/audit-chain.ts';
import { anchorFileKey, anchorTokenKey } from '../../functions/use-cases/anchor-audit.ts';
import { parisDateOf } from '../../functions/domain/calendar.ts';
import { printedHeads } from '../../templates/convention/signature-certificate.ts';
import { anchorFindingLine, chainFindingLine, type CheckLine } from '../../templates/format/verify-report.ts';
import { checkLongTerm } from './long-term.ts';
import { checkSeal, checkTimestampFile } from './seal-signature.ts';

interface AuditFile {
  format?: string;
  convention?: { id?: string } & Record<string, unknown>;
  head?: ChainHead;
  avenantHeads?: Record<string, ChainHead>;
  events?: TrailEvent[];
}

/** The text of a PDF, by Poppler's pdftotext; undefined when it is not installed. */
function pdfText(path: string): string | undefined {
  const run = spawnSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
  if (run.error) return undefined;
  return run.stdout;
}

async function verifyPdf(path: string, recorded: Set<string>, index: ChainIndex): Promise<CheckLine[]> {
  const name = basename(path);
  const lines: CheckLine[] = [];
  const bytes = Uint8Array.from(readFileSync(path));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  lines.push(recorded.has(sha256)
    ? { status: 'ok', text: `le PDF ${name} est un document de la piste (SHA-256 ${sha256})` }
    : { status: 'fail', text: `le PDF ${name} ne correspond à aucune empreinte de la piste (SHA-256 ${sha256})` });

  const text = pdfText(path);
  if (text === undefined) {
    lines.push({ status: 'warn', text: `${name} : pdftotext (Poppler) absent, l'empreinte de piste imprimée n'est pas vérifiée` });
  } else {
    const heads = printedHeads(text);
    if (heads.length === 0) lines.push({ status: 'warn', text: `${name} : aucune empreinte de piste d'audit imprimée (document original, ou signé avant la chaîne)` });
    for (const head of heads) {
      const chain = headInTrail(index, head);
      lines.push(chain
        ? { status: 'ok', text: `${name} : l'empreinte de piste imprimée (n° ${head.seq}) est celle de la piste à cet événement (${chain === 'convention' ? 'convention' : chain})` }
        : { status: 'fail', text: `${name} : l'empreinte de piste imprimée (n° ${head.seq}, ${head.hash}) ne figure pas dans la piste à ce numéro` });
    }
  }

  const seal = await checkSeal(bytes);
  if (seal.kind === 'none') lines.push({ status: 'warn', text: `${name} : pas de sceau (document original non signé)` });
  else if (seal.kind === 'invalid') lines.push({ status: 'fail', text: `${name} : le sceau est invalide (${seal.reason})` });
  else {
    lines.push(seal.coversWholeFile
      ? { status: 'ok', text: `${name} : le sceau (${seal.signer}) est valide et couvre tout le fichier` }
      : { status: 'fail', text: `${name} : le sceau est valide mais ne couvre pas tout le fichier (des octets ont été ajoutés après lui)` });
    const { timestamp } = seal;
    // PAdES B-T: a seal without its signature timestamp is not one Paraphe made.
    if (timestamp.kind === 'none') lines.push({ status: 'fail', text: `${name} : le sceau n'est pas horodaté (aucun jeton d'horodatage dans la signature)` });
    else if (timestamp.kind === 'invalid') lines.push({ status: 'fail', text: `${name} : l'horodatage du sceau est invalide (${timestamp.reason})` });
    else {
      lines.push({ status: 'ok', text: `${name} : le sceau est horodaté du ${timestamp.genTime}` });
      lines.push(await checkLongTerm(name, bytes, seal.signerCertificate, timestamp.tsaCertificate, timestamp.genTime));
    }
  }
  return lines;
}

/** Where the daily anchors are kept: the documents bucket (anchors/<day>.json and .tst). */
export interface AnchorSource {
  name: string;
  get(key: string): Promise<Uint8Array | undefined>;
}

/** The files after the trail: PDFs, and daily anchors (anchors/<day>.json, any other .json); with `bucket`, the anchors of the trail's days read from it. */
export async function verifyFiles(auditPath: string, others: string[], bucket?: AnchorSource): Promise<CheckLine[]> {
  const pdfPaths = others.filter((path) => !path.toLowerCase().endsWith('.json'));
  const anchorPaths = others.filter((path) => path.toLowerCase().endsWith('.json'));
  let trail: AuditFile;
  try {
    trail = JSON.parse(readFileSync(auditPath, 'utf8')) as AuditFile;
  } catch (error) {
    return [{ status: 'fail', text: `la piste ${basename(auditPath)} est illisible (${(error as Error).message})` }];
  }
  const conventionId = trail.convention?.id;
  if (typeof conventionId !== 'string' || !Array.isArray(trail.events)) {
    return [{ status: 'fail', text: `${basename(auditPath)} n'est pas une piste d'audit Paraphe (convention.id, events)` }];
  }
  const chains = verifyChains(conventionId, trail.events, trail.head, trail.avenantHeads ?? {});
  const lines = chains.findings.map(chainFindingLine);
  const recorded = recordedHashes(trail);
  for (const path of pdfPaths) lines.push(...(await verifyPdf(path, recorded, chains.index)));
  for (const path of anchorPaths) {
    let anchor: AnchorFile;
    try {
      anchor = JSON.parse(readFileSync(path, 'utf8')) as AnchorFile;
    } catch (error) {
      lines.push({ status: 'fail', text: `l'ancrage ${basename(path)} est illisible (${(error as Error).message})` });
      continue;
    }
    lines.push(...checkAnchor(conventionId, chains.index, basename(path), anchor).map(anchorFindingLine));
    const tokenPath = path.replace(/\.json$/i, '.tst');
    lines.push(await checkAnchorTimestamp(basename(path), Uint8Array.from(readFileSync(path)), existsSync(tokenPath) ? Uint8Array.from(readFileSync(tokenPath)) : undefined, basename(tokenPath)));
  }
  if (bucket) lines.push(...(await anchorsFromBucket(conventionId, chains.index, trail.events, bucket)));
  return lines;
}

/** Each Paris day on which the trail has events: its anchor and token read from the bucket, and checked. */
async function anchorsFromBucket(conventionId: string, index: ChainIndex, events: TrailEvent[], bucket: AnchorSource): Promise<CheckLine[]> {
  const days = [...new Set(events.flatMap((event) => (typeof event.at === 'string' ? [parisDateOf(event.at)] : [])))].sort();
  const lines: CheckLine[] = [];
  for (const day of days) {
    const name = `s3://${bucket.name}/${anchorFileKey(day)}`;
    let bytes: Uint8Array | undefined;
    try {
      bytes = await bucket.get(anchorFileKey(day));
    } catch (error) {
      lines.push({ status: 'fail', text: `${name} : lecture impossible (${(error as Error).message})` });
      continue;
    }
    // The day's anchor is written after midnight (Paris): today's is not there yet.
    if (!bytes) {
      lines.push({ status: 'warn', text: `${name} : pas encore d'ancrage pour ce jour (il est écrit après minuit, heure de Paris)` });
      continue;
    }
    let anchor: AnchorFile;
    try {
      anchor = JSON.parse(new TextDecoder().decode(bytes)) as AnchorFile;
    } catch (error) {
      lines.push({ status: 'fail', text: `${name} est illisible (${(error as Error).message})` });
      continue;
    }
    lines.push(...checkAnchor(conventionId, index, name, anchor).map(anchorFindingLine));
    lines.push(await checkAnchorTimestamp(name, bytes, await bucket.get(anchorTokenKey(day)), anchorTokenKey(day)));
  }
  return lines;
}

/** The anchor's RFC 3161 token (`anchors/<day>.tst`, beside `anchors/<day>.json`): it stamps the file's bytes. */
async function checkAnchorTimestamp(name: string, anchor: Uint8Array, token: Uint8Array | undefined, tokenName: string): Promise<CheckLine> {
  if (!token) return { status: 'warn', text: `${name} : son jeton d'horodatage ${tokenName} n'a pas été fourni à côté de lui` };
  const checked = await checkTimestampFile(token, anchor, 'cet ancrage');
  return checked.kind === 'valid'
    ? { status: 'ok', text: `${name} : l'ancrage est horodaté du ${checked.genTime}` }
    : { status: 'fail', text: `${name} : l'horodatage de l'ancrage est invalide (${checked.reason})` };
}

const MARK = { ok: '✓', fail: '✗', warn: '⚠' } as const;

/** The command's exit code: 1 when any check failed, 0 when everything holds. */
export const exitCodeOf = (lines: readonly CheckLine[]): 0 | 1 => (lines.some((line) => line.status === 'fail') ? 1 : 0);

export function formatReport(auditPath: string, lines: CheckLine[]): string {
  const failed = lines.filter((line) => line.status === 'fail').length;
  return [
    `Vérification de la piste d'audit ${basename(auditPath)}`,
    ...lines.map((line) => `${MARK[line.status]} ${line.text}`),
    failed === 0 ? 'Résultat : tout est intègre.' : `Résultat : ${failed} contrôle(s) en échec.`,
  ].join('\n');
}
