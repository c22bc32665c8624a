/**
 * npm run verify -- <audit.json> [<pdf>…] [<anchors/<day>.json>…]
 * Checks an exported audit trail, the PDFs filed with it and daily anchors, offline; prints
 * a report in French, one line per check; exits 0 when everything holds, 1
 * otherwise (2 when called wrongly).
 */
import { formatReport, verifyFiles } from './verify-files.ts';

const [auditPath, ...others] = process.argv.slice(2);
if (!auditPath) {
  console.error('Usage : npm run verify -- <audit.json> [<document.pdf>…] [<ancrage du jour .json>…]');
  process.exit(2);
}
const lines = await verifyFiles(auditPath, others);
console.log(formatReport(auditPath, lines));
process.exit(lines.some((line) => line.status === 'fail') ? 1 : 0);
