import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredClaims } from '../../local/auth.ts';
import type { LocalStack } from '../../local/stack.ts';
import {
  errorOf,
  OWN,
  type Person,
  type ProbeRequest,
  personOf,
  type Reply,
  send,
  snapshot,
  startProbeStack,
  tokenFor,
  uploadList,
} from './support.ts';

/**
 * Crafted tokens, as an attacker and a careless admin would make them, against a read route and a
 * state-changing one. A token the gateway cannot trust (no signature, another key, another
 * algorithm, out of its time window, for another issuer or audience, no subject) gets the gateway's
 * own 401 and never reaches a handler; a token the gateway trusts whose claims make no single,
 * complete role gets the API's documented 403. Neither answer repeats the token or its claims, and a
 * refused submission leaves the proposal, its list and its audit chain exactly as they were.
 */

const PERIOD = '2026-S1';
let stack: LocalStack;
/** A DRAFT proposal of {@link OWN}, which every refused submission must leave as it is. */
let proposalId: string;

beforeAll(async () => {
  stack = await startProbeStack();
  ({ proposalId } = await uploadList(stack, OWN, PERIOD));
});

afterAll(async () => {
  await stack?.stop();
});

const READ: ProbeRequest = { method: 'GET', path: '/proposals' };
const submit = (): ProbeRequest => ({ method: 'POST', path: `/proposals/${proposalId}/submit`, body: {} });

/** Sends `request` with exactly this Authorization header (none when undefined). */
function sendWith(request: ProbeRequest, authorization: string | undefined): Promise<Reply> {
  return send(stack, {
    ...request,
    headers: { ...request.headers, ...(authorization !== undefined ? { authorization } : {}) },
  });
}

/** Never a 5xx, never a stack trace; the token and each of its parts never come back. */
function expectNoLeak(reply: Reply, token: string | undefined, claimValues: readonly string[] = []) {
  expect(reply.status).toBeLessThan(500);
  expect(reply.text).not.toMatch(/\bat .*\.ts:\d+/);
  const secrets = [...claimValues];
  if (token) secrets.push(token, ...token.split('.').filter((part) => part.length >= 8));
  const headerText = [...reply.headers.entries()].map(([name, value]) => `${name}: ${value}`).join('\n');
  for (const secret of secrets) {
    expect(reply.text, 'the body repeats a part of the token').not.toContain(secret);
    expect(headerText, 'a header repeats a part of the token').not.toContain(secret);
  }
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The kid the local key signs with, read from a token it signed. */
async function localKid(): Promise<string> {
  const kid = decodeProtectedHeader(await tokenFor(personOf('operator'))).kid;
  if (!kid) throw new Error('local tokens carry no kid');
  return kid;
}

/** A well-formed operator's claims for OWN, for tokens signed some other way. */
const operatorClaims = (extra: Record<string, unknown> = {}) => ({
  ...registeredClaims(),
  sub: 'attacker-1',
  name: 'Attacker',
  groups: ['operator'],
  region: OWN,
  ...extra,
});

const now = () => Math.floor(Date.now() / 1000);
const DAY = 24 * 3600;

// ─── 401: the gateway does not trust the token ────────────────────────────────────────────────────

interface Untrusted {
  readonly name: string;
  /** The whole Authorization header, or undefined for none. */
  readonly authorization: () => Promise<string | undefined>;
}

const operator = personOf('operator');

const UNTRUSTED: readonly Untrusted[] = [
  { name: 'no Authorization header', authorization: async () => undefined },
  { name: 'an empty "Bearer "', authorization: async () => 'Bearer ' },
  { name: 'a garbage token', authorization: async () => 'Bearer not-a-jwt.at-all.%%%' },
  {
    name: 'a three-part token of garbage',
    authorization: async () => `Bearer ${b64url({ alg: 'RS256' })}.${b64url({ sub: 'x' })}.AAAA`,
  },
  {
    name: 'a JWT signed by another RSA key under the local kid',
    authorization: async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const token = await new SignJWT(operatorClaims())
        .setProtectedHeader({ alg: 'RS256', kid: await localKid(), typ: 'JWT' })
        .sign(privateKey);
      return `Bearer ${token}`;
    },
  },
  {
    name: 'an unsigned token (alg: none)',
    authorization: async () =>
      `Bearer ${b64url({ alg: 'none', typ: 'JWT', kid: await localKid() })}.${b64url(operatorClaims())}.`,
  },
  {
    name: 'an unsigned token (alg: None, signature kept from a valid token)',
    authorization: async () => {
      const signature = (await tokenFor(operator)).split('.')[2];
      return `Bearer ${b64url({ alg: 'None', typ: 'JWT', kid: await localKid() })}.${b64url(operatorClaims())}.${signature}`;
    },
  },
  {
    name: 'HS256 signed with the local public key as the secret (algorithm confusion)',
    authorization: async () => {
      await tokenFor(operator); // the local key exists from here on
      const keyFile = fileURLToPath(new URL('../../.tmp/local-jwt-key.json', import.meta.url));
      const { publicJwk } = JSON.parse(await readFile(keyFile, 'utf8')) as { publicJwk: JsonWebKey };
      const pem = createPublicKey({ key: publicJwk, format: 'jwk' })
        .export({ type: 'spki', format: 'pem' })
        .toString();
      const token = await new SignJWT(operatorClaims())
        .setProtectedHeader({ alg: 'HS256', kid: await localKid(), typ: 'JWT' })
        .sign(new TextEncoder().encode(pem));
      return `Bearer ${token}`;
    },
  },
  {
    name: "a valid operator's signature over an admin's claims",
    authorization: async () => {
      const [header, , signature] = (await tokenFor(operator)).split('.');
      return `Bearer ${header}.${b64url(operatorClaims({ groups: ['admin'], region: undefined }))}.${signature}`;
    },
  },
  {
    name: 'an expired token',
    authorization: async () =>
      `Bearer ${await tokenFor(operator, { iat: now() - 2 * 3600, exp: now() - 3600 })}`,
  },
  {
    name: 'a token without exp',
    authorization: async () => `Bearer ${await tokenFor(operator, { exp: undefined })}`,
  },
  {
    name: 'a token issued a day in the future (iat)',
    authorization: async () =>
      `Bearer ${await tokenFor(operator, { iat: now() + DAY, exp: now() + 2 * DAY })}`,
  },
  {
    name: 'a token not valid yet (nbf in the future)',
    authorization: async () => `Bearer ${await tokenFor(operator, { nbf: now() + 3600 })}`,
  },
  {
    name: 'a token of another issuer',
    authorization: async () => `Bearer ${await tokenFor(operator, { iss: 'https://evil.example' })}`,
  },
  {
    name: 'a token for another audience',
    authorization: async () => `Bearer ${await tokenFor(operator, { aud: 'another-api' })}`,
  },
  {
    name: 'a token without sub',
    authorization: async () => `Bearer ${await tokenFor(operator, { sub: undefined })}`,
  },
];

describe('a token the gateway cannot trust gets its 401 {"message":"Unauthorized"}', () => {
  it.each(UNTRUSTED)('$name: GET /proposals → 401', async ({ authorization }) => {
    const header = await authorization();
    const reply = await sendWith(READ, header);
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ message: 'Unauthorized' });
    expectNoLeak(reply, header?.replace(/^Bearer\s*/, ''));
  });

  it.each(UNTRUSTED)(
    '$name: POST /proposals/{id}/submit → 401 and nothing changed',
    async ({ authorization }) => {
      const header = await authorization();
      const before = await snapshot(stack, [proposalId]);
      const reply = await sendWith(submit(), header);
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual({ message: 'Unauthorized' });
      expectNoLeak(reply, header?.replace(/^Bearer\s*/, ''));
      expect(await snapshot(stack, [proposalId])).toEqual(before);
    },
  );
});

// ─── 403: a trusted token whose claims make no single, complete role ───────────────────────────────

interface Misprovisioned {
  readonly name: string;
  readonly person: Person;
  /** Claims added, replaced or (undefined) removed. */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** What the 403's message must say (`shared/http/caller.ts`). */
  readonly reason: RegExp;
}

const NO_ROLE = /tidak memiliki peran/;
const TWO_ROLES = /lebih dari satu peran/;
const UNKNOWN_ROLE = /Peran pada akun ini tidak dikenal/;
const NO_REGION = /tidak terhubung dengan kabupaten\/kota yang dikenal/;
const NO_AGENCY = /tidak terhubung dengan perangkat daerah/;
const NO_CAPABILITY = /Tindakan ini hanya untuk peran/;
const MACHINE_GROUP = /hanya untuk sistem Bank Kalteng dan Perum BULOG/;
const GROUPS_AND_SCOPE = /peran pengguna dan cakupan klien mesin sekaligus/;
const BAD_MACHINE_TOKEN = /Token klien mesin tidak sah/;
const UNKNOWN_SCOPE = /Cakupan pertukaran pada token ini tidak dikenal/;

const MISPROVISIONED: readonly Misprovisioned[] = [
  {
    name: 'an unknown role (superuser)',
    person: { groups: ['superuser'], region: OWN },
    reason: UNKNOWN_ROLE,
  },
  {
    name: 'no groups claim',
    person: { groups: ['operator'], region: OWN },
    extra: { groups: undefined },
    reason: NO_ROLE,
  },
  { name: 'empty groups', person: { groups: [], region: OWN }, reason: NO_ROLE },
  {
    name: 'operator + auditor with a region',
    person: { groups: ['operator', 'auditor'], region: OWN },
    reason: TWO_ROLES,
  },
  {
    name: 'verifier + approver',
    person: { groups: ['verifier', 'approver'], opd: 'DINSOS' },
    reason: TWO_ROLES,
  },
  { name: 'admin + operator', person: { groups: ['admin', 'operator'], region: OWN }, reason: TWO_ROLES },
  {
    name: 'groups as API Gateway\'s string "[operator auditor]"',
    person: { groups: ['operator'], region: OWN },
    extra: { groups: '[operator auditor]' },
    reason: TWO_ROLES,
  },
  {
    name: "Cognito's claims naming two groups",
    person: { groups: [] },
    extra: { groups: undefined, 'cognito:groups': ['operator', 'admin'], 'custom:region': OWN },
    reason: TWO_ROLES,
  },
  {
    name: 'an operator of region 62.99 (no such kabupaten)',
    person: { groups: ['operator'], region: '62.99' },
    reason: NO_REGION,
  },
  {
    name: 'an operator of region 6203 (not the Kemendagri form)',
    person: { groups: ['operator'], region: '6203' },
    reason: NO_REGION,
  },
  { name: 'an operator without region', person: { groups: ['operator'] }, reason: NO_REGION },
  { name: 'a verifier without opd', person: { groups: ['verifier'] }, reason: NO_AGENCY },
  { name: 'a relawan (no capability here)', person: personOf('relawan'), reason: NO_CAPABILITY },
  // Bank Kalteng and BULOG are machine clients (issue #15): their own token holds only the exchange.
  { name: "the bank's machine client (exchange only)", person: personOf('bank'), reason: NO_CAPABILITY },
  { name: "BULOG's machine client (exchange only)", person: personOf('bulog'), reason: NO_CAPABILITY },
  { name: 'a person in a bank group', person: { groups: ['bank'] }, reason: MACHINE_GROUP },
  { name: 'a person in a bulog group', person: { groups: ['bulog'] }, reason: MACHINE_GROUP },
  {
    name: "the bank's scope with forged groups",
    person: personOf('bank'),
    extra: { groups: ['admin'] },
    reason: GROUPS_AND_SCOPE,
  },
  {
    name: "the bank's scope with Cognito groups",
    person: personOf('bank'),
    extra: { 'cognito:groups': ['bank'] },
    reason: GROUPS_AND_SCOPE,
  },
  {
    name: 'an ID token carrying the bank scope',
    person: personOf('bank'),
    extra: { token_use: 'id' },
    reason: BAD_MACHINE_TOKEN,
  },
  {
    name: "an operator's token carrying the bank scope",
    person: { groups: ['operator'], region: OWN },
    extra: { scope: 'khbs-exchange/bank' },
    reason: GROUPS_AND_SCOPE,
  },
  {
    name: 'both exchange scopes',
    person: personOf('bank'),
    extra: { scope: 'khbs-exchange/bank khbs-exchange/bulog' },
    reason: BAD_MACHINE_TOKEN,
  },
  {
    name: 'the bank scope with extra spaces',
    person: personOf('bank'),
    extra: { scope: ' khbs-exchange/bank ' },
    reason: BAD_MACHINE_TOKEN,
  },
  {
    // The gateway hands a list over as the string `[khbs-exchange/bank]`, as API Gateway does: no scope of ours.
    name: 'the bank scope as a list',
    person: personOf('bank'),
    extra: { scope: ['khbs-exchange/bank'] },
    reason: UNKNOWN_SCOPE,
  },
  {
    name: 'an unknown exchange scope',
    person: personOf('bank'),
    extra: { scope: 'khbs-exchange/admin' },
    reason: UNKNOWN_SCOPE,
  },
  {
    name: 'a client_id other than the subject',
    person: personOf('bank'),
    extra: { client_id: 'another-client' },
    reason: BAD_MACHINE_TOKEN,
  },
];

/** The values a 403 must not repeat: the subject, the name, the jti and the odd claims given. */
function claimValuesOf(token: string, person: Person): string[] {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  const values = [payload.sub, payload.name, payload.jti].filter(
    (value): value is string => typeof value === 'string',
  );
  // A role's own name may appear in the answer ("only for: operator, …"); an unknown one may not.
  if (person.groups.includes('superuser')) values.push('superuser');
  if (person.region && person.region !== OWN) values.push(person.region);
  return values;
}

function expectForbidden(reply: Reply, reason: RegExp) {
  expect(reply.status).toBe(403);
  const { code, message } = errorOf(reply);
  expect(code).toBe('FORBIDDEN');
  expect(message).toMatch(reason);
  expect(message).not.toMatch(/forbidden|denied|invalid|expected|not allowed/i);
}

describe('a trusted token that makes no single, complete role gets the documented 403', () => {
  let sequence = 0;
  const tokenOf = ({ person, extra }: Misprovisioned) =>
    tokenFor({ ...person, sub: `crafted-subject-${++sequence}-7f3a` }, extra);

  it.each(MISPROVISIONED)('$name: GET /proposals → 403', async (crafted) => {
    const token = await tokenOf(crafted);
    const reply = await send(stack, READ, token);
    expectForbidden(reply, crafted.reason);
    expectNoLeak(reply, token, claimValuesOf(token, crafted.person));
  });

  it.each(MISPROVISIONED)('$name: POST /proposals/{id}/submit → 403 and nothing changed', async (crafted) => {
    const token = await tokenOf(crafted);
    const before = await snapshot(stack, [proposalId]);
    const reply = await send(stack, submit(), token);
    expectForbidden(reply, crafted.reason);
    expectNoLeak(reply, token, claimValuesOf(token, crafted.person));
    expect(await snapshot(stack, [proposalId])).toEqual(before);
  });
});

// ─── The machine clients: their own token on their own routes, and nowhere else ─────────────────────

describe("Bank Kalteng's and BULOG's machine clients", () => {
  it('each reads its own files with its own token, and is refused the other party’s (403)', async () => {
    const bank = await tokenFor(personOf('bank'));
    const bulog = await tokenFor(personOf('bulog'));
    expect((await send(stack, { method: 'GET', path: '/exchange/bank/files' }, bank)).status).toBe(200);
    expect((await send(stack, { method: 'GET', path: '/exchange/bulog/files' }, bulog)).status).toBe(200);
    expectForbidden(await send(stack, { method: 'GET', path: '/exchange/bulog/files' }, bank), NO_CAPABILITY);
    expectForbidden(await send(stack, { method: 'GET', path: '/exchange/bank/files' }, bulog), NO_CAPABILITY);
  });

  it('a machine token the gateway cannot trust gets its 401 (another issuer, expired, unsigned)', async () => {
    const bank = personOf('bank');
    for (const token of [
      await tokenFor(bank, { iss: 'https://cognito-idp.example/other-pool' }),
      await tokenFor(bank, { iat: now() - 2 * 3600, exp: now() - 3600 }),
      `${b64url({ alg: 'none', typ: 'JWT', kid: await localKid() })}.${b64url({ ...registeredClaims(), sub: 'x', client_id: 'x', token_use: 'access', scope: 'khbs-exchange/bank' })}.`,
    ]) {
      const reply = await send(stack, { method: 'GET', path: '/exchange/bank/files' }, token);
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual({ message: 'Unauthorized' });
    }
  });
});

// ─── The control: the same requests with the rightful token go through ──────────────────────────────

describe('the rightful operator', () => {
  it('reads (GET /proposals → 200, own region only)', async () => {
    const reply = await send(stack, READ, await tokenFor(personOf('operator', 'operator-rightful')));
    expect(reply.status).toBe(200);
    const { items } = reply.json as { items: { proposalId: string; region: string }[] };
    expect(items.map((item) => item.proposalId)).toContain(proposalId);
    expect(items.every((item) => item.region === OWN)).toBe(true);
  });

  // Last: it changes the proposal, which shows the snapshots above would have seen a change.
  it('submits (POST /proposals/{id}/submit → 200) and the snapshot changes', async () => {
    const before = await snapshot(stack, [proposalId]);
    const reply = await send(stack, submit(), await tokenFor(personOf('operator', 'operator-rightful')));
    expect(reply.status).toBe(200);
    const after = await snapshot(stack, [proposalId]);
    expect(after).not.toEqual(before);
    expect(after[0]?.version).toBeGreaterThan(before[0]?.version ?? Number.POSITIVE_INFINITY);
    expect(after[0]?.auditLength).toBe((before[0]?.auditLength ?? 0) + 1);
    expect(after[0]?.chainValid).toBe(true);
    await stack.whenIdle();
  });
});
