import * as z from 'zod';
import type { ConsoleConfig } from './config.ts';

/**
 * Sign-in as in production: OpenID Connect authorization code with PKCE (S256), a public client, the
 * ID token kept for this tab only (sessionStorage) and sent to the API as the bearer, because the
 * claims the API reads (group, region, agency) live in it. Cognito's hosted UI in AWS, the local
 * provider of `npm start` here: the same code path.
 */

const DiscoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  end_session_endpoint: z.url().optional(),
});
type Discovery = z.infer<typeof DiscoverySchema>;

const TokenResponseSchema = z.object({
  id_token: z.string().min(1),
  token_type: z.string(),
});

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

const discoveries = new Map<string, Promise<Discovery>>();

function discover(issuer: string): Promise<Discovery> {
  let found = discoveries.get(issuer);
  if (found === undefined) {
    found = fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)
      .then(async (response) => {
        if (!response.ok) throw new Error(`discovery: HTTP ${response.status}`);
        return DiscoverySchema.parse(await response.json());
      })
      .catch((error: unknown) => {
        discoveries.delete(issuer);
        throw error;
      });
    discoveries.set(issuer, found);
  }
  return found;
}

const redirectUri = (): string => `${location.origin}/auth/callback`;

function randomText(bytes = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** Goes to the provider's sign-in page; it comes back to `/auth/callback`. */
export async function signIn(config: ConsoleConfig, returnTo = '/'): Promise<void> {
  const discovery = await discover(config.oidc.issuer);
  const pending = { state: randomText(), verifier: randomText(48), nonce: randomText(), returnTo };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.oidc.clientId,
    redirect_uri: redirectUri(),
    scope: config.oidc.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await challengeOf(pending.verifier),
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
  const code = params.get('code');
  if (!stored.success || code === null || params.get('state') !== stored.data.state) {
    throw new SignInError('Sesi masuk tidak cocok atau sudah kedaluwarsa. Silakan masuk lagi.');
  }
  const discovery = await discover(config.oidc.issuer);
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: config.oidc.clientId,
      code_verifier: stored.data.verifier,
    }),
  });
  if (!response.ok) throw new SignInError('Kode masuk ditolak. Silakan masuk lagi.');
  const tokens = TokenResponseSchema.parse(await response.json());
  const claims = readIdToken(tokens.id_token);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (
    claims.iss !== discovery.issuer ||
    !audiences.includes(config.oidc.clientId) ||
    claims.nonce !== stored.data.nonce ||
    isExpired(claims)
  ) {
    throw new SignInError('Token dari penyedia identitas tidak sah. Silakan masuk lagi.');
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

function readIdToken(token: string): IdClaims {
  const claims = readIdTokenOrUndefined(token);
  if (claims === undefined) throw new SignInError('Token dari penyedia identitas tidak terbaca.');
  return claims;
}

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
