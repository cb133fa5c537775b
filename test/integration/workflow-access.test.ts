import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  admin,
  approver,
  auditor,
  type CallOptions,
  type Claims,
  callRoute,
  type ErrorBody,
  type ImportedList,
  importList,
  issueDecreeFor,
  machine,
  moveTo,
  nik,
  operator,
  type ProposalView,
  type RouteId,
  routeSpec,
  setFlags,
  sourceRowOf,
  verifier,
} from '../support/api.ts';
import { resetTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * Who may do what (interfaces.md §3): every route × every role × own/other region, deny by default;
 * then the other answers a route gives before it acts: 401, 400 with zod's details, 404, 409.
 */

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
useEmulatorEnv();
const { ProposalsRepository } = await import('#shared/adapters/proposals-repo.ts');
const { env } = await import('#shared/config/env.ts');
const { ROUTES } = await import('../../functions/api/routes.ts');
const PROTECTED = ROUTES.filter((route) => !route.public).map((route) => route.id as RouteId);

const A = '62.01';
const B = '62.03';
const UNKNOWN_PROPOSAL = `${A}-2099-S1`;
const RUN_ID = 'daily-2026-11-29';
/** Region A's family file import awaiting its file, and its DTSEN snapshot. */
const IMPORT_ID = 'import-a-keluarga';
const VERSION_DATE = '2026-09-30';
/** The READY snapshots of both regions the tahap are made over, and a desa of each with families. */
const V_TAHAP = '2026-10-31';
const DESA_A = `${A}.01.2001`;
/** A tahap whose eligibility run has completed (the verval routes' data), one with no run yet. */
const TAHAP = '2026-1';
const TAHAP_NO_RUN = '2026-2';
const RELAWAN_A = 'relawan-a';
/** A verval result upload of region A's desa, awaiting its file. */
const VERVAL_IMPORT_ID = 'verval-a-desa';
/** Region A's first family's No KK (see `tahapFixtures`). */
const KK_A1 = '6201010101200001';
const tahapBody = (number: number) => ({
  year: 2026,
  number,
  components: { TUNAI: 250_000, PANGAN: 150_000 },
  desil: { min: 1, max: 5 },
  snapshots: { [A]: V_TAHAP, [B]: V_TAHAP },
});

/** Region A's proposals, one per state a route needs, and one DRAFT of region B. */
let draft: ImportedList;
let inReview: ImportedList;
let flagged: ImportedList;
let verified: ImportedList;
let otherDraft: ImportedList;
let decreed: ImportedList;
let flaggedRecipientId: string;
let decree: { decreeId: string; year: number; number: string };
/** Region A's first family, as the search names it (never its No KK). */
let familyA: string;
/** Region A's complaints (desa {@link COMPLAINT_DESA_A}): one BARU, one taken up (DITANGANI). */
let complaintNew: string;
let complaintTaken: string;
/** A real desa of region A (the complaint routes check the official list). */
const COMPLAINT_DESA_A = `${A}.01.2001`;

const proposals = () => new ProposalsRepository(env().tableName);
const versionOf = async (proposalId: string) => (await proposals().get(proposalId))?.version;

beforeAll(async () => {
  await resetTable();
  [draft, inReview, flagged, verified, otherDraft, decreed] = await Promise.all([
    importList(A, '2026-S1'),
    importList(A, '2026-S2'),
    importList(A, '2027-S1'),
    importList(A, '2027-S2'),
    importList(B, '2026-S1'),
    importList(A, '2028-S1'),
  ]);
  await moveTo(decreed.proposalId, 'DECREED');
  // Asking again returns the decree the move issued: the worker is idempotent by proposal.
  decree = await issueDecreeFor(decreed);
  const { ReconciliationsRepository } = await import('#shared/adapters/reconciliations-repo.ts');
  await new ReconciliationsRepository(env().tableName).request({
    runId: RUN_ID,
    trigger: 'schedule',
    status: 'QUEUED',
    requestedAt: new Date().toISOString(),
    attempt: 0,
  });
  await moveTo(inReview.proposalId, 'IN_REVIEW');
  await setFlags(flagged.listId ?? '', sourceRowOf(1), [{ code: 'NIK_IN_OTHER_LIST', severity: 'blocking' }]);
  flaggedRecipientId = `${flagged.listId}.${sourceRowOf(1)}`;
  await moveTo(flagged.proposalId, 'IN_REVIEW', { openBlocking: 1 });
  await moveTo(verified.proposalId, 'VERIFIED');
  // A flagged recipient on a DRAFT, to show that a waiver is refused by state, not by a missing flag.
  await setFlags(otherDraft.listId ?? '', sourceRowOf(2), [
    { code: 'NIK_IN_OTHER_LIST', severity: 'blocking' },
  ]);
  await familyFixtures();
  await tahapFixtures();
  await distributionFixtures();
  await exchangeFixtures();
  const found = await callRoute<{ items: { familyId: string }[] }>('SearchFamilies', {
    claims: admin(),
    body: { noKk: KK_A1 },
  });
  familyA = found.body.items[0]?.familyId ?? '';
  expect(familyA).toMatch(/^KEL-/);
  [complaintNew, complaintTaken] = await complaintFixtures();
});

/** Two complaints of region A lodged through the public route; the second taken up by the admin. */
async function complaintFixtures(): Promise<[string, string]> {
  const ids: string[] = [];
  for (const n of [1, 2]) {
    const lodged = await callRoute<{ code: string }>('LodgeComplaint', {
      body: {
        category: 'KARTU',
        desaCode: COMPLAINT_DESA_A,
        text: `Kartu KHBS belum dibagikan di desa kami (pengaduan ${n}).`,
        noKk: KK_A1,
      },
    });
    expect(lodged.status, JSON.stringify(lodged.body)).toBe(201);
    const listed = await callRoute<{ items: { complaintId: string }[] }>('ListComplaints', {
      claims: admin(),
      query: { region: A, limit: '1' },
    });
    ids.push(listed.body.items[0]?.complaintId ?? '');
  }
  const taken = await callRoute('AssignComplaint', {
    claims: admin(),
    pathParameters: { complaintId: ids[1] ?? '' },
    body: { assignee: { sub: 'petugas-a', name: 'Petugas A' } },
  });
  expect(taken.status, JSON.stringify(taken.body)).toBe(200);
  return [ids[0] ?? '', ids[1] ?? ''];
}

/** What `POST /imports` and the imports leave for region A: an import awaiting its file, a snapshot. */
async function familyFixtures(): Promise<void> {
  const { ImportsRepository } = await import('#shared/adapters/imports-repo.ts');
  const { documentClient } = await import('#shared/adapters/clients.ts');
  const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
  const { snapshotKey, snapshotsByRegion } = await import('#shared/adapters/keys.ts');
  const now = new Date().toISOString();
  await new ImportsRepository(env().tableName).createAwaiting(
    {
      importId: IMPORT_ID,
      kind: 'DTSEN_KELUARGA',
      region: A,
      versionDate: VERSION_DATE,
      filename: 'keluarga.csv',
      status: 'AWAITING_FILE',
      createdAt: now,
      createdBy: { sub: `operator-${A}`, name: `Operator ${A}`, role: 'operator', region: A },
      s3Key: `imports/dtsen-keluarga/${IMPORT_ID}.csv`,
      attempts: 0,
      rowsProcessed: 0,
      reasons: [],
    },
    new Date(Date.now() + 3600_000),
  );
  await documentClient.send(
    new PutCommand({
      TableName: env().tableName,
      Item: {
        ...snapshotKey(A, VERSION_DATE),
        gsi1pk: snapshotsByRegion(A),
        gsi1sk: VERSION_DATE,
        region: A,
        versionDate: VERSION_DATE,
        status: 'INCOMPLETE',
        version: 1,
        families: { importId: 'import-a-done', rows: 3, accepted: 3, importedAt: now },
        createdAt: now,
        updatedAt: now,
      },
    }),
  );
}

/**
 * What the family programme leaves for the tahap routes: both regions' READY snapshots (three
 * families of one desa each, all to be visited), a tahap whose eligibility run completed (the run
 * called directly, as the families worker would), one with no run, region A's desa assigned to a
 * relawan, and a verval result upload of that desa awaiting its file.
 */
async function tahapFixtures(): Promise<void> {
  const { ImportsRepository } = await import('#shared/adapters/imports-repo.ts');
  const { VervalRepository } = await import('#shared/adapters/verval-repo.ts');
  const { runEligibilityJob } = await import('../../functions/families/run-eligibility.ts');
  const table = env().tableName;
  const { familyJobDeps, plainFamilies, readySnapshot } = await import('../support/families.ts');
  for (const region of [A, B]) await readySnapshot(region, plainFamilies(region, 3), V_TAHAP);
  for (const number of [1, 2]) {
    const created = await callRoute('CreateTahap', { claims: admin(), body: tahapBody(number) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
  const asked = await callRoute<{ runId: string }>('RequestEligibility', {
    claims: admin(),
    pathParameters: { tahapId: TAHAP },
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(202);
  const outcome = await runEligibilityJob({ tahapId: TAHAP, runId: asked.body.runId }, familyJobDeps());
  expect(outcome).toMatchObject({ outcome: 'COMPLETED', families: 6, eligible: 6 });
  await new VervalRepository(table).assign({
    tahapId: TAHAP,
    desaCode: DESA_A,
    region: A,
    relawan: { sub: RELAWAN_A, name: 'Relawan A' },
    assignedAt: new Date().toISOString(),
    assignedBy: { sub: `operator-${A}`, name: `Operator ${A}` },
  });
  await new ImportsRepository(table).createAwaiting(
    {
      importId: VERVAL_IMPORT_ID,
      kind: 'HASIL_VERVAL',
      region: A,
      tahapId: TAHAP,
      desaCode: DESA_A,
      filename: 'verval.xlsx',
      format: 'xlsx',
      status: 'AWAITING_FILE',
      createdAt: new Date().toISOString(),
      createdBy: { sub: RELAWAN_A, name: 'Relawan A', role: 'relawan', region: A },
      s3Key: `imports/hasil-verval/${VERVAL_IMPORT_ID}.xlsx`,
      attempts: 0,
      rowsProcessed: 0,
      reasons: [],
    },
    new Date(Date.now() + 3600_000),
  );
}

/** Region A's cards: each call that acts on one takes the next, so every allowed call finds a fresh card. */
const CARDS_A: string[] = [];
let cardsTaken = 0;
/** A No KK of region A whose family holds no card. */
const NO_CARD_KK = '6201010101209999';
/** A field visit of region A's first family with a result no verval file accepts (written by no one). */
const FIELD_VISIT_A = {
  noKk: KK_A1,
  desaCode: DESA_A,
  result: 'entah',
  tanggal: '2026-10-01',
  nomorBeritaAcara: 'BA/01/2026',
  recordedAt: '2026-10-01T09:00:00.000Z',
};
const takeCard = () => CARDS_A[cardsTaken++ % CARDS_A.length] ?? '';

/** Region A's distribution of {@link TAHAP} opened with twelve numbered cards (issue #15). */
async function distributionFixtures(): Promise<void> {
  const { DistributionRepository } = await import('#shared/adapters/distribution-repo.ts');
  const { cardNumber } = await import('#shared/domain/family/distribution.ts');
  const { newVerifyCode } = await import('#shared/domain/decree.ts');
  const repo = new DistributionRepository(env().tableName);
  const now = new Date().toISOString();
  const decreeId = `SK-KPM-${A}-${TAHAP}`;
  await repo.startOpening({
    tahapId: TAHAP,
    region: A,
    decreeId,
    decreeNumber: '188.44/9/2026',
    status: 'OPENING',
    requestedAt: now,
  });
  // The kabupaten's counter, as the opening leaves it: serials 1–12 given.
  expect(await repo.takeSerials(A, 12)).toBe(1);
  for (let serial = 1; serial <= 12; serial++) {
    const number = cardNumber(A, serial);
    const noKk = `620101010120${String(serial).padStart(4, '0')}`;
    expect(
      await repo.createCard({
        cardNumber: number,
        verifyCode: newVerifyCode(),
        region: A,
        noKk,
        familyId: `KEL-AAAAAAAAAA${'ABCDEFGHJKMN'.charAt(serial - 1)}A`,
        penerimaNik: `620101150885${String(serial).padStart(4, '0')}`,
        penerimaNama: `Penerima ${serial}`,
        kecamatanCode: `${A}.01`,
        desaCode: DESA_A,
        status: 'TERDAFTAR',
        tahapId: TAHAP,
        createdAt: now,
        history: [{ status: 'TERDAFTAR', at: now }],
      }),
    ).toBe(true);
    CARDS_A.push(number);
  }
  await repo.markOpen(TAHAP, A, decreeId, {
    openedAt: now,
    families: 12,
    byComponent: [{ component: 'TUNAI', count: 12, amount: 3_000_000 }],
    cards: { issued: 12, kept: 0, blocked: 0 },
  });
}

const WHO = {
  'operator (own region)': () => operator(A),
  'operator (other region)': () => operator(B),
  verifier: () => verifier('DINSOS'),
  approver: () => approver(),
  auditor: () => auditor(),
  admin: () => admin(),
  // Bank Kalteng's and BULOG's machine clients (client-credentials access tokens, issue #15).
  bank: () => machine('bank'),
  bulog: () => machine('bulog'),
} as const satisfies Record<string, () => Claims>;
type Who = keyof typeof WHO;
type MachineWho = 'bank' | 'bulog';
/** What each caller gets; the machine clients get 403 unless the case names them. */
type Expected = Record<Exclude<Who, MachineWho>, number> & Partial<Record<MachineWho, number>>;
const expectedFor = (expected: Expected, who: Who): number => expected[who] ?? 403;

/** A file made for each party (issue #15), as a generator registers it (`exchangeFixtures`). */
const BANK_FILE = 'bayar-2026-1-6201';
const BULOG_FILE = 'salur-2026-1-6201012001';

interface AccessCase {
  readonly route: RouteId;
  /** The request (without claims); called when the test runs, after the fixtures exist. */
  readonly request: () => CallOptions;
  /** The proposal the route acts on, to check that a refused call changes nothing. */
  readonly proposal?: () => string;
  readonly expected: Expected;
  /** More to check on an allowed call. */
  readonly check?: (who: Who, response: ApiResponse) => void;
}

const OK_FOR_ALL_BUT_OTHER_OPERATOR = (ok: number): Expected => ({
  'operator (own region)': ok,
  'operator (other region)': 403,
  verifier: ok,
  approver: ok,
  auditor: ok,
  admin: ok,
});

const ONLY = (allowed: Who[], ok: number): Record<Who, number> =>
  Object.fromEntries(Object.keys(WHO).map((who) => [who, allowed.includes(who as Who) ? ok : 403])) as Record<
    Who,
    number
  >;

const CASES: AccessCase[] = [
  {
    route: 'CreateUpload',
    // Everyone names region A: an admin may upload for any region, an operator only for their own.
    request: () => ({ body: { period: '2026-S1', filename: 'daftar-penerima.csv', region: A } }),
    expected: {
      'operator (own region)': 201,
      'operator (other region)': 403,
      verifier: 403,
      approver: 403,
      auditor: 403,
      admin: 201,
    },
    check: (_, response) => {
      expect(response.body).toMatchObject({ region: A, period: '2026-S1', method: 'PUT' });
      expect(String(response.body.uploadUrl)).toContain(`uploads/${A}/2026-S1/`);
    },
  },
  {
    route: 'GetUpload',
    request: () => ({ pathParameters: { uploadId: draft.uploadId } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (_, response) => expect(response.body).toMatchObject({ uploadId: draft.uploadId, region: A }),
  },
  {
    route: 'CreateImport',
    request: () => ({
      body: {
        kind: 'PENGECUALIAN',
        filename: 'daftar-pkh.csv',
        programme: 'PKH',
        source: 'Kemensos',
        asOf: '2026-09-01',
        region: A,
      },
    }),
    expected: {
      'operator (own region)': 201,
      'operator (other region)': 403,
      verifier: 403,
      approver: 403,
      auditor: 403,
      admin: 201,
    },
    check: (_, response) => {
      expect(response.body).toMatchObject({ kind: 'PENGECUALIAN', region: A, method: 'PUT' });
      expect(String(response.body.uploadUrl)).toContain('imports/pengecualian/');
    },
  },
  {
    route: 'GetImport',
    request: () => ({ pathParameters: { importId: IMPORT_ID } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (_, response) =>
      expect(response.body).toMatchObject({ importId: IMPORT_ID, region: A, status: 'AWAITING_FILE' }),
  },
  {
    route: 'ListImports',
    request: () => ({ query: { region: A } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (_, response) => {
      const items = response.body.items as { importId: string; region: string }[];
      expect(items.map((item) => item.importId)).toContain(IMPORT_ID);
      for (const item of items) expect(item.region).toBe(A);
    },
  },
  {
    route: 'ListSnapshots',
    request: () => ({ query: { region: A } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (_, response) =>
      expect(
        (response.body.items as { versionDate: string }[]).sort((x, y) =>
          x.versionDate.localeCompare(y.versionDate),
        ),
      ).toEqual([
        expect.objectContaining({ region: A, versionDate: VERSION_DATE, status: 'INCOMPLETE' }),
        // The snapshot the tahap are made over.
        expect.objectContaining({ region: A, versionDate: V_TAHAP, status: 'READY' }),
      ]),
  },
  {
    route: 'GetSnapshot',
    request: () => ({ pathParameters: { region: A, versionDate: VERSION_DATE } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (_, response) =>
      expect(response.body).toMatchObject({ region: A, versionDate: VERSION_DATE, status: 'INCOMPLETE' }),
  },
  {
    route: 'ListExclusionLists',
    request: () => ({}),
    // Every reader may list; an operator sees the province's lists and their own region's.
    expected: { ...OK_FOR_ALL_BUT_OTHER_OPERATOR(200), 'operator (other region)': 200 },
    check: (_, response) => expect(response.body.items).toEqual([]),
  },
  {
    route: 'CreateTahap',
    request: () => ({ body: tahapBody(3) }),
    expected: ONLY(['admin'], 201),
    check: (_, response) =>
      expect(response.body).toMatchObject({
        tahapId: '2026-3',
        status: 'DRAFT',
        label: 'Tahap 3 Tahun 2026',
      }),
  },
  {
    route: 'ListTahap',
    request: () => ({}),
    // Every reader may list; a regional role sees the province's settings and its own snapshot only.
    expected: { ...OK_FOR_ALL_BUT_OTHER_OPERATOR(200), 'operator (other region)': 200 },
    check: (who, response) => {
      const items = response.body.items as { tahapId: string; snapshots: Record<string, string> }[];
      expect(items.map((item) => item.tahapId)).toEqual(expect.arrayContaining([TAHAP, TAHAP_NO_RUN]));
      const seen = who === 'operator (own region)' ? [A] : who === 'operator (other region)' ? [B] : [A, B];
      for (const item of items) expect(Object.keys(item.snapshots).sort()).toEqual(seen);
    },
  },
  {
    route: 'GetTahap',
    request: () => ({ pathParameters: { tahapId: TAHAP } }),
    expected: { ...OK_FOR_ALL_BUT_OTHER_OPERATOR(200), 'operator (other region)': 200 },
    check: (who, response) => {
      expect(response.body).toMatchObject({ tahapId: TAHAP, eligibility: { status: 'COMPLETED' } });
      const seen = who === 'operator (own region)' ? [A] : who === 'operator (other region)' ? [B] : [A, B];
      expect(Object.keys(response.body.snapshots as Record<string, string>).sort()).toEqual(seen);
    },
  },
  {
    route: 'RequestEligibility',
    request: () => ({ pathParameters: { tahapId: TAHAP_NO_RUN } }),
    expected: ONLY(['admin'], 202),
    check: (_, response) => expect(response.body).toMatchObject({ tahapId: TAHAP_NO_RUN, status: 'QUEUED' }),
  },
  {
    route: 'GetTahapSummary',
    request: () => ({ pathParameters: { tahapId: TAHAP }, query: { region: A } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (_, response) => {
      const items = response.body.items as { region: string; counts: { families: number } }[];
      expect(items.map((item) => [item.region, item.counts.families])).toEqual([[A, 3]]);
    },
  },
  {
    route: 'SearchTahapFamilies',
    request: () => ({ pathParameters: { tahapId: TAHAP }, body: { desa: DESA_A } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (who, response) => {
      const items = response.body.items as { noKk: string; status: string }[];
      expect(items).toHaveLength(3);
      for (const item of items) {
        expect(item.status).toBe('ELIGIBLE');
        expect(item.noKk).toMatch(who === 'auditor' ? /^620101\*{6}\d{4}$/ : /^620101\d{10}$/);
      }
    },
  },
  {
    route: 'AssignRelawan',
    request: () => ({
      pathParameters: { tahapId: TAHAP },
      body: { desa: DESA_A, relawan: { sub: 'relawan-a2', name: 'Relawan A Dua' } },
    }),
    // Assigning twice is harmless: the operator's and the admin's calls leave one assignment.
    expected: ONLY(['operator (own region)', 'admin'], 200),
    check: (_, response) => {
      const items = response.body.items as {
        relawan: { sub: string };
        assignedBy: Record<string, unknown>;
      }[];
      expect(items.map((item) => item.relawan.sub).sort()).toEqual([RELAWAN_A, 'relawan-a2']);
      for (const item of items) expect(Object.keys(item.assignedBy)).toEqual(['name']);
    },
  },
  {
    route: 'ListAssignments',
    request: () => ({ pathParameters: { tahapId: TAHAP }, query: { desa: DESA_A } }),
    expected: ONLY(['operator (own region)', 'admin'], 200),
    check: (_, response) =>
      expect(
        (response.body.items as { relawan: { sub: string } }[]).map((item) => item.relawan.sub),
      ).toContain(RELAWAN_A),
  },
  {
    route: 'GetTahapFile',
    request: () => ({ pathParameters: { tahapId: TAHAP, kind: 'verval' }, query: { desa: DESA_A } }),
    expected: ONLY(['operator (own region)', 'admin'], 200),
    check: (_, response) => {
      expect(response.body).toMatchObject({ families: 3, filename: `verval-${DESA_A}-tahap-1-2026.xlsx` });
      expect(String(response.body.url)).toContain('files/');
    },
  },
  {
    route: 'CreateVervalUpload',
    request: () => ({ pathParameters: { tahapId: TAHAP }, body: { desa: DESA_A, filename: 'verval.xlsx' } }),
    expected: ONLY(['operator (own region)', 'admin'], 201),
    check: (_, response) =>
      expect(response.body).toMatchObject({ kind: 'HASIL_VERVAL', region: A, method: 'PUT' }),
  },
  {
    route: 'GetVervalUpload',
    request: () => ({ pathParameters: { tahapId: TAHAP, importId: VERVAL_IMPORT_ID } }),
    expected: ONLY(['operator (own region)', 'admin'], 200),
    check: (_, response) =>
      expect(response.body).toMatchObject({ importId: VERVAL_IMPORT_ID, status: 'AWAITING_FILE' }),
  },
  {
    route: 'GetVervalProgress',
    request: () => ({ pathParameters: { tahapId: TAHAP }, query: { desa: DESA_A } }),
    expected: ONLY(['operator (own region)', 'admin'], 200),
    check: (_, response) =>
      expect(response.body).toMatchObject({ tahapId: TAHAP, desa: DESA_A, toVisit: 3, visited: 0 }),
  },
  {
    route: 'SearchFamilies',
    request: () => ({ body: { noKk: KK_A1 } }),
    // Every reader is answered; an operator of another kabupaten learns nothing (no such family).
    expected: { ...OK_FOR_ALL_BUT_OTHER_OPERATOR(200), 'operator (other region)': 200 },
    check: (who, response) => {
      const items = response.body.items as { familyId: string; noKk: string }[];
      expect(items.map((item) => item.familyId)).toEqual(who === 'operator (other region)' ? [] : [familyA]);
      for (const item of items)
        expect(item.noKk).toMatch(who === 'auditor' ? /^620101\*{6}\d{4}$/ : /^620101\d{10}$/);
    },
  },
  {
    route: 'GetFamily',
    request: () => ({ pathParameters: { familyId: familyA } }),
    expected: { ...OK_FOR_ALL_BUT_OTHER_OPERATOR(200), 'operator (other region)': 404 },
    check: (_, response) => expect(response.body).toMatchObject({ family: { familyId: familyA } }),
  },
  {
    route: 'ListFamilyReads',
    request: () => ({ pathParameters: { familyId: familyA } }),
    expected: ONLY(['auditor', 'admin'], 200),
    check: (_, response) => expect((response.body.items as unknown[]).length).toBeGreaterThan(0),
  },
  {
    route: 'ComposeKpm',
    // Allowed, then refused on the state: that tahap's eligibility has not completed, nothing is queued.
    request: () => ({ pathParameters: { tahapId: TAHAP_NO_RUN }, body: { region: A } }),
    expected: ONLY(['operator (own region)', 'admin'], 409),
  },
  {
    route: 'GetKpm',
    request: () => ({ pathParameters: { tahapId: TAHAP }, query: { region: A } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (_, response) => expect(response.body).toEqual({ tahapId: TAHAP, region: A }),
  },
  {
    route: 'GetDistribution',
    request: () => ({ pathParameters: { tahapId: TAHAP } }),
    // Everyone who may read it; an operator of another region sees their own region's: none here.
    expected: { ...OK_FOR_ALL_BUT_OTHER_OPERATOR(200), 'operator (other region)': 200 },
    check: (who, response) =>
      expect((response.body.items as { region: string }[]).map((record) => record.region)).toEqual(
        who === 'operator (other region)' ? [] : [A],
      ),
  },
  {
    route: 'GetCardPrintFile',
    request: () => ({ query: { region: A } }),
    expected: ONLY(['operator (own region)', 'admin'], 200),
    check: (_, response) => expect(response.body).toMatchObject({ kind: 'KARTU_CETAK', region: A }),
  },
  {
    route: 'GetFinance',
    request: () => ({ pathParameters: { tahapId: TAHAP }, query: { region: A } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    // No entitlement in the fixtures: every sum is zero.
    check: (_, response) =>
      expect(response.body).toMatchObject({
        region: A,
        entitlements: { count: 0, amount: 0 },
        balanceToReturn: 0,
      }),
  },
  {
    route: 'RequestAccounts',
    // Allowed, then refused on the state: that tahap has no open distribution, nothing is queued.
    request: () => ({ pathParameters: { tahapId: TAHAP_NO_RUN }, body: { region: A } }),
    expected: ONLY(['operator (own region)', 'admin'], 409),
  },
  {
    route: 'GetAccountRequest',
    request: () => ({ pathParameters: { tahapId: TAHAP }, query: { region: A } }),
    expected: ONLY(['operator (own region)', 'admin'], 200),
    check: (_, response) => expect(response.body).toEqual({ tahapId: TAHAP, region: A }),
  },
  {
    route: 'InstructPayments',
    // The province's alone; refused on the state (no open distribution in that tahap).
    request: () => ({ pathParameters: { tahapId: TAHAP_NO_RUN }, body: { region: A } }),
    expected: ONLY(['admin'], 409),
  },
  {
    route: 'GetPaymentInstruction',
    request: () => ({ pathParameters: { tahapId: TAHAP }, query: { region: A } }),
    expected: ONLY(['admin'], 200),
    check: (_, response) => expect(response.body).toEqual({ tahapId: TAHAP, region: A }),
  },
  {
    route: 'BlockCard',
    request: () => ({ body: { cardNumber: takeCard(), reason: 'Kartu hilang di perjalanan' } }),
    // Another kabupaten's card is unknown to its operator: 404, as if it did not exist.
    expected: { ...ONLY(['operator (own region)', 'admin'], 200), 'operator (other region)': 404 },
    check: (_, response) => expect(response.body).toMatchObject({ card: { status: 'DIBLOKIR' } }),
  },
  {
    route: 'CreateFoodLists',
    // Allowed, then refused on the state: that tahap's distribution is not open, nothing is queued.
    request: () => ({ pathParameters: { tahapId: TAHAP_NO_RUN }, body: { region: A } }),
    expected: ONLY(['operator (own region)', 'admin'], 409),
  },
  {
    route: 'GetFoodLists',
    // Allowed, and none were asked for yet: 404.
    request: () => ({ pathParameters: { tahapId: TAHAP }, query: { region: A } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(404),
  },
  {
    route: 'GetFoodReconciliation',
    request: () => ({ pathParameters: { tahapId: TAHAP }, query: { region: A } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (_, response) =>
      expect(response.body).toMatchObject({
        region: A,
        titikBagi: [],
        invoice: { packagesDelivered: 0, total: 0, price: 150_000 },
      }),
  },
  {
    route: 'GetEdcFindings',
    request: () => ({ pathParameters: { tahapId: TAHAP }, query: { region: A } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (_, response) => expect(response.body).toEqual({ tahapId: TAHAP, region: A, items: [] }),
  },
  {
    route: 'ReplaceCard',
    request: () => ({ body: { cardNumber: takeCard(), reason: 'Kartu rusak terkena air' } }),
    expected: { ...ONLY(['operator (own region)', 'admin'], 200), 'operator (other region)': 404 },
    check: (_, response) =>
      expect(response.body).toMatchObject({
        card: { status: 'DIGANTI' },
        replacement: { status: 'TERDAFTAR' },
      }),
  },
  {
    route: 'RecordCardHandovers',
    // A family without a card: every allowed caller gets its refusal in the results, nothing moves.
    request: () => ({ body: { records: [{ tahapId: TAHAP, noKk: NO_CARD_KK, tanggal: '2026-10-01' }] } }),
    expected: ONLY(['operator (own region)', 'operator (other region)', 'admin'], 200),
    check: (_, response) =>
      expect(response.body.results).toEqual([
        expect.objectContaining({ outcome: 'REFUSED', code: 'KARTU_BELUM_ADA' }),
      ]),
  },
  {
    route: 'RecordVervalVisits',
    // A result no verval file accepts: the allowed are answered with that refusal (nothing written);
    // another kabupaten's operator only with the desa's "unknown No KK", never reaching the rules.
    request: () => ({ pathParameters: { tahapId: TAHAP }, body: { records: [FIELD_VISIT_A] } }),
    expected: ONLY(['operator (own region)', 'operator (other region)', 'admin'], 200),
    check: (who, response) =>
      expect(response.body.results).toEqual([
        expect.objectContaining({
          outcome: 'REFUSED',
          code: who === 'operator (other region)' ? 'KK_TIDAK_DI_DESA' : 'HASIL_TIDAK_DIKENAL',
        }),
      ]),
  },
  {
    route: 'ListMyAssignments',
    request: () => ({}),
    expected: ONLY(['operator (own region)', 'operator (other region)', 'admin'], 200),
    check: (_, response) => expect(response.body).toEqual({ items: [] }),
  },
  {
    route: 'ListProposals',
    request: () => ({ query: { region: A } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (_, response) => {
      const items = response.body.items as { region: string }[];
      expect(items).toHaveLength(5);
      for (const item of items) expect(item.region).toBe(A);
    },
  },
  {
    route: 'GetProposal',
    request: () => ({ pathParameters: { proposalId: draft.proposalId } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (_, response) => expect(response.body).toMatchObject({ proposalId: draft.proposalId, region: A }),
  },
  {
    route: 'ListRecipients',
    request: () => ({ pathParameters: { proposalId: draft.proposalId } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (who, response) => {
      const items = response.body.items as { nik: string; noRekening: string }[];
      expect(items).toHaveLength(5);
      const niks = items.map((item) => item.nik).sort();
      // Auditors read personal data masked; the people who work the list see it whole.
      if (who === 'auditor') for (const value of niks) expect(value).toMatch(/^620101\*{6}\d{4}$/);
      else expect(niks).toContain(nik(1));
    },
  },
  {
    route: 'SearchRecipients',
    request: () => ({ pathParameters: { proposalId: draft.proposalId }, body: { q: 'WARGA b' } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (who, response) => {
      const items = response.body.items as { nama: string; nik: string }[];
      // `Warga B` … `Warga F` are rows 1–5: one of them matches, whatever the case typed.
      expect(items.map((item) => item.nama)).toEqual(['Warga B']);
      if (who === 'auditor') for (const item of items) expect(item.nik).toMatch(/^620101\*{6}\d{4}$/);
    },
  },
  {
    route: 'SubmitProposal',
    request: () => ({ pathParameters: { proposalId: draft.proposalId }, body: {} }),
    proposal: () => draft.proposalId,
    expected: ONLY(['operator (own region)'], 200),
    check: (_, response) =>
      expect(response.body).toMatchObject({ status: 'SUBMITTED', requiredAgencies: ['DINSOS', 'BKAD'] }),
  },
  {
    route: 'ReviewProposal',
    request: () => ({ pathParameters: { proposalId: inReview.proposalId }, body: { decision: 'approve' } }),
    proposal: () => inReview.proposalId,
    expected: ONLY(['verifier'], 200),
    check: (_, response) => {
      const view = response.body as unknown as ProposalView;
      expect(view.status).toBe('IN_REVIEW');
      expect(view.signoffs.map((signoff) => signoff.opd)).toEqual(['DINSOS']);
    },
  },
  {
    route: 'WaiveFlag',
    request: () => ({
      pathParameters: { proposalId: flagged.proposalId },
      body: {
        recipientId: flaggedRecipientId,
        flag: 'NIK_IN_OTHER_LIST',
        reason: 'Sudah dikonfirmasi: orang yang sama pindah domisili, data lama dihapus.',
      },
    }),
    proposal: () => flagged.proposalId,
    expected: ONLY(['verifier'], 201),
    check: (_, response) => expect(response.body).toMatchObject({ openBlocking: 0, status: 'IN_REVIEW' }),
  },
  {
    route: 'DecideProposal',
    request: () => ({ pathParameters: { proposalId: verified.proposalId }, body: { decision: 'approve' } }),
    proposal: () => verified.proposalId,
    expected: ONLY(['approver'], 200),
    check: (_, response) => expect(response.body).toMatchObject({ status: 'APPROVED' }),
  },
  {
    route: 'ListDecrees',
    request: () => ({ query: { year: String(decree.year) } }),
    // Everyone may list; an operator of another region gets their own region's decrees: none here.
    expected: { ...OK_FOR_ALL_BUT_OTHER_OPERATOR(200), 'operator (other region)': 200 },
    check: (who, response) => {
      const items = response.body.items as { decreeId: string; region: string }[];
      expect(items.map((item) => item.decreeId)).toEqual(
        who === 'operator (other region)' ? [] : [decree.decreeId],
      );
    },
  },
  {
    route: 'GetDecree',
    request: () => ({ pathParameters: { decreeId: decree.decreeId } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (_, response) => {
      expect(response.body).toMatchObject({
        decreeId: decree.decreeId,
        number: decree.number,
        status: 'ISSUED',
      });
      expect(String(response.body.pdfUrl)).toContain(`${decree.decreeId}.pdf`);
      expect(response.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    },
  },
  {
    route: 'RevokeDecree',
    request: () => ({
      pathParameters: { decreeId: decree.decreeId },
      body: { reason: 'Daftar memuat penerima yang telah meninggal dunia; diganti dengan SK baru.' },
    }),
    proposal: () => decreed.proposalId,
    expected: ONLY(['approver'], 200),
    check: (_, response) =>
      expect(response.body).toMatchObject({ status: 'REVOKED', revokedBy: 'Sekretaris Daerah' }),
  },
  {
    route: 'StartReconciliation',
    request: () => ({ body: {} }),
    expected: ONLY(['verifier', 'approver', 'admin'], 202),
    check: (_, response) =>
      expect(response.body).toMatchObject({ status: 'QUEUED', runId: expect.any(String) }),
  },
  {
    route: 'ListReconciliations',
    request: () => ({ query: { limit: '100' } }),
    expected: ONLY(['verifier', 'approver', 'auditor', 'admin'], 200),
    check: (_, response) =>
      expect((response.body.items as { runId: string }[]).map((run) => run.runId)).toContain(RUN_ID),
  },
  {
    route: 'GetReconciliation',
    request: () => ({ pathParameters: { runId: RUN_ID } }),
    expected: ONLY(['verifier', 'approver', 'auditor', 'admin'], 200),
    check: (_, response) => expect(response.body).toMatchObject({ runId: RUN_ID, trigger: 'schedule' }),
  },
  {
    route: 'GetAudit',
    request: () => ({ query: { entityId: inReview.proposalId } }),
    expected: ONLY(['auditor', 'admin'], 200),
    check: (_, response) => expect(response.body).toMatchObject({ chain: { valid: true } }),
  },
  {
    route: 'EnterComplaint',
    request: () => ({
      body: {
        category: 'PANGAN',
        desaCode: COMPLAINT_DESA_A,
        text: 'Beras bantuan belum diterima di titik bagi desa kami.',
        channel: 'TELEPON',
      },
    }),
    expected: ONLY(['operator (own region)', 'admin'], 201),
    check: (_, response) =>
      expect(response.body).toMatchObject({ code: expect.stringMatching(/^ADU-/), status: 'BARU' }),
  },
  {
    route: 'ListComplaints',
    request: () => ({ query: { region: A } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (_, response) => {
      const items = response.body.items as { complaintId: string; region: string }[];
      expect(items.map((item) => item.complaintId)).toEqual(
        expect.arrayContaining([complaintNew, complaintTaken]),
      );
      for (const item of items) expect(item.region).toBe(A);
    },
  },
  {
    route: 'GetComplaint',
    request: () => ({ pathParameters: { complaintId: complaintNew } }),
    expected: { ...OK_FOR_ALL_BUT_OTHER_OPERATOR(200), 'operator (other region)': 404 },
    check: (who, response) => {
      expect(response.body).toMatchObject({ complaintId: complaintNew, familyId: familyA });
      expect(response.body.noKk).toMatch(who === 'auditor' ? /^620101\*{6}\d{4}$/ : /^620101\d{10}$/);
    },
  },
  {
    route: 'AssignComplaint',
    request: () => ({
      pathParameters: { complaintId: complaintTaken },
      body: { assignee: { sub: 'petugas-a2', name: 'Petugas A Dua' } },
    }),
    // Assigning again is allowed (DITANGANI stays DITANGANI): both allowed calls succeed.
    expected: { ...ONLY(['operator (own region)', 'admin'], 200), 'operator (other region)': 404 },
    check: (_, response) =>
      expect(response.body).toMatchObject({ status: 'DITANGANI', assignee: { sub: 'petugas-a2' } }),
  },
  {
    route: 'AnswerComplaint',
    request: () => ({
      pathParameters: { complaintId: complaintTaken },
      body: { answer: 'Kartu akan dibagikan ulang di kantor desa pekan ini.' },
    }),
    expected: { ...ONLY(['operator (own region)', 'admin'], 200), 'operator (other region)': 404 },
    check: (_, response) => expect(response.body).toMatchObject({ answer: expect.stringMatching(/^Kartu/) }),
  },
  {
    route: 'CloseComplaint',
    // Allowed, then refused on the state: a BARU complaint is not resolved before it is taken up.
    request: () => ({
      pathParameters: { complaintId: complaintNew },
      body: { outcome: 'SELESAI', answer: 'Sudah ditangani oleh petugas desa.' },
    }),
    expected: { ...ONLY(['operator (own region)', 'admin'], 409), 'operator (other region)': 404 },
  },
  {
    route: 'CreatePublication',
    // Allowed, then refused on the state: region A has no KPM list for the tahap, nothing is published.
    request: () => ({
      pathParameters: { tahapId: TAHAP },
      body: { desaCode: COMPLAINT_DESA_A, until: soon() },
    }),
    expected: ONLY(['operator (own region)', 'admin'], 409),
  },
  // The machine clients' exchange (issue #15): each party its own routes and files, nobody else.
  {
    route: 'ListBankFiles',
    request: () => ({}),
    expected: ONLY(['bank'], 200),
    check: (_, response) =>
      expect((response.body.items as { fileId: string }[]).map((item) => item.fileId)).toEqual([BANK_FILE]),
  },
  {
    route: 'GetBankFile',
    request: () => ({ pathParameters: { fileId: BANK_FILE } }),
    expected: ONLY(['bank'], 200),
    check: (_, response) => {
      expect(response.body).toMatchObject({ fileId: BANK_FILE, party: 'BANK', kind: 'INSTRUKSI_BAYAR' });
      expect(String(response.body.url)).toContain(`${BANK_FILE}.csv`);
    },
  },
  {
    // BULOG's file asked for on the bank's route: unknown to the bank, refused to everyone else.
    route: 'GetBankFile',
    request: () => ({ pathParameters: { fileId: BULOG_FILE } }),
    expected: ONLY(['bank'], 404),
  },
  {
    route: 'ListBulogFiles',
    request: () => ({ query: { tahapId: '2026-1' } }),
    expected: ONLY(['bulog'], 200),
    check: (_, response) =>
      expect((response.body.items as { fileId: string }[]).map((item) => item.fileId)).toEqual([BULOG_FILE]),
  },
  {
    route: 'GetBulogFile',
    request: () => ({ pathParameters: { fileId: BULOG_FILE } }),
    expected: ONLY(['bulog'], 200),
    check: (_, response) => expect(response.body).toMatchObject({ fileId: BULOG_FILE, party: 'BULOG' }),
  },
  {
    route: 'GetBulogFile',
    request: () => ({ pathParameters: { fileId: BANK_FILE } }),
    expected: ONLY(['bulog'], 404),
  },
  {
    route: 'CreateBankReport',
    request: () => ({ body: { filename: 'laporan-penyaluran.csv' } }),
    expected: ONLY(['bank'], 201),
    check: (_, response) => {
      expect(response.body).toMatchObject({ kind: 'LAPORAN_PENYALURAN', method: 'PUT' });
      expect(String(response.body.uploadUrl)).toContain('disbursements/');
    },
  },
  {
    // No import has claimed a report of that name: unknown to the bank, refused to everyone else.
    route: 'GetBankReport',
    request: () => ({ pathParameters: { reportDate: '2026-12-01', filename: 'belum-ada.csv' } }),
    expected: ONLY(['bank'], 404),
  },
  {
    route: 'GetDashboard',
    // A's dashboard: another kabupaten's operator is refused (403), as on every distribution route.
    request: () => ({ pathParameters: { tahapId: TAHAP }, query: { region: A, level: 'desa' } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (_, response) =>
      expect(response.body).toMatchObject({
        tahapId: TAHAP,
        region: A,
        level: 'desa',
        totals: { decreed: 0 },
      }),
  },
  {
    route: 'ExportDashboard',
    request: () => ({ pathParameters: { tahapId: TAHAP }, query: { region: A, format: 'csv' } }),
    expected: OK_FOR_ALL_BUT_OTHER_OPERATOR(200),
    check: (_, response) => {
      expect(response.body).toMatchObject({ format: 'csv', level: 'kecamatan' });
      expect(String(response.body.url)).toContain('files/dasbor/');
    },
  },
  {
    // The bank's answers through its own routes: each a presigned PUT under its import kind's folder.
    route: 'CreateBankAccountAnswer',
    request: () => ({ body: { filename: 'jawaban-rekening.csv' } }),
    expected: ONLY(['bank'], 201),
    check: (_, response) => {
      expect(response.body).toMatchObject({ kind: 'JAWABAN_REKENING', method: 'PUT' });
      expect(String(response.body.uploadUrl)).toContain('imports/jawaban-rekening/');
    },
  },
  {
    route: 'CreateBankEdcFile',
    request: () => ({ body: { filename: 'edc.csv', tahapId: TAHAP, region: A } }),
    expected: ONLY(['bank'], 201),
    check: (_, response) => {
      expect(response.body).toMatchObject({ kind: 'EDC', tahapId: TAHAP, region: A });
      expect(String(response.body.uploadUrl)).toContain('imports/edc/');
    },
  },
  {
    route: 'CreateBulogBast',
    request: () => ({ body: { filename: 'bast.csv', tahapId: TAHAP, region: A } }),
    expected: ONLY(['bulog'], 201),
    check: (_, response) => {
      expect(response.body).toMatchObject({ kind: 'BAST', tahapId: TAHAP, region: A });
      expect(String(response.body.uploadUrl)).toContain('imports/bast/');
    },
  },
  {
    // A staff import by id on the bank's status route: unknown to the bank, refused to everyone else.
    route: 'GetBankImport',
    request: () => ({ pathParameters: { importId: IMPORT_ID } }),
    expected: ONLY(['bank'], 404),
  },
  {
    route: 'GetBulogImport',
    request: () => ({ pathParameters: { importId: IMPORT_ID } }),
    expected: ONLY(['bulog'], 404),
  },
  {
    route: 'CloseTahap',
    // Allowed to the approver alone, then refused on the state: a tahap still DRAFT is not closed.
    request: () => ({
      pathParameters: { tahapId: TAHAP_NO_RUN },
      body: { reason: 'Penyaluran tahap ini telah selesai dan direkonsiliasi.' },
    }),
    expected: ONLY(['approver'], 409),
  },
];

/** The files made for each party that the exchange cases fetch. */
async function exchangeFixtures(): Promise<void> {
  const { ExchangeRepository } = await import('#shared/adapters/exchange-repo.ts');
  const exchange = new ExchangeRepository(env().tableName);
  for (const [fileId, party, kind] of [
    [BANK_FILE, 'BANK', 'INSTRUKSI_BAYAR'],
    [BULOG_FILE, 'BULOG', 'DAFTAR_SALUR'],
  ] as const) {
    await exchange.register({
      fileId,
      party,
      kind,
      tahapId: '2026-1',
      region: A,
      ...(party === 'BULOG' ? { desaCode: DESA_A } : {}),
      s3Key: `files/${party.toLowerCase()}/2026-1/${fileId}.csv`,
      rows: 2,
      ...(party === 'BANK' ? { controlTotal: 500_000 } : {}),
      sha256: 'a'.repeat(64),
      createdAt: new Date().toISOString(),
      createdBy: { sub: 'system:exchange', name: 'Pembuat berkas', role: 'system' },
    });
  }
}

/** A day a week from now: an objection window's last day. */
const soon = () => new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString().slice(0, 10);

describe('every route × every role × own/other region', () => {
  it('covers every protected route of routes.ts', () => {
    const covered = new Set(CASES.map((entry) => entry.route));
    for (const route of ROUTES.filter((candidate) => !candidate.public)) {
      expect(covered.has(route.id as RouteId), route.id).toBe(true);
    }
  });

  for (const entry of CASES) {
    // Refusals first: the one allowed call of a state-changing route then finds the state unchanged.
    const order = (Object.keys(WHO) as Who[]).sort(
      (a, b) => Number(expectedFor(entry.expected, a) < 400) - Number(expectedFor(entry.expected, b) < 400),
    );
    describe(`${routeSpec(entry.route).method} ${routeSpec(entry.route).path}`, () => {
      for (const who of order) {
        const status = expectedFor(entry.expected, who);
        it(`${who} → ${status}`, async () => {
          const proposalId = entry.proposal?.();
          const before = proposalId ? await versionOf(proposalId) : undefined;
          const response = await callRoute(entry.route, { ...entry.request(), claims: WHO[who]() });
          expect(response.status, JSON.stringify(response.body)).toBe(status);
          if (status === 403) expect(response.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
          if (status < 400) entry.check?.(who, response);
          if (proposalId && before !== undefined) {
            expect(await versionOf(proposalId)).toBe(status < 400 ? before + 1 : before);
          }
        });
      }
    });
  }
});

/** A request each protected route would accept from the right person: the refusals come from the caller. */
const plausible = (route: RouteId): CallOptions => {
  const proposalId = inReview.proposalId;
  switch (route) {
    case 'CreateUpload':
      return { body: { period: '2028-S1', filename: 'daftar.csv' } };
    case 'GetUpload':
      return { pathParameters: { uploadId: inReview.uploadId } };
    case 'ListProposals':
    case 'ListDecrees':
      return {};
    case 'GetDecree':
      return { pathParameters: { decreeId: decree.decreeId } };
    case 'StartReconciliation':
    case 'ListReconciliations':
      return { body: {} };
    case 'GetReconciliation':
      return { pathParameters: { runId: RUN_ID } };
    case 'RevokeDecree':
      return { pathParameters: { decreeId: decree.decreeId }, body: { reason: 'alasan yang cukup panjang' } };
    case 'GetAudit':
      return { query: { entityId: proposalId } };
    case 'CreateImport':
      return { body: { kind: 'DTSEN_KELUARGA', filename: 'keluarga.csv', versionDate: VERSION_DATE } };
    case 'GetImport':
      return { pathParameters: { importId: IMPORT_ID } };
    case 'ListImports':
    case 'ListSnapshots':
    case 'ListExclusionLists':
      return {};
    case 'GetSnapshot':
      return { pathParameters: { region: A, versionDate: VERSION_DATE } };
    case 'CreateTahap':
      return { body: tahapBody(9) };
    case 'ListTahap':
      return {};
    case 'GetTahap':
    case 'RequestEligibility':
      return { pathParameters: { tahapId: TAHAP } };
    case 'GetTahapSummary':
      return { pathParameters: { tahapId: TAHAP }, query: { region: A } };
    case 'SearchTahapFamilies':
      return { pathParameters: { tahapId: TAHAP }, body: { desa: DESA_A } };
    case 'AssignRelawan':
      return {
        pathParameters: { tahapId: TAHAP },
        body: { desa: DESA_A, relawan: { sub: 'relawan-x', name: 'Relawan X' } },
      };
    case 'SearchFamilies':
      return { body: { noKk: KK_A1 } };
    case 'GetFamily':
    case 'ListFamilyReads':
      return { pathParameters: { familyId: 'KEL-AAAAAAAAAAAA' } };
    case 'ComposeKpm':
      return { pathParameters: { tahapId: TAHAP }, body: { region: A } };
    case 'GetKpm':
      return { pathParameters: { tahapId: TAHAP }, query: { region: A } };
    case 'ListMyAssignments':
      return {};
    case 'GetDistribution':
      return { pathParameters: { tahapId: TAHAP } };
    case 'GetCardPrintFile':
      return { query: { region: A } };
    case 'RecordCardHandovers':
      return { body: { records: [{ tahapId: TAHAP, noKk: NO_CARD_KK, tanggal: '2026-10-01' }] } };
    case 'RequestAccounts':
    case 'InstructPayments':
      return { pathParameters: { tahapId: TAHAP }, body: { region: A } };
    case 'GetAccountRequest':
    case 'GetPaymentInstruction':
    case 'GetFinance':
      return { pathParameters: { tahapId: TAHAP }, query: { region: A } };
    case 'BlockCard':
    case 'ReplaceCard':
      return { body: { cardNumber: CARDS_A[0] ?? '', reason: 'alasan yang cukup panjang' } };
    case 'CreateFoodLists':
      return { pathParameters: { tahapId: TAHAP }, body: { region: A } };
    case 'GetFoodLists':
    case 'GetFoodReconciliation':
    case 'GetEdcFindings':
      return { pathParameters: { tahapId: TAHAP }, query: { region: A } };
    case 'RecordVervalVisits':
      return { pathParameters: { tahapId: TAHAP }, body: { records: [FIELD_VISIT_A] } };
    case 'ListAssignments':
    case 'GetVervalProgress':
      return { pathParameters: { tahapId: TAHAP }, query: { desa: DESA_A } };
    case 'GetTahapFile':
      return { pathParameters: { tahapId: TAHAP, kind: 'verval' }, query: { desa: DESA_A } };
    case 'CreateVervalUpload':
      return { pathParameters: { tahapId: TAHAP }, body: { desa: DESA_A, filename: 'verval.xlsx' } };
    case 'GetVervalUpload':
      return { pathParameters: { tahapId: TAHAP, importId: VERVAL_IMPORT_ID } };
    case 'EnterComplaint':
      return {
        body: {
          category: 'KARTU',
          desaCode: COMPLAINT_DESA_A,
          text: 'Kartu KHBS belum dibagikan di desa kami.',
          channel: 'WHATSAPP',
        },
      };
    case 'ListComplaints':
      return {};
    case 'GetComplaint':
      return { pathParameters: { complaintId: complaintNew } };
    case 'AssignComplaint':
      return {
        pathParameters: { complaintId: complaintNew },
        body: { assignee: { sub: 'petugas-x', name: 'Petugas X' } },
      };
    case 'AnswerComplaint':
      return { pathParameters: { complaintId: complaintTaken }, body: { answer: 'Jawaban untuk pelapor.' } };
    case 'CloseComplaint':
      return { pathParameters: { complaintId: complaintTaken }, body: { outcome: 'SELESAI' } };
    case 'CreatePublication':
      return { pathParameters: { tahapId: TAHAP }, body: { desaCode: COMPLAINT_DESA_A, until: soon() } };
    case 'ReviewProposal':
    case 'DecideProposal':
      return { pathParameters: { proposalId }, body: { decision: 'approve' } };
    case 'GetBankFile':
      return { pathParameters: { fileId: BANK_FILE } };
    case 'GetBulogFile':
      return { pathParameters: { fileId: BULOG_FILE } };
    case 'CreateBankReport':
      return { body: { filename: 'laporan.csv' } };
    case 'GetBankReport':
      return { pathParameters: { reportDate: '2026-12-01', filename: 'laporan.csv' } };
    case 'CreateBankAccountAnswer':
      return { body: { filename: 'jawaban.csv' } };
    case 'CreateBankEdcFile':
    case 'CreateBulogBast':
      return { body: { filename: 'berkas.csv', tahapId: TAHAP, region: A } };
    case 'GetBankImport':
    case 'GetBulogImport':
      return { pathParameters: { importId: IMPORT_ID } };
    case 'CloseTahap':
      return { pathParameters: { tahapId: TAHAP_NO_RUN }, body: { reason: 'alasan yang cukup panjang' } };
    case 'WaiveFlag':
      return {
        pathParameters: { proposalId },
        body: {
          recipientId: `${inReview.listId}.2`,
          flag: 'NIK_TWO_ROLES',
          reason: 'alasan yang cukup panjang',
        },
      };
    case 'GetDashboard':
      return { pathParameters: { tahapId: TAHAP }, query: { region: A } };
    case 'ExportDashboard':
      return { pathParameters: { tahapId: TAHAP }, query: { region: A, format: 'xlsx' } };
    default:
      return { pathParameters: { proposalId }, body: {} };
  }
};

describe('authentication and deny by default', () => {
  it.each(PROTECTED)('%s without claims → 401', async (route) => {
    const response = await callRoute<ErrorBody>(route, plausible(route));
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHORIZED');
  });

  it.each(PROTECTED)('%s with claims but no sub → 401', async (route) => {
    const { sub: _, ...claims } = verifier('DINSOS');
    const response = await callRoute(route, { ...plausible(route), claims });
    expect(response.status).toBe(401);
  });

  it.each(PROTECTED)('%s for a user in no known group → 403', async (route) => {
    const before = await versionOf(inReview.proposalId);
    const response = await callRoute(route, {
      ...plausible(route),
      claims: operator(A, { groups: '[guest staff]' }),
    });
    expect(response.status).toBe(403);
    expect(await versionOf(inReview.proposalId)).toBe(before);
  });

  it('GET /health needs no token', async () => {
    const response = await callRoute('Health');
    expect(response).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('reads Cognito claim names too, with the same decisions', async () => {
    const cognito = (region: string): Claims => ({
      sub: `cognito-${region}`,
      'cognito:username': `op${region}`,
      'cognito:groups': '[operator]',
      'custom:region': region,
    });
    const own = await callRoute('GetProposal', {
      pathParameters: { proposalId: inReview.proposalId },
      claims: cognito(A),
    });
    expect(own.status).toBe(200);
    const other = await callRoute('GetProposal', {
      pathParameters: { proposalId: inReview.proposalId },
      claims: cognito(B),
    });
    expect(other.status).toBe(403);
  });

  it('lists only the operator’s own region, and every region for the province’s roles', async () => {
    const regionsSeen = async (claims: Claims) => {
      const response = await callRoute('ListProposals', { claims });
      expect(response.status).toBe(200);
      return [...new Set((response.body.items as { region: string }[]).map((item) => item.region))].sort();
    };
    expect(await regionsSeen(operator(A))).toEqual([A]);
    expect(await regionsSeen(operator(B))).toEqual([B]);
    for (const claims of [verifier('BKAD'), approver(), auditor(), admin()]) {
      expect(await regionsSeen(claims)).toEqual([A, B]);
    }
    const denied = await callRoute('ListProposals', { claims: operator(B), query: { region: A } });
    expect(denied.status).toBe(403);
  });

  it('gives an operator without a region claim nothing', async () => {
    const claims = operator(A);
    delete claims.region;
    const list = await callRoute('ListProposals', { claims });
    expect(list.status).toBe(403);
    const one = await callRoute('GetProposal', {
      claims,
      pathParameters: { proposalId: inReview.proposalId },
    });
    expect(one.status).toBe(403);
    const upload = await callRoute('CreateUpload', {
      claims,
      body: { period: '2028-S1', filename: 'daftar.csv', region: A },
    });
    expect(upload.status).toBe(403);
    const unnamed = await callRoute('CreateUpload', {
      claims,
      body: { period: '2028-S1', filename: 'daftar.csv' },
    });
    expect(unnamed.status).toBe(403);
  });

  it('refuses a verifier without an agency (403) or of an agency the proposal does not need (409)', async () => {
    const request = { pathParameters: { proposalId: inReview.proposalId }, body: { decision: 'approve' } };
    const noAgency = verifier('DINSOS');
    delete noAgency.opd;
    expect((await callRoute('ReviewProposal', { ...request, claims: noAgency })).status).toBe(403);
    const other = await callRoute<ErrorBody>('ReviewProposal', { ...request, claims: verifier('BAPPEDA') });
    expect(other.status).toBe(409);
    expect(other.body.error.details).toMatchObject({ reason: 'AGENCY_NOT_REQUIRED' });
  });
});

/** The details of a 400 are zod's issues: `[{ path, message }]`. */
const issuePaths = (response: ApiResponse<ErrorBody>) =>
  (response.body.error.details as { path: string; message: string }[]).map((issue) => issue.path);

describe('bad input → 400 with details', () => {
  interface BadCase {
    readonly name: string;
    readonly route: RouteId;
    readonly claims: () => Claims;
    readonly request: () => CallOptions;
    /** An issue path expected in `details`; undefined when the 400 carries no zod details. */
    readonly path?: string;
    /** Text expected in one issue's message. */
    readonly message?: RegExp;
  }
  const review = (body: unknown): CallOptions => ({
    pathParameters: { proposalId: inReview.proposalId },
    body,
  });
  const waive = (body: unknown): CallOptions => ({
    pathParameters: { proposalId: flagged.proposalId },
    body,
  });
  const BAD: BadCase[] = [
    {
      name: 'review with an unknown field',
      route: 'ReviewProposal',
      claims: () => verifier('BKAD'),
      request: () => review({ decision: 'approve', signedBy: 'someone else' }),
      path: '',
      message: /signedBy/,
    },
    {
      name: 'review return without a note',
      route: 'ReviewProposal',
      claims: () => verifier('BKAD'),
      request: () => review({ decision: 'return' }),
      path: 'note',
    },
    {
      name: 'review return with a note too short to be a reason',
      route: 'ReviewProposal',
      claims: () => verifier('BKAD'),
      request: () => review({ decision: 'return', note: 'salah' }),
      path: 'note',
    },
    {
      name: 'review with an unknown decision',
      route: 'ReviewProposal',
      claims: () => verifier('BKAD'),
      request: () => review({ decision: 'reject' }),
      path: 'decision',
    },
    {
      name: 'review whose body is not JSON',
      route: 'ReviewProposal',
      claims: () => verifier('BKAD'),
      request: () => review('{decision: approve'),
    },
    {
      name: 'approval reject without a note',
      route: 'DecideProposal',
      claims: () => approver(),
      request: () => ({ pathParameters: { proposalId: inReview.proposalId }, body: { decision: 'reject' } }),
      path: 'note',
    },
    {
      name: 'approval with an unknown field',
      route: 'DecideProposal',
      claims: () => approver(),
      request: () => ({
        pathParameters: { proposalId: inReview.proposalId },
        body: { decision: 'approve', status: 'APPROVED' },
      }),
      path: '',
      message: /status/,
    },
    {
      name: 'waiver without a reason',
      route: 'WaiveFlag',
      claims: () => verifier('DINSOS'),
      request: () => waive({ recipientId: flaggedRecipientId, flag: 'NIK_IN_OTHER_LIST' }),
      path: 'reason',
    },
    {
      name: 'waiver with a malformed flag code',
      route: 'WaiveFlag',
      claims: () => verifier('DINSOS'),
      request: () =>
        waive({ recipientId: flaggedRecipientId, flag: 'nik ganda', reason: 'alasan yang cukup panjang' }),
      path: 'flag',
    },
    {
      name: 'submit with a body field',
      route: 'SubmitProposal',
      claims: () => operator(A),
      request: () => ({ pathParameters: { proposalId: otherDraft.proposalId }, body: { force: true } }),
      path: '',
      message: /force/,
    },
    {
      name: 'upload for a period that does not exist',
      route: 'CreateUpload',
      claims: () => operator(A),
      request: () => ({ body: { period: '2026-S3', filename: 'daftar.csv' } }),
      path: 'period',
    },
    {
      name: 'upload of a PDF',
      route: 'CreateUpload',
      claims: () => operator(A),
      request: () => ({ body: { period: '2026-S1', filename: 'daftar.pdf' } }),
      path: 'filename',
    },
    {
      name: 'a malformed proposal id',
      route: 'GetProposal',
      claims: () => verifier('DINSOS'),
      request: () => ({ pathParameters: { proposalId: 'PROPOSAL#x' } }),
      path: 'proposalId',
    },
    {
      name: 'recipients page of size 0',
      route: 'ListRecipients',
      claims: () => verifier('DINSOS'),
      request: () => ({ pathParameters: { proposalId: inReview.proposalId }, query: { limit: '0' } }),
      path: 'limit',
    },
    {
      name: 'recipients with a forged cursor',
      route: 'ListRecipients',
      claims: () => verifier('DINSOS'),
      request: () => ({
        pathParameters: { proposalId: inReview.proposalId },
        query: { cursor: 'eyJzaGFyZCI6OTl9' },
      }),
    },
    {
      name: 'proposals with an unknown query parameter',
      route: 'ListProposals',
      claims: () => verifier('DINSOS'),
      request: () => ({ query: { nik: nik(1) } }),
      path: '',
      message: /nik/,
    },
    {
      name: 'proposals with an unknown status',
      route: 'ListProposals',
      claims: () => verifier('DINSOS'),
      request: () => ({ query: { status: 'DONE' } }),
      path: 'status',
    },
    {
      name: 'audit without an entity',
      route: 'GetAudit',
      claims: () => auditor(),
      request: () => ({}),
      path: 'entityId',
    },
    {
      name: 'a malformed Idempotency-Key',
      route: 'ReviewProposal',
      claims: () => verifier('BKAD'),
      request: () => ({ ...review({ decision: 'approve' }), headers: { 'Idempotency-Key': 'a b' } }),
    },
  ];

  it.each(BAD.map((entry) => [entry.name, entry] as const))('%s', async (_, entry) => {
    const before = await versionOf(inReview.proposalId);
    const response = await callRoute<ErrorBody>(entry.route, { ...entry.request(), claims: entry.claims() });
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.error.code).toBe('BAD_REQUEST');
    expect(response.body.error.message.length).toBeGreaterThan(5);
    if (entry.path !== undefined) {
      expect(issuePaths(response)).toContain(entry.path);
      const messages = (response.body.error.details as { message: string }[]).map((issue) => issue.message);
      if (entry.message) expect(messages.join(' ')).toMatch(entry.message);
    }
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts:\d+/);
    expect(await versionOf(inReview.proposalId)).toBe(before);
  });
});

describe('unknown things → 404, wrong state → 409', () => {
  it.each([
    ['GetProposal', () => verifier('DINSOS'), { pathParameters: { proposalId: UNKNOWN_PROPOSAL } }],
    ['ListRecipients', () => auditor(), { pathParameters: { proposalId: UNKNOWN_PROPOSAL } }],
    ['SubmitProposal', () => operator(A), { pathParameters: { proposalId: UNKNOWN_PROPOSAL }, body: {} }],
    [
      'ReviewProposal',
      () => verifier('DINSOS'),
      { pathParameters: { proposalId: UNKNOWN_PROPOSAL }, body: { decision: 'approve' } },
    ],
    [
      'DecideProposal',
      () => approver(),
      { pathParameters: { proposalId: UNKNOWN_PROPOSAL }, body: { decision: 'approve' } },
    ],
    ['GetUpload', () => admin(), { pathParameters: { uploadId: 'no-such-upload' } }],
    ['GetAudit', () => auditor(), { query: { entityId: UNKNOWN_PROPOSAL } }],
    ['GetDecree', () => auditor(), { pathParameters: { decreeId: `SK-${UNKNOWN_PROPOSAL}` } }],
    ['GetReconciliation', () => auditor(), { pathParameters: { runId: 'no-such-run' } }],
    [
      'RevokeDecree',
      () => approver(),
      {
        pathParameters: { decreeId: `SK-${UNKNOWN_PROPOSAL}` },
        body: { reason: 'alasan yang cukup panjang' },
      },
    ],
  ] as const)('%s of something that does not exist → 404', async (route, claims, request) => {
    const response = await callRoute<ErrorBody>(route, { ...request, claims: claims() });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('NOT_FOUND');
  });

  it('a waiver for a recipient without that flag, or outside the list → 404', async () => {
    const reason = 'alasan yang cukup panjang untuk dicatat';
    const without = await callRoute('WaiveFlag', {
      claims: verifier('DINSOS'),
      pathParameters: { proposalId: flagged.proposalId },
      body: { recipientId: `${flagged.listId}.${sourceRowOf(3)}`, flag: 'NIK_IN_OTHER_LIST', reason },
    });
    expect(without.status).toBe(404);
    const elsewhere = await callRoute('WaiveFlag', {
      claims: verifier('DINSOS'),
      pathParameters: { proposalId: flagged.proposalId },
      body: { recipientId: `${otherDraft.listId}.${sourceRowOf(2)}`, flag: 'NIK_IN_OTHER_LIST', reason },
    });
    expect(elsewhere.status).toBe(404);
  });

  const conflict = async (route: RouteId, claims: Claims, request: CallOptions, reason: string) => {
    const proposalId = request.pathParameters?.proposalId ?? '';
    const before = await versionOf(proposalId);
    const response = await callRoute<ErrorBody>(route, { ...request, claims });
    expect(response.status, JSON.stringify(response.body)).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'CONFLICT', details: { reason } });
    expect(await versionOf(proposalId)).toBe(before);
  };

  it('reviewing a DRAFT → 409 WRONG_STATE', async () => {
    await conflict(
      'ReviewProposal',
      verifier('DINSOS'),
      { pathParameters: { proposalId: otherDraft.proposalId }, body: { decision: 'approve' } },
      'WRONG_STATE',
    );
  });

  it('waiving a flag on a DRAFT → 409 WRONG_STATE', async () => {
    await conflict(
      'WaiveFlag',
      verifier('DINSOS'),
      {
        pathParameters: { proposalId: otherDraft.proposalId },
        body: {
          recipientId: `${otherDraft.listId}.${sourceRowOf(2)}`,
          flag: 'NIK_IN_OTHER_LIST',
          reason: 'alasan yang cukup panjang untuk dicatat',
        },
      },
      'WRONG_STATE',
    );
  });

  it('approving a list still in review → 409 NOT_VERIFIED, naming the agencies still missing', async () => {
    await conflict(
      'DecideProposal',
      approver(),
      { pathParameters: { proposalId: inReview.proposalId }, body: { decision: 'approve' } },
      'NOT_VERIFIED',
    );
  });

  it('submitting a list already in review → 409 WRONG_STATE', async () => {
    await conflict(
      'SubmitProposal',
      operator(A),
      { pathParameters: { proposalId: inReview.proposalId }, body: {} },
      'WRONG_STATE',
    );
  });

  it('asking to upload for a period whose list is no longer a draft → 409', async () => {
    const response = await callRoute<ErrorBody>('CreateUpload', {
      claims: operator(A),
      body: { period: '2026-S2', filename: 'daftar.csv' },
    });
    expect(response.status).toBe(409);
    expect(response.body.error.details).toMatchObject({
      proposalId: inReview.proposalId,
      status: 'IN_REVIEW',
    });
  });
});
