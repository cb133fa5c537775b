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
import { cardNumber } from '#shared/domain/family/distribution.ts';
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
  subOf,
  tokenFor,
  uploadList,
} from './support.ts';

/**
 * The access matrix, generated from the route table: every protected route × every role × a target
 * in the caller's own region and in another region, and the same with tokens that carry two groups.
 * A role without the route's capability gets 403; a regional role gets 403 on another region's
 * objects; everyone else gets past the access checks (the answer is neither 401 nor 403). Every
 * refusal leaves the proposals, their lists and their audit chains exactly as they were, and every
 * probe leaves the tahap, their runs and their relawan assignments as they were.
 *
 * The family programme's routes work on two tahap over both regions' READY snapshots: one whose
 * eligibility run has COMPLETED (its desa have families to visit), one whose run is still QUEUED
 * (so asking for a run, a verval sheet or an upload of results is refused after the access checks).
 * The probes' relawan (a token of {@link personOf}('relawan')) is assigned to the own region's desa
 * of both, so a relawan's expected answer follows from capability and region as everyone else's
 * does; that an assignment is needed, and that removing it counts at once, has tests of its own.
 *
 * A route added to `functions/api/routes.ts` without a probe here fails the first test.
 */

let stack: LocalStack;

// The complaint form's own rate limit (per source, here always the loopback address): high enough
// for the fixtures and probes; the rate limit's own case lowers it for itself.
process.env.COMPLAINT_RATE_LIMIT = '1000';

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
/** The verval result uploads of the probes' relawan, by region. */
let vervalUploads: Record<Where, string>;
/** An upload the relawan {@link FORMER} made in the own region's desa before being unassigned. */
let formerUpload: string;
/** The family id of each region's first family, as a search by the admin gave it. */
let familyIds: Record<Where, string>;
/** Each region's complaints: one BARU, one closed (DITOLAK). */
let complaints: Record<Where, { readonly open: string; readonly closed: string }>;
/** A real desa of each region (complaints are checked against the official list). */
const complaintDesaOf = (region: string) => (region === OWN ? `${OWN}.01.2001` : `${OTHER}.01.1006`);

const P_DRAFT = '2026-S1';
const P_REVIEW = '2026-S2';
const P_DECREE = '2027-S1';
/** The version date of each region's DTSEN snapshot, which a tahap uses (so no file may replace it). */
const V_IN_USE = '2026-01-31';
/** The version date of the snapshots the probes' tahap are made over (READY, with families). */
const V_TAHAP = '2026-09-30';
/** A tahap whose eligibility run has completed, and one whose run is queued (never started here). */
const T_DONE = { year: 2026, number: 2, tahapId: '2026-2' } as const;
const T_QUEUED = { year: 2026, number: 3, tahapId: '2026-3' } as const;
/** The desa of a region the fixtures give families (kecamatan 01, desa 2001). */
const desaOf = (region: string) => `${region}.01.2001`;
/** The No KK of a region's first family in the tahap fixtures. */
const firstKkOf = (region: string) => `${region.replace('.', '')}010101200001`;
/** The probes' relawan: the `sub` of the token the matrix sends as `relawan`. */
const RELAWAN = subOf(personOf('relawan'));
/** A relawan of the own region assigned to nothing (once was: see {@link formerUpload}). */
const FORMER: Person = { groups: ['relawan'], region: OWN, sub: 'probe-relawan-former' };
const tahapBody = (tahap: { year: number; number: number }) => ({
  year: tahap.year,
  number: tahap.number,
  components: { TUNAI: 250_000, PANGAN: 150_000 },
  desil: { min: 1, max: 5 },
  snapshots: { [OWN]: V_TAHAP, [OTHER]: V_TAHAP },
});

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The family programme as the people would leave it: each region's READY snapshot (three families
 * of one desa, each to be visited), two tahap over them made by the admin, one run to completion by
 * the stack's families worker, the other's run QUEUED with no message to start it (written as the
 * request would leave it), the probes' relawan assigned by the operator to the own desa of both, and
 * verval result uploads awaiting their file.
 */
async function tahapFixtures(): Promise<void> {
  const TableName = stack.env.TABLE_NAME ?? TABLES.main.localName;
  // Imported now: the stack has set the environment their clients are made from.
  const { TahapRepository } = await import('#shared/adapters/tahap-repo.ts');
  const { ImportsRepository } = await import('#shared/adapters/imports-repo.ts');

  const { plainFamilies, readySnapshot } = await import('../support/families.ts');
  for (const region of [OWN, OTHER]) await readySnapshot(region, plainFamilies(region, 3), V_TAHAP);

  const admin = await tokenFor(personOf('admin'));
  for (const tahap of [T_DONE, T_QUEUED]) {
    const created = await send(stack, { method: 'POST', path: '/tahap', body: tahapBody(tahap) }, admin);
    expect(created.status, created.text).toBe(201);
  }
  const asked = await send(
    stack,
    { method: 'POST', path: `/tahap/${T_DONE.tahapId}/eligibility`, body: {} },
    admin,
  );
  expect(asked.status, asked.text).toBe(202);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const view = await send(stack, { method: 'GET', path: `/tahap/${T_DONE.tahapId}` }, admin);
    const run = (view.json as { eligibility?: { status: string } }).eligibility;
    if (run?.status === 'COMPLETED') break;
    if (run?.status === 'FAILED' || Date.now() > deadline) throw new Error(`eligibility run: ${view.text}`);
    await sleep(100);
  }
  await stack.whenIdle();

  const tahapRepo = new TahapRepository(TableName);
  const queued = await tahapRepo.get(T_QUEUED.tahapId);
  const at = new Date().toISOString();
  await tahapRepo.transact(
    tahapRepo.requestEligibility(T_QUEUED.tahapId, `${at.slice(0, 10)}-probe`, at, queued?.version ?? 0),
  );

  const operator = await tokenFor(operatorOf(OWN));
  for (const tahap of [T_DONE, T_QUEUED]) {
    const assigned = await send(
      stack,
      {
        method: 'POST',
        path: `/tahap/${tahap.tahapId}/relawan`,
        body: { desa: desaOf(OWN), relawan: { sub: RELAWAN, name: 'Relawan Probe' } },
      },
      operator,
    );
    expect(assigned.status, assigned.text).toBe(200);
  }

  // Uploads of results, as `POST /tahap/{id}/verval-results` records them: the relawan's own in each
  // region (in the other one as if made while the relawan belonged there: a relawan is refused there
  // by region, not by a 404), and one of a relawan since unassigned.
  const imports = new ImportsRepository(TableName);
  const upload = async (region: string, by: Person, id: string): Promise<string> => {
    const importId = `probe-verval-${id}`;
    await imports.createAwaiting(
      {
        importId,
        kind: 'HASIL_VERVAL',
        region,
        tahapId: T_DONE.tahapId,
        desaCode: desaOf(region),
        filename: 'verval.xlsx',
        format: 'xlsx',
        status: 'AWAITING_FILE',
        createdAt: new Date().toISOString(),
        createdBy: { sub: subOf(by), name: 'Relawan Probe', role: 'relawan', region },
        s3Key: `imports/hasil-verval/${importId}.xlsx`,
        attempts: 0,
        rowsProcessed: 0,
        reasons: [],
      },
      new Date(Date.now() + 3600_000),
    );
    return importId;
  };
  vervalUploads = {
    own: await upload(OWN, personOf('relawan'), 'own'),
    other: await upload(OTHER, personOf('relawan'), 'other'),
  };
  formerUpload = await upload(OWN, FORMER, 'former');

  // Each region's first family, found once by the admin: its opaque id is what the routes take.
  const found = async (region: string) => {
    const reply = await send(
      stack,
      { method: 'POST', path: '/families/search', body: { noKk: firstKkOf(region) } },
      admin,
    );
    expect(reply.status, reply.text).toBe(200);
    const id = (reply.json as { items: { familyId: string }[] }).items[0]?.familyId;
    if (!id) throw new Error(`no family in ${region}: ${reply.text}`);
    return id;
  };
  familyIds = { own: await found(OWN), other: await found(OTHER) };

  // A file made for each party (issue #15), as a generator registers it.
  const { ExchangeRepository } = await import('#shared/adapters/exchange-repo.ts');
  const exchange = new ExchangeRepository(TableName);
  for (const [fileId, party, kind] of [
    [BANK_FILE, 'BANK', 'INSTRUKSI_BAYAR'],
    [BULOG_FILE, 'BULOG', 'DAFTAR_SALUR'],
  ] as const) {
    await exchange.register({
      fileId,
      party,
      kind,
      tahapId: T_DONE.tahapId,
      region: OWN,
      ...(party === 'BULOG' ? { desaCode: desaOf(OWN) } : {}),
      s3Key: `files/${party.toLowerCase()}/${T_DONE.tahapId}/${fileId}.csv`,
      rows: 3,
      sha256: '0'.repeat(64),
      createdAt: new Date().toISOString(),
      createdBy: { sub: 'system:probe', name: 'Probe', role: 'system' },
    });
  }
}

/** The file made for the bank and the one made for BULOG (`tahapFixtures`). */
const BANK_FILE = 'probe-bank-file';
const BULOG_FILE = 'probe-bulog-file';

/** What no probe may change: each tahap's state and run, and who is assigned to the two desa. */
async function familyState() {
  const TableName = stack.env.TABLE_NAME ?? TABLES.main.localName;
  const { TahapRepository } = await import('#shared/adapters/tahap-repo.ts');
  const { VervalRepository } = await import('#shared/adapters/verval-repo.ts');
  const tahapRepo = new TahapRepository(TableName);
  const verval = new VervalRepository(TableName);
  return Promise.all(
    [T_DONE, T_QUEUED].map(async ({ tahapId }) => {
      const tahap = await tahapRepo.get(tahapId);
      const assigned = await Promise.all(
        [OWN, OTHER].map(async (region) =>
          (await verval.ofDesa(tahapId, desaOf(region))).map(
            (a) => `${a.desaCode} ${a.relawan.sub} ${a.assignedAt}`,
          ),
        ),
      );
      return {
        tahapId,
        status: tahap?.status,
        version: tahap?.version,
        auditHead: tahap?.lastAuditHash,
        eligibility: tahap?.eligibility,
        assigned: assigned.flat(),
      };
    }),
  );
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
  await tahapFixtures();
  complaints = { own: await complaintFixtures(OWN), other: await complaintFixtures(OTHER) };
}, 240_000);

/** Two complaints of a region lodged through the public form; the admin rejects the second. */
async function complaintFixtures(region: string): Promise<{ open: string; closed: string }> {
  const admin = await tokenFor(personOf('admin'));
  const ids: string[] = [];
  for (const n of [1, 2]) {
    const lodged = await send(stack, {
      method: 'POST',
      path: '/complaints',
      body: {
        category: 'KARTU',
        desaCode: complaintDesaOf(region),
        text: `Kartu KHBS belum dibagikan (${n}).`,
      },
    });
    expect(lodged.status, lodged.text).toBe(201);
    const listed = await send(stack, { method: 'GET', path: `/complaints?region=${region}&limit=1` }, admin);
    ids.push((listed.json as { items: { complaintId: string }[] }).items[0]?.complaintId ?? '');
  }
  const closed = await send(
    stack,
    {
      method: 'POST',
      path: `/complaints/${ids[1]}/close`,
      body: { outcome: 'DITOLAK', answer: 'Pengaduan ganda; sudah ditangani dengan kode lain.' },
    },
    admin,
  );
  expect(closed.status, closed.text).toBe(200);
  return { open: ids[0] ?? '', closed: ids[1] ?? '' };
}

afterAll(async () => {
  await stack?.stop();
});

type Where = 'own' | 'other';
const targets = (where: Where) => (where === 'own' ? own : other);
const regionOf = (where: Where) => (where === 'own' ? OWN : OTHER);
const REASON = 'Alasan tertulis yang cukup panjang untuk dicatat.';
/** The last serial a kabupaten's cards will ever reach: a well-formed number that no card has. */
const unknownCard = (region: string) => cardNumber(region, 9_999_999);

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
  // Refused after the access checks: that year and number are taken (409), nothing is written.
  CreateTahap: () => ({ method: 'POST', path: '/tahap', body: tahapBody(T_DONE) }),
  ListTahap: () => ({ method: 'GET', path: '/tahap' }),
  GetTahap: () => ({ method: 'GET', path: `/tahap/${T_DONE.tahapId}` }),
  // Refused after the access checks: the tahap's run is still queued (409 RUN_IN_PROGRESS).
  RequestEligibility: () => ({ method: 'POST', path: `/tahap/${T_QUEUED.tahapId}/eligibility`, body: {} }),
  GetTahapSummary: (where) => ({
    method: 'GET',
    path: `/tahap/${T_DONE.tahapId}/summary?region=${regionOf(where)}`,
  }),
  SearchTahapFamilies: (where) => ({
    method: 'POST',
    path: `/tahap/${T_DONE.tahapId}/families/search`,
    body: { desa: desaOf(regionOf(where)) },
  }),
  // Refused after the access checks: the tahap's run is still queued (409), so nothing is composed.
  ComposeKpm: (where) => ({
    method: 'POST',
    path: `/tahap/${T_QUEUED.tahapId}/kpm`,
    body: { region: regionOf(where) },
  }),
  GetKpm: (where) => ({ method: 'GET', path: `/tahap/${T_DONE.tahapId}/kpm?region=${regionOf(where)}` }),
  GetDistribution: () => ({ method: 'GET', path: `/tahap/${T_DONE.tahapId}/distribution` }),
  // No card is waiting in either region: an empty file (and its bulk read), nothing else written.
  GetCardPrintFile: (where) => ({ method: 'GET', path: `/cards/print-file?region=${regionOf(where)}` }),
  // No distribution is open in either region: 409 after the access checks, nothing queued.
  RequestAccounts: (where) => ({
    method: 'POST',
    path: `/tahap/${T_DONE.tahapId}/accounts/requests`,
    body: { region: regionOf(where) },
  }),
  GetFinance: (where) => ({
    method: 'GET',
    path: `/tahap/${T_DONE.tahapId}/finance?region=${regionOf(where)}`,
  }),
  GetAccountRequest: (where) => ({
    method: 'GET',
    path: `/tahap/${T_DONE.tahapId}/accounts/requests?region=${regionOf(where)}`,
  }),
  InstructPayments: (where) => ({
    method: 'POST',
    path: `/tahap/${T_DONE.tahapId}/payments/instructions`,
    body: { region: regionOf(where) },
  }),
  GetPaymentInstruction: (where) => ({
    method: 'GET',
    path: `/tahap/${T_DONE.tahapId}/payments/instructions?region=${regionOf(where)}`,
  }),
  // A well-formed number nobody was given: 404 after the access checks, nothing blocked or replaced.
  // A family without a card in either region: each record refused in the answer, nothing moved.
  RecordCardHandovers: (where) => ({
    method: 'POST',
    path: '/cards/handovers',
    body: {
      records: [
        {
          tahapId: T_DONE.tahapId,
          noKk: `${regionOf(where).replace('.', '')}010101990001`,
          tanggal: '2026-10-01',
        },
      ],
    },
  }),
  // A No KK no desa holds: each record refused in the answer (own region: not a family of the desa;
  // another region's desa: the same words, as unknown), nothing recorded.
  RecordVervalVisits: (where) => ({
    method: 'POST',
    path: `/tahap/${T_DONE.tahapId}/verval/records`,
    body: {
      records: [
        {
          noKk: `${regionOf(where).replace('.', '')}010101990001`,
          desaCode: desaOf(regionOf(where)),
          result: 'LAYAK',
          tanggal: '2026-10-01',
          nomorBeritaAcara: 'BA/01/2026',
          recordedAt: '2026-10-01T09:00:00.000Z',
        },
      ],
    },
  }),
  BlockCard: (where) => ({
    method: 'POST',
    path: '/cards/blocks',
    body: { cardNumber: unknownCard(regionOf(where)), reason: REASON },
  }),
  ReplaceCard: (where) => ({
    method: 'POST',
    path: '/cards/replacements',
    body: { cardNumber: unknownCard(regionOf(where)), reason: REASON },
  }),
  // No distribution is open in either region: refused after the access checks (409), nothing queued.
  CreateFoodLists: (where) => ({
    method: 'POST',
    path: `/tahap/${T_DONE.tahapId}/food/lists`,
    body: { region: regionOf(where) },
  }),
  // No list was ever asked for: 404 after the access checks, no link handed out, nothing logged.
  GetFoodLists: (where) => ({
    method: 'GET',
    path: `/tahap/${T_DONE.tahapId}/food/lists?region=${regionOf(where)}`,
  }),
  // No distribution is open: 409 after the access checks.
  GetFoodReconciliation: (where) => ({
    method: 'GET',
    path: `/tahap/${T_DONE.tahapId}/food/reconciliation?region=${regionOf(where)}`,
  }),
  // A read of stored findings (none): 200 with no items, nothing written.
  GetEdcFindings: (where) => ({
    method: 'GET',
    path: `/tahap/${T_DONE.tahapId}/edc/findings?region=${regionOf(where)}`,
  }),
  // The caller's own assignments: anyone holding verval:work gets theirs (none but a relawan's).
  ListMyAssignments: () => ({ method: 'GET', path: '/verval/assignments' }),
  // Removes a relawan nobody assigned: the desa's assignments stay as they were.
  AssignRelawan: (where) => ({
    method: 'POST',
    path: `/tahap/${T_DONE.tahapId}/relawan`,
    body: {
      desa: desaOf(regionOf(where)),
      relawan: { sub: 'probe-never-assigned', name: 'Tidak Ada' },
      remove: true,
    },
  }),
  ListAssignments: (where) => ({
    method: 'GET',
    path: `/tahap/${T_DONE.tahapId}/relawan?desa=${desaOf(regionOf(where))}`,
  }),
  // Refused after the access checks: the tahap's run has not completed (409), so no sheet is made.
  GetTahapFile: (where) => ({
    method: 'GET',
    path: `/tahap/${T_QUEUED.tahapId}/files/verval?desa=${desaOf(regionOf(where))}`,
  }),
  // Refused after the access checks as well (409 ELIGIBILITY_NOT_RUN): no upload is recorded.
  CreateVervalUpload: (where) => ({
    method: 'POST',
    path: `/tahap/${T_QUEUED.tahapId}/verval-results`,
    body: { desa: desaOf(regionOf(where)), filename: 'verval.xlsx' },
  }),
  GetVervalUpload: (where) => ({
    method: 'GET',
    path: `/tahap/${T_DONE.tahapId}/verval-results/${vervalUploads[where]}`,
  }),
  GetVervalProgress: (where) => ({
    method: 'GET',
    path: `/tahap/${T_DONE.tahapId}/verval?desa=${desaOf(regionOf(where))}`,
  }),
  // Reads that write only their read log items (and a family id once): no state a probe watches.
  SearchFamilies: (where) => ({
    method: 'POST',
    path: '/families/search',
    body: { noKk: firstKkOf(regionOf(where)) },
  }),
  GetFamily: (where) => ({ method: 'GET', path: `/families/${familyIds[where]}` }),
  ListFamilyReads: (where) => ({ method: 'GET', path: `/families/${familyIds[where]}/reads?limit=5` }),
  // Enters a complaint for the allowed (complaints are not watched state); another region's is refused.
  EnterComplaint: (where) => ({
    method: 'POST',
    path: '/complaints/entries',
    body: {
      category: 'PANGAN',
      desaCode: complaintDesaOf(regionOf(where)),
      text: 'Beras bantuan belum diterima (masukan uji keamanan).',
      channel: 'TELEPON',
    },
  }),
  ListComplaints: (where) => ({ method: 'GET', path: `/complaints?region=${regionOf(where)}` }),
  GetComplaint: (where) => ({ method: 'GET', path: `/complaints/${complaints[where].open}` }),
  // Refused after the access checks: a closed complaint takes no assignment, no answer, no closing (409).
  AssignComplaint: (where) => ({
    method: 'POST',
    path: `/complaints/${complaints[where].closed}/assign`,
    body: { assignee: { sub: 'probe-petugas', name: 'Petugas Uji' } },
  }),
  AnswerComplaint: (where) => ({
    method: 'POST',
    path: `/complaints/${complaints[where].closed}/answer`,
    body: { answer: 'Jawaban uji yang tidak boleh tersimpan.' },
  }),
  // Refused after the access checks: no KPM list is composed for the tahap (409), nothing is published.
  CreatePublication: (where) => ({
    method: 'POST',
    path: `/tahap/${T_DONE.tahapId}/kpm/publications`,
    body: {
      desaCode: desaOf(regionOf(where)),
      until: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString().slice(0, 10),
    },
  }),
  CloseComplaint: (where) => ({
    method: 'POST',
    path: `/complaints/${complaints[where].closed}/close`,
    body: { outcome: 'SELESAI', answer: 'Jawaban uji yang tidak boleh tersimpan.' },
  }),
  // The machine clients' exchange (issue #15): reads, a recorded fetch, a presigned PUT (no state).
  // `other` aims at the other party's file: unknown (404) to the party whose route it is.
  ListBankFiles: () => ({ method: 'GET', path: '/exchange/bank/files?limit=5' }),
  GetBankFile: (where) => ({
    method: 'GET',
    path: `/exchange/bank/files/${where === 'own' ? BANK_FILE : BULOG_FILE}`,
  }),
  ListBulogFiles: () => ({ method: 'GET', path: `/exchange/bulog/files?tahapId=${T_DONE.tahapId}` }),
  GetBulogFile: (where) => ({
    method: 'GET',
    path: `/exchange/bulog/files/${where === 'own' ? BULOG_FILE : BANK_FILE}`,
  }),
  CreateBankReport: () => ({
    method: 'POST',
    path: '/exchange/bank/reports',
    body: { filename: 'probe.csv' },
  }),
  GetBankReport: () => ({ method: 'GET', path: '/exchange/bank/reports/2026-12-01/belum-ada.csv' }),
  // Counters only (none moved in either region's tahap): a read, nothing written.
  GetDashboard: (where) => ({
    method: 'GET',
    path: `/tahap/${T_DONE.tahapId}/dashboard?region=${regionOf(where)}&level=desa`,
  }),
  // The same table as a file under files/dasbor/ (counts, no person); no table item written.
  ExportDashboard: (where) => ({
    method: 'GET',
    path: `/tahap/${T_DONE.tahapId}/dashboard/export?region=${regionOf(where)}&format=csv`,
  }),
  // Refused after the access checks: a .exe is no answer file (400), and nothing is asked for.
  CreateBankAccountAnswer: () => ({
    method: 'POST',
    path: '/exchange/bank/account-answers',
    body: { filename: 'probe.exe' },
  }),
  // Refused on the state: no distribution of the probe's tahap is open (409), nothing is written.
  CreateBankEdcFile: (where) => ({
    method: 'POST',
    path: '/exchange/bank/edc-files',
    body: { filename: 'probe.csv', tahapId: T_DONE.tahapId, region: regionOf(where) },
  }),
  CreateBulogBast: (where) => ({
    method: 'POST',
    path: '/exchange/bulog/bast-files',
    body: { filename: 'probe.csv', tahapId: T_DONE.tahapId, region: regionOf(where) },
  }),
  GetBankImport: () => ({ method: 'GET', path: '/exchange/bank/imports/tidak-ada' }),
  GetBulogImport: () => ({ method: 'GET', path: '/exchange/bulog/imports/tidak-ada' }),
  // Refused on the state after the access checks: a tahap whose distribution never started stays open.
  CloseTahap: () => ({ method: 'POST', path: `/tahap/${T_DONE.tahapId}/close`, body: { reason: REASON } }),
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
  if (route.regions === 'records') {
    // A batch: each record of another region is refused in its own result, as unknown.
    expect(reply.status, `${label}: ${reply.text}`).toBe(200);
    const { results } = reply.json as { results: { outcome: string }[] };
    expect(results.length, label).toBeGreaterThan(0);
    for (const result of results) expect(result.outcome, label).toBe('REFUSED');
    return;
  }
  if (route.regions === 'hidden') {
    // Another region's object is unknown to a regional role: 404, as for an id never given.
    expect(reply.status, `${label}: ${reply.text}`).toBe(404);
    expect(errorOf(reply).code, label).toBe('NOT_FOUND');
    return;
  }
  if (route.regions === 'object' || reply.status === 403) {
    expectRefused(reply, label);
    return;
  }
  expect(route.regions, `${label}: a route serving every region is open to a regional role`).toBe('filtered');
  expect(reply.status, `${label}: ${reply.text}`).toBe(200);
  // A list's items, or the one object (a tahap): a region, or settings by region, of OWN only.
  type Item = { region?: string; snapshots?: Record<string, unknown>; quotas?: Record<string, unknown> };
  const body = reply.json as Item & { items?: Item[] };
  const items = body.items ?? [body];
  for (const item of items) {
    const regions = [
      ...(item.region !== undefined ? [item.region] : []),
      ...Object.keys(item.snapshots ?? {}),
      ...Object.keys(item.quotas ?? {}),
    ];
    expect(regions.length, `${label}: nothing to tell its region by`).toBeGreaterThan(0);
    for (const region of regions) expect(region, label).toBe(OWN);
  }
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
      const familyBefore = await familyState();

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
      expect(await familyState()).toEqual(familyBefore);
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

describe('the family programme’s probes, and a relawan’s desa', () => {
  // Routes about a desa; `ListMyAssignments` answers only the caller's own assignments (below).
  const vervalWork = protectedRoutes.filter(
    (route) =>
      route.capability === 'verval:work' &&
      route.id !== 'ListMyAssignments' &&
      // A batch of field records: each refused in its own result (below), not the request.
      route.id !== 'RecordVervalVisits',
  );

  it('the tahap probes change nothing: each is refused after the access checks, or removes no one', async () => {
    const admin = await tokenFor(personOf('admin'));
    const refused = async (id: string, reason: string) => {
      const reply = await send(stack, PROBES[id]?.('own') ?? { method: 'GET', path: '/' }, admin);
      expect(reply.status, `${id}: ${reply.text}`).toBe(409);
      expect(errorOf(reply).reason, id).toBe(reason);
    };
    await refused('CreateTahap', 'TAHAP_EXISTS');
    await refused('RequestEligibility', 'RUN_IN_PROGRESS');
    await refused('GetTahapFile', 'ELIGIBILITY_NOT_RUN');
    await refused('CreateVervalUpload', 'ELIGIBILITY_NOT_RUN');
    await refused('CreatePublication', 'NO_KPM_LIST');
    const removed = await send(stack, PROBES.AssignRelawan?.('own') ?? { method: 'GET', path: '/' }, admin);
    expect(removed.status, removed.text).toBe(200);
    expect(
      (removed.json as { items: { relawan: { sub: string } }[] }).items.map((a) => a.relawan.sub),
    ).toEqual([RELAWAN]);
  });

  it('the probes’ relawan works the desa assigned to them, and is refused every other', async () => {
    const relawan = await tokenFor(personOf('relawan'));
    const progress = await send(
      stack,
      { method: 'GET', path: `/tahap/${T_DONE.tahapId}/verval?desa=${desaOf(OWN)}` },
      relawan,
    );
    expect(progress.status, progress.text).toBe(200);
    expect(progress.json).toMatchObject({ desa: desaOf(OWN), toVisit: 3, visited: 0 });
    const sheet = await send(
      stack,
      { method: 'GET', path: `/tahap/${T_DONE.tahapId}/files/verval?desa=${desaOf(OWN)}` },
      relawan,
    );
    expect(sheet.status, sheet.text).toBe(200);
    expect(sheet.json).toMatchObject({ families: 3 });
    const mine = await send(stack, { method: 'GET', path: `/tahap/${T_DONE.tahapId}/relawan` }, relawan);
    expect((mine.json as { items: { desaCode: string }[] }).items.map((a) => a.desaCode)).toEqual([
      desaOf(OWN),
    ]);
    for (const id of ['ListAssignments', 'GetVervalUpload', 'GetVervalProgress']) {
      const reply = await send(stack, PROBES[id]?.('own') ?? { method: 'GET', path: '/' }, relawan);
      expect(reply.status, `${id}: ${reply.text}`).toBe(200);
    }
    // Another desa of their own kabupaten, not assigned to them.
    const elsewhere = await send(
      stack,
      { method: 'GET', path: `/tahap/${T_DONE.tahapId}/verval?desa=${OWN}.01.2002` },
      relawan,
    );
    expectRefused(elsewhere, 'an unassigned desa of the relawan’s region');
  });

  it('a relawan of the right region not assigned to the desa gets 403 on every verval:work route', async () => {
    expect(vervalWork.map((route) => route.id).sort()).toEqual(
      [
        'CreateVervalUpload',
        'GetTahapFile',
        'GetVervalProgress',
        'GetVervalUpload',
        'ListAssignments',
      ].sort(),
    );
    const former = await tokenFor(FORMER);
    const before = await familyState();
    for (const route of vervalWork) {
      const probes: ProbeRequest[] =
        route.id === 'GetVervalUpload'
          ? // Their own upload, made while they were assigned: still theirs, no longer their desa.
            [{ method: 'GET', path: `/tahap/${T_DONE.tahapId}/verval-results/${formerUpload}` }]
          : [
              PROBES[route.id]?.('own') ?? { method: 'GET', path: '/' },
              // The same on the tahap whose run completed (where the allowed get their 200).
              ...(route.id === 'GetTahapFile'
                ? [
                    {
                      method: 'GET' as const,
                      path: `/tahap/${T_DONE.tahapId}/files/verval?desa=${desaOf(OWN)}`,
                    },
                  ]
                : []),
              ...(route.id === 'CreateVervalUpload'
                ? [
                    {
                      method: 'POST' as const,
                      path: `/tahap/${T_DONE.tahapId}/verval-results`,
                      body: { desa: desaOf(OWN), filename: 'verval.xlsx' },
                    },
                  ]
                : []),
            ];
      for (const probe of probes)
        expectRefused(await send(stack, probe, former), `${route.id} ${probe.path}`);
    }
    // Their field records of the desa: each refused in its own result, nothing recorded.
    const fieldRecords = await send(
      stack,
      PROBES.RecordVervalVisits?.('own') ?? { method: 'GET', path: '/' },
      former,
    );
    expect(fieldRecords.status, fieldRecords.text).toBe(200);
    expect((fieldRecords.json as { results: { outcome: string; code: string }[] }).results).toEqual([
      expect.objectContaining({ outcome: 'REFUSED', code: 'DESA_TIDAK_DITUGASKAN' }),
    ]);
    // Their own assignments: none now, and nothing of the relawan who holds the desa.
    const mine = await send(stack, PROBES.ListMyAssignments?.('own') ?? { method: 'GET', path: '/' }, former);
    expect(mine.status, mine.text).toBe(200);
    expect(mine.json).toEqual({ items: [] });
    // The assigned relawan's own upload stays out of reach of another relawan: a 404, as unknown.
    const theirs = await send(
      stack,
      { method: 'GET', path: `/tahap/${T_DONE.tahapId}/verval-results/${vervalUploads.own}` },
      former,
    );
    expect(theirs.status, theirs.text).toBe(404);
    expect(await familyState()).toEqual(before);
  });

  it('removing an assignment takes effect at once, with the same token', async () => {
    const person: Person = { groups: ['relawan'], region: OWN, sub: 'probe-relawan-moved' };
    const relawan = await tokenFor(person);
    const operator = await tokenFor(operatorOf(OWN));
    const assign = (remove: boolean) =>
      send(
        stack,
        {
          method: 'POST',
          path: `/tahap/${T_DONE.tahapId}/relawan`,
          body: {
            desa: desaOf(OWN),
            relawan: { sub: subOf(person), name: 'Relawan Pindah' },
            ...(remove ? { remove } : {}),
          },
        },
        operator,
      );
    const requests: ProbeRequest[] = [
      { method: 'GET', path: `/tahap/${T_DONE.tahapId}/verval?desa=${desaOf(OWN)}` },
      { method: 'GET', path: `/tahap/${T_DONE.tahapId}/relawan?desa=${desaOf(OWN)}` },
      { method: 'GET', path: `/tahap/${T_DONE.tahapId}/files/verval?desa=${desaOf(OWN)}` },
    ];
    for (const request of requests)
      expectRefused(await send(stack, request, relawan), `before: ${request.path}`);
    const assigned = await assign(false);
    expect(assigned.status, assigned.text).toBe(200);
    for (const request of requests) {
      const reply = await send(stack, request, relawan);
      expect(reply.status, `assigned: ${request.path} ${reply.text}`).toBe(200);
    }
    const removed = await assign(true);
    expect(removed.status, removed.text).toBe(200);
    expect(
      (removed.json as { items: { relawan: { sub: string } }[] }).items.map((a) => a.relawan.sub),
    ).toEqual([RELAWAN]);
    for (const request of requests)
      expectRefused(await send(stack, request, relawan), `removed: ${request.path}`);
    const upload = await send(
      stack,
      {
        method: 'POST',
        path: `/tahap/${T_DONE.tahapId}/verval-results`,
        body: { desa: desaOf(OWN), filename: 'verval.xlsx' },
      },
      relawan,
    );
    expectRefused(upload, 'an upload after removal');
  });
});

describe('the family search’s attacker cases', () => {
  it('a regional role searching another kabupaten’s family gets an empty answer, not a refusal', async () => {
    const operator = await tokenFor(personOf('operator'));
    const reply = await send(
      stack,
      PROBES.SearchFamilies?.('other') ?? { method: 'GET', path: '/' },
      operator,
    );
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json).toEqual({ items: [], more: false });
  });

  it('takes no NIK or No KK in the URL: not as the id, not as a query', async () => {
    const admin = await tokenFor(personOf('admin'));
    const nik = `${OWN.replace('.', '')}011508850001`;
    for (const path of [`/families/${nik}`, `/families/${firstKkOf(OWN)}`, `/families/${nik}/reads`]) {
      const reply = await send(stack, { method: 'GET', path }, admin);
      expect(reply.status, `${path}: ${reply.text}`).toBe(400);
      expect(reply.text).not.toContain(nik);
    }
    // GET /families/search is the history route with id "search": not an id.
    const asGet = await send(stack, { method: 'GET', path: `/families/search?nik=${nik}` }, admin);
    expect(asGet.status, asGet.text).toBe(400);
    // A POST with the terms in the query string and none in the body is refused, not answered.
    const inQuery = await send(
      stack,
      { method: 'POST', path: `/families/search?nik=${nik}`, body: {} },
      admin,
    );
    expect(inQuery.status, inQuery.text).toBe(400);
  });

  it('relawan and bank get 403 on every family route, with the search terms in the body or not', async () => {
    for (const role of ['relawan', 'bank', 'bulog'] as const) {
      const token = await tokenFor(personOf(role));
      for (const id of ['SearchFamilies', 'GetFamily', 'ListFamilyReads']) {
        expectRefused(
          await send(stack, PROBES[id]?.('own') ?? { method: 'GET', path: '/' }, token),
          `${id} ${role}`,
        );
      }
    }
  });

  it('refuses a tampered read log cursor (another family, another key, garbage) with 400', async () => {
    const auditor = await tokenFor(personOf('auditor'));
    const path = `/families/${familyIds.own}/reads`;
    const first = await send(stack, { method: 'GET', path: `${path}?limit=1` }, auditor);
    expect(first.status, first.text).toBe(200);
    const cursor = (first.json as { nextCursor?: string }).nextCursor ?? '';
    expect(cursor).not.toBe('');
    const { s: sk } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s: string };
    const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      forge({ s: sk, pk: `READLOG#${familyIds.other}` }),
      forge({ s: `FAMILYID#${firstKkOf(OWN)}` }),
      forge({ s: `${sk}\u0000` }),
      'AAAA',
      `${cursor}x`,
    ]) {
      const reply = await send(
        stack,
        { method: 'GET', path: `${path}?cursor=${encodeURIComponent(bad)}` },
        auditor,
      );
      expect(reply.status, `${bad}: ${reply.text}`).toBe(400);
    }
    // The family's pages come from the path: the same cursor on another family reads that family's log.
    const elsewhere = await send(
      stack,
      { method: 'GET', path: `/families/${familyIds.other}/reads?cursor=${encodeURIComponent(cursor)}` },
      auditor,
    );
    expect(elsewhere.status, elsewhere.text).toBe(200);
    for (const item of (elsewhere.json as { items: { route: string }[] }).items) {
      expect(['SearchFamilies', 'GetFamily']).toContain(item.route);
    }
  });
});

describe('the complaints’ attacker cases', () => {
  const lodge = (body: Record<string, unknown>, headers?: Record<string, string>) =>
    send(stack, { method: 'POST', path: '/complaints', body, ...(headers ? { headers } : {}) });
  const TEXT = 'Bantuan tunai dipotong Rp50.000 oleh petugas saat pencairan di kantor.';

  it('the complaint probes change nothing: each handling probe is refused after the access checks', async () => {
    const admin = await tokenFor(personOf('admin'));
    for (const id of ['AssignComplaint', 'AnswerComplaint', 'CloseComplaint']) {
      const reply = await send(stack, PROBES[id]?.('own') ?? { method: 'GET', path: '/' }, admin);
      expect(reply.status, `${id}: ${reply.text}`).toBe(409);
      expect(errorOf(reply).reason, id).toBe('WRONG_STATE');
    }
  });

  it('an operator never opens a PUNGLI complaint, even of their own kabupaten: 404 as unknown', async () => {
    const lodged = await lodge({ category: 'PUNGLI', desaCode: complaintDesaOf(OWN), text: TEXT });
    expect(lodged.status, lodged.text).toBe(201);
    const admin = await tokenFor(personOf('admin'));
    const province = await send(stack, { method: 'GET', path: '/complaints?region=PROVINSI&limit=1' }, admin);
    const id = (province.json as { items: { complaintId: string; region: string }[] }).items[0];
    expect(id?.region).toBe(OWN);
    const operator = await tokenFor(personOf('operator'));
    const unknown = await send(stack, { method: 'GET', path: '/complaints/PGD-AAAAAAAAAAAA' }, operator);
    const probes: ProbeRequest[] = [
      { method: 'GET', path: `/complaints/${id?.complaintId}` },
      {
        method: 'POST',
        path: `/complaints/${id?.complaintId}/assign`,
        body: { assignee: { sub: 'x', name: 'Petugas X' } },
      },
      {
        method: 'POST',
        path: `/complaints/${id?.complaintId}/answer`,
        body: { answer: 'Tidak ada pungutan.' },
      },
      {
        method: 'POST',
        path: `/complaints/${id?.complaintId}/close`,
        body: { outcome: 'DITOLAK', answer: 'Tidak ada pungutan.' },
      },
    ];
    for (const probe of probes) {
      const reply = await send(stack, probe, operator);
      expect(reply.status, `${probe.path}: ${reply.text}`).toBe(404);
      expect(reply.json).toEqual(unknown.json);
    }
    const queue = await send(stack, { method: 'GET', path: '/complaints?category=PUNGLI' }, operator);
    expect(queue.json).toEqual({ items: [] });
    expectRefused(
      await send(stack, { method: 'GET', path: '/complaints?region=PROVINSI' }, operator),
      'PROVINSI',
    );
    // Still open for the province to handle: the operator's attempts changed nothing.
    const view = await send(stack, { method: 'GET', path: `/complaints/${id?.complaintId}` }, admin);
    expect(view.json).toMatchObject({ status: 'BARU', unit: 'PROVINSI' });
  });

  it('codes cannot be enumerated: every wrong guess gets the same 404, and a code names no one', async () => {
    const replies = await Promise.all(
      [
        'ADU-0000-0000-0000',
        'ADU-AAAA-AAAA-AAAA',
        'ADU-ZZZZ-ZZZZ-ZZZ0',
        'ADU-1',
        encodeURIComponent('<script>'),
        `${OWN}.01.2001`,
      ].map((code) => send(stack, { method: 'GET', path: `/complaints/status/${code}` })),
    );
    for (const reply of replies) {
      expect(reply.status, reply.text).toBe(404);
      expect(reply.json).toEqual(replies[0]?.json);
    }
    const lodged = await lodge({
      category: 'KARTU',
      desaCode: complaintDesaOf(OWN),
      text: TEXT,
      telepon: '081234567890',
    });
    const code = (lodged.json as { code: string }).code;
    const status = await send(stack, { method: 'GET', path: `/complaints/status/${code}` });
    expect(status.status).toBe(200);
    for (const secret of ['081234567890', complaintDesaOf(OWN), 'PGD-', TEXT.slice(0, 15)]) {
      expect(status.text).not.toContain(secret);
    }
  });

  it('POST /complaints cannot look people up: the same answer for a registered NIK or No KK and an unknown one', async () => {
    const nikOf = (region: string) => `${region.replace('.', '')}01150885${String(1).padStart(4, '0')}`;
    const bodies = [
      { nik: nikOf(OWN) },
      { noKk: firstKkOf(OWN) },
      { nik: `${OWN.replace('.', '')}01150885${'9999'}` },
      { noKk: `${OWN.replace('.', '')}010101209999` },
      {},
    ];
    const shapes = [];
    for (const extra of bodies) {
      const reply = await lodge({
        category: 'PENDATAAN',
        desaCode: complaintDesaOf(OWN),
        text: TEXT,
        ...extra,
      });
      expect(reply.status, reply.text).toBe(201);
      const body = reply.json as { code: string; message: string; dueDate: string; status: string };
      for (const value of Object.values(extra)) expect(reply.text).not.toContain(value);
      shapes.push({ ...body, code: 'X', message: body.message.replace(body.code, 'X') });
    }
    for (const shape of shapes) expect(shape).toEqual(shapes[0]);
  });

  it('refuses oversized text and bodies, and keeps markup as inert text', async () => {
    const tooLong = await lodge({
      category: 'KARTU',
      desaCode: complaintDesaOf(OWN),
      text: 'x'.repeat(2_001),
    });
    expect(tooLong.status).toBe(400);
    const huge = await lodge({ category: 'KARTU', desaCode: complaintDesaOf(OWN), text: 'x'.repeat(20_000) });
    expect(huge.status).toBe(413);
    const script =
      '<script>alert(document.cookie)</script><img src=x onerror=alert(1)> kartu belum dibagikan';
    const lodged = await lodge({ category: 'KARTU', desaCode: complaintDesaOf(OWN), text: script });
    expect(lodged.status, lodged.text).toBe(201);
    expect(lodged.headers.get('content-type')).toMatch(/^application\/json/);
    const admin = await tokenFor(personOf('admin'));
    const listed = await send(stack, { method: 'GET', path: `/complaints?region=${OWN}&limit=1` }, admin);
    const id = (listed.json as { items: { complaintId: string }[] }).items[0]?.complaintId;
    const view = await send(stack, { method: 'GET', path: `/complaints/${id}` }, admin);
    expect(view.headers.get('content-type')).toMatch(/^application\/json/);
    expect(view.headers.get('x-content-type-options')).toBe('nosniff');
    expect((view.json as { text: string }).text).toBe(script);
  });

  it('takes no NIK in the URL: not as an id, a code or a query', async () => {
    const admin = await tokenFor(personOf('admin'));
    const nik = `${OWN.replace('.', '')}011508850001`;
    const asId = await send(stack, { method: 'GET', path: `/complaints/${nik}` }, admin);
    expect(asId.status).toBe(400);
    const asQuery = await send(stack, { method: 'GET', path: `/complaints?nik=${nik}` }, admin);
    expect(asQuery.status).toBe(400);
    const asCode = await send(stack, { method: 'GET', path: `/complaints/status/${nik}` });
    expect(asCode.status).toBe(404);
    for (const reply of [asId, asQuery, asCode]) expect(reply.text).not.toContain(nik);
  });

  it('limits each source by the connection, not by a header the client writes', async () => {
    const before = process.env.COMPLAINT_RATE_LIMIT;
    process.env.COMPLAINT_RATE_LIMIT = '2';
    process.env.COMPLAINT_RATE_PEPPER = `probe-${Date.now()}`;
    try {
      const body = { category: 'LAINNYA', desaCode: complaintDesaOf(OWN), text: TEXT };
      expect((await lodge(body)).status).toBe(201);
      expect((await lodge(body, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(201);
      const refused = await lodge(body, { 'x-forwarded-for': '198.51.100.9' });
      expect(refused.status, refused.text).toBe(429);
      expect(errorOf(refused)).toMatchObject({ code: 'TOO_MANY_REQUESTS', reason: 'RATE_LIMITED' });
    } finally {
      process.env.COMPLAINT_RATE_LIMIT = before;
      delete process.env.COMPLAINT_RATE_PEPPER;
    }
  });
});

describe('the exchange: each party its own files, through its own routes', () => {
  it('a party fetching the other party’s file by its id gets 404, as for an id never given', async () => {
    const bank = await tokenFor(personOf('bank'));
    const bulog = await tokenFor(personOf('bulog'));
    const never = await send(stack, { method: 'GET', path: '/exchange/bank/files/tidak-pernah-ada' }, bank);
    for (const [token, path] of [
      [bank, `/exchange/bank/files/${BULOG_FILE}`],
      [bulog, `/exchange/bulog/files/${BANK_FILE}`],
    ] as const) {
      const reply = await send(stack, { method: 'GET', path }, token);
      expect(reply.status, path).toBe(404);
      expect(reply.json).toEqual(never.json);
    }
    const own = await send(stack, { method: 'GET', path: `/exchange/bank/files/${BANK_FILE}` }, bank);
    expect(own.status, own.text).toBe(200);
    const listed = await send(stack, { method: 'GET', path: '/exchange/bank/files' }, bank);
    expect((listed.json as { items: { fileId: string }[] }).items.map((item) => item.fileId)).toEqual([
      BANK_FILE,
    ]);
  });

  it('a party in the path is a route, not a parameter: forged parties find no route (404)', async () => {
    const bank = await tokenFor(personOf('bank'));
    for (const path of [
      '/exchange/BANK/files',
      '/exchange/admin/files',
      `/exchange/Bulog/files/${BULOG_FILE}`,
      `/exchange/bank%2F..%2Fbulog/files/${BULOG_FILE}`,
      `/exchange/bulog/files/${BULOG_FILE}/../../bank/files`,
      '/exchange/files',
    ]) {
      const reply = await send(stack, { method: 'GET', path }, bank);
      expect([401, 403, 404], `${path}: ${reply.text}`).toContain(reply.status);
      expect(reply.text, path).not.toContain(BULOG_FILE);
    }
  });

  it('staff and relawan get 403 on every exchange route; the parties get 403 on every other route', async () => {
    const exchangeRoutes = protectedRoutes.filter((route) => route.capability.startsWith('exchange:'));
    expect(exchangeRoutes.map((route) => route.id).sort()).toEqual(
      [
        'CreateBankReport',
        'GetBankFile',
        'GetBankReport',
        'GetBulogFile',
        'ListBankFiles',
        'ListBulogFiles',
        'CreateBankAccountAnswer',
        'CreateBankEdcFile',
        'CreateBulogBast',
        'GetBankImport',
        'GetBulogImport',
      ].sort(),
    );
    for (const role of ['operator', 'verifier', 'approver', 'auditor', 'admin', 'relawan'] as const) {
      const token = await tokenFor(personOf(role));
      for (const route of exchangeRoutes) {
        expectRefused(
          await send(stack, PROBES[route.id]?.('own') ?? { method: 'GET', path: '/' }, token),
          `${route.id} ${role}`,
        );
      }
    }
    for (const role of ['bank', 'bulog'] as const) {
      const token = await tokenFor(personOf(role));
      for (const route of protectedRoutes.filter(
        (candidate) => !candidate.capability.startsWith('exchange:'),
      )) {
        expectRefused(
          await send(stack, PROBES[route.id]?.('own') ?? { method: 'GET', path: '/' }, token),
          `${route.id} ${role}`,
        );
      }
    }
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
