/**
 * The audit trail's checks (functions/domain/audit-verify.ts) in French, one line each, as `npm run verify`
 * prints them (infra/verify/verify-files.ts). Each finding kind has its words, or this does not compile.
 */
import type { AnchorFinding, ChainFinding, CheckStatus, EventRef } from '../../functions/domain/audit-verify.ts';

export interface CheckLine {
  status: CheckStatus;
  text: string;
}

/** 'convention' → « la convention », 'avenant:<id>' → « l'avenant <id> ». */
const chainName = (key: string) => (key === 'convention' ? 'la convention' : `l'avenant ${key.slice('avenant:'.length)}`);

const eventName = (event: EventRef) => `l'événement n° ${event.seq ?? '?'} (${event.type ?? '?'})`;

function chainFindingText(finding: ChainFinding): string {
  switch (finding.kind) {
    case 'intact':
      return `${finding.count} événement(s) intègres, tête n° ${finding.last?.seq ?? 0} ${finding.last?.hash ?? ''}`.trim();
    case 'other-convention':
      return `${eventName(finding.event)} appartient à une autre convention (${String(finding.conventionId)})`;
    case 'unlinked':
      return `l'événement ${finding.type ?? '?'} du ${finding.at ?? '?'} n'est pas chaîné (seq, prevHash ou hash absent)`;
    case 'gap':
      return `un événement manque entre n° ${finding.after} et n° ${finding.next}`;
    case 'out-of-order':
      return `${eventName(finding.event)} est hors de son ordre (après le n° ${finding.after})`;
    case 'modified':
      return `${eventName(finding.event)} a été modifié (son empreinte ne correspond plus à son contenu)`;
    case 'not-from-genesis':
      return `${eventName(finding.event)} ne part pas de l'origine de la chaîne`;
    case 'broken-link':
      return `${eventName(finding.event)} ne suit pas l'événement qui le précède (un événement a été retiré, déplacé ou modifié avant lui)`;
    case 'head-not-last':
      return `la tête enregistrée (n° ${finding.claimed.seq}, ${finding.claimed.hash}) n'est pas le dernier événement de la chaîne (n° ${finding.lastSeq})`;
    case 'head-missing':
      return "la piste n'indique pas la tête de sa chaîne (head)";
    default:
      return unworded(finding);
  }
}

/** One chain's finding: « chaîne de la convention : … ». */
export function chainFindingLine(finding: ChainFinding): CheckLine {
  return { status: finding.status, text: `chaîne de ${chainName(finding.chain)} : ${chainFindingText(finding)}` };
}

/** « l'ancrage du 2026-09-05 (anchors/2026-09-05.json) ». */
const anchorName = (finding: { name: string; day?: string }) => `l'ancrage du ${finding.day} (${finding.name})`;

/** One daily anchor's finding, naming the anchor where it was read. */
export function anchorFindingLine(finding: AnchorFinding): CheckLine {
  switch (finding.kind) {
    case 'not-an-anchor':
      return { status: finding.status, text: `${finding.name} n'est pas un ancrage Paraphe` };
    case 'convention-absent':
      return { status: finding.status, text: `${anchorName(finding)} ne mentionne pas cette convention` };
    case 'chain-found':
      return { status: finding.status, text: `${anchorName(finding)} retrouve la chaîne de ${chainName(finding.chain)} au n° ${finding.seq}` };
    case 'chain-not-found':
      return {
        status: finding.status,
        text: `${anchorName(finding)} ne retrouve pas la chaîne de ${chainName(finding.chain)} : au n° ${finding.seq}, la piste ${finding.trailHash === 'other' ? 'porte une autre empreinte' : "n'a pas d'événement"}`,
      };
    default:
      return unworded(finding);
  }
}

/** Reached only by a kind the switches above forgot: `never` makes that a compile error. */
function unworded(finding: never): never {
  throw new Error(`A verification finding without words: ${JSON.stringify(finding)}`);
}
