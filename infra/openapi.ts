/**
 * `npm run openapi -- [file]`: writes the admin API's OpenAPI 3.1 document
 * (the one GET /admin/openapi.json serves) to a file, or to stdout.
 */
import { writeFileSync } from 'node:fs';
import { adminApiDocument } from '../functions/get-openapi/admin-api.ts';

const [file] = process.argv.slice(2);
const text = `${JSON.stringify(adminApiDocument(), null, 2)}\n`;
if (file) writeFileSync(file, text);
else process.stdout.write(text);
