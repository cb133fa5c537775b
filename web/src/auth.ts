import * as oauth from 'oauth4webapi';
import * as z from 'zod';
import type { ConsoleConfig } from './config.ts';

/**
 * Sign-in as in production: OpenID Connect authorization code with PKCE (S256), a public client, the
 * ID token kept for this tab only (sessionStorage) and sent to the API as the bearer, because the
 * claims the API reads (group, region, agency) live in it. Cognito's hosted UI in AWS, the local
 * provider of `npm start` here: the same code path. The protocol's checks (discovery, state, PKCE,
 * the token response and the ID token's claims) are `oauth4webapi`'s, a small, well-kept client
 * without dependencies.
 */

/** `oauth4webapi` refuses plain HTTP; the local provider of `npm start` is on loopback only. */
function insecureAllowed(issuer: URL): { [oauth.allowInsecureRequests]?: boolean } {
  const loopback = issuer.hostname === '127.0.0.1' || issuer.hostname === 'localhost';
  return issuer.protocol === 'http:' && loopback ? { [oauth.allowInsecureRequests]: true } : {};
}

/** The ID token's claims the console reads; the rest pass through for `scopeOf`. */
export const IdClaimsSchema = z.looseObject({
  iss: z.string(),
  sub: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  iat: z.number(),
  nonce: z.string().optional(),
});
export type IdClaims = z.infer<typeof IdClaimsSchema>;

const PendingSchema = z.object({
  state: z.string(),
  verifier: z.string(),
  nonce: z.string(),
  returnTo: z.string(),
});

const SessionSchema = z.object({ idToken: z.string() });

const PENDING_KEY = 'khbs.signin';
const SESSION_KEY = 'khbs.session';

export interface Session {
  readonly idToken: string;
  readonly claims: IdClaims;
}

const discoveries = new Map<string, Promise<oauth.AuthorizationServer>>();

/** The provider's metadata (OpenID Connect discovery), checked by `oauth4webapi`; fetched once. */
function discover(issuerUrl: string): Promise<oauth.AuthorizationServer> {
  let found = discoveries.get(issuerUrl);
  if (found === undefined) {
    const issuer = new URL(issuerUrl);
    found = oauth
      .discoveryRequest(issuer, { algorithm: 'oidc', ...insecureAllowed(issuer) })
      .then((response) => oauth.processDiscoveryResponse(issuer, response))
      .catch((error: unknown) => {
        discoveries.delete(issuerUrl);
        throw error;
      });
    discoveries.set(issuerUrl, found);
  }
  return found;
}

const redirectUri = (): string => `${location.origin}/auth/callback`;

/** Goes to the provider's sign-in page; it comes back to `/auth/callback`. */
export async function signIn(config: ConsoleConfig, returnTo = '/'): Promise<void> {
  const server = await discover(config.oidc.issuer);
  if (server.authorization_endpoint === undefined)
    throw new Error('the provider names no authorization endpoint');
  const pending = {
    state: oauth.generateRandomState(),
    verifier: oauth.generateRandomCodeVerifier(),
    nonce: oauth.generateRandomNonce(),
    returnTo,
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(server.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.oidc.clientId,
    redirect_uri: redirectUri(),
    scope: config.oidc.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/** Why signing in did not finish, in words for the user. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
}

/**
 * Finishes the sign-in on `/auth/callback`: checks the state, trades the code (with the PKCE
 * verifier) for the tokens, checks the ID token's issuer, audience, nonce and expiry, and keeps it.
 * Returns where the user was going.
 */
export async function completeSignIn(config: ConsoleConfig, search: string): Promise<string> {
  const params = new URLSearchParams(search);
  const stored = PendingSchema.safeParse(parseJson(sessionStorage.getItem(PENDING_KEY)));
  sessionStorage.removeItem(PENDING_KEY);
  const error = params.get('error');
  if (error !== null) {
    throw new SignInError(
      error === 'access_denied' ? 'Proses masuk dibatalkan.' : 'Penyedia identitas menolak proses masuk.',
    );
  }
  if (!stored.success || params.get('code') === null || params.get('state') !== stored.data.state) {
    throw new SignInError('Sesi masuk tidak cocok atau sudah kedaluwarsa. Silakan masuk lagi.');
  }
  const server = await discover(config.oidc.issuer);
  const client: oauth.Client = { client_id: config.oidc.clientId };
  let tokens: oauth.TokenEndpointResponse;
  try {
    const callback = oauth.validateAuthResponse(server, client, params, stored.data.state);
    const response = await oauth.authorizationCodeGrantRequest(
      server,
      client,
      oauth.None(),
      callback,
      redirectUri(),
      stored.data.verifier,
      insecureAllowed(new URL(config.oidc.issuer)),
    );
    // Checks the ID token's issuer, audience, expiry, issue time and nonce (not its signature: it
    // came straight from the token endpoint over TLS, and the API verifies it on every call).
    tokens = await oauth.processAuthorizationCodeResponse(server, client, response, {
      expectedNonce: stored.data.nonce,
      requireIdToken: true,
    });
  } catch {
    throw new SignInError(
      'Kode masuk ditolak atau token dari penyedia identitas tidak sah. Silakan masuk lagi.',
    );
  }
  if (tokens.id_token === undefined || readIdTokenOrUndefined(tokens.id_token) === undefined) {
    throw new SignInError('Token dari penyedia identitas tidak terbaca.');
  }
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ idToken: tokens.id_token }));
  return stored.data.returnTo.startsWith('/') ? stored.data.returnTo : '/';
}

/** The signed-in user of this tab, unless the ID token has expired. */
export function currentSession(): Session | undefined {
  const stored = SessionSchema.safeParse(parseJson(sessionStorage.getItem(SESSION_KEY)));
  if (!stored.success) return undefined;
  const claims = readIdTokenOrUndefined(stored.data.idToken);
  if (claims === undefined || isExpired(claims)) {
    sessionStorage.removeItem(SESSION_KEY);
    return undefined;
  }
  return { idToken: stored.data.idToken, claims };
}

/** Forgets the session in this tab (an expired or refused token). */
export function forgetSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/** Forgets the session here, then ends it at the provider, which comes back to the console. */
export async function signOut(config: ConsoleConfig): Promise<void> {
  const session = currentSession();
  sessionStorage.removeItem(SESSION_KEY);
  const discovery = await discover(config.oidc.issuer).catch(() => undefined);
  if (discovery?.end_session_endpoint === undefined) {
    // Cognito publishes no end_session_endpoint: its hosted UI's own /logout ends the session.
    if (config.oidc.logoutUrl === undefined) {
      location.assign('/');
      return;
    }
    const logout = new URL(config.oidc.logoutUrl);
    logout.search = new URLSearchParams({
      client_id: config.oidc.clientId,
      logout_uri: `${location.origin}/`,
    }).toString();
    location.assign(logout.toString());
    return;
  }
  const url = new URL(discovery.end_session_endpoint);
  url.search = new URLSearchParams({
    client_id: config.oidc.clientId,
    post_logout_redirect_uri: `${location.origin}/`,
    ...(session ? { id_token_hint: session.idToken } : {}),
  }).toString();
  location.assign(url.toString());
}

const isExpired = (claims: IdClaims): boolean => claims.exp * 1000 <= Date.now();

/**
 * The payload of a JWT, unverified: the token came straight from the provider's token endpoint, and
 * the API verifies it on every call; the console only reads it to show who is signed in.
 */
function readIdTokenOrUndefined(token: string): IdClaims | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const parsed = IdClaimsSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
