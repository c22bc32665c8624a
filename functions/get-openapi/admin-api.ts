/**
 * The admin API as an OpenAPI 3.1 document, built from the zod schemas the
 * handlers parse with: served by GET /admin/openapi.json, written by
 * `npm run openapi`, linted by test/integration/http/openapi.test.ts.
 */
import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import { adminOperations } from './admin-operations.ts';

const ROLES_DESCRIPTION = [
  "Jeton OpenID Connect de l'académie (`Authorization: Bearer <jeton>`), vérifié par l'authorizer JWT de l'API Gateway (localement, `npm run token`).",
  'Sa revendication `roles` dit ce que son porteur peut faire, chaque rôle comparé exactement :',
  '',
  '- `gestionnaire` : tout sauf le contreseing (campagnes, conventions, imports, avenants, tâches, exports) ;',
  '- `signataire` : le contreseing des conventions et des avenants.',
  '',
  'Sans le rôle de la route : 403. / An OpenID Connect bearer token; its `roles` claim grants `gestionnaire` (everything but countersigning) or `signataire` (countersigning).',
].join('\n');

function pathsOf(operations: typeof adminOperations): ZodOpenApiPathsObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const [routeKey, operation] of Object.entries(operations)) {
    const [method, path] = routeKey.split(' ') as ['GET' | 'POST', string];
    paths[path] = { ...paths[path], [method.toLowerCase()]: operation };
  }
  return paths;
}

export function adminApiDocument() {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: "Paraphe : API d'administration",
      version: '1.0.0',
      description:
        "Les conventions de partenariat ENT-École entre la Région académique Occitanie et les communes : campagnes, conventions, avenants, contreseing, tâches. Erreurs en JSON, en français, avec un statut 4xx ; rien n'est écrit quand une requête est refusée. Les montants sont en centimes. / The ENT-École partnership conventions' admin API.",
      contact: { name: 'Région académique Occitanie' },
    },
    servers: [{ url: '/', description: "Le domaine qui sert ce document. / The domain serving this document." }],
    security: [{ bearerJwt: ['gestionnaire'] }],
    tags: [
      { name: 'Campagnes', description: "Une campagne par année scolaire, et ses conventions. / A campaign per school year." },
      { name: 'Conventions', description: "Une convention par commune et par année. / One convention per commune and year." },
      { name: 'Avenants', description: "Un changement de la liste des écoles d'une convention signée. / A change of a signed convention's schools." },
      { name: 'Contreseing', description: 'Rôle signataire. / The signataire role.' },
      { name: 'Tâches', description: 'Le travail long (envois, imports, contreseing en masse) se suit ici. / Long work, followed here.' },
      { name: 'Documentation', description: 'Ce document. / This document.' },
    ],
    components: {
      securitySchemes: { bearerJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: ROLES_DESCRIPTION } },
    },
    paths: pathsOf(adminOperations),
  });
}
