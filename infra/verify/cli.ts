/**
 * npm run verify -- <audit.json> [<pdf>…]
 * Checks an exported audit trail and the PDFs filed with it, offline; prints
 * a report in French, one line per check; exits 0 when everything holds, 1
 * otherwise (2 when called wrongly).
 */
import { formatReport, verifyFiles } from './verify-files.ts';

const [auditPath, ...pdfPaths] = process.argv.slice(2);
if (!auditPath) {
  console.error('Usage : npm run verify -- <audit.json> [<document.pdf>…]');
  process.exit(2);
}
const lines = await verifyFiles(auditPath, pdfPaths);
console.log(formatReport(auditPath, lines));
process.exit(lines.some((line) => line.status === 'fail') ? 1 : 0);
