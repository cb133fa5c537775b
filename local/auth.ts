import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { isRegionCode } from '#shared/domain/regions.ts';
import { GROUPS, type Group, MACHINE_ROLES, ROLE_RULES } from '#shared/http/caller.ts';

/**
 * Tokens for the local stack. In AWS a Cognito user pool signs the tokens and API Gateway's JWT
 * authorizer checks them; locally this module does both, with an RS256 key (the algorithm API
 * Gateway's JWT authorizers accept) kept per machine in `.tmp/` (gitignored). The key is created on
 * first use and then read from disk, so `npm run token` and a running `npm start`, which are
 * separate processes, agree without any setup.
 */

export const LOCAL_ISSUER = 'khbs-local';
export const LOCAL_AUDIENCE = 'khbs-local-api';
const ALGORITHM = 'RS256';

/** The groups a token can carry: the API's own list. */
export const ROLES = GROUPS;
export type Role = Group;

/** Kemendagri code of a kabupaten/kota in Kalimantan Tengah, e.g. `62.03`. */
export const REGION_CODE = /^62\.\d{2}$/;

/**
 * The claims the API reads (interfaces.md §3), as provisioning may issue them: one group per user
 * (the API refuses a token with two), a known region for the regional roles, an agency for verifiers.
 */
export const LocalClaimsSchema = z
  .object({
    sub: z.string().min(1),
    name: z.string().min(1),
    groups: z.array(z.enum(ROLES)).length(1, 'a user belongs to exactly one group'),
    /** Operators act for one region. */
    region: z
      .string()
      .regex(REGION_CODE, 'region must be a Kemendagri code such as 62.03')
      .refine(isRegionCode, 'region is not a kabupaten/kota of Kalimantan Tengah')
      .optional(),
    /** Verifiers sign for one agency (OPD), e.g. DINSOS, BKAD. */
    opd: z
      .string()
      .regex(/^[A-Z][A-Z0-9_-]*$/, 'opd must be an agency code in capitals, such as DINSOS')
      .optional(),
  })
  .superRefine((claims, ctx) => {
    const group = claims.groups[0];
    if (group !== undefined && (MACHINE_ROLES as readonly Group[]).includes(group)) {
      ctx.addIssue({
        code: 'custom',
        path: ['groups'],
        message: `${group} is a machine client, not a user's group: npm run token -- --client ${group}`,
      });
    }
    const rule = group === undefined ? undefined : ROLE_RULES[group];
    if (rule?.regions === 'own' && claims.region === undefined) {
      ctx.addIssue({ code: 'custom', path: ['region'], message: `a ${claims.groups[0]} needs a region` });
    }
    if (rule?.needsAgency && claims.opd === undefined) {
      ctx.addIssue({ code: 'custom', path: ['opd'], message: 'a verifier needs an opd' });
    }
  });
export type LocalClaims = z.infer<typeof LocalClaimsSchema>;

/**
 * A verified token's payload: the registered claims, and whatever else it carried. What the other
 * claims mean (one group, a known region) is the API's to judge (`scopeOf`, a 403), as in AWS, where
 * the JWT authorizer checks only the token itself.
 */
export type LocalTokenPayload = {
  readonly sub: string;
  readonly iss: string;
  readonly aud: string | string[];
  readonly iat: number;
  readonly exp: number;
  readonly jti?: string;
  readonly [claim: string]: unknown;
};

/** The registered claims every local token carries; other claims pass through. */
const RegisteredClaimsSchema = z.looseObject({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  iat: z.number(),
  exp: z.number(),
  jti: z.string().optional(),
  sub: z.string(),
});

/** Clock skew allowed on `iat`: a token issued in the future is refused, as API Gateway does. */
const IAT_SKEW_SECONDS = 5;

const KEY_DIR = fileURLToPath(new URL('../.tmp/', import.meta.url));
const KEY_FILE = `${KEY_DIR}local-jwt-key.json`;

interface KeyPair {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly kid: string;
}

let keyPair: Promise<KeyPair> | undefined;

/** Signs a token for the local API. Claims are validated first; `ttlSeconds` defaults to 8 hours. */
export async function signLocalToken(claims: LocalClaims, ttlSeconds = 8 * 60 * 60): Promise<string> {
  const valid = LocalClaimsSchema.parse(claims);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)
    throw new Error('ttlSeconds must be a positive integer');
  const { privateKey, kid } = await loadKeyPair();
  return new SignJWT({ ...valid })
    .setProtectedHeader({ alg: ALGORITHM, kid, typ: 'JWT' })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject(valid.sub)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .setJti(randomUUID())
    .sign(privateKey);
}

/**
 * Checks a token as API Gateway's JWT authorizer does: the algorithm (RS256 only, so `alg: none`
 * and HMAC tokens fail) and signature, issuer, audience, `exp` after now, `nbf` and `iat` before
 * now. Rejects otherwise. Claims beyond those are passed on unjudged.
 */
export async function verifyLocalToken(token: string): Promise<LocalTokenPayload> {
  const { publicKey } = await loadKeyPair();
  const { payload } = await jwtVerify(token, publicKey, {
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    algorithms: [ALGORITHM],
    requiredClaims: ['exp', 'iat', 'sub'],
  });
  const registered = RegisteredClaimsSchema.parse(payload);
  if (registered.iat > Date.now() / 1000 + IAT_SKEW_SECONDS) throw new Error('token issued in the future');
  return registered;
}

/**
 * Signs any payload with the local key, registered claims included as given: for the security
 * tests, which play a careless admin (two groups, an unknown region) and an attacker (a token issued
 * tomorrow). Never used by the stack itself.
 */
export async function signRawLocalToken(
  payload: Readonly<Record<string, unknown>>,
  header: { readonly kid?: string } = {},
): Promise<string> {
  const { privateKey, kid } = await loadKeyPair();
  return new SignJWT({ ...payload })
    .setProtectedHeader({ alg: ALGORITHM, kid: header.kid ?? kid, typ: 'JWT' })
    .sign(privateKey);
}

/** The registered claims a valid local token carries, for {@link signRawLocalToken}. */
export function registeredClaims(now = Math.floor(Date.now() / 1000), ttlSeconds = 600) {
  return { iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, iat: now, exp: now + ttlSeconds, jti: randomUUID() };
}

function loadKeyPair(): Promise<KeyPair> {
  keyPair ??= readOrCreateKeyPair().catch((error: unknown) => {
    keyPair = undefined;
    throw error;
  });
  return keyPair;
}

const StoredKeySchema = z.object({
  kid: z.string().min(1),
  privateJwk: z.looseObject({ kty: z.literal('RSA'), d: z.string() }),
  publicJwk: z.looseObject({ kty: z.literal('RSA'), n: z.string(), e: z.string() }),
});

async function readOrCreateKeyPair(): Promise<KeyPair> {
  const existing = await readStoredKey();
  if (existing !== undefined) return existing;

  await mkdir(KEY_DIR, { recursive: true });
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const stored = {
    kid: randomUUID(),
    privateJwk: await exportJWK(privateKey),
    publicJwk: await exportJWK(publicKey),
  };
  // Write beside, then link into place: link fails if the file exists, so when two processes race
  // on first use, exactly one key wins and both use it; nobody ever reads a half-written file.
  const temp = `${KEY_FILE}.${process.pid}.${randomUUID()}`;
  await writeFile(temp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  try {
    await link(temp, KEY_FILE);
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
  } finally {
    await unlink(temp);
  }
  const winner = await readStoredKey();
  if (winner === undefined) throw new Error(`could not read back ${KEY_FILE}`);
  return winner;
}

async function readStoredKey(): Promise<KeyPair | undefined> {
  let text: string;
  try {
    text = await readFile(KEY_FILE, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  const parsed = StoredKeySchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${KEY_FILE} is not a local signing key: delete it and try again`);
  const { kid, privateJwk, publicJwk } = parsed.data;
  const [privateKey, publicKey] = await Promise.all([
    importJWK(privateJwk as JWK, ALGORITHM),
    importJWK(publicJwk as JWK, ALGORITHM),
  ]);
  if (privateKey instanceof Uint8Array || publicKey instanceof Uint8Array) {
    throw new Error(`${KEY_FILE} holds no RSA key pair`);
  }
  return { privateKey, publicKey, kid };
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
