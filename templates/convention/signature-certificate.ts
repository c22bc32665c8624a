/**
 * Appends a "Certificat de signature" page to a rendered convention: who
 * signed, in what capacity, under which délibération, when (Paris time),
 * from where, the address the signing link was emailed to (and any change of
 * it, the previous address masked), and the SHA-256 of the original document. Deterministic: the
 * same original and certificate give the same bytes (dates from `signedAt`).
 */
import { PDFArray, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { maskEmail } from '../format/email-address.ts';
import { formatFrenchDate, formatParisDateTime, typeset } from '../format/french.ts';
import { compressContent, setMetadata } from './pdf/assemble.ts';
import { installFontSet, prepareFontSet, type FontSet } from './pdf/font-set.ts';
import { textBlock } from './pdf/items.ts';
import { flow, MARGIN, PAGE, placeText, type Block } from './pdf/layout.ts';
import { fillSignatureSpace, signatureMentionLines } from './signature-mention.ts';

export interface SignatureCertificate {
  conventionId: string;
  communeName: string;
  schoolYear: string;
  signerName: string;
  capacity: 'maire' | 'delegation';
  /** When capacity is 'delegation', e.g. "Directeur Général des Services". */
  delegateFunction?: string;
  /** "2021/086", "2021-10-04". */
  deliberation?: { number: string; date: string };
  /** ISO-8601 UTC instant, printed in Europe/Paris time. */
  signedAt: string;
  ip: string;
  userAgent: string;
  /** Hash of the original PDF. */
  documentSha256: string;
  /** The address the signing link used was emailed to. */
  linkSentTo?: string;
  /** Each time the rectorat sent the link to another address before the signature. */
  addressChanges?: { at: string; previous: string; next: string }[];
  /** The audit chain's head just after the signature was recorded (absent on signatures recorded before the chain). */
  auditHead?: AuditHead;
}

/** A chain's head: its last event's number and hash (functions/domain/audit-chain.ts). */
export interface AuditHead {
  seq: number;
  hash: string;
}

const AUDIT_HEAD_AT_SIGNATURE = "Empreinte de la piste d'audit au moment de la signature";
const AUDIT_HEAD_AT_COUNTERSIGNATURE = "Empreinte de la piste d'audit au moment de la contresignature";

/** « n° 5 — <hex> »: the event count and the hash `npm run verify` looks for in the trail at that seq. */
const auditHeadText = (head: AuditHead) => `n° ${head.seq} — ${head.hash.toLowerCase()}`;

/** How a page prints a head, as `npm run verify` reads it back from the PDF's text: this file prints it, so it reads it. */
const PRINTED_HEAD = /Empreinte de la piste d['’]audit[^:]*:\s*n°\s*(\d+)\s*[—-]\s*((?:[0-9a-f]\s*){64})/g;

/** The audit heads a certificate page prints, from its extracted text (a hash may be broken across lines). */
export function printedHeads(text: string): AuditHead[] {
  const heads: AuditHead[] = [];
  for (const match of text.matchAll(PRINTED_HEAD)) {
    const hash = match[2]!.replace(/\s+/g, '');
    if (/^[0-9a-f]{64}$/.test(hash)) heads.push({ seq: Number(match[1]), hash });
  }
  return heads;
}

const LINK_SENT_TO = 'Lien de signature envoyé à';

function capacityText(certificate: SignatureCertificate): string {
  if (certificate.capacity === 'maire') return 'Maire';
  const role = certificate.delegateFunction?.trim();
  return `Pour le Maire et par délégation${role ? `, ${role}` : ''}`;
}

/** Label/value pairs printed on the page, in order. */
export function certificateFacts(certificate: SignatureCertificate, originalPages: number): [string, string][] {
  const facts: [string, string][] = [
    ['Convention', certificate.conventionId],
    ['Collectivité', `Commune de ${certificate.communeName}`],
    ['Année scolaire', certificate.schoolYear],
    ['Signataire', certificate.signerName],
    ['Qualité', capacityText(certificate)],
  ];
  if (certificate.deliberation) {
    facts.push(['Délibération du conseil municipal',
      // A signature recorded before the form asked for both has a number without a date: print what there is.
      `N° ${certificate.deliberation.number}${certificate.deliberation.date ? ` du ${formatFrenchDate(certificate.deliberation.date)}` : ''}`]);
  }
  facts.push(
    ['Date et heure de la signature', `${formatParisDateTime(certificate.signedAt)}, soit ${new Date(Date.parse(certificate.signedAt)).toISOString()} en temps universel`],
    ['Adresse IP', certificate.ip],
    ['Navigateur (user-agent)', certificate.userAgent],
  );
  if (certificate.linkSentTo) facts.push([LINK_SENT_TO, certificate.linkSentTo]);
  for (const change of certificate.addressChanges ?? []) {
    // The previous address masked: this page goes to the new one (the audit trail keeps both in full).
    facts.push(["Changement d'adresse", `Le ${formatParisDateTime(change.at)}, à la demande du rectorat, le lien de signature a été envoyé à ${change.next} au lieu de ${maskEmail(change.previous)}, qui en a été avertie.`]);
  }
  facts.push(
    ['Empreinte SHA-256 du document signé', certificate.documentSha256.toLowerCase()],
    ['Pages du document signé', `${originalPages} (le présent certificat est la page ${originalPages + 1})`],
  );
  if (certificate.auditHead) facts.push([AUDIT_HEAD_AT_SIGNATURE, auditHeadText(certificate.auditHead)]);
  return facts;
}

const VERBATIM = new Set(['Convention', 'Adresse IP', 'Navigateur (user-agent)', 'Empreinte SHA-256 du document signé', LINK_SENT_TO, AUDIT_HEAD_AT_SIGNATURE, AUDIT_HEAD_AT_COUNTERSIGNATURE]);

/** The base set, or one with the characters of `text` it lacks (prepareFontSet keeps both for the process). */
async function fontsFor(text: string): Promise<FontSet> {
  const base = await prepareFontSet();
  const missing = [...new Set(text.normalize('NFC'))].filter((ch) => !base.repertoire.has(ch));
  return missing.length === 0 ? base : prepareFontSet(missing);
}

export async function appendSignatureCertificate(original: Uint8Array, certificate: SignatureCertificate): Promise<Uint8Array> {
  const doc = await PDFDocument.load(original, { updateMetadata: false });
  const mention = signatureMentionLines(certificate, doc.getPageCount() + 1);
  fillSignatureSpace(doc, mention, await fontsFor(mention.join('')));
  const intro = typeset(
    `Ce certificat est joint à la convention ${certificate.conventionId} au moment de sa signature électronique par la collectivité. ` +
    "L'empreinte SHA-256 ci-dessous identifie le document tel qu'il a été présenté au signataire : toute modification de ce document en change l'empreinte.",
  );
  return appendCertificatePage(doc, {
    title: 'Certificat de signature',
    schoolYear: certificate.schoolYear,
    communeName: certificate.communeName,
    intro,
    facts: certificateFacts(certificate, doc.getPageCount()),
    footer: `Certificat de signature — convention ${certificate.conventionId}`,
    at: certificate.signedAt,
    keyword: 'signée',
  });
}

/** The rectorat's countersignature, after the collectivité's. */
export interface CountersignatureCertificate {
  conventionId: string;
  communeName: string;
  schoolYear: string;
  signerName: string;
  /** The signer's title, e.g. "Rectrice de la région académique Occitanie". */
  signerTitle: string;
  /** When a delegate countersigns for the rectrice: "Pour la rectrice et par délégation". */
  byDelegation: boolean;
  countersignedAt: string;
  ip: string;
  userAgent: string;
  /** Hash of the copy signed by the collectivité. */
  signedDocumentSha256: string;
  /** The audit chain's head just after the countersignature was recorded. */
  auditHead?: AuditHead;
}

export function countersignatureFacts(certificate: CountersignatureCertificate): [string, string][] {
  const facts: [string, string][] = [
    ['Convention', certificate.conventionId],
    ['Collectivité', `Commune de ${certificate.communeName}`],
    ['Année scolaire', certificate.schoolYear],
    ['Contresignataire', certificate.signerName],
    ['Qualité', certificate.byDelegation ? `Pour la rectrice et par délégation, ${certificate.signerTitle}` : certificate.signerTitle],
    ['Date et heure de la contresignature', `${formatParisDateTime(certificate.countersignedAt)}, soit ${new Date(Date.parse(certificate.countersignedAt)).toISOString()} en temps universel`],
    ['Adresse IP', certificate.ip],
    ['Navigateur (user-agent)', certificate.userAgent],
    ['Empreinte SHA-256 du document signé', certificate.signedDocumentSha256.toLowerCase()],
  ];
  if (certificate.auditHead) facts.push([AUDIT_HEAD_AT_COUNTERSIGNATURE, auditHeadText(certificate.auditHead)]);
  return facts;
}

/** Appends the countersignature page to the original plus its signature certificate: the convention becomes exécutoire. */
export async function appendCountersignatureCertificate(
  certified: Uint8Array,
  certificate: CountersignatureCertificate,
): Promise<Uint8Array> {
  const doc = await PDFDocument.load(certified, { updateMetadata: false });
  const intro = typeset(
    `Ce certificat est joint à la convention ${certificate.conventionId} au moment de sa contresignature par la région académique, ` +
    "après sa signature par la collectivité. La convention est dès lors exécutoire.",
  );
  return appendCertificatePage(doc, {
    title: 'Certificat de contresignature',
    schoolYear: certificate.schoolYear,
    communeName: certificate.communeName,
    intro,
    facts: countersignatureFacts(certificate),
    footer: `Certificat de contresignature — convention ${certificate.conventionId}`,
    at: certificate.countersignedAt,
    keyword: 'exécutoire',
  });
}

interface CertificatePage {
  title: string;
  schoolYear: string;
  communeName: string;
  intro: string;
  facts: [string, string][];
  footer: string;
  /** The recorded instant: the metadata dates come from it, so the bytes are stable. */
  at: string;
  keyword: string;
}

async function appendCertificatePage(doc: PDFDocument, certificate: CertificatePage): Promise<Uint8Array> {
  const { facts, intro } = certificate;
  const blocks: Block[] = [
    textBlock(certificate.title, 'title', { spaceAfter: 4 }),
    textBlock(`Convention de partenariat ENT-École — Année scolaire ${certificate.schoolYear}`, 'body', { align: 'center', spaceAfter: 16 }),
    textBlock(intro, 'body', { spaceAfter: 12 }),
    ...facts.flatMap(([label, value]): Block[] => [
      textBlock(`${label} :`, 'strong', { keepWithNext: true, spaceBefore: 4 }),
      textBlock(value, 'line', { indent: 16, spaceAfter: 4 }, VERBATIM.has(label)),
    ]),
  ];
  const fonts = await fontsFor(JSON.stringify(facts) + intro);
  const laid = flow(fonts, blocks);
  const resources = doc.context.register(doc.context.obj({ Font: installFontSet(doc, fonts) }));
  const footer = typeset(certificate.footer);
  laid.pages.forEach((parts) => {
    const ops = parts.filter((part): part is string => typeof part === 'string').join('');
    const y = MARGIN.bottom - 34;
    const content = `${ops}q 0.6 G 0.5 w ${MARGIN.left} ${y + 12} m ${PAGE.width - MARGIN.right} ${y + 12} l S Q\n0.25 g\n${placeText(fonts, 'regular', 8, footer, MARGIN.left, y)}0 g\n`;
    const page = doc.addPage([PAGE.width, PAGE.height]);
    const stream = doc.context.register(PDFRawStream.of(doc.context.obj({ Filter: 'FlateDecode' }), compressContent(content)));
    page.node.set(PDFName.of('Resources'), resources);
    page.node.set(PDFName.Contents, PDFArray.withContext(doc.context));
    page.node.lookup(PDFName.Contents, PDFArray).push(stream);
  });
  const at = new Date(Date.parse(certificate.at));
  setMetadata(doc, {
    title: doc.getTitle() ?? `Convention ENT-École ${certificate.schoolYear} — Commune de ${certificate.communeName}`,
    author: doc.getAuthor() ?? 'Région académique Occitanie',
    subject: doc.getSubject() ?? `Convention ENT-École, commune de ${certificate.communeName}`,
    keywords: [...(doc.getKeywords()?.split(' ') ?? []), certificate.keyword],
    date: doc.getCreationDate() ?? at,
  });
  doc.setModificationDate(at);
  return doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
}
