import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, auditor, callRoute, operator } from '../support/api.ts';
import { testClients } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * Cash (TUNAI) of an opened distribution (issue #15), against the emulators: the account-opening
 * request for Bank Kalteng (a job started through the outbox, a CSV under files/bank/, penerima
 * marked DIAJUKAN, a logged bulk read), the bank's answer imported as a family file (one opened,
 * one failed, a second account and an account another NIK holds refused), the payment instruction
 * (lines to active accounts only, the control total, entitlements moved before the file is
 * released, the same file id written again gives the same bytes), a follow-up only for a payment
 * the bank reported failed, and never one entitlement's attempt on two files.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const emulator = useEmulatorEnv();
const { env } = await import('#shared/config/env.ts');
const { documentClient } = await import('#shared/adapters/clients/dynamodb.ts');
const { AccountsRepository } = await import('#shared/adapters/accounts-repo.ts');
const { DistributionRepository } = await import('#shared/adapters/distribution-repo.ts');
const { DashboardRepository } = await import('#shared/adapters/dashboard-repo.ts');
const { cashDelta } = await import('#shared/domain/family/dashboard.ts');
const { ExchangeRepository } = await import('#shared/adapters/exchange-repo.ts');
const { DecreesRepository } = await import('#shared/adapters/decrees-repo.ts');
const { EligibilityRepository } = await import('#shared/adapters/eligibility-repo.ts');
const { ExclusionsRepository } = await import('#shared/adapters/exclusions-repo.ts');
const { FamiliesRepository } = await import('#shared/adapters/families-repo.ts');
const { FamilyDirectoryRepository } = await import('#shared/adapters/family-directory-repo.ts');
const { ImportsRepository } = await import('#shared/adapters/imports-repo.ts');
const { InstructionsRepository } = await import('#shared/adapters/instructions-repo.ts');
const { ObjectStore } = await import('#shared/adapters/object-store.ts');
const { SnapshotsRepository } = await import('#shared/adapters/snapshots-repo.ts');
const { TahapRepository } = await import('#shared/adapters/tahap-repo.ts');
const { VervalRepository } = await import('#shared/adapters/verval-repo.ts');
const { fileReadLogPartition, instructionKey } = await import('#shared/adapters/keys.ts');
const { importFamilyFile } = await import('../../functions/family-import/import-family-file.ts');
const { requestAccounts } = await import('../../functions/families/request-accounts.ts');
const { instructPayments } = await import('../../functions/families/instruct-payments.ts');
const { PaymentsRepository } = await import('#shared/adapters/payments-repo.ts');
const { kpmCashReportKey, reconcileKpmCash } = await import(
  '../../functions/reconcile/reconcile-kpm-cash.ts'
);
const { reconcileKpmTahap } = await import('../../functions/reconcile/handler.ts');
const { KAPUAS, KOTIM, TAHAP, dashboardTotals, freshTahap, openedKapuas, kk, nik } = await import(
  '../support/families.ts'
);

const TABLE = emulator.TABLE_NAME as string;
const config = env();
const objects = new ObjectStore();
const accounts = new AccountsRepository(TABLE);
const distribution = new DistributionRepository(TABLE);
const instructions = new InstructionsRepository(TABLE);
const directory = new FamilyDirectoryRepository(TABLE);

/** Families 1, 5 and 9 of Kapuas; each penerima is the head (NIK serial × 10). */
const PENERIMA = { one: nik(KAPUAS, 10), five: nik(KAPUAS, 50), nine: nik(KAPUAS, 90) };
const ACCOUNT_ONE = '1234567890';

const exchange = new ExchangeRepository(TABLE);
const jobDeps = () => ({
  exchange,
  accounts,
  instructions,
  distribution,
  directory,
  objects,
  documentsBucket: config.documentsBucket,
  tahap: new TahapRepository(TABLE),
  snapshots: new SnapshotsRepository(TABLE),
  families: new FamiliesRepository(TABLE),
  verval: new VervalRepository(TABLE),
});

async function text(key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await objects.read(config.documentsBucket, key)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

interface RequestBody {
  request?: { requestId: string; requestedAt: string; status: string; rows?: number; refused?: number };
  file?: { fileKey: string; downloadUrl: string };
}

interface InstructionBody {
  instruction?: {
    fileId: string;
    seq: number;
    kind: string;
    status: string;
    requestedAt: string;
    lines?: number;
    total?: number;
    waitingAccount?: number;
    sha256?: string;
    skipped?: Record<string, number>;
  };
  file?: { fileKey: string; downloadUrl: string };
  control?: { fileKey: string; downloadUrl: string };
}

/** Asks for an instruction file through its route and runs its job; returns the GET's answer. */
async function instruct(followUp?: boolean) {
  const asked = await callRoute<InstructionBody>('InstructPayments', {
    claims: admin(),
    pathParameters: { tahapId: TAHAP },
    body: { region: KAPUAS, ...(followUp ? { followUp } : {}) },
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(202);
  const record = asked.body.instruction;
  if (!record) throw new Error('no instruction in the answer');
  const outcome = await instructPayments(
    {
      type: 'payments.instruct.requested',
      tahapId: TAHAP,
      region: KAPUAS,
      seq: record.seq,
      fileId: record.fileId,
      requestedAt: record.requestedAt,
    },
    jobDeps(),
  );
  expect(outcome.kind).toBe('written');
  const shown = await callRoute<InstructionBody>('GetPaymentInstruction', {
    claims: admin(),
    pathParameters: { tahapId: TAHAP },
    query: { region: KAPUAS },
  });
  expect(shown.status, JSON.stringify(shown.body)).toBe(200);
  return shown.body;
}

/** The references (`no_referensi`) of an instruction file. */
function refsOf(file: string): string[] {
  const [header, ...lines] = file.trim().split('\r\n');
  const at = (header ?? '').split(';').indexOf('No Referensi');
  return lines.map((line) => line.split(';')[at] ?? '');
}

const entitlementOf = async (serial: number) => {
  const found = await distribution.entitlement(TAHAP, KAPUAS, 'TUNAI', kk(KAPUAS, serial));
  if (!found) throw new Error(`no TUNAI entitlement for family ${serial}`);
  return found;
};

beforeAll(async () => {
  await freshTahap();
  await openedKapuas();
}, 120_000);

describe('the account-opening request', () => {
  it('is refused for a kabupaten whose distribution is not open', async () => {
    const refused = await callRoute<{ reason?: string }>('RequestAccounts', {
      claims: admin(),
      pathParameters: { tahapId: TAHAP },
      body: { region: KOTIM },
    });
    expect(refused.status).toBe(409);
  });

  it('lists every penerima without an account, marks them DIAJUKAN and logs the file as a bulk read', async () => {
    const asked = await callRoute<RequestBody>('RequestAccounts', {
      claims: operator(KAPUAS),
      pathParameters: { tahapId: TAHAP },
      body: { region: KAPUAS },
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    const request = asked.body.request;
    if (!request) throw new Error('no request in the answer');
    expect(request.status).toBe('QUEUED');
    const again = await callRoute('RequestAccounts', {
      claims: operator(KAPUAS),
      pathParameters: { tahapId: TAHAP },
      body: { region: KAPUAS },
    });
    expect(again.status).toBe(409);

    const outcome = await requestAccounts(
      {
        type: 'accounts.request.requested',
        tahapId: TAHAP,
        region: KAPUAS,
        requestId: request.requestId,
        requestedAt: request.requestedAt,
      },
      jobDeps(),
    );
    expect(outcome).toMatchObject({ kind: 'written', file: { rows: 3 }, refused: 0 });
    for (const penerima of Object.values(PENERIMA)) {
      expect((await accounts.get(penerima))?.status).toBe('DIAJUKAN');
    }

    const shown = await callRoute<RequestBody>('GetAccountRequest', {
      claims: operator(KAPUAS),
      pathParameters: { tahapId: TAHAP },
      query: { region: KAPUAS },
    });
    expect(shown.status).toBe(200);
    expect(shown.body.request).toMatchObject({ status: 'COMPLETED', rows: 3 });
    const key = shown.body.file?.fileKey ?? '';
    expect(key).toMatch(/^files\/bank\/2026-1\/62\.03\/rekening-/);
    const file = await text(key);
    expect(file).toContain('Nama Ibu Kandung');
    expect(file).toContain(PENERIMA.one);
    expect(file).toContain('15-08-1985');

    const logged = await documentClient.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': fileReadLogPartition(KAPUAS) },
      }),
    );
    expect(logged.Items?.map((item) => item.read?.file)).toContain('PEMBUKAAN_REKENING');

    // Another kabupaten's operator sees nothing of it.
    const other = await callRoute('GetAccountRequest', {
      claims: operator(KOTIM),
      pathParameters: { tahapId: TAHAP },
      query: { region: KAPUAS },
    });
    expect(other.status).toBe(403);
  });
});

describe('the bank’s answer', () => {
  it('opens one account, records a failure, and refuses a second account and an account held by another', async () => {
    const created = await callRoute<{ importId: string; uploadUrl: string }>('CreateImport', {
      claims: admin(),
      body: { kind: 'JAWABAN_REKENING', filename: 'jawaban-rekening.csv' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const csv = [
      'NIK;No Rekening;Status;Alasan',
      `${PENERIMA.one};${ACCOUNT_ONE};BERHASIL;`,
      `${PENERIMA.five};;GAGAL;Data tidak sesuai Dukcapil`,
      `${PENERIMA.one};9876543210;BERHASIL;`,
      `${PENERIMA.nine};${ACCOUNT_ONE};BERHASIL;`,
      `${PENERIMA.one};${ACCOUNT_ONE};BERHASIL;`,
    ].join('\r\n');
    const put = await fetch(created.body.uploadUrl, { method: 'PUT', body: csv });
    expect(put.status).toBe(200);
    const key = decodeURIComponent(
      new URL(created.body.uploadUrl).pathname.replace(`/${config.uploadsBucket}/`, ''),
    );
    const head = await testClients().s3.send(
      new HeadObjectCommand({ Bucket: config.uploadsBucket, Key: key }),
    );
    const outcome = await importFamilyFile(
      {
        bucket: config.uploadsBucket,
        key,
        etag: (head.ETag ?? '').replaceAll('"', ''),
        size: head.ContentLength ?? 0,
        eventTime: new Date().toISOString(),
      },
      {
        imports: new ImportsRepository(TABLE),
        snapshots: new SnapshotsRepository(TABLE),
        families: new FamiliesRepository(TABLE),
        exclusions: new ExclusionsRepository(TABLE),
        tahap: new TahapRepository(TABLE),
        results: new EligibilityRepository(TABLE),
        verval: new VervalRepository(TABLE),
        distribution,
        accounts,
        objects,
        tableName: TABLE,
        documentsBucket: config.documentsBucket,
        limits: {
          maxFileBytes: 1024 * 1024,
          maxRows: 1_000,
          xlsxMaxUncompressedBytes: 10 * 1024 * 1024,
          xlsxMaxRatio: 100,
        },
      },
    );
    expect(outcome.kind, JSON.stringify(outcome)).toBe('completed');
    expect(await accounts.get(PENERIMA.one)).toMatchObject({ status: 'AKTIF', noRekening: ACCOUNT_ONE });
    expect(await accounts.get(PENERIMA.five)).toMatchObject({
      status: 'GAGAL',
      alasan: 'Data tidak sesuai Dukcapil',
    });
    expect((await accounts.get(PENERIMA.nine))?.status).toBe('DIAJUKAN');
    expect(await accounts.holder(ACCOUNT_ONE)).toBe(PENERIMA.one);
    // One account opened, counted once in its desa (the file names it twice); a failure opens none.
    expect(await dashboardTotals()).toMatchObject({ decreed: 3, accountsOpened: 1 });
    expect(await accounts.get(PENERIMA.one)).toMatchObject({ tahapId: TAHAP, desaCode: expect.any(String) });

    const shown = await callRoute<{
      status: string;
      counts: { accepted: number; rejected: number };
      problems?: { code: string }[];
    }>('GetImport', { claims: admin(), pathParameters: { importId: created.body.importId } });
    expect(shown.body.status).toBe('COMPLETED');
    expect(shown.body.counts).toMatchObject({ accepted: 3, rejected: 2 });
    const report = await text(`reports/imports/${created.body.importId}.csv`);
    expect(report).toContain('REKENING_KEDUA');
    expect(report).toContain('REKENING_MILIK_LAIN');
    // The report masks the numbers it speaks of.
    expect(report).not.toContain('9876543210');
    expect(report).not.toContain(PENERIMA.nine);
  });
});

describe('the payment instruction', () => {
  let first: InstructionBody;

  it('pays only penerima with an active account, with the control total, and moves each line first', async () => {
    first = await instruct();
    expect(first.instruction).toMatchObject({
      fileId: 'KHBS-PI-2026-1-6203-01',
      kind: 'AWAL',
      status: 'COMPLETED',
      lines: 1,
      total: 250_000,
      waitingAccount: 2,
    });
    const one = await entitlementOf(1);
    expect(one).toMatchObject({ status: 'DIKIRIM', attempts: 1, lastAttempt: { attempt: 1 } });
    expect(one.instructions).toEqual([
      expect.objectContaining({ attempt: 1, noRekening: ACCOUNT_ONE, fileId: 'KHBS-PI-2026-1-6203-01' }),
    ]);
    expect((await entitlementOf(5)).status).toBe('DITETAPKAN');
    const file = await text(first.file?.fileKey ?? '');
    expect(refsOf(file)).toEqual([`${one.ref}-1`]);
    expect(file).toContain(ACCOUNT_ONE);
    const control = await text(first.control?.fileKey ?? '');
    expect(control).toContain('KHBS-PI-2026-1-6203-01');
    expect(control).toContain('250000');
    expect(control).toContain(first.instruction?.sha256 ?? 'no hash');
    // Handed to the bank: its machine client lists it with the control total; BULOG never sees it.
    const banks = await exchange.list('BANK', { tahapId: TAHAP, kind: 'INSTRUKSI_BAYAR' });
    expect(banks.items).toEqual([
      expect.objectContaining({
        fileId: 'KHBS-PI-2026-1-6203-01',
        rows: 1,
        controlTotal: 250_000,
        sha256: first.instruction?.sha256,
        s3Key: first.file?.fileKey,
      }),
    ]);
    expect((await exchange.list('BULOG', { tahapId: TAHAP })).items).toEqual([]);

    // An auditor holds no payments:instruct.
    const auditorCall = await callRoute('GetPaymentInstruction', {
      claims: auditor(),
      pathParameters: { tahapId: TAHAP },
      query: { region: KAPUAS },
    });
    expect(auditorCall.status).toBe(403);
  });

  it('writes the same file again after a crash: the same references, the same bytes, nothing re-planned', async () => {
    const record = first.instruction;
    if (!record) throw new Error('no first instruction');
    const before = await text(first.file?.fileKey ?? '');
    // As if the worker died after the lines were moved, before the record was closed.
    await documentClient.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: instructionKey(TAHAP, KAPUAS, record.seq),
        UpdateExpression: 'SET #status = :running',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':running': 'RUNNING' },
      }),
    );
    const again = await instructPayments(
      {
        type: 'payments.instruct.requested',
        tahapId: TAHAP,
        region: KAPUAS,
        seq: record.seq,
        fileId: record.fileId,
        requestedAt: record.requestedAt,
      },
      jobDeps(),
    );
    expect(again).toMatchObject({ kind: 'written', record: { lines: 1, sha256: record.sha256 } });
    expect(await text(first.file?.fileKey ?? '')).toBe(before);
    expect(await entitlementOf(1)).toMatchObject({ status: 'DIKIRIM', attempts: 1 });

    // A redelivered message of a finished file does nothing.
    const redelivered = await instructPayments(
      {
        type: 'payments.instruct.requested',
        tahapId: TAHAP,
        region: KAPUAS,
        seq: record.seq,
        fileId: record.fileId,
        requestedAt: record.requestedAt,
      },
      jobDeps(),
    );
    expect(redelivered.kind).toBe('skipped');
  });

  it('makes a follow-up only for a payment the bank reported failed, as its next attempt, never twice', async () => {
    const nothingYet = await instruct(true);
    expect(nothingYet.instruction).toMatchObject({ kind: 'SUSULAN', lines: 0 });

    // The bank reported attempt 1 failed (what the reconciliation records, with its dashboard
    // counter); family 5 got an account.
    const failed = await entitlementOf(1);
    const closing = await new DashboardRepository(TABLE).commit([
      {
        key: failed.ref,
        items: [
          distribution.closeAttemptItem(
            failed,
            {
              status: 'GAGAL',
              lastAttempt: { attempt: 1, outcome: 'GAGAL' },
              paidAmount: 0,
              returnedAmount: 0,
            },
            new Date().toISOString(),
          ),
        ],
        tahapId: TAHAP,
        desaCode: failed.desaCode,
        delta: cashDelta(failed.status, 'GAGAL'),
        payload: undefined,
      },
    ]);
    expect(closing.committed).toHaveLength(1);
    expect(await dashboardTotals()).toMatchObject({ cashFailed: 1 });
    const five = await accounts.get(PENERIMA.five);
    expect(
      await accounts.record(
        five,
        {
          nik: PENERIMA.five,
          status: 'AKTIF',
          noRekening: '5555555555',
          answeredAt: new Date().toISOString(),
        },
        'jawaban-kedua',
      ),
    ).toBe('written');

    const followUp = await instruct(true);
    expect(followUp.instruction).toMatchObject({
      fileId: 'KHBS-PI-2026-1-6203-03',
      kind: 'SUSULAN',
      lines: 1,
      total: 250_000,
    });
    const one = await entitlementOf(1);
    expect(refsOf(await text(followUp.file?.fileKey ?? ''))).toEqual([`${one.ref}-2`]);
    expect(one).toMatchObject({ status: 'DIULANG', attempts: 2 });
    // Family 5 was never sent: not on a follow-up.
    expect((await entitlementOf(5)).status).toBe('DITETAPKAN');

    const next = await instruct();
    const five2 = await entitlementOf(5);
    expect(refsOf(await text(next.file?.fileKey ?? ''))).toEqual([`${five2.ref}-1`]);
    expect(next.instruction).toMatchObject({ lines: 1, waitingAccount: 1 });

    // Every reference of every file, once.
    const all: string[] = [];
    for (let seq = 1; seq <= 4; seq++) {
      const record = await instructions.get(TAHAP, KAPUAS, seq);
      if (record?.fileKey) all.push(...refsOf(await text(record.fileKey)));
    }
    expect(all.sort()).toEqual([`${one.ref}-1`, `${one.ref}-2`, `${five2.ref}-1`].sort());
  });
});

describe('the KPM cash reconciliation and the BKAD money view', () => {
  it('closes each instructed entitlement as the bank reported it, and the money view adds up', async () => {
    const one = await entitlementOf(1);
    const five = await entitlementOf(5);
    const line = (ref: string, noRekening: string, status: 'BERHASIL' | 'GAGAL', row: number) => ({
      bankRef: ref,
      noRekening,
      nama: 'Warga Uji',
      amount: 250_000,
      status,
      transactionDate: '2026-12-01',
      reportKey: 'disbursements/2026-12-01/laporan.csv',
      sourceRow: row,
    });
    await new PaymentsRepository(TABLE).putNew(
      [
        line(`${one.ref}-1`, ACCOUNT_ONE, 'GAGAL', 2),
        line(`${one.ref}-2`, ACCOUNT_ONE, 'BERHASIL', 3),
        line(`${five.ref}-1`, '5555555555', 'GAGAL', 4),
      ],
      new Date().toISOString(),
    );
    const result = await reconcileKpmCash(TAHAP, 'run-uji', {
      decrees: new DecreesRepository(TABLE),
      distribution,
      dashboard: new DashboardRepository(TABLE),
      payments: new PaymentsRepository(TABLE),
      objects,
      documentsBucket: config.documentsBucket,
    });
    expect(result).toMatchObject({ entitlements: 2, closed: { DITERIMA: 1, GAGAL: 1 } });
    // Family 1 paid after its failure (off the failed, on the paid), family 5 failed.
    expect(await dashboardTotals()).toMatchObject({ cashPaid: 1, cashFailed: 1 });
    expect(await entitlementOf(1)).toMatchObject({ status: 'DITERIMA', paidAmount: 250_000 });
    expect(await entitlementOf(5)).toMatchObject({
      status: 'GAGAL',
      lastAttempt: { attempt: 1, outcome: 'GAGAL' },
      paidAmount: 0,
    });
    expect(await text(result.reportKey ?? '')).toContain('Temuan');

    // Run again: nothing changes.
    const again = await reconcileKpmCash(TAHAP, 'run-uji-2', {
      decrees: new DecreesRepository(TABLE),
      distribution,
      dashboard: new DashboardRepository(TABLE),
      payments: new PaymentsRepository(TABLE),
      objects,
      documentsBucket: config.documentsBucket,
    });
    expect(again.closed).toMatchObject({ DITERIMA: 0, GAGAL: 0, moved: 0 });
    expect(await dashboardTotals()).toMatchObject({ cashPaid: 1, cashFailed: 1 });

    // The reconciliation worker runs it after each BKK run, for every tahap that may have cash out.
    await reconcileKpmTahap('run-uji-3');
    expect(await text(kpmCashReportKey(TAHAP, 'run-uji-3'))).toContain('Temuan');
    expect((await entitlementOf(1)).status).toBe('DITERIMA');

    const money = await callRoute('GetFinance', {
      claims: auditor(),
      pathParameters: { tahapId: TAHAP },
      query: { region: KAPUAS },
    });
    expect(money.status, JSON.stringify(money.body)).toBe(200);
    expect(money.body).toMatchObject({
      entitlements: { count: 3, amount: 750_000 },
      notInstructed: { count: 1, amount: 250_000 },
      instructed: { count: 2, amount: 500_000 },
      paid: { count: 1, amount: 250_000 },
      failed: { count: 1, amount: 250_000 },
      awaitingReinstruction: { count: 1, amount: 250_000 },
      balanceToReturn: 0,
    });
    const other = await callRoute('GetFinance', {
      claims: operator(KOTIM),
      pathParameters: { tahapId: TAHAP },
      query: { region: KAPUAS },
    });
    expect(other.status).toBe(403);
  });
});
