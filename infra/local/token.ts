/** `npm run token`: prints an admin bearer token valid on the local stack for 12 hours. */
import { ensureJwtSecret, signLocalToken } from './jwt.ts';
import { JWT_SECRET_FILE } from './paths.ts';

const roles = (process.env.ROLES ?? 'gestionnaire,signataire').split(',').filter(Boolean);
console.log(signLocalToken(ensureJwtSecret(JWT_SECRET_FILE), { sub: 'local-admin', email: 'admin@rectorat.example.org', roles }, new Date()));
