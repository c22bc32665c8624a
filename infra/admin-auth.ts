/**
 * What the admin API's JWT authorizer and the console share with the académie's
 * identity provider, in AWS and on the local stack alike: the audience of the
 * API's access tokens and the claim that carries the rectorat's roles
 * (functions/http/middleware.ts `rolesOf` reads it).
 */
export const DEFAULT_ADMIN_AUDIENCE = 'paraphe-admin';
export const ROLES_CLAIM = 'roles';
/** The console's OpenID Connect client, registered with the identity provider. */
export const DEFAULT_CONSOLE_CLIENT_ID = 'paraphe-console';
