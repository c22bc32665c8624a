/**
 * The error answers of the admin routes, for the OpenAPI document: one body
 * for every error the functions render (http/errors.ts), and the gateway's own
 * 401, which the JWT authorizer answers before any function runs.
 */
import * as z from 'zod';
import type { ZodOpenApiResponseObject } from 'zod-openapi';
import { errorBodySchema, STATUS_BY_CODE } from '../http/errors.ts';

const codesOf = (status: number) =>
  Object.entries(STATUS_BY_CODE)
    .filter(([, mapped]) => mapped === status)
    .map(([code]) => `\`${code}\``)
    .join(', ');

const rendered = (id: string, status: number, description: string): ZodOpenApiResponseObject => ({
  id,
  description: `${description} (${codesOf(status)})`,
  content: { 'application/json': { schema: errorBodySchema } },
});

const gatewayUnauthorized = z
  .object({ message: z.literal('Unauthorized') })
  .meta({ id: 'GatewayUnauthorized', description: "Réponse de la passerelle (authorizer JWT), pas de Paraphe. / API Gateway's own answer." });

const ERROR_RESPONSES = {
  400: rendered('InvalidInput', 400, 'Donnée refusée : `fields` nomme chaque champ et dit quoi corriger. / Refused input, field by field'),
  401: {
    id: 'Unauthorized',
    description: 'Jeton absent, expiré ou invalide. / Missing or invalid bearer token.',
    content: { 'application/json': { schema: gatewayUnauthorized } },
  } satisfies ZodOpenApiResponseObject,
  403: rendered('Forbidden', 403, "Le jeton n'a pas le rôle que demande la route. / The token lacks the route's role"),
  404: rendered('NotFound', 404, "Ce que nomme le chemin n'existe pas. / What the path names does not exist"),
  409: rendered('Conflict', 409, "L'état actuel ne le permet pas ; rien n'est écrit. / Not in the current state; nothing is written"),
  500: rendered('InternalError', 500, 'Erreur interne : son détail ne sort jamais de la fonction. / Internal error; its detail never leaves the function'),
} as const;

/** The given 4xx answers of a route, beside the 401, 403 and 500 every admin route may answer. */
export function errorResponses(...statuses: (400 | 404 | 409)[]): Record<string, ZodOpenApiResponseObject> {
  return Object.fromEntries([...statuses, 401, 403, 500].sort().map((status) => [String(status), ERROR_RESPONSES[status as keyof typeof ERROR_RESPONSES]]));
}
