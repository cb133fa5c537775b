import { z } from 'zod';
import type { AuditActor } from '../domain/audit.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';

/** The groups a user can belong to (interfaces.md §3). */
export const GROUPS = ['operator', 'verifier', 'approver', 'auditor', 'admin'] as const;
export type Group = (typeof GROUPS)[number];

/** Who is calling, from the JWT claims that API Gateway's authorizer (or the local gateway) verified. */
export interface Caller {
  readonly sub: string;
  readonly name: string;
  readonly groups: readonly Group[];
  /** Kemendagri code of an operator's region. */
  readonly region: string | undefined;
  /** Agency code of a verifier (DINSOS, BKAD, …). */
  readonly opd: string | undefined;
}

type Claims = Record<string, string | number | boolean | string[]>;

/**
 * Reads the caller from verified claims. Accepts both the local stack's claim names (`groups`,
 * `region`, `opd`) and Cognito's (`cognito:groups`, `custom:region`, `custom:opd`); API Gateway
 * hands array claims to Lambda as a string like `[operator admin]`, which is read too.
 */
export function callerFromClaims(claims: Claims | undefined): Caller {
  if (!claims) throw new UnauthorizedError();
  const sub = text(claims.sub);
  if (!sub) throw new UnauthorizedError();
  const groups = list(claims.groups ?? claims['cognito:groups']).filter((group): group is Group =>
    (GROUPS as readonly string[]).includes(group),
  );
  const region = text(claims.region ?? claims['custom:region']);
  const opd = text(claims.opd ?? claims['custom:opd'])?.toUpperCase();
  const name = text(claims.name) ?? text(claims['cognito:username']) ?? text(claims.email) ?? sub;
  return { sub, name, groups, region: region && /^62\.\d{2}$/.test(region) ? region : undefined, opd };
}

/** Deny by default: the caller must hold one of the groups. */
export function requireGroup(caller: Caller, ...allowed: Group[]): void {
  if (!caller.groups.some((group) => allowed.includes(group))) {
    throw new ForbiddenError(`Tindakan ini hanya untuk peran: ${allowed.join(', ')}.`);
  }
}

export const isOperatorOnly = (caller: Caller): boolean =>
  caller.groups.includes('operator') && !caller.groups.some((group) => group !== 'operator');

/**
 * Object-level check: an operator sees only the region in their token; every other group reads all
 * regions. An operator without a region claim sees nothing.
 */
export function requireRegionAccess(caller: Caller, region: string): void {
  if (!isOperatorOnly(caller)) return;
  if (caller.region !== region) {
    throw new ForbiddenError('Operator hanya dapat mengakses data kabupaten/kota sendiri.');
  }
}

/** Whether the caller may see NIKs and account numbers in full (auditors read masked data). */
export const seesPersonalData = (caller: Caller): boolean =>
  caller.groups.some(
    (group) => group === 'operator' || group === 'verifier' || group === 'approver' || group === 'admin',
  );

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

const StringList = z.union([z.array(z.string()), z.string()]);

function list(value: unknown): string[] {
  const parsed = StringList.safeParse(value);
  if (!parsed.success) return [];
  if (Array.isArray(parsed.data)) return parsed.data;
  return parsed.data
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** How a person appears in the audit trail. */
export function actorOf(caller: Caller): AuditActor {
  return {
    sub: caller.sub,
    name: caller.name,
    role: caller.groups.join(','),
    ...(caller.opd ? { opd: caller.opd } : {}),
    ...(caller.region ? { region: caller.region } : {}),
  };
}
