/**
 * The local stand-in for the académie's OpenID Connect provider: node
 * oidc-provider (OpenID Certified) on loopback, with two accounts, the
 * console's client and a machine client. It issues the admin API's access
 * tokens as RS256 JWTs (resource indicators, audience = the API's), which the
 * local gateway checks against its JWKS as API Gateway's JWT authorizer does.
 * Its signing key and cookie keys live in `dir`, so tokens survive a restart.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import Provider, { errors, type InteractionDetails } from 'oidc-provider';
import { DEFAULT_ADMIN_AUDIENCE, DEFAULT_CONSOLE_CLIENT_ID, ROLES_CLAIM } from '../admin-auth.ts';
import { loginPage } from './oidc-login-page.ts';

/** The admin API as a resource indicator (RFC 8707); its tokens' `aud` is the audience below. */
export const LOCAL_API_RESOURCE = 'urn:paraphe:admin-api';

/** The two people of the local rectorat; the password is the account's name. */
export const LOCAL_ACCOUNTS: Record<string, { name: string; email: string; roles: string[] }> = {
  gestionnaire: { name: 'Camille Martin', email: 'gestionnaire@rectorat.example.org', roles: ['gestionnaire'] },
  signataire: { name: 'Dominique Bernard', email: 'signataire@rectorat.example.org', roles: ['signataire'] },
};

/**
 * A machine client for `npm run token`, the CLI and the tests (client credentials). Local only: it may name
 * the roles its token carries (form parameter `roles`, a JSON array), which no real provider would allow.
 */
export const LOCAL_MACHINE_CLIENT = { id: 'paraphe-local-machine', secret: 'paraphe-local-machine', email: 'clerk@rectorat.example.org' };
export const LOCAL_CONSOLE_CLIENT_SECRET = 'paraphe-console-local';
const TOKEN_TTL_SECONDS = 12 * 3600;

export interface LocalOidc {
  issuer: string;
  close(): Promise<void>;
}

interface ProviderKeys {
  jwk: Record<string, unknown>;
  cookieKeys: string[];
}

function ensureKeys(dir: string): ProviderKeys {
  const file = join(dir, 'oidc-keys.json');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
    writeFileSync(file, JSON.stringify({ jwk, cookieKeys: [randomBytes(32).toString('base64url')] }), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as ProviderKeys;
}

function machineRoles(body: Record<string, unknown> | undefined): string[] {
  if (typeof body?.roles !== 'string') return ['gestionnaire', 'signataire'];
  let roles: unknown;
  try {
    roles = JSON.parse(body.roles);
  } catch {
    roles = undefined;
  }
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) throw new errors.InvalidRequest('roles must be a JSON array of strings');
  return roles;
}

function configuration(keys: ProviderKeys, options: { audience: string; consoleClientSecret: string }) {
  const account = (id: string) => (Object.hasOwn(LOCAL_ACCOUNTS, id) ? LOCAL_ACCOUNTS[id] : undefined);
  return {
    clients: [
      {
        // A native client: its loopback redirect URI matches on any port (RFC 8252 §7.3), as each test's gateway has its own.
        client_id: DEFAULT_CONSOLE_CLIENT_ID,
        client_secret: options.consoleClientSecret,
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1/console/callback'],
        post_logout_redirect_uris: ['http://127.0.0.1/console'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
      { client_id: LOCAL_MACHINE_CLIENT.id, client_secret: LOCAL_MACHINE_CLIENT.secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] },
    ],
    jwks: { keys: [keys.jwk] },
    ttl: { ClientCredentials: TOKEN_TTL_SECONDS, AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 3600, Session: 8 * 3600, Grant: 8 * 3600 },
    cookies: { keys: keys.cookieKeys },
    claims: { openid: ['sub', ROLES_CLAIM], email: ['email', 'email_verified'], profile: ['name'] },
    // The roles in the ID token, where the console reads them.
    conformIdTokenClaims: false,
    findAccount: async (_ctx: unknown, id: string) => {
      const found = account(id);
      return found && { accountId: id, claims: async () => ({ sub: id, name: found.name, email: found.email, email_verified: true, [ROLES_CLAIM]: found.roles }) };
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx: unknown, client: { clientId: string }, oneOf?: string) => oneOf ?? (client.clientId === LOCAL_MACHINE_CLIENT.id ? LOCAL_API_RESOURCE : undefined),
        useGrantedResource: async () => false,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => {
          if (resource !== LOCAL_API_RESOURCE) throw new errors.InvalidTarget();
          return { scope: 'admin', audience: options.audience, accessTokenTTL: TOKEN_TTL_SECONDS, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    extraTokenClaims: async (ctx: any, token: { kind: string; clientId: string; accountId?: string }) => {
      if (token.kind === 'ClientCredentials' && token.clientId === LOCAL_MACHINE_CLIENT.id) {
        return { [ROLES_CLAIM]: machineRoles(ctx.oidc.body), email: LOCAL_MACHINE_CLIENT.email };
      }
      const found = token.accountId ? account(token.accountId) : undefined;
      return found ? { [ROLES_CLAIM]: found.roles, email: found.email } : undefined;
    },
  };
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The login prompt, ours rather than oidc-provider's development one: it checks the password. */
async function interaction(provider: Provider, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(request, response);
  const page = (status: number, error?: string) => {
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(loginPage({ uid: details.uid, ...(error ? { error } : {}) }));
  };
  if (details.prompt.name === 'consent') return consent(provider, details, request, response);
  if (details.prompt.name !== 'login') return page(400, 'Cette étape de connexion n’est pas prise en charge.');
  if (request.method !== 'POST') return page(200);
  const form = await readForm(request);
  const login = form.get('login') ?? '';
  // Local accounts only: each one's password is its name.
  if (!Object.hasOwn(LOCAL_ACCOUNTS, login) || form.get('password') !== login) return page(401, 'Identifiant ou mot de passe incorrect.');
  await provider.interactionFinished(request, response, { login: { accountId: login } }, { mergeWithLastSubmission: false });
}

/**
 * The console is the académie's own application: its consent is given without asking (oidc-provider asks it
 * of every native client, whose loopback redirect another program could take; only the console is one here).
 */
async function consent(provider: Provider, details: InteractionDetails, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: String(details.session?.accountId), clientId: String(details.params.client_id) });
  if (!grant) throw new Error('grant not found');
  const missing = details.prompt.details ?? {};
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  await provider.interactionFinished(request, response, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
}

/** Starts the provider on 127.0.0.1:`port` (0: a free one); its issuer is its URL. */
export async function startOidcProvider(options: { port: number; dir: string; audience?: string; consoleClientSecret?: string }): Promise<LocalOidc> {
  let handle: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => response.writeHead(503).end();
  const server: Server = createServer((request, response) => handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : options.port}`;
  const provider = new Provider(
    issuer,
    configuration(ensureKeys(options.dir), { audience: options.audience ?? DEFAULT_ADMIN_AUDIENCE, consoleClientSecret: options.consoleClientSecret ?? LOCAL_CONSOLE_CLIENT_SECRET }),
  );
  const callback = provider.callback();
  handle = (request, response) => {
    if (!/^\/interaction\/[\w-]+$/.test(new URL(request.url ?? '/', issuer).pathname)) return callback(request, response);
    interaction(provider, request, response).catch((error: unknown) => {
      if (process.env.DEBUG_OIDC) console.error(error);
      if (!response.headersSent) response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Cette demande de connexion a expiré : recommencez depuis la console.');
    });
  };
  return {
    issuer,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An access token of the admin API for `roles`, from the provider's token endpoint (client credentials). */
export async function machineToken(issuer: string, roles?: readonly string[]): Promise<string> {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${LOCAL_MACHINE_CLIENT.id}:${LOCAL_MACHINE_CLIENT.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: LOCAL_API_RESOURCE, ...(roles ? { roles: JSON.stringify(roles) } : {}) }),
  });
  const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!response.ok || !body.access_token) throw new Error(`The local OpenID provider refused a token: ${body.error ?? response.status} ${body.error_description ?? ''}`);
  return body.access_token;
}
