import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRemoteJWKSet, exportJWK, generateKeyPair, type JWTPayload, jwtVerify } from 'jose';
import Provider, {
  type Adapter,
  type AdapterPayload,
  type Configuration,
  errors,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import { regionName } from '#shared/domain/wilayah.ts';
import { MACHINE_CLIENTS, MACHINE_ROLES, type MachineRole } from '#shared/http/caller.ts';
import { type LocalClaims, LocalClaimsSchema } from './auth.ts';
import {
  EXCHANGE_RESOURCE_INDICATOR,
  LOCAL_MACHINE_CLIENTS,
  MACHINE_TOKEN_SECONDS,
} from './machine-clients.ts';

export { EXCHANGE_RESOURCE_INDICATOR, LOCAL_MACHINE_CLIENTS } from './machine-clients.ts';

/**
 * The local OpenID Connect provider: what Cognito's hosted UI is in AWS, on the console's origin
 * under `/oidc`. The console signs in against it exactly as against Cognito (authorization code +
 * PKCE, a public client, the ID token as the API's bearer); its sign-in page lists one user per
 * role instead of asking for a password. Keys and sessions live in memory: a restart of `npm start`
 * signs everyone out.
 */

export const OIDC_PATH = '/oidc';
/** The console's client id (Cognito's app client id in AWS): the ID token's audience. */
export const CONSOLE_CLIENT_ID = 'khbs-console';
/** The scopes the console asks for; `khbs` carries the claims the API reads. */
export const CONSOLE_SCOPE = 'openid profile khbs';

const machineRoleOf = (clientId: string | undefined): MachineRole | undefined =>
  MACHINE_ROLES.find((role) => LOCAL_MACHINE_CLIENTS[role].clientId === clientId);

/** The local users, one per role (and one per region or agency where the role has one). */
export const LOCAL_USERS: readonly LocalClaims[] = [
  user('operator', { region: '62.03' }),
  user('operator', { region: '62.01' }),
  user('verifier', { opd: 'DINSOS' }),
  user('verifier', { opd: 'BKAD' }),
  user('approver', {}, 'Sekretaris Daerah'),
  user('auditor', {}, 'Auditor Inspektorat'),
  user('admin', {}, 'Admin Sistem'),
  // Two relawan of Kapuas: the operator assigns them to desa by these ids (`sub`).
  user('relawan', { region: '62.03' }, 'Relawan Sari Rahayu', 'relawan-sari'),
  user('relawan', { region: '62.03' }, 'Relawan Budi Santoso', 'relawan-budi'),
].map((claims) => LocalClaimsSchema.parse(claims));

function user(
  role: 'operator' | 'verifier' | 'approver' | 'auditor' | 'admin' | 'relawan',
  scope: { region?: string; opd?: string },
  name?: string,
  sub?: string,
): LocalClaims {
  const key = scope.region ?? scope.opd?.toLowerCase();
  const title =
    role === 'operator'
      ? `Operator ${regionName(scope.region ?? '') ?? scope.region}`
      : role === 'verifier'
        ? `Verifikator ${scope.opd}`
        : (name ?? role);
  return { sub: sub ?? (key === undefined ? role : `${role}-${key}`), name: title, groups: [role], ...scope };
}

export interface LocalOidc {
  /** `http://127.0.0.1:<port>/oidc` */
  readonly issuer: string;
  readonly clientId: string;
  readonly scope: string;
  /** Serves `/oidc/*`: the provider's endpoints and its sign-in page. False for any other path. */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean>;
  /**
   * Checks an ID token as API Gateway's JWT authorizer configured for this provider would: RS256
   * signature by a key of its JWKS, issuer, audience (the console's client id), expiry.
   */
  verifyIdToken(token: string): Promise<JWTPayload>;
  /**
   * Checks a machine client's access token as the JWT authorizer does in AWS: RS256 by a key of the
   * JWKS, issuer, expiry, and a `client_id` in the audience list (the machine clients); locally also
   * its type (`at+jwt`) and resource (`aud`).
   */
  verifyAccessToken(token: string): Promise<JWTPayload>;
  /** `${issuer}/token`: where a machine client trades its id and secret for an access token. */
  readonly tokenEndpoint: string;
}

/** The provider for a console served at `origin` (`http://127.0.0.1:3000`). */
export async function startLocalOidc(origin: string): Promise<LocalOidc> {
  const issuer = `${origin}${OIDC_PATH}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = {
    ...(await exportJWK(privateKey)),
    kid: randomBytes(8).toString('hex'),
    alg: 'RS256',
    use: 'sig',
  };
  const users = new Map(LOCAL_USERS.map((claims) => [claims.sub, claims]));
  const store = new MemoryStore();

  const configuration: Configuration = {
    clients: [
      {
        client_id: CONSOLE_CLIENT_ID,
        client_name: 'Konsol KHBS',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`${origin}/auth/callback`],
        post_logout_redirect_uris: [`${origin}/`],
        id_token_signed_response_alg: 'RS256',
      },
      // Bank Kalteng and BULOG: confidential, client credentials only, one scope each (issue #15).
      ...MACHINE_ROLES.map((role) => ({
        client_id: LOCAL_MACHINE_CLIENTS[role].clientId,
        client_secret: LOCAL_MACHINE_CLIENTS[role].secret,
        client_name: MACHINE_CLIENTS[role].name,
        token_endpoint_auth_method: 'client_secret_basic' as const,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      })),
    ],
    adapter: (name: string) => store.adapter(name),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'khbs'],
    claims: { openid: ['sub'], profile: ['name'], khbs: ['groups', 'region', 'opd'] },
    // The claims go into the ID token, as Cognito's do: the API reads them there.
    conformIdTokenClaims: false,
    // Only the console's origin may call the token endpoint (a browser sends Origin on every POST).
    clientBasedCORS: (_ctx, requestOrigin) => requestOrigin === origin,
    ttl: {
      AccessToken: 60 * 60,
      IdToken: 60 * 60,
      AuthorizationCode: 60,
      ClientCredentials: MACHINE_TOKEN_SECONDS,
      Interaction: 10 * 60,
      Session: 8 * 60 * 60,
      Grant: 8 * 60 * 60,
    },
    findAccount: (_ctx, id) => {
      const claims = users.get(id);
      if (claims === undefined) return undefined;
      return { accountId: id, claims: () => ({ ...claims }) };
    },
    // The console is first-party: no consent screen (Cognito shows none either).
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session } = ctx.oidc;
      if (client === undefined || session?.accountId === undefined) return undefined;
      const existing = session.grantIdFor(client.clientId);
      if (existing !== undefined) {
        const found = await ctx.oidc.provider.Grant.find(existing);
        if (found !== undefined) return found;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(CONSOLE_SCOPE);
      await grant.save();
      return grant;
    },
    // The claims of Cognito's client-credentials access token: `token_use`, and the client's scope
    // when none was asked for (Cognito then grants every scope the client is allowed).
    formats: {
      customizers: {
        jwt: (_ctx, token, jwt) => {
          const role = machineRoleOf(token.clientId);
          if (role === undefined) return;
          jwt.payload.token_use = 'access';
          jwt.payload.scope ??= LOCAL_MACHINE_CLIENTS[role].scope;
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `${OIDC_PATH}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // The machine clients' tokens are JWTs for the exchange (a resource server), as Cognito's are.
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, client) =>
          machineRoleOf(client?.clientId) !== undefined ? EXCHANGE_RESOURCE_INDICATOR : undefined,
        useGrantedResource: () => false,
        getResourceServerInfo: (ctx, resourceIndicator, client) => {
          const role = machineRoleOf(client.clientId);
          if (role === undefined || resourceIndicator !== EXCHANGE_RESOURCE_INDICATOR) {
            throw new errors.InvalidTarget();
          }
          // As Cognito: asking for a scope the client is not allowed is an error, not a smaller token.
          const asked = String(ctx.oidc.params?.scope ?? '')
            .split(' ')
            .filter(Boolean);
          const other = asked.find((scope) => scope !== LOCAL_MACHINE_CLIENTS[role].scope);
          if (other !== undefined) throw new errors.InvalidScope('requested scope is not allowed', other);
          return {
            scope: LOCAL_MACHINE_CLIENTS[role].scope,
            audience: EXCHANGE_RESOURCE_INDICATOR,
            accessTokenFormat: 'jwt',
            accessTokenTTL: MACHINE_TOKEN_SECONDS,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        // Signing out from the console needs no second question: the form submits itself.
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = page(
            'Keluar',
            `<h1>Keluar dari KHBS</h1><p>Sedang mengeluarkan Anda…</p>${form.replace(
              '</form>',
              '<input type="hidden" name="logout" value="yes"/><noscript><button type="submit">Keluar</button></noscript></form>',
            )}<script>document.forms[0].submit()</script>`,
          );
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = page('Keluar', `<h1>Anda sudah keluar</h1><p><a href="${origin}/">Masuk lagi</a></p>`);
        },
      },
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(
        'Gagal masuk',
        `<h1>Gagal masuk</h1><p>${escapeHtml(String(out.error_description ?? out.error))}</p><p><a href="${origin}/">Kembali ke konsol</a></p>`,
      );
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));

  async function interaction(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
    const login = /^\/([\w-]+)\/login$/.exec(rest);
    if (req.method === 'POST' && login !== null) {
      const form = new URLSearchParams(await readText(req));
      const accountId = form.get('account') ?? '';
      if (!users.has(accountId)) {
        send(res, 400, page('Gagal masuk', '<h1>Pengguna tidak dikenal</h1>'));
        return;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (req.method !== 'GET' || !/^\/[\w-]+$/.test(rest)) {
      send(res, 404, page('Tidak ditemukan', '<h1>Tidak ditemukan</h1>'));
      return;
    }
    const details = await provider.interactionDetails(req, res);
    const buttons = LOCAL_USERS.map((claims) => {
      const role = claims.groups[0];
      const where =
        claims.region !== undefined
          ? ` · ${claims.region}`
          : claims.opd !== undefined
            ? ` · ${claims.opd}`
            : '';
      return `<li><button type="submit" name="account" value="${escapeHtml(claims.sub)}">${escapeHtml(claims.name)}<span>${escapeHtml(`${role}${where}`)}</span></button></li>`;
    }).join('');
    send(
      res,
      200,
      page(
        'Masuk',
        `<h1>Masuk ke KHBS</h1>
<p>Penyedia identitas lokal untuk pengembangan: pilih pengguna. Di AWS halaman ini adalah Cognito.</p>
<form method="post" action="${OIDC_PATH}/interaction/${escapeHtml(details.uid)}/login">
<fieldset><legend>Masuk sebagai</legend><ul>${buttons}</ul></fieldset>
</form>`,
      ),
    );
  }

  return {
    issuer,
    clientId: CONSOLE_CLIENT_ID,
    scope: CONSOLE_SCOPE,
    async handle(req, res, pathname) {
      if (pathname !== OIDC_PATH && !pathname.startsWith(`${OIDC_PATH}/`)) return false;
      const rest = pathname.slice(OIDC_PATH.length);
      if (rest.startsWith('/interaction/')) {
        try {
          await interaction(req, res, rest.slice('/interaction'.length));
        } catch (error) {
          // An interaction that expired (10 minutes) or whose cookie is gone: start again.
          if (!(error instanceof errors.OIDCProviderError)) throw error;
          send(
            res,
            400,
            page(
              'Gagal masuk',
              `<h1>Sesi masuk kedaluwarsa</h1><p><a href="${origin}/">Kembali ke konsol dan masuk lagi</a></p>`,
            ),
          );
        }
        return true;
      }
      // Mounted under /oidc: the provider sees its own paths and finds its mount in originalUrl.
      const url = req.url ?? '/';
      Object.assign(req, { originalUrl: url, url: url.slice(OIDC_PATH.length) || '/' });
      await callback(req, res);
      return true;
    },
    tokenEndpoint: `${issuer}/token`,
    async verifyAccessToken(token) {
      const { payload } = await jwtVerify(token, jwks, {
        issuer,
        audience: EXCHANGE_RESOURCE_INDICATOR,
        algorithms: ['RS256'],
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'sub', 'client_id'],
      });
      if (
        machineRoleOf(typeof payload.client_id === 'string' ? payload.client_id : undefined) === undefined
      ) {
        throw new Error('the token is for no known client');
      }
      return payload;
    },
    async verifyIdToken(token) {
      const { payload } = await jwtVerify(token, jwks, {
        issuer,
        audience: CONSOLE_CLIENT_ID,
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      return payload;
    },
  };
}

/**
 * Sessions, codes and grants in this process's memory, expiring as the provider asks: on purpose for
 * a local provider (a restart signs everyone out), and said so here rather than by the provider's
 * warning about its own development adapter.
 */
class MemoryStore {
  private readonly items = new Map<string, { payload: AdapterPayload; expiresAt: number }>();

  adapter(name: string): Adapter {
    const key = (id: string) => `${name}:${id}`;
    const read = (id: string): AdapterPayload | undefined => {
      const item = this.items.get(key(id));
      if (item === undefined) return undefined;
      if (item.expiresAt <= Date.now()) {
        this.items.delete(key(id));
        return undefined;
      }
      return item.payload;
    };
    const findBy = (field: 'uid' | 'userCode', value: string): AdapterPayload | undefined => {
      for (const [stored, item] of this.items) {
        if (stored.startsWith(`${name}:`) && item.payload[field] === value)
          return read(stored.slice(name.length + 1));
      }
      return undefined;
    };
    return {
      upsert: async (id, payload, expiresIn) => {
        const expiresAt = expiresIn === undefined ? Number.POSITIVE_INFINITY : Date.now() + expiresIn * 1000;
        this.items.set(key(id), { payload, expiresAt });
      },
      find: async (id) => read(id),
      findByUid: async (uid) => findBy('uid', uid),
      findByUserCode: async (userCode) => findBy('userCode', userCode),
      consume: async (id) => {
        const payload = read(id);
        if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id) => {
        this.items.delete(key(id));
      },
      revokeByGrantId: async (grantId) => {
        for (const [stored, item] of this.items)
          if (item.payload.grantId === grantId) this.items.delete(stored);
      },
    };
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) throw new Error('sign-in form too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(html);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · KHBS (lokal)</title>
<style>
body{font-family:system-ui,"Liberation Sans",Arial,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24}
main{max-width:30rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #d5dae1;border-radius:.5rem}
fieldset{border:0;padding:0;margin:0}legend{font-weight:700;margin-bottom:.5rem}
ul{list-style:none;padding:0;margin:0;display:grid;gap:.5rem}
button{width:100%;text-align:left;font:inherit;padding:.75rem 1rem;border:2px solid #0b5a3c;border-radius:.375rem;background:#fff;color:#0b5a3c;cursor:pointer;font-weight:600}
button span{display:block;font-weight:400;color:#4a5360;font-size:.9rem}
button:focus-visible{outline:3px solid #1a56db;outline-offset:2px}a{color:#0b5a3c}
</style></head><body><main>${body}</main></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
