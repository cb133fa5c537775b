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
    expect([...scopeOf({ ...base, groups: '[bank]' }).capabilities]).toEqual(['exchange:bank']);
    expect([...scopeOf({ ...base, groups: '[bulog]' }).capabilities]).toEqual(['exchange:bulog']);
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
