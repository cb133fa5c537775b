import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { GROUPS, type Group } from '#shared/http/caller.ts';

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

/** The claims the API reads (interfaces.md §3). */
export const LocalClaimsSchema = z
  .object({
    sub: z.string().min(1),
    name: z.string().min(1),
    groups: z.array(z.enum(ROLES)).min(1),
    /** Operators act for one region. */
    region: z.string().regex(REGION_CODE, 'region must be a Kemendagri code such as 62.03').optional(),
    /** Verifiers sign for one agency (OPD), e.g. DINSOS, BKAD. */
    opd: z
      .string()
      .regex(/^[A-Z][A-Z0-9_-]*$/, 'opd must be an agency code in capitals, such as DINSOS')
      .optional(),
  })
  .superRefine((claims, ctx) => {
    if (claims.groups.includes('operator') && claims.region === undefined) {
      ctx.addIssue({ code: 'custom', path: ['region'], message: 'an operator needs a region' });
    }
    if (claims.groups.includes('verifier') && claims.opd === undefined) {
      ctx.addIssue({ code: 'custom', path: ['opd'], message: 'a verifier needs an opd' });
    }
  });
export type LocalClaims = z.infer<typeof LocalClaimsSchema>;

/** A verified token's payload: our claims plus the registered ones, and anything else it carried. */
export type LocalTokenPayload = LocalClaims & {
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
});

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
 * Checks a token as API Gateway's JWT authorizer would (signature, issuer, audience, expiry) and
 * that its claims have the shape the API relies on. Rejects otherwise.
 */
export async function verifyLocalToken(token: string): Promise<LocalTokenPayload> {
  const { publicKey } = await loadKeyPair();
  const { payload } = await jwtVerify(token, publicKey, {
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    algorithms: [ALGORITHM],
    requiredClaims: ['exp', 'iat', 'sub'],
  });
  return { ...RegisteredClaimsSchema.parse(payload), ...LocalClaimsSchema.parse(payload) };
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
