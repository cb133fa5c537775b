import * as z from 'zod';
import type { AuditActor } from '../domain/audit.ts';
import { isRegionCode } from '../domain/regions.ts';
import { safeLine } from '../domain/text.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';

/**
 * Who may do what: one answer, {@link scopeOf}, that every route and the import use. A caller has
 * exactly one role (a token with two groups is refused, so no pair of groups can add up to more than
 * either), a role grants named capabilities, and the regional roles are bound to one known region.
 */

/**
 * The groups a user can belong to (interfaces.md §3), one per user. `relawan`, `bank` and `bulog`
 * belong to the family programme: a relawan works the verval of the desa assigned to them and hands
 * out its cards; `bank` (Bank Kalteng) and `bulog` (Perum BULOG) are machine clients that fetch the
 * files made for them and put their answers, for every region, nothing else (issue #15).
 */
export const GROUPS = [
  'operator',
  'verifier',
  'approver',
  'auditor',
  'admin',
  'relawan',
  'bank',
  'bulog',
] as const;
export type Group = (typeof GROUPS)[number];

/**
 * The roles only a machine client holds (issue #15): Bank Kalteng's and BULOG's systems, which call
 * the API with an OAuth 2.0 client-credentials access token (a Cognito app client with a secret).
 * The role comes from the token's one exchange scope, never from a user's group: a person put in a
 * group named `bank` gets nothing, so rotating a client's secret revokes every way in.
 */
export const MACHINE_ROLES = ['bank', 'bulog'] as const satisfies readonly Group[];
export type MachineRole = (typeof MACHINE_ROLES)[number];

const isMachineRole = (role: Group): role is MachineRole =>
  (MACHINE_ROLES as readonly Group[]).includes(role);

/** The groups a person can be put in: the user pool's groups (every role but the machine ones). */
export const PERSON_GROUPS: readonly Group[] = GROUPS.filter((group) => !isMachineRole(group));

/** The OAuth resource server of the exchange (a Cognito resource server's identifier). */
export const EXCHANGE_RESOURCE = 'khbs-exchange';

/** Each machine client's one scope, and the fixed name the audit trail shows for it. */
export const MACHINE_CLIENTS: Readonly<
  Record<MachineRole, { readonly scope: string; readonly scopeName: string; readonly name: string }>
> = {
  bank: { scope: `${EXCHANGE_RESOURCE}/bank`, scopeName: 'bank', name: 'Bank Kalteng (sistem)' },
  bulog: { scope: `${EXCHANGE_RESOURCE}/bulog`, scopeName: 'bulog', name: 'Perum BULOG (sistem)' },
};

/** What a route needs; each non-public route in `functions/api/routes.ts` names one. */
export const CAPABILITIES = [
  'uploads:create',
  'uploads:read',
  'proposals:read',
  'proposals:submit',
  'proposals:review',
  'flags:waive',
  'proposals:decide',
  'decrees:read',
  'decrees:revoke',
  'reconciliations:start',
  'reconciliations:read',
  'audit:read',
  /** The family programme's files: DTSEN extracts, exclusion lists (issue #14). */
  'imports:create',
  /** Those imports, the DTSEN snapshots they make and the exclusion lists. */
  'imports:read',
  /** Create a tahap and run its eligibility: the province's (issue #14). */
  'tahap:manage',
  /** A tahap, its eligibility summary and the verdict of each family (a regional role: its own). */
  'tahap:read',
  /** Assign relawan to desa for a tahap (the kabupaten's operator). */
  'verval:manage',
  /** Download a desa's verval sheet and upload its results (a relawan: only the desa assigned to them). */
  'verval:work',
  /** Compose a kabupaten's KPM list for a tahap from eligibility and verval: its draft proposal. */
  'kpm:compose',
  /**
   * Find a family (by NIK, No KK, or head's name in a desa) and read its history across tahap (a
   * regional role: families of its own kabupaten only). Every read is logged (UU PDP).
   */
  'families:read',
  /** Who read a family's data: the read log (UU PDP). */
  'families:audit',
  /**
   * The distribution of a decreed tahap (issue #15): cards, accounts, entitlements, payments, food
   * handovers, EDC findings, the finance office's money view and the dashboards (a regional role:
   * its own kabupaten).
   */
  'distribution:read',
  /**
   * Make the files of a distribution (card print file, account-opening request, distribution lists),
   * import card status, block or replace a card (a regional role: its own kabupaten).
   */
  'distribution:manage',
  /** Issue a payment instruction to Bank Kalteng, and re-instruct failed payments: the province's. */
  'payments:instruct',
  /** Close a tahap whose distribution is done (SELESAI): the province's decision, the approver's. */
  'tahap:close',
  /** Record that a card was handed to its family (a relawan: only in the desa assigned to them). */
  'cards:handover',
  /** Bank Kalteng's machine client: fetch the files made for the bank, put the bank's answers. */
  'exchange:bank',
  /** BULOG's machine client: fetch the distribution lists, put the handover records (BAST). */
  'exchange:bulog',
  /** Read complaints (a regional role: those of its own kabupaten, never those about its office). */
  'complaints:read',
  /** Enter a complaint received by phone or WhatsApp, assign, answer and close complaints. */
  'complaints:handle',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

interface RoleRule {
  readonly capabilities: readonly Capability[];
  /** `own`: bound to the region in the token (and refused without a known one); `all`: every region. */
  readonly regions: 'own' | 'all';
  /** Whether NIKs, account numbers and phone numbers are shown whole (auditors read them masked). */
  readonly personalData: 'full' | 'masked';
  /** Verifiers sign for one agency (OPD), which the token must name. */
  readonly needsAgency?: boolean;
}

/** The access rules, by role. Anything not listed is denied. */
export const ROLE_RULES: Readonly<Record<Group, RoleRule>> = {
  operator: {
    capabilities: [
      'uploads:create',
      'uploads:read',
      'proposals:read',
      'proposals:submit',
      'decrees:read',
      'imports:create',
      'imports:read',
      'tahap:read',
      'families:read',
      'verval:manage',
      'verval:work',
      'kpm:compose',
      'distribution:read',
      'distribution:manage',
      'cards:handover',
      'complaints:read',
      'complaints:handle',
    ],
    regions: 'own',
    personalData: 'full',
  },
  verifier: {
    capabilities: [
      'uploads:read',
      'proposals:read',
      'proposals:review',
      'flags:waive',
      'decrees:read',
      'reconciliations:start',
      'reconciliations:read',
      'imports:read',
      'tahap:read',
      'families:read',
      'distribution:read',
      'complaints:read',
    ],
    regions: 'all',
    personalData: 'full',
    needsAgency: true,
  },
  approver: {
    capabilities: [
      'uploads:read',
      'proposals:read',
      'proposals:decide',
      'decrees:read',
      'decrees:revoke',
      'tahap:close',
      'reconciliations:start',
      'reconciliations:read',
      'imports:read',
      'tahap:read',
      'families:read',
      'distribution:read',
      'complaints:read',
    ],
    regions: 'all',
    personalData: 'full',
  },
  auditor: {
    capabilities: [
      'uploads:read',
      'proposals:read',
      'decrees:read',
      'reconciliations:read',
      'audit:read',
      'imports:read',
      'tahap:read',
      'families:read',
      'families:audit',
      'distribution:read',
      'complaints:read',
    ],
    regions: 'all',
    personalData: 'masked',
  },
  admin: {
    capabilities: [
      'uploads:create',
      'uploads:read',
      'proposals:read',
      'decrees:read',
      'reconciliations:start',
      'reconciliations:read',
      'audit:read',
      'imports:create',
      'imports:read',
      'tahap:manage',
      'tahap:read',
      'families:read',
      'families:audit',
      'verval:manage',
      'verval:work',
      'kpm:compose',
      'distribution:read',
      'distribution:manage',
      'payments:instruct',
      'cards:handover',
      'complaints:read',
      'complaints:handle',
    ],
    regions: 'all',
    personalData: 'full',
  },
  relawan: { capabilities: ['verval:work', 'cards:handover'], regions: 'own', personalData: 'full' },
  bank: { capabilities: ['exchange:bank'], regions: 'all', personalData: 'masked' },
  bulog: { capabilities: ['exchange:bulog'], regions: 'all', personalData: 'masked' },
};

/** The roles that hold a capability (for documentation and the generated security tests). */
export const rolesWith = (capability: Capability): Group[] =>
  GROUPS.filter((role) => ROLE_RULES[role].capabilities.includes(capability));

/** What one caller may touch, from the JWT claims that API Gateway's authorizer verified. */
export interface Scope {
  readonly sub: string;
  readonly name: string;
  readonly role: Group;
  /** The one region of a regional role, or `all`. */
  readonly regions: 'all' | readonly [string];
  /** A verifier's agency (OPD), upper case. */
  readonly agency: string | undefined;
  readonly capabilities: ReadonlySet<Capability>;
  readonly personalData: 'full' | 'masked';
}

type Claims = Record<string, string | number | boolean | string[]>;

const AGENCY_CODE = /^[A-Z][A-Z0-9_-]{1,19}$/;

/** The local stack's claim names and Cognito's, for the same things. */
const CLAIM_NAMES = [
  ['groups', 'cognito:groups'],
  ['region', 'custom:region'],
  ['opd', 'custom:opd'],
] as const;

/**
 * Reads the caller's scope from verified claims: the local stack's claim names (`groups`, `region`,
 * `opd`) and Cognito's (`cognito:groups`, `custom:region`, `custom:opd`); API Gateway hands array
 * claims to Lambda as a string like `[operator admin]`, which is read too.
 *
 * Refused (403) unless the token names exactly one known group; a regional role needs a known
 * Kemendagri region (`62.99` is none), a verifier an agency code. No claims or no `sub`: 401.
 */
export function scopeOf(claims: Claims | undefined): Scope {
  if (!claims) throw new UnauthorizedError();
  const sub = text(claims.sub);
  if (!sub) throw new UnauthorizedError();
  // A claim under both names could make the two readers disagree: refused rather than guessed.
  for (const [local, cognito] of CLAIM_NAMES) {
    if (claims[local] !== undefined && claims[cognito] !== undefined) {
      throw new ForbiddenError('Token memuat klaim yang bertentangan. Hubungi admin.');
    }
  }
  // A token that speaks of the exchange is read as a machine client's, and only as one.
  if (mentionsExchange(claims.scope) || mentionsExchange(claims.scp)) return machineScope(claims, sub);
  const groups = list(claims.groups ?? claims['cognito:groups']);
  if (groups.length !== 1) {
    throw new ForbiddenError(
      groups.length === 0
        ? 'Akun ini tidak memiliki peran. Hubungi admin untuk menetapkan satu peran.'
        : 'Akun ini memiliki lebih dari satu peran. Satu akun hanya boleh memiliki satu peran; hubungi admin.',
    );
  }
  const role = GROUPS.find((group) => group === groups[0]);
  if (!role) throw new ForbiddenError('Peran pada akun ini tidak dikenal.');
  if (isMachineRole(role)) {
    throw new ForbiddenError(
      'Peran bank dan bulog hanya untuk sistem Bank Kalteng dan Perum BULOG (klien mesin), bukan untuk akun pengguna.',
    );
  }
  const rule = ROLE_RULES[role];

  let regions: Scope['regions'] = 'all';
  if (rule.regions === 'own') {
    const region = text(claims.region ?? claims['custom:region']);
    if (!region || !isRegionCode(region)) {
      throw new ForbiddenError('Akun ini tidak terhubung dengan kabupaten/kota yang dikenal. Hubungi admin.');
    }
    regions = [region];
  }
  let agency: string | undefined;
  if (rule.needsAgency) {
    agency = text(claims.opd ?? claims['custom:opd'])?.toUpperCase();
    if (!agency || !AGENCY_CODE.test(agency)) {
      throw new ForbiddenError('Akun verifikator tidak terhubung dengan perangkat daerah (OPD) yang sah.');
    }
  }
  const name =
    displayName(text(claims.name) ?? text(claims['cognito:username']) ?? text(claims.email) ?? sub) || sub;
  return {
    sub,
    name,
    role,
    regions,
    agency,
    capabilities: new Set(rule.capabilities),
    personalData: rule.personalData,
  };
}

/** Whether a claim names the exchange's resource server, in any form or case. */
const mentionsExchange = (value: unknown): boolean =>
  value !== undefined && JSON.stringify(value).toLowerCase().includes(EXCHANGE_RESOURCE);

/** One OAuth scope token (RFC 6749 §3.3): printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * A machine client's scope, from a client-credentials access token as Cognito issues it:
 * `token_use: access`, `client_id` equal to `sub`, no user (no groups, no username) and a `scope`
 * that is exactly one known exchange scope (`khbs-exchange/bank`). Anything else that speaks of the
 * exchange is refused (403): an ID token, a user's access token, groups beside the scope, two
 * scopes, an unknown one, extra spaces, a list instead of a string.
 */
function refuse(): never {
  throw new ForbiddenError(
    'Token klien mesin tidak sah: harus token akses client credentials dengan tepat satu cakupan pertukaran.',
  );
}

function machineScope(claims: Claims, sub: string): Scope {
  if (claims.groups !== undefined || claims['cognito:groups'] !== undefined) {
    throw new ForbiddenError('Token memuat peran pengguna dan cakupan klien mesin sekaligus. Hubungi admin.');
  }
  if (claims.token_use !== 'access') refuse();
  if (claims.username !== undefined || claims['cognito:username'] !== undefined) refuse();
  if (claims.scp !== undefined) refuse();
  if (typeof claims.client_id !== 'string' || claims.client_id !== sub) refuse();
  const scope = claims.scope;
  if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) refuse();
  const role = MACHINE_ROLES.find((candidate) => MACHINE_CLIENTS[candidate].scope === scope);
  if (!role) throw new ForbiddenError('Cakupan pertukaran pada token ini tidak dikenal.');
  const rule = ROLE_RULES[role];
  return {
    sub,
    name: MACHINE_CLIENTS[role].name,
    role,
    regions: 'all',
    agency: undefined,
    capabilities: new Set(rule.capabilities),
    personalData: rule.personalData,
  };
}

/** Deny by default: the caller's role must grant the capability. */
export function requireCapability(scope: Scope, capability: Capability): void {
  if (scope.capabilities.has(capability)) return;
  const roles = rolesWith(capability);
  throw new ForbiddenError(
    roles.length > 0
      ? `Tindakan ini hanya untuk peran: ${roles.join(', ')}.`
      : 'Tindakan ini tidak tersedia untuk peran mana pun.',
  );
}

/** Object-level check: a regional role touches only its own region. */
export function requireRegion(scope: Scope, region: string): void {
  if (scope.regions === 'all' || scope.regions[0] === region) return;
  throw new ForbiddenError('Anda hanya dapat mengakses data kabupaten/kota sendiri.');
}

/** The caller's one region, or undefined when the role reads every region. */
export const ownRegion = (scope: Scope): string | undefined =>
  scope.regions === 'all' ? undefined : scope.regions[0];

/**
 * Whether a person recorded earlier (an upload's requester, with the role and region their scope had
 * then) may act with `capability` on `region` under today's rules: the import re-checks its upload
 * record with the same rules the API applied, so a record made by a path that skipped them (or by
 * the two-group tokens of old) never changes a list.
 */
export function recordedActorMay(
  actor: { readonly role: string; readonly region?: string | undefined },
  capability: Capability,
  region: string,
): boolean {
  const role = GROUPS.find((group) => group === actor.role);
  if (!role) return false;
  const rule = ROLE_RULES[role];
  if (!rule.capabilities.includes(capability)) return false;
  return rule.regions === 'all' || actor.region === region;
}

/** How a person appears in the audit trail. */
export function actorOf(scope: Scope): AuditActor {
  return {
    sub: scope.sub,
    name: scope.name,
    role: scope.role,
    ...(scope.agency ? { opd: scope.agency } : {}),
    ...(scope.regions !== 'all' ? { region: scope.regions[0] } : {}),
  };
}

/** The person, as the workflow's rules record and compare them (separation of duties). */
export const whoOf = (scope: Scope) => ({ sub: scope.sub, name: scope.name });

/** A name as the audit trail shows it: no control or bidi characters, one line, at most 100 characters. */
const displayName = (name: string): string => safeLine(name).slice(0, 100);

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

const StringList = z.union([z.array(z.string()), z.string()]);

/** Every group string the token carries, known or not: an unknown one still counts. */
function list(value: unknown): string[] {
  const parsed = StringList.safeParse(value);
  if (!parsed.success) return [];
  const items = Array.isArray(parsed.data)
    ? parsed.data
    : parsed.data
        .replace(/^\[|\]$/g, '')
        .split(/[\s,]+/)
        .filter(Boolean);
  return [...new Set(items.map((item) => item.trim()).filter(Boolean))];
}
