/**
 * npm run verify -- <audit.json> [<pdf>…] [<anchors/<day>.json>…] [--bucket <name>]
 * Checks an exported audit trail, the PDFs filed with it and daily anchors, offline; prints
 * a report in French, one line per check; exits 0 when everything holds, 1
 * otherwise (2 when called wrongly). With --bucket, it also reads the daily
 * anchors of the trail's days from the documents bucket (AWS credentials and
 * AWS_REGION as for the AWS CLI; S3_ENDPOINT for the local stack).
 */
import { createS3DocumentStore } from '../../functions/adapters/s3-document-store.ts';
import { exitCodeOf, formatReport, verifyFiles, type AnchorSource } from './verify-files.ts';

const args = process.argv.slice(2);
const at = args.indexOf('--bucket');
const bucketName = at >= 0 ? args[at + 1] : undefined;
const [auditPath, ...others] = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
if (!auditPath || (at >= 0 && !bucketName)) {
  console.error('Usage : npm run verify -- <audit.json> [<document.pdf>…] [<ancrage du jour .json>…] [--bucket <compartiment des documents>]');
  process.exit(2);
}
let bucket: AnchorSource | undefined;
if (bucketName) {
  const store = createS3DocumentStore({ region: process.env.AWS_REGION ?? 'eu-west-3', endpoint: process.env.S3_ENDPOINT }, bucketName);
  bucket = { name: bucketName, get: (key) => store.get({ key }) };
}
const lines = await verifyFiles(auditPath, others, bucket);
console.log(formatReport(auditPath, lines));
process.exit(exitCodeOf(lines));
