/** `npm run token`: prints an admin bearer token of the running stack's OpenID provider, valid 12 hours. */
import { machineToken } from './oidc.ts';
import { readRunningStack } from './paths.ts';

const roles = (process.env.ROLES ?? 'gestionnaire,signataire').split(',').filter(Boolean);
console.log(await machineToken(readRunningStack().oidcIssuer, roles));
