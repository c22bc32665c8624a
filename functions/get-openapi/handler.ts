import { adminApiDocument } from './admin-api.ts';
import { adminRoute, json } from '../http/middleware.ts';

// Built once per container: the document depends on the code alone.
const document = adminApiDocument();

/** GET /admin/openapi.json: the admin API's OpenAPI 3.1 document, for either role. */
export const handler = adminRoute(async () => json(200, document), { role: ['gestionnaire', 'signataire'] });
