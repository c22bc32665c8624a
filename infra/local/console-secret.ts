/**
 * The console's secret on this machine: the key that encrypts its session
 * cookies and its OpenID client secret, as the Secrets Manager secret holds
 * them in AWS (functions/adapters/console-secret.ts reads both).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LOCAL_CONSOLE_CLIENT_SECRET } from './oidc.ts';

export function ensureConsoleSecret(path: string): string {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify({ cookieKey: randomBytes(32).toString('base64url'), clientSecret: LOCAL_CONSOLE_CLIENT_SECRET }), { mode: 0o600 });
  }
  return path;
}
