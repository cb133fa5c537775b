import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXCLUSION_LISTS_INDEX_KEY,
  exclusionListKey,
  importKey,
  importsByScope,
  snapshotKey,
  snapshotsByRegion,
} from '#shared/adapters/keys.ts';
import { GROUPS, type Group, ROLE_RULES } from '#shared/http/caller.ts';
import { TABLES } from '#shared/resources.ts';
import { ROUTES, type RouteSpec, unscopedRoutesOpenToRegionalRoles } from '../../functions/api/routes.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.ts';
import type { LocalStack } from '../../local/stack.ts';
import {
  errorOf,
  OTHER,
  OWN,
  operatorOf,
  type Person,
  type ProbeRequest,
  personOf,
  type Reply,
  send,
  settle,
  snapshot,
  startProbeStack,
  submitForReview,
  tokenFor,
  uploadList,
} from './support.ts';

/**
 * The access matrix, generated from the route table: every protected route × every role × a target
 * in the caller's own region and in another region, and the same with tokens that carry two groups.
 * A role without the route's capability gets 403; a regional role gets 403 on another region's
 * objects; everyone else gets past the access checks (the answer is neither 401 nor 403). Every
 * refusal leaves the proposals, their lists and their audit chains exactly as they were.
 *
 * A route added to `functions/api/routes.ts` without a probe here fails the first test.
 */

let stack: LocalStack;

/** Objects in each region: a draft, a proposal in review, and (in OTHER) a decree in force. */
interface Targets {
  readonly draft: string;
  readonly inReview: string;
  readonly uploadId: string;
  /** Real recipient id of the draft's list (row 2). */
  readonly recipientId: string;
  /** A family file import awaiting its file. */
  readonly importId: string;
}
let own: Targets;
let other: Targets;
/** A decree in force in OTHER. */
let decreeId: string;
let watched: string[];

const P_DRAFT = '2026-S1';
const P_REVIEW = '2026-S2';
const P_DECREE = '2027-S1';
/** The version date of each region's DTSEN snapshot, which a tahap uses (so no file may replace it). */
const V_IN_USE = '2026-01-31';

/**
 * The family programme's records of a region, written into the stack's table as the imports would
 * leave them: a file import awaiting its file, a snapshot a tahap uses, an exclusion list.
 */
async function familyFixtures(region: string): Promise<string> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: stack.emulators.dynamoEndpoint,
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const TableName = stack.env.TABLE_NAME ?? TABLES.main.localName;
  const now = new Date().toISOString();
  const importId = `probe-import-${region.replace('.', '')}`;
  const items = [
    {
      ...importKey(importId),
      gsi1pk: importsByScope(region),
      gsi1sk: now,
      importId,
      kind: 'DTSEN_KELUARGA',
      region,
      versionDate: V_IN_USE,
      filename: 'keluarga.csv',
      status: 'AWAITING_FILE',
      createdAt: now,
      createdBy: { sub: `operator-${region}`, name: 'Operator', role: 'operator', region },
      s3Key: `imports/dtsen-keluarga/${importId}.csv`,
      attempts: 0,
      rowsProcessed: 0,
      reasons: [],
    },
    {
      ...snapshotKey(region, V_IN_USE),
      gsi1pk: snapshotsByRegion(region),
      gsi1sk: V_IN_USE,
      region,
      versionDate: V_IN_USE,
      status: 'READY',
      version: 2,
      usedBy: ['2026-1'],
      createdAt: now,
      updatedAt: now,
    },
    {
      ...exclusionListKey(`probe-list-${region.replace('.', '')}`),
      gsi1pk: EXCLUSION_LISTS_INDEX_KEY,
      gsi1sk: `BLTDD#2026-01-01#probe-list-${region}`,
      listId: `probe-list-${region.replace('.', '')}`,
      programme: 'BLTDD',
      source: `Dinsos ${region}`,
      asOf: '2026-01-01',
      region,
      entries: 0,
      uploadedAt: now,
    },
  ];
  try {
    for (const Item of items) await client.send(new PutCommand({ TableName, Item }));
  } finally {
    client.destroy();
  }
  return importId;
}

beforeAll(async () => {
  stack = await startProbeStack();
  const setup = async (region: string): Promise<Targets> => {
    const draft = await uploadList(stack, region, P_DRAFT, 4);
    const review = await uploadList(stack, region, P_REVIEW, 4);
    await submitForReview(stack, review.proposalId, operatorOf(region));
    const recipients = await send(
      stack,
      { method: 'GET', path: `/proposals/${draft.proposalId}/recipients?limit=2` },
      await tokenFor({ groups: ['auditor'] }),
    );
    const items = (recipients.json as { items: { recipientId: string }[] }).items;
    return {
      draft: draft.proposalId,
      inReview: review.proposalId,
      uploadId: draft.uploadId,
      recipientId: items[1]?.recipientId ?? 'none.2',
      importId: await familyFixtures(region),
    };
  };
  own = await setup(OWN);
  other = await setup(OTHER);

  // A decree in force in OTHER, made by the people who make one.
  const decreed = await uploadList(stack, OTHER, P_DECREE, 3);
  await submitForReview(stack, decreed.proposalId, operatorOf(OTHER));
  for (const opd of ['DINSOS', 'BKAD']) {
    const verifier = await tokenFor({ groups: ['verifier'], opd, sub: `verifier-${opd}` });
    const signed = await send(
      stack,
      {
        method: 'POST',
        path: `/proposals/${decreed.proposalId}/reviews`,
        body: { decision: 'approve' },
      },
      verifier,
    );
    expect(signed.status, signed.text).toBe(200);
  }
  const approver = await tokenFor({ groups: ['approver'], sub: 'approver-sekda' });
  const approved = await send(
    stack,
    { method: 'POST', path: `/proposals/${decreed.proposalId}/approval`, body: { decision: 'approve' } },
    approver,
  );
  expect(approved.status, approved.text).toBe(200);
  decreeId = (await settle(stack, decreed.proposalId, 'DECREED')).decreeId ?? '';
  expect(decreeId).not.toBe('');
  watched = [own.draft, own.inReview, other.draft, other.inReview, decreed.proposalId];
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

type Where = 'own' | 'other';
const targets = (where: Where) => (where === 'own' ? own : other);
const regionOf = (where: Where) => (where === 'own' ? OWN : OTHER);
const REASON = 'Alasan tertulis yang cukup panjang untuk dicatat.';

/**
 * One request per route that the right person would get past the access checks with, aimed at an
 * object of the given region, and chosen so that even an allowed caller changes nothing: the state
 * refuses it (submit a proposal in review, review a draft), the object does not exist (revoke an
 * unknown decree), or the body is refused after the access checks.
 */
const PROBES: Readonly<Record<string, (where: Where) => ProbeRequest>> = {
  CreateUpload: (where) => ({
    method: 'POST',
    path: '/uploads',
    // Refused by the period's rules after the access checks (a proposal in review is locked).
    body: { period: P_REVIEW, filename: 'probe.csv', region: regionOf(where) },
  }),
  GetUpload: (where) => ({ method: 'GET', path: `/uploads/${targets(where).uploadId}` }),
  ListProposals: (where) => ({ method: 'GET', path: `/proposals?region=${regionOf(where)}` }),
  GetProposal: (where) => ({ method: 'GET', path: `/proposals/${targets(where).draft}` }),
  ListRecipients: (where) => ({
    method: 'GET',
    path: `/proposals/${targets(where).draft}/recipients?limit=5`,
  }),
  SearchRecipients: (where) => ({
    method: 'POST',
    path: `/proposals/${targets(where).draft}/recipients/search`,
    body: { q: 'warga', limit: 5 },
  }),
  SubmitProposal: (where) => ({
    method: 'POST',
    path: `/proposals/${targets(where).inReview}/submit`,
    body: {},
  }),
  ReviewProposal: (where) => ({
    method: 'POST',
    path: `/proposals/${targets(where).draft}/reviews`,
    body: { decision: 'approve' },
  }),
  WaiveFlag: (where) => ({
    method: 'POST',
    path: `/proposals/${targets(where).draft}/waivers`,
    body: { recipientId: targets(where).recipientId, flag: 'UNDER_AGE', reason: REASON },
  }),
  DecideProposal: (where) => ({
    method: 'POST',
    path: `/proposals/${targets(where).draft}/approval`,
    body: { decision: 'approve' },
  }),
  ListDecrees: () => ({ method: 'GET', path: '/decrees' }),
  GetDecree: (where) => ({
    method: 'GET',
    path: `/decrees/${where === 'other' ? decreeId : `SK-${OWN}-2099-S1`}`,
  }),
  RevokeDecree: (where) => ({
    method: 'POST',
    // The real decree only with a body the rules refuse (too short a reason): nothing is revoked.
    path: `/decrees/${where === 'other' ? decreeId : `SK-${OWN}-2099-S1`}/revocation`,
    body: { reason: where === 'other' ? 'pendek' : REASON },
  }),
  StartReconciliation: () => ({ method: 'POST', path: '/reconciliations', body: { probe: true } }),
  ListReconciliations: () => ({ method: 'GET', path: '/reconciliations?limit=5' }),
  GetReconciliation: () => ({ method: 'GET', path: '/reconciliations/run-unknown' }),
  GetAudit: (where) => ({ method: 'GET', path: `/audit?entityId=${targets(where).draft}` }),
  CreateImport: (where) => ({
    method: 'POST',
    path: '/imports',
    // Refused after the access checks: a tahap uses that snapshot (409), so no import is recorded.
    body: { kind: 'DTSEN_KELUARGA', filename: 'probe.csv', versionDate: V_IN_USE, region: regionOf(where) },
  }),
  GetImport: (where) => ({ method: 'GET', path: `/imports/${targets(where).importId}` }),
  ListImports: (where) => ({ method: 'GET', path: `/imports?region=${regionOf(where)}` }),
  ListSnapshots: (where) => ({ method: 'GET', path: `/snapshots?region=${regionOf(where)}` }),
  GetSnapshot: (where) => ({ method: 'GET', path: `/snapshots/${regionOf(where)}/${V_IN_USE}` }),
  ListExclusionLists: () => ({ method: 'GET', path: '/exclusion-lists' }),
};

type ProtectedRoute = Extract<RouteSpec, { public: false }>;
const protectedRoutes = ROUTES.filter((route): route is ProtectedRoute => !route.public);

/** Tokens a careless admin could provision: two groups each (the API refuses every one). */
const MULTI_GROUP: readonly Person[] = [
  { groups: ['operator', 'auditor'], region: OWN },
  { groups: ['verifier', 'approver'], opd: 'DINSOS' },
  { groups: ['admin', 'operator'], region: OWN },
  { groups: ['auditor', 'admin'] },
];

function expectRefused(reply: Reply, label: string): void {
  expect(reply.status, `${label}: ${reply.text}`).toBe(403);
  expect(errorOf(reply).code, label).toBe('FORBIDDEN');
}

/**
 * A regional role aimed at another region's object: refused when the route checks objects; a list
 * route that filters may answer, with nothing of another region in it.
 */
function expectKeptToOwnRegion(route: ProtectedRoute, reply: Reply, label: string): void {
  if (route.regions === 'object' || reply.status === 403) {
    expectRefused(reply, label);
    return;
  }
  expect(route.regions, `${label}: a route serving every region is open to a regional role`).toBe('filtered');
  expect(reply.status, `${label}: ${reply.text}`).toBe(200);
  const items = (reply.json as { items: { region: string }[] }).items;
  for (const item of items) expect(item.region, label).toBe(OWN);
}

function expectAllowed(reply: Reply, label: string): void {
  expect([401, 403, 500], `${label}: ${reply.status} ${reply.text}`).not.toContain(reply.status);
}

describe('the access matrix, from the route table', () => {
  it('has a probe for every route, and every protected route names a capability some role holds', () => {
    expect(Object.keys(PROBES).sort()).toEqual(protectedRoutes.map((route) => route.id).sort());
    for (const route of protectedRoutes) {
      expect(
        GROUPS.some((role) => ROLE_RULES[role].capabilities.includes(route.capability)),
        route.id,
      ).toBe(true);
    }
  });

  it('refuses to load a route table that opens a route serving every region to a regional role', () => {
    expect(unscopedRoutesOpenToRegionalRoles()).toEqual([]);
    const leaky: RouteSpec = {
      id: 'Leaky',
      method: 'GET',
      path: '/leaky',
      entry: 'functions/api/leaky.ts',
      public: false,
      capability: 'proposals:read',
      regions: 'none',
      access: { table: 'read' },
    };
    expect(unscopedRoutesOpenToRegionalRoles([leaky])).toEqual([
      'Leaky (proposals:read) is open to operator, which is bound to one region',
    ]);
  });

  for (const route of protectedRoutes) {
    it(`${route.method} ${route.path}: every role, own and other region, one group and two`, async () => {
      const probe = PROBES[route.id];
      if (!probe) throw new Error(`no probe for ${route.id}`);
      const before = await snapshot(stack, watched);

      for (const role of GROUPS) {
        const token = await tokenFor(personOf(role));
        const rule = ROLE_RULES[role];
        for (const where of ['own', 'other'] as const) {
          const label = `${route.id} as ${role} on ${where}`;
          const reply = await send(stack, probe(where), token);
          if (!rule.capabilities.includes(route.capability)) expectRefused(reply, label);
          else if (rule.regions === 'own' && where === 'other') expectKeptToOwnRegion(route, reply, label);
          else expectAllowed(reply, label);
        }
      }
      for (const person of MULTI_GROUP) {
        const token = await tokenFor(person);
        for (const where of ['own', 'other'] as const) {
          expectRefused(
            await send(stack, probe(where), token),
            `${route.id} as ${person.groups} on ${where}`,
          );
        }
      }

      await stack.whenIdle();
      expect(await snapshot(stack, watched)).toEqual(before);
    });
  }
});

describe('what a regional role sees in lists without a region parameter', () => {
  it('an operator lists only their own region’s proposals and decrees', async () => {
    const token = await tokenFor(personOf('operator'));
    const proposals = await send(stack, { method: 'GET', path: '/proposals' }, token);
    const regions = new Set((proposals.json as { items: { region: string }[] }).items.map((p) => p.region));
    expect([...regions]).toEqual([OWN]);
    // Decrees are numbered in the year they are issued (this year), whatever their period.
    const decrees = await send(stack, { method: 'GET', path: '/decrees' }, token);
    expect((decrees.json as { items: unknown[] }).items).toEqual([]);
    const theirs = await send(
      stack,
      { method: 'GET', path: '/decrees' },
      await tokenFor({ groups: ['operator'], region: OTHER }),
    );
    expect((theirs.json as { items: { decreeId: string }[] }).items.map((d) => d.decreeId)).toEqual([
      decreeId,
    ]);
  });

  it('the import probes change nothing: a DTSEN file for a snapshot in use is refused (409); lists are kept to the region', async () => {
    const operator = await tokenFor(personOf('operator'));
    const refused = await send(stack, PROBES.CreateImport?.('own') ?? { method: 'GET', path: '/' }, operator);
    expect(refused.status, refused.text).toBe(409);
    expect(errorOf(refused).reason).toBe('SNAPSHOT_IN_USE');
    const ownLists = await send(stack, { method: 'GET', path: '/exclusion-lists' }, operator);
    expect((ownLists.json as { items: { region?: string }[] }).items.map((list) => list.region)).toEqual([
      OWN,
    ]);
    const allLists = await send(
      stack,
      { method: 'GET', path: '/exclusion-lists' },
      await tokenFor(personOf('auditor')),
    );
    expect(
      (allLists.json as { items: { region?: string }[] }).items.map((list) => list.region).sort(),
    ).toEqual([OWN, OTHER].sort());
  });

  it('an auditor reads NIKs and accounts masked; the people who work the list read them whole', async () => {
    const path = `/proposals/${other.draft}/recipients?limit=5`;
    const masked = await send(stack, { method: 'GET', path }, await tokenFor(personOf('auditor')));
    const whole = await send(stack, { method: 'GET', path }, await tokenFor(personOf('verifier')));
    type Items = { items: { nik: string; noRekening: string }[] };
    for (const item of (masked.json as Items).items) {
      expect(item.nik).toMatch(/\*{4,}/);
      expect(item.noRekening).toMatch(/\*/);
    }
    for (const item of (whole.json as Items).items) expect(item.nik).toMatch(/^\d{16}$/);
  });
});

describe('public routes', () => {
  it('answer without a token and carry no personal data', async () => {
    const health = await send(stack, { method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    const unknown = await send(stack, { method: 'GET', path: '/verify/ABCD-EFGH-JKMN' });
    expect(unknown.status).toBe(404);
    for (const reply of [health, unknown]) expect(reply.text).not.toMatch(/\d{16}/);
  });

  it('every protected route refuses a request without a token (the gateway’s 401)', async () => {
    for (const route of protectedRoutes) {
      const probe = PROBES[route.id];
      if (!probe) continue;
      const reply = await send(stack, probe('own'));
      expect(reply.status, route.id).toBe(401);
      expect(reply.json).toEqual({ message: 'Unauthorized' });
    }
  });
});

/** The roles, for the README's table (and to notice when one is added without a thought). */
it('knows every role it tests', () => {
  const roles: Group[] = ['operator', 'verifier', 'approver', 'auditor', 'admin', 'relawan', 'bank', 'bulog'];
  expect([...GROUPS].sort()).toEqual(roles.sort());
});
