import { describe, expect, it } from 'vitest';
import { ForbiddenError, UnauthorizedError } from '#shared/errors.ts';
import {
  actorOf,
  recordedActorMay,
  requireCapability,
  requireRegion,
  type Scope,
  scopeOf,
} from '#shared/http/caller.ts';

/**
 * scopeOf reads claims in every form API Gateway and the local gateway hand them over (arrays,
 * `[a b]` strings, Cognito's names) and refuses whatever could be read two ways.
 */

type Claims = Parameters<typeof scopeOf>[0];
const base = { sub: 'user-1', name: 'Petugas' };

const refusal = (claims: Claims): string => {
  try {
    scopeOf(claims);
  } catch (error) {
    if (error instanceof UnauthorizedError) return '401';
    if (error instanceof ForbiddenError) return '403';
    throw error;
  }
  return 'accepted';
};

describe('scopeOf', () => {
  it.each<[string, Claims, string]>([
    ['no claims', undefined, '401'],
    ['no sub', { groups: '[auditor]' }, '401'],
    ['a blank sub', { sub: '  ', groups: '[auditor]' }, '401'],
    ['no groups', { ...base }, '403'],
    ['empty groups', { ...base, groups: '[]' }, '403'],
    ['two groups, API Gateway form', { ...base, groups: '[operator auditor]', region: '62.03' }, '403'],
    ['two groups, commas', { ...base, groups: 'operator,auditor', region: '62.03' }, '403'],
    ['two groups, array', { ...base, groups: ['verifier', 'approver'], opd: 'DINSOS' }, '403'],
    ['two groups, Cognito', { ...base, 'cognito:groups': '[admin operator]', region: '62.03' }, '403'],
    ['an unknown group', { ...base, groups: '[superuser]' }, '403'],
    ['a group in capitals', { ...base, groups: '[Auditor]' }, '403'],
    [
      'both claim names for groups',
      { ...base, groups: '[auditor]', 'cognito:groups': '[operator admin]' },
      '403',
    ],
    [
      'both claim names for region',
      { ...base, groups: '[operator]', region: '62.03', 'custom:region': '62.06' },
      '403',
    ],
    ['an operator without region', { ...base, groups: '[operator]' }, '403'],
    ['an operator of 62.99', { ...base, groups: '[operator]', region: '62.99' }, '403'],
    ['an operator of 6203', { ...base, groups: '[operator]', region: '6203' }, '403'],
    ['a relawan without region', { ...base, groups: '[relawan]' }, '403'],
    ['a verifier without opd', { ...base, groups: '[verifier]' }, '403'],
    ['a verifier with a malformed opd', { ...base, groups: '[verifier]', opd: 'DIN SOS' }, '403'],
    ['one group named twice', { ...base, groups: ['auditor', 'auditor'] }, 'accepted'],
    ['an auditor', { ...base, groups: '[auditor]' }, 'accepted'],
  ])('%s → %s', (_label, claims, expected) => {
    expect(refusal(claims)).toBe(expected);
  });

  it('binds an operator to the known region in its token, in either claim form', () => {
    for (const claims of [
      { ...base, groups: '[operator]', region: '62.03' },
      { ...base, 'cognito:groups': ['operator'], 'custom:region': '62.03' },
      { ...base, groups: 'operator', region: '62.03' },
    ]) {
      const scope = scopeOf(claims);
      expect(scope).toMatchObject({ role: 'operator', regions: ['62.03'], personalData: 'full' });
      expect(() => requireRegion(scope, '62.03')).not.toThrow();
      expect(() => requireRegion(scope, '62.06')).toThrow(ForbiddenError);
    }
  });

  it('gives a verifier its agency in capitals, and roles that read every region all of them', () => {
    const verifier = scopeOf({ ...base, 'cognito:groups': '[verifier]', 'custom:opd': 'dinsos' });
    expect(verifier).toMatchObject({ role: 'verifier', agency: 'DINSOS', regions: 'all' });
    // A region claim on a role that reads every region narrows nothing and widens nothing.
    expect(scopeOf({ ...base, groups: '[admin]', region: '62.03' }).regions).toBe('all');
    expect(scopeOf({ ...base, groups: '[auditor]' }).personalData).toBe('masked');
  });

  it('grants exactly the role’s capabilities', () => {
    const operator: Scope = scopeOf({ ...base, groups: '[operator]', region: '62.03' });
    expect(() => requireCapability(operator, 'proposals:submit')).not.toThrow();
    for (const capability of ['proposals:review', 'flags:waive', 'proposals:decide', 'audit:read'] as const) {
      expect(() => requireCapability(operator, capability)).toThrow(ForbiddenError);
    }
    // The machine clients hold their exchange and nothing else (issue #15).
    expect([...scopeOf(machine('khbs-exchange/bank')).capabilities]).toEqual(['exchange:bank']);
    expect([...scopeOf(machine('khbs-exchange/bulog')).capabilities]).toEqual(['exchange:bulog']);
  });

  it('cleans the name the audit trail shows, and falls back to the sub', () => {
    const scope = scopeOf({ ...base, groups: '[auditor]', name: 'Budi\u202E ijaS\u0000\n  Santoso' });
    expect(scope.name).toBe('Budi ijaS Santoso');
    expect(scopeOf({ ...base, groups: '[auditor]', name: '\u200B\u202E' }).name).toBe('user-1');
    expect(scopeOf({ ...base, groups: '[auditor]', name: 'x'.repeat(500) }).name).toHaveLength(100);
    expect(actorOf(scopeOf({ ...base, groups: '[operator]', region: '62.03' }))).toEqual({
      sub: 'user-1',
      name: 'Petugas',
      role: 'operator',
      region: '62.03',
    });
  });
});

/** A client-credentials access token's claims as Cognito issues them (API Gateway's string form). */
function machine(
  scope: string | string[],
  extra: Record<string, string | string[] | undefined> = {},
): Claims {
  const claims: Record<string, string | string[]> = {
    sub: CLIENT_ID,
    client_id: CLIENT_ID,
    token_use: 'access',
    scope,
    iss: 'https://cognito-idp.ap-southeast-3.amazonaws.com/ap-southeast-3_Example',
    jti: 'a1b2',
    version: '2',
  };
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }
  return claims;
}
const CLIENT_ID = '4h2kq1example0bankclient';

describe('scopeOf for machine clients (client-credentials access tokens, issue #15)', () => {
  it('maps the one exchange scope to its role, with a fixed name and the client id as sub', () => {
    const bank = scopeOf(machine('khbs-exchange/bank'));
    expect(bank).toMatchObject({
      sub: CLIENT_ID,
      name: 'Bank Kalteng (sistem)',
      role: 'bank',
      regions: 'all',
      agency: undefined,
    });
    expect(actorOf(bank)).toEqual({ sub: CLIENT_ID, name: 'Bank Kalteng (sistem)', role: 'bank' });
    const bulog = scopeOf(machine('khbs-exchange/bulog', { name: 'Admin Palsu' }));
    expect(bulog).toMatchObject({ role: 'bulog', name: 'Perum BULOG (sistem)' });
    expect(() => requireCapability(bank, 'exchange:bulog')).toThrow(ForbiddenError);
    expect(() => requireCapability(bulog, 'exchange:bank')).toThrow(ForbiddenError);
  });

  it.each<[string, Claims, string]>([
    ['two exchange scopes', machine('khbs-exchange/bank khbs-exchange/bulog'), '403'],
    ['an exchange scope and another scope', machine('openid khbs-exchange/bank'), '403'],
    ['the scope with a leading space', machine(' khbs-exchange/bank'), '403'],
    ['the scope with a trailing space', machine('khbs-exchange/bank '), '403'],
    ['the scope twice, two spaces apart', machine('khbs-exchange/bank  khbs-exchange/bank'), '403'],
    ['the scope with a tab', machine('khbs-exchange/bank\t'), '403'],
    ['an unknown exchange scope', machine('khbs-exchange/admin'), '403'],
    ['the bare resource server', machine('khbs-exchange'), '403'],
    ['the scope in capitals', machine('KHBS-EXCHANGE/BANK'), '403'],
    ['the scope as an array', machine(['khbs-exchange/bank']), '403'],
    ['the scope as API Gateway prints an array', machine('[khbs-exchange/bank]'), '403'],
    ['the scope in scp instead', machine('x', { scope: undefined, scp: ['khbs-exchange/bank'] }), '403'],
    ['scope and scp both', machine('khbs-exchange/bank', { scp: 'khbs-exchange/bank' }), '403'],
    ['forged groups beside the scope', machine('khbs-exchange/bank', { 'cognito:groups': '[admin]' }), '403'],
    ['local groups beside the scope', machine('khbs-exchange/bulog', { groups: ['bulog'] }), '403'],
    ['empty groups beside the scope', machine('khbs-exchange/bank', { groups: '[]' }), '403'],
    ['an ID token with the scope', machine('khbs-exchange/bank', { token_use: 'id', aud: CLIENT_ID }), '403'],
    ['no token_use', machine('khbs-exchange/bank', { token_use: undefined }), '403'],
    ["a user's access token (username)", machine('khbs-exchange/bank', { username: 'budi' }), '403'],
    [
      'a cognito:username beside the scope',
      machine('khbs-exchange/bank', { 'cognito:username': 'x' }),
      '403',
    ],
    ['no client_id', machine('khbs-exchange/bank', { client_id: undefined }), '403'],
    ['a client_id other than sub', machine('khbs-exchange/bank', { client_id: 'another-client' }), '403'],
    ['no sub', machine('khbs-exchange/bank', { sub: undefined }), '401'],
    ['the scope alone', { sub: CLIENT_ID, scope: 'khbs-exchange/bank' }, '403'],
  ])('%s → %s', (_label, claims, expected) => {
    expect(refusal(claims)).toBe(expected);
  });

  it("never makes a machine client of a user's access token or of a person in the bank group", () => {
    // A user's Cognito access token: groups, username, OpenID scopes, the web client's id.
    const user = {
      sub: 'user-7',
      'cognito:groups': '[auditor]',
      token_use: 'access',
      scope: 'openid email profile',
      client_id: 'webclient',
      username: 'auditor-1',
    };
    expect(scopeOf(user)).toMatchObject({ role: 'auditor' });
    for (const group of ['[bank]', '[bulog]']) {
      expect(refusal({ ...base, groups: group })).toBe('403');
      expect(refusal({ ...base, 'cognito:groups': group, token_use: 'access', scope: 'openid' })).toBe('403');
    }
  });
});

describe('recordedActorMay (the import re-checks its upload record)', () => {
  it.each<[string, { role: string; region?: string }, string, boolean]>([
    ['an operator of the region', { role: 'operator', region: '62.03' }, '62.03', true],
    ['an operator of another region', { role: 'operator', region: '62.01' }, '62.03', false],
    ['an operator without a recorded region', { role: 'operator' }, '62.03', false],
    ['an admin', { role: 'admin' }, '62.03', true],
    ['an auditor', { role: 'auditor' }, '62.03', false],
    ['two groups joined, as records of old', { role: 'operator,auditor', region: '62.01' }, '62.01', false],
    ['the system', { role: 'system' }, '62.03', false],
  ])('%s → %s', (_label, actor, region, allowed) => {
    expect(recordedActorMay(actor, 'uploads:create', region)).toBe(allowed);
  });
});
