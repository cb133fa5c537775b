import { beforeAll, describe, expect, it } from 'vitest';
import { callRoute, verifier } from '../support/api.ts';
import { purgeQueue, receiveMessages, resetTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The automatic checks of KPM lists (issue #14): two kabupaten's KPM lists for one tahap sharing a
 * No KK and a member's NIK, a child as penerima, a NIK in two families of one list, and exclusion
 * lists stored before and after the eligibility run; checked as the checks worker does, with the
 * re-check of the other kabupaten's list, a waiver, and a BKK list of the same people that never
 * meets the KPM lists.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const env = useEmulatorEnv();
const { BatchWriter } = await import('#shared/adapters/batch-writer.ts');
const { ExclusionsRepository } = await import('#shared/adapters/exclusions-repo.ts');
const { ProposalsRepository } = await import('#shared/adapters/proposals-repo.ts');
const { RecipientsRepository, recipientItems } = await import('#shared/adapters/recipients-repo.ts');
const { RegistryRepository } = await import('#shared/adapters/registry-repo.ts');
const { TahapRepository } = await import('#shared/adapters/tahap-repo.ts');
const { transactWrite } = await import('#shared/adapters/transactions.ts');
const { listScope } = await import('#shared/domain/proposal.ts');
const { planSubmit } = await import('#shared/domain/workflow.ts');
const { ChecksRequestedSchema } = await import('#shared/messages.ts');
const { dependencies: relayDependencies } = await import('../../functions/relay/handler.ts');
const { sweepOutbox } = await import('../../functions/relay/relay.ts');
const { runChecks } = await import('../../functions/checks/run-checks.ts');
const { WaiverReader } = await import('../../functions/checks/waivers.ts');
const { KAPUAS, KOTIM, TAHAP, TAHAP_BODY, kk, nik } = await import('../support/families.ts');
type RunChecksDeps = import('../../functions/checks/run-checks.ts').RunChecksDeps;
type ChecksRequested = import('#shared/messages.ts').ChecksRequested;
type ProposalRecord = import('#shared/model.ts').ProposalRecord;
type ProposalKind = import('#shared/domain/proposal.ts').ProposalKind;
type NewRecipient = import('#shared/adapters/recipients-repo.ts').NewRecipient;
type StoredRecipient = import('#shared/model.ts').StoredRecipient;
type Relationship = import('#shared/domain/family/hubungan.ts').Relationship;

const TABLE = env.TABLE_NAME as string;
const CHECKS_QUEUE = env.CHECKS_QUEUE_URL as string;
const BKK_PERIOD = '2026-S1';
const RUN_ID = 'run-kpm-1';
/** When the eligibility run started: lists stored before it were applied by the run itself. */
const RUN_STARTED = '2026-10-01T02:00:00.000Z';
const VERVAL_DAY = '2026-10-10';
const operator = { sub: 'op-1', name: 'Operator Dinsos', role: 'operator' };

const proposals = new ProposalsRepository(TABLE);
const recipientsRepo = new RecipientsRepository(TABLE);
const registry = new RegistryRepository(TABLE);

const deps = (): RunChecksDeps => ({
  proposals,
  recipients: recipientsRepo,
  registry,
  waivers: new WaiverReader(TABLE),
  tahap: new TahapRepository(TABLE),
  exclusions: new ExclusionsRepository(TABLE),
  tableName: TABLE,
});

// The people. Kapuas (62.03) numbers from its own region, Kotim (62.02) from its own.
const ADULT = '1985-08-15';
const SHARED_KK = kk(KAPUAS, 7001); // in both kabupaten's lists
const SHARED_HEAD = nik(KAPUAS, 7001); // the head of that family, in both
const MOVED_CHILD = nik(KAPUAS, 7002); // a child in a Kapuas family and in another Kotim family
const TWICE = nik(KAPUAS, 7003); // a child in two Kapuas families
const NEW_BPNT_MEMBER = nik(KAPUAS, 7004); // on the BPNT list stored after the run
const NEW_BPNT_KK = kk(KAPUAS, 7005); // a No KK on that list
const OLD_PKH_MEMBER = nik(KAPUAS, 7006); // on the PKH list the run saw

type Member = readonly [nik: string, hubungan: Relationship, tanggalLahir: string];

/** One family's row: the penerima (first member unless named) and the family behind them. */
function familyRow(
  region: string,
  noKk: string,
  members: readonly Member[],
  penerima?: string,
): NewRecipient {
  const penerimaNik = penerima ?? members[0]?.[0] ?? '';
  const of = members.find(([value]) => value === penerimaNik);
  return {
    nik: penerimaNik,
    nama: 'Warga Uji',
    peran: 'KPM',
    kecamatanCode: `${region}.01`,
    kecamatan: 'Kecamatan Uji',
    desaCode: `${region}.01.2001`,
    desa: 'Desa Uji',
    noRekening: '',
    warnings: [],
    family: {
      noKk,
      tahapId: TAHAP,
      runId: RUN_ID,
      desil: 2,
      members: members.map(([value, hubungan, tanggalLahir]) => ({ nik: value, hubungan, tanggalLahir })),
      ...(of ? { hubunganPenerima: of[1] } : {}),
      verval: { result: 'LAYAK', tanggal: VERVAL_DAY, nomorBeritaAcara: 'BA/1/2026' },
    },
  };
}

const head = (value: string): Member => [value, 'KEPALA_KELUARGA', ADULT];
const child = (value: string, born = '2012-04-01'): Member => [value, 'ANAK', born];

/** Kapuas: one family per finding, in this order (row = index + 1), and clean ones. */
const KAPUAS_ROWS: NewRecipient[] = [
  /* 1 */ familyRow(KAPUAS, SHARED_KK, [head(SHARED_HEAD)]),
  /* 2 */ familyRow(KAPUAS, kk(KAPUAS, 2), [head(nik(KAPUAS, 20)), child(MOVED_CHILD)]),
  /* 3 */ familyRow(
    KAPUAS,
    kk(KAPUAS, 3),
    [head(nik(KAPUAS, 30)), child(nik(KAPUAS, 31), '2016-05-01')],
    nik(KAPUAS, 31),
  ),
  /* 4: a 16-year-old wife is married, so an adult */
  familyRow(
    KAPUAS,
    kk(KAPUAS, 4),
    [head(nik(KAPUAS, 40)), [nik(KAPUAS, 41), 'ISTRI', '2010-03-01']],
    nik(KAPUAS, 41),
  ),
  /* 5 */ familyRow(KAPUAS, kk(KAPUAS, 5), [head(nik(KAPUAS, 50)), child(NEW_BPNT_MEMBER)]),
  /* 6 */ familyRow(KAPUAS, NEW_BPNT_KK, [head(nik(KAPUAS, 60))]),
  /* 7 */ familyRow(KAPUAS, kk(KAPUAS, 7), [head(nik(KAPUAS, 70)), child(OLD_PKH_MEMBER)]),
  /* 8 */ familyRow(KAPUAS, kk(KAPUAS, 8), [head(nik(KAPUAS, 80)), child(TWICE)]),
  /* 9 */ familyRow(KAPUAS, kk(KAPUAS, 9), [head(nik(KAPUAS, 90)), child(TWICE)]),
  /* 10 */ familyRow(KAPUAS, kk(KAPUAS, 10), [head(nik(KAPUAS, 100)), child(nik(KAPUAS, 101))]),
];

const KAPUAS_EXPECTED: Record<number, string[]> = {
  1: ['KPM_KK_IN_OTHER_LIST'],
  2: ['KPM_NIK_IN_OTHER_LIST'],
  3: ['KPM_PENERIMA_NOT_ADULT'],
  4: [],
  5: ['KPM_EXCLUDED_AFTER_RUN'],
  6: ['KPM_EXCLUDED_AFTER_RUN'],
  7: [],
  8: ['KPM_NIK_TWO_FAMILIES'],
  9: ['KPM_NIK_TWO_FAMILIES'],
  10: [],
};

/** Kotim: the same family (same No KK, same head), the moved child in another family, a clean one. */
const KOTIM_ROWS: NewRecipient[] = [
  /* 1 */ familyRow(KOTIM, SHARED_KK, [head(SHARED_HEAD)]),
  /* 2 */ familyRow(KOTIM, kk(KOTIM, 2), [head(nik(KOTIM, 20)), child(MOVED_CHILD)]),
  /* 3 */ familyRow(KOTIM, kk(KOTIM, 3), [head(nik(KOTIM, 30))]),
];

/** Kotim's BKK list for 2026-S1 holds the same people as the KPM lists: they must never meet. */
const BKK_ROWS: NewRecipient[] = [SHARED_HEAD, MOVED_CHILD, TWICE].map((value, index) => ({
  nik: value,
  nama: `Ketua RT ${index + 1}`,
  peran: 'KETUA_RT',
  kecamatanCode: `${KOTIM}.01`,
  kecamatan: 'Kecamatan Uji',
  desaCode: `${KOTIM}.01.2001`,
  desa: 'Desa Uji',
  rt: String(index + 1).padStart(3, '0'),
  noRekening: `${2000000000 + index}`,
  namaRekening: `Ketua RT ${index + 1}`,
  warnings: [],
}));

/** Writes a list's rows and makes it the current list of the region's proposal of that kind. */
async function storeList(
  kind: ProposalKind,
  region: string,
  period: string,
  listId: string,
  rows: readonly NewRecipient[],
): Promise<ProposalRecord> {
  const writer = new BatchWriter(TABLE);
  for (const [index, row] of rows.entries()) {
    for (const item of recipientItems(listId, index + 1, row)) await writer.put(item);
  }
  await writer.flush();
  const current = await proposals.getCurrent(region, period, kind);
  const now = new Date();
  const { proposalId, items } = proposals.switchListItems(current, {
    kind,
    region,
    period,
    listId,
    uploadId: `up-${listId}`,
    uploadAt: now.toISOString(),
    sha256: listId,
    etag: listId,
    recipientCount: rows.length,
    countsByRole: { [kind === 'KPM' ? 'KPM' : 'KETUA_RT']: rows.length },
    warningCount: 0,
    now,
    actor: operator,
    withoutUploadRequest: true,
  });
  await proposals.transact(items);
  const proposal = await proposals.get(proposalId);
  if (!proposal) throw new Error(`no proposal ${proposalId}`);
  return proposal;
}

/** Pengajuan: DRAFT → SUBMITTED, as the submit route does. */
async function submit(proposal: ProposalRecord): Promise<ProposalRecord> {
  const now = new Date().toISOString();
  const agencies = proposal.kind === 'KPM' ? ['DINSOS', 'DISDUKCAPIL'] : ['DINSOS', 'BKAD'];
  return proposals.apply(proposal, planSubmit(proposal, agencies, operator, now), operator, now);
}

const request = (proposal: ProposalRecord, trigger: 'submit' | 'recheck' = 'submit'): ChecksRequested => ({
  type: 'checks.requested',
  proposalId: proposal.proposalId,
  listId: proposal.currentListId ?? '',
  trigger,
  requestedAt: new Date().toISOString(),
});

async function rowsOf(proposalId: string): Promise<Map<number, StoredRecipient>> {
  const proposal = await proposals.get(proposalId);
  const rows = new Map<number, StoredRecipient>();
  for await (const { recipient } of recipientsRepo.stream(proposal?.currentListId ?? '')) {
    rows.set(recipient.row, recipient);
  }
  return rows;
}

const codesByRow = (rows: Map<number, StoredRecipient>) =>
  Object.fromEntries(
    [...rows.entries()].map(([row, recipient]) => [row, (recipient.flags ?? []).map((item) => item.code)]),
  );

/** Stores an exclusion list as its import would: entries, then the list record. */
async function exclusionList(
  listId: string,
  programme: string,
  uploadedAt: string,
  entries: { nik?: string; noKk?: string }[],
) {
  const exclusions = new ExclusionsRepository(TABLE);
  const writer = exclusions.entryWriter(listId);
  for (const entry of entries) await writer.put(entry);
  await writer.flush();
  await transactWrite([
    exclusions.listItem({
      listId,
      programme,
      source: 'Dinsos Provinsi',
      asOf: uploadedAt.slice(0, 10),
      entries: entries.length,
      uploadedAt,
    }),
  ]);
}

/** The re-checks the runs handed off: the relay sends the outbox to the queue, which is then read. */
async function drainChecksQueue() {
  await sweepOutbox(0, relayDependencies());
  const messages = await receiveMessages(CHECKS_QUEUE, 10, 1_500);
  await purgeQueue(CHECKS_QUEUE);
  return messages.map((message) => ({
    id: message.MessageId ?? '',
    body: ChecksRequestedSchema.parse(JSON.parse(message.Body ?? '')),
  }));
}

let kapuas: ProposalRecord;
let kotim: ProposalRecord;
let kotimBkk: ProposalRecord;

beforeAll(async () => {
  await resetTable();
  await purgeQueue(CHECKS_QUEUE);
  await new TahapRepository(TABLE).create({
    ...TAHAP_BODY,
    tahapId: TAHAP,
    status: 'VERVAL',
    version: 1,
    createdAt: '2026-09-30T00:00:00.000Z',
    createdBy: { sub: 'admin', name: 'Admin' },
    eligibility: {
      runId: RUN_ID,
      status: 'COMPLETED',
      requestedAt: '2026-10-01T01:59:00.000Z',
      startedAt: RUN_STARTED,
      finishedAt: '2026-10-01T02:05:00.000Z',
    },
  });
  // The run saw the PKH list (its families were excluded then); the BPNT list came in afterwards.
  await exclusionList('pkh-lama', 'PKH', '2026-09-30T08:00:00.000Z', [{ nik: OLD_PKH_MEMBER }]);
  await exclusionList('bpnt-baru', 'BPNT', '2026-10-05T08:00:00.000Z', [
    { nik: NEW_BPNT_MEMBER },
    { noKk: NEW_BPNT_KK },
  ]);
  kapuas = await storeList('KPM', KAPUAS, TAHAP, 'kpm-kapuas', KAPUAS_ROWS);
  kotim = await storeList('KPM', KOTIM, TAHAP, 'kpm-kotim', KOTIM_ROWS);
  kotimBkk = await storeList('BKK', KOTIM, BKK_PERIOD, 'bkk-kotim', BKK_ROWS);
}, 60_000);

describe('KPM checks', () => {
  it('a first list, with no other kabupaten submitted, has only its own findings', async () => {
    kotim = await submit(kotim);
    const outcome = await runChecks(request(kotim), 'msg-kotim-1', deps());
    expect(outcome).toMatchObject({
      kind: 'completed',
      counts: { recipients: 3, flagged: 0, blocking: 0, openBlocking: 0 },
      rechecks: [],
      // Kapuas's KPM list is a draft: not read. Four members registered in the tahap's scope.
      registry: { lists: 0, chunksWritten: 1 },
    });
    expect((await proposals.get(kotim.proposalId))?.status).toBe('IN_REVIEW');
  });

  it('flags each finding on the right family, counts them blocking and asks the other list to re-check', async () => {
    kapuas = await submit(kapuas);
    const outcome = await runChecks(request(kapuas), 'msg-kapuas-1', deps());
    expect(outcome).toMatchObject({
      kind: 'completed',
      counts: { recipients: 10, flagged: 7, blocking: 7, warnings: 0, openBlocking: 7 },
      rechecks: [kotim.proposalId],
      registry: { lists: 1, chunks: 1, entries: 4, backfilled: 0 },
    });
    const rows = await rowsOf(kapuas.proposalId);
    expect(codesByRow(rows)).toEqual(KAPUAS_EXPECTED);
    for (const recipient of rows.values()) {
      for (const item of recipient.flags ?? []) {
        expect(item.severity).toBe('blocking');
        // Places, rows, relationships and programmes; never a NIK or a No KK.
        expect(item.detail ?? '').not.toMatch(/\d{10,}/);
      }
    }
    const detail = (row: number) => rows.get(row)?.flags?.[0]?.detail ?? '';
    expect(detail(1)).toContain(`usulan ${kotim.proposalId}`);
    expect(detail(1)).toContain('baris 1');
    expect(detail(2)).toContain('anak');
    expect(detail(2)).toContain('baris 2');
    expect(detail(3)).toContain('10 tahun');
    expect(detail(5)).toContain('Bantuan sembako (BPNT)');
    expect(detail(5)).toContain('cocok: anak');
    expect(detail(6)).toContain('cocok: No KK');
    expect(detail(8)).toContain('baris 9');
    expect(detail(9)).toContain('baris 8');

    const stored = await proposals.get(kapuas.proposalId);
    expect(stored).toMatchObject({
      status: 'IN_REVIEW',
      openBlocking: 7,
      checks: {
        blocking: 7,
        openBlocking: 7,
        byCode: {
          KPM_KK_IN_OTHER_LIST: { severity: 'blocking', count: 1, open: 1 },
          KPM_NIK_IN_OTHER_LIST: { severity: 'blocking', count: 1, open: 1 },
          KPM_PENERIMA_NOT_ADULT: { severity: 'blocking', count: 1, open: 1 },
          KPM_EXCLUDED_AFTER_RUN: { severity: 'blocking', count: 2, open: 2 },
          KPM_NIK_TWO_FAMILIES: { severity: 'blocking', count: 2, open: 2 },
        },
      },
    });
  });

  it('the re-check it asked for puts the conflicts on the other kabupaten list too', async () => {
    const messages = await drainChecksQueue();
    expect(messages.map((message) => [message.body.proposalId, message.body.trigger])).toEqual([
      [kotim.proposalId, 'recheck'],
    ]);
    const [message] = messages;
    if (!message) throw new Error('no re-check');
    const outcome = await runChecks(message.body, message.id, deps());
    expect(outcome).toMatchObject({
      kind: 'completed',
      counts: { recipients: 3, flagged: 2, blocking: 2, openBlocking: 2 },
      // A re-check never asks for another.
      rechecks: [],
    });
    const rows = await rowsOf(kotim.proposalId);
    // The same family (same No KK and head): one KK flag, not a NIK flag as well.
    expect(codesByRow(rows)).toEqual({
      1: ['KPM_KK_IN_OTHER_LIST'],
      2: ['KPM_NIK_IN_OTHER_LIST'],
      3: [],
    });
    expect(rows.get(1)?.flags?.[0]?.detail).toContain(`(usulan ${kapuas.proposalId}) baris 1`);
    expect((await proposals.get(kotim.proposalId))?.openBlocking).toBe(2);
    expect(await drainChecksQueue()).toEqual([]);
  });

  it('a waiver by the waiver route closes one flag, and the next run keeps it closed', async () => {
    const rows = await rowsOf(kapuas.proposalId);
    const child = rows.get(3);
    if (!child) throw new Error('no row 3');
    const waived = await callRoute<{ openBlocking: number }>('WaiveFlag', {
      claims: verifier('DINSOS'),
      pathParameters: { proposalId: kapuas.proposalId },
      body: {
        recipientId: child.recipientId,
        flag: 'KPM_PENERIMA_NOT_ADULT',
        reason: 'Penerima sudah menikah menurut buku nikah yang diperiksa di lapangan.',
      },
    });
    expect(waived.status).toBe(201);
    expect(waived.body.openBlocking).toBe(6);

    const current = await proposals.get(kapuas.proposalId);
    if (!current) throw new Error('no proposal');
    const outcome = await runChecks(request(current, 'recheck'), 'msg-kapuas-2', deps());
    expect(outcome).toMatchObject({
      kind: 'completed',
      counts: { blocking: 7, openBlocking: 6 },
      // Nothing changed on the rows: nothing rewritten.
      written: 0,
    });
    expect((await proposals.get(kapuas.proposalId))?.checks?.byCode?.KPM_PENERIMA_NOT_ADULT).toEqual({
      severity: 'blocking',
      count: 1,
      open: 0,
    });
  });

  it('a BKK list of the same people never meets the KPM lists, nor they it', async () => {
    kotimBkk = await submit(kotimBkk);
    const outcome = await runChecks(request(kotimBkk), 'msg-bkk-1', deps());
    expect(outcome).toMatchObject({
      kind: 'completed',
      counts: { recipients: 3, byCode: { NIK_IN_OTHER_LIST: 0, KPM_NIK_TWO_FAMILIES: 0 } },
      rechecks: [],
      registry: { lists: 0 },
    });
    // Its own rows get the BKK rules (a Kapuas NIK in Kotim's list), none of KPM's.
    for (const recipient of (await rowsOf(kotimBkk.proposalId)).values()) {
      expect((recipient.flags ?? []).map((item) => item.code)).toEqual(['NIK_OTHER_REGION']);
    }
    // The registry keeps them apart: the KPM lists under KPM#<tahap>, the BKK list under its period.
    const kpmScope = listScope('KPM', TAHAP);
    expect(kpmScope).toBe(`KPM#${TAHAP}`);
    const list = (proposal: ProposalRecord) => ({
      region: proposal.region,
      proposalId: proposal.proposalId,
      listId: proposal.currentListId ?? '',
    });
    const none = () => undefined;
    expect(await registry.readLists(kpmScope, [list(kotim)], none)).toMatchObject({ entries: 4 });
    expect(await registry.readLists(kpmScope, [list(kotimBkk)], none)).toMatchObject({ entries: 0 });
    expect(await registry.readLists(BKK_PERIOD, [list(kotimBkk)], none)).toMatchObject({ entries: 3 });
    expect(await registry.readLists(BKK_PERIOD, [list(kotim)], none)).toMatchObject({ entries: 0 });

    // And the KPM list's next run still reads only Kotim's KPM list.
    const current = await proposals.get(kapuas.proposalId);
    if (!current) throw new Error('no proposal');
    const again = await runChecks(request(current, 'recheck'), 'msg-kapuas-3', deps());
    expect(again).toMatchObject({ kind: 'completed', registry: { lists: 1, entries: 4 }, written: 0 });
  });
  it('a live KPM list the registry holds no chunk of is registered per member by the run that finds it', async () => {
    // Katingan's list was submitted but its own run has not happened: its rows are read and registered.
    const KATINGAN = '62.06';
    let katingan = await storeList('KPM', KATINGAN, TAHAP, 'kpm-katingan', [
      familyRow(KATINGAN, kk(KAPUAS, 10), [head(nik(KATINGAN, 10)), child(nik(KATINGAN, 11))]),
    ]);
    katingan = await submit(katingan);
    const current = await proposals.get(kapuas.proposalId);
    if (!current) throw new Error('no proposal');
    const outcome = await runChecks(request(current, 'recheck'), 'msg-kapuas-4', deps());
    expect(outcome).toMatchObject({
      kind: 'completed',
      registry: { lists: 2, backfilled: 1, entries: 4 },
      counts: { blocking: 8, openBlocking: 7 },
    });
    const row = (await rowsOf(kapuas.proposalId)).get(10);
    expect(row?.flags?.map((item) => item.code)).toEqual(['KPM_KK_IN_OTHER_LIST']);
    expect(row?.flags?.[0]?.detail).toContain(`(usulan ${katingan.proposalId}) baris 1`);
    expect(
      await registry.readLists(
        listScope('KPM', TAHAP),
        [{ region: KATINGAN, proposalId: katingan.proposalId, listId: 'kpm-katingan' }],
        () => undefined,
      ),
    ).toMatchObject({ chunks: 1, entries: 2 });
  });
});
