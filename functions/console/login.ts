/** The console's login (authorization code + PKCE at the académie's provider), its callback and its logout. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ConsoleDeps } from '../adapters/console-composition.ts';
import { AppError } from '../domain/errors.ts';
import { clearedCookie, LOGIN_COOKIE, SESSION_COOKIE } from '../adapters/console-session.ts';

export const redirect = (location: string, cookies: string[] = [], statusCode = 303): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { location, 'cache-control': 'no-store' },
  ...(cookies.length ? { cookies } : {}),
});

/** To the provider; `returnTo` (a console path) is where the callback leads once logged in. */
export async function startLogin(console: ConsoleDeps, baseUrl: string, returnTo: string): Promise<APIGatewayProxyStructuredResultV2> {
  const { url, checks } = await console.login.start(`${baseUrl}/console/callback`);
  return redirect(url, [await console.cookies.loginCookie(checks, returnTo.startsWith('/console/') ? returnTo : '/console/campagnes')], 302);
}

export async function finishLogin(console: ConsoleDeps, baseUrl: string, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const checks = await console.cookies.login(event);
  if (!checks) throw new AppError('UNAUTHORIZED', "Cette connexion a expiré ou n'a pas commencé dans ce navigateur : recommencez depuis la console.");
  let claims: Record<string, unknown>;
  try {
    claims = await console.login.finish(new URL(`${baseUrl}${event.rawPath}?${event.rawQueryString}`), checks);
  } catch {
    throw new AppError('UNAUTHORIZED', "La connexion n'a pas abouti : recommencez depuis la console.");
  }
  const { cookie } = await console.cookies.newSession(claims);
  return redirect(checks.returnTo, [cookie, clearedCookie(LOGIN_COOKIE)]);
}

/** Forgets the session here, then ends the one at the provider when it says how. */
export async function logout(console: ConsoleDeps, baseUrl: string): Promise<APIGatewayProxyStructuredResultV2> {
  const atProvider = await console.login.logoutUrl(`${baseUrl}/console`).catch(() => undefined);
  return redirect(atProvider ?? '/console', [clearedCookie(SESSION_COOKIE)]);
}
