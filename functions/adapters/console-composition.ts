/**
 * The console's own dependencies, from the validated config: its login at the
 * académie's OpenID provider and its cookies, both from the console secret
 * (read once per cold start). Fails fast naming what is missing.
 */
import type { Config } from './config.ts';
import { ConfigError } from './config.ts';
import { consoleSecretFromFile, consoleSecretFromSecret, type ConsoleSecret } from './console-secret.ts';
import { createOidcLogin } from './oidc-login.ts';
import { consoleCookies } from './console-session.ts';

export function composeConsole(config: Config, now: () => Date) {
  const { OIDC_ISSUER: issuer, CONSOLE_CLIENT_ID: clientId } = config;
  if (!issuer || !clientId) throw new ConfigError('The console needs OIDC_ISSUER and CONSOLE_CLIENT_ID');
  const read = config.CONSOLE_SECRET_ID
    ? consoleSecretFromSecret(config.AWS_REGION, config.CONSOLE_SECRET_ID)
    : config.CONSOLE_SECRET_PATH
      ? consoleSecretFromFile(config.CONSOLE_SECRET_PATH)
      : undefined;
  if (!read) throw new ConfigError('The console needs CONSOLE_SECRET_ID (Secrets Manager) or CONSOLE_SECRET_PATH (a local file)');
  let secret: Promise<ConsoleSecret> | undefined;
  const loaded = () => (secret ??= read().catch((error: unknown) => ((secret = undefined), Promise.reject(error))));
  return {
    login: createOidcLogin({ issuer, clientId, clientSecret: async () => (await loaded()).clientSecret }),
    cookies: consoleCookies(async () => (await loaded()).cookieKey, now),
  };
}

export type ConsoleDeps = ReturnType<typeof composeConsole>;
