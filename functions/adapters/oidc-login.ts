/**
 * The console's side of OpenID Connect (openid-client): the authorization code
 * flow with PKCE, state and nonce, against the académie's provider, found by
 * discovery once per cold start. Only the local provider is plain http.
 */
import * as client from 'openid-client';

/** What the browser keeps (encrypted) between the redirect to the provider and the callback. */
export interface LoginChecks {
  verifier: string;
  state: string;
  nonce: string;
}

export interface OidcLogin {
  start(redirectUri: string): Promise<{ url: string; checks: LoginChecks }>;
  /** The ID token's claims, once the code is exchanged and the token checked (issuer, audience, nonce, expiry). */
  finish(callbackUrl: URL, checks: LoginChecks): Promise<Record<string, unknown>>;
  /** The provider's end-session URL, when it has one. */
  logoutUrl(postLogoutRedirectUri: string): Promise<string | undefined>;
}

export function createOidcLogin(options: { issuer: string; clientId: string; clientSecret: () => Promise<string> }): OidcLogin {
  let configuration: Promise<client.Configuration> | undefined;
  const discovered = () => {
    configuration ??= options
      .clientSecret()
      .then((secret) =>
        client.discovery(new URL(options.issuer), options.clientId, undefined, client.ClientSecretBasic(secret), {
          execute: new URL(options.issuer).protocol === 'http:' ? [client.allowInsecureRequests] : [],
        }),
      )
      .catch((error: unknown) => {
        configuration = undefined;
        throw error;
      });
    return configuration;
  };
  return {
    async start(redirectUri) {
      const config = await discovered();
      const checks = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(checks.verifier),
        code_challenge_method: 'S256',
        state: checks.state,
        nonce: checks.nonce,
      });
      return { url: url.href, checks };
    },
    async finish(callbackUrl, checks) {
      const tokens = await client.authorizationCodeGrant(await discovered(), callbackUrl, {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      return { ...tokens.claims() };
    },
    async logoutUrl(postLogoutRedirectUri) {
      const config = await discovered();
      if (!config.serverMetadata().end_session_endpoint) return undefined;
      return client.buildEndSessionUrl(config, { post_logout_redirect_uri: postLogoutRedirectUri }).href;
    },
  };
}
