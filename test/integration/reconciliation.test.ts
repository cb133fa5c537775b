import { PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { bankReportCsv, type Payee, plantDiscrepancies } from '../../local/bank-report.ts';
import { approver, callRoute, importList, issueDecreeFor, lambdaContext, moveTo } from '../support/api.ts';
import { emptyBucket, resetTable, testClients } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The reconciliation job against DynamoDB Local and the S3 emulator, fed by the real bank report
 * import: each kind of discrepancy on a crafted report and none on a clean one, a repeated report
 * changing nothing, two runs at once giving one consistent result, a daily run that reads only open
 * decrees' lists while a full run still reads (and reports on) the closed ones, and years of closed
 * decrees that do not make the daily run cost more. What is stuck or lost in the pipeline is the
 * watchdog's (`watchdog.test.ts`).
 */

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
useEmulatorEnv();
const { env } = await import('#shared/config/env.ts');
const { ProposalsRepository } = await import('#shared/adapters/proposals-repo.ts');
const { RecipientsRepository } = await import('#shared/adapters/recipients-repo.ts');
const { DecreesRepository } = await import('#shared/adapters/decrees-repo.ts');
const { objectCreatedEvent } = await import('#shared/adapters/lambda-invoker.ts');
const { verifyChain } = await import('#shared/domain/audit.ts');
const { dependencies } = await import('../../functions/reconcile/handler.ts');
const { runReconciliation, scopeOf } = await import('../../functions/reconcile/run-reconciliation.ts');
const { handler: bankImport } = await import('../../functions/disbursement/handler.ts');

const config = env();
const proposals = new ProposalsRepository(config.tableName);
const decrees = new DecreesRepository(config.tableName);
const { s3 } = testClients();

/** What the decree of a proposal says each of its recipients is paid. */
async function payeesOf(proposalId: string, decree: { amountByRole?: Record<string, number> | undefined }) {
  const proposal = await proposals.get(proposalId);
  const payees: Payee[] = [];
  for await (const { recipient } of new RecipientsRepository(config.tableName).stream(
    proposal?.approvedListId ?? '',
  )) {
    payees.push({
      noRekening: recipient.noRekening,
      nik: recipient.nik,
      nama: recipient.nama,
      amount: decree.amountByRole?.[recipient.peran] ?? 0,
    });
  }
  return payees;
}

/** A bank report put under disbursements/ and imported by the real bank report import. */
async function deliver(key: string, body: string): Promise<void> {
  const out = await s3.send(new PutObjectCommand({ Bucket: config.uploadsBucket, Key: key, Body: body }));
  const event = objectCreatedEvent(
    config.uploadsBucket,
    { key, etag: (out.ETag ?? '').replaceAll('"', ''), size: Buffer.byteLength(body) },
    new Date(),
  );
  await bankImport(event, lambdaContext('khbs-ImportBankReport'));
}

const reconcileDeps = (overrides: Partial<ReturnType<typeof dependencies>> = {}) => ({
  ...dependencies(),
  ...overrides,
});

let paidInFull: { proposalId: string; decreeId: string; number: string };
let planted: ReturnType<typeof plantDiscrepancies>['planted'];
let plantedReport: string;
let crafted: { proposalId: string; number: string };

beforeAll(async () => {
  await resetTable();
  await emptyBucket(config.uploadsBucket);
  await emptyBucket(config.documentsBucket);
  // P: paid in full. Q: paid with one of each discrepancy. R: revoked, one of its payees paid anyway.
  const [p, q, r] = await Promise.all([
    importList('62.03', '2027-S1', 6, 1),
    importList('62.03', '2027-S2', 6, 201),
    importList('62.01', '2027-S1', 4, 401),
  ]);
  const decreed = [];
  for (const list of [p, q, r]) {
    await moveTo(list.proposalId, 'DECREED');
    decreed.push(await issueDecreeFor(list));
  }
  const [dp, dq, dr] = decreed as [(typeof decreed)[0], (typeof decreed)[0], (typeof decreed)[0]];
  const revoked = await callRoute('RevokeDecree', {
    pathParameters: { decreeId: dr.decreeId },
    body: { reason: 'Daftar dicabut untuk pengujian rekonsiliasi.' },
    claims: approver(),
  });
  expect(revoked.status).toBe(200);
  paidInFull = { proposalId: p.proposalId, decreeId: dp.decreeId, number: dp.number };
  crafted = { proposalId: q.proposalId, number: dq.number };

  const clean = (await payeesOf(p.proposalId, dp)).map((payee, index) => ({
    bankRef: `CLEAN${String(index).padStart(6, '0')}`,
    ...payee,
    status: 'BERHASIL' as const,
    date: '2027-07-01',
    nomorSk: dp.number,
  }));
  const [revokedPayee] = await payeesOf(r.proposalId, dr);
  const plantedLines = plantDiscrepancies(await payeesOf(q.proposalId, dq), {
    refPrefix: 'PLANT',
    date: '2027-12-01',
    nomorSk: dq.number,
    revokedPayee,
  });
  planted = plantedLines.planted;
  plantedReport = bankReportCsv(plantedLines.lines);
  await deliver('disbursements/2027-07-01/bkk-clean.csv', bankReportCsv(clean));
  await deliver('disbursements/2027-12-01/bkk-planted.csv', plantedReport);
}, 120_000);

const counted = (run: { counts?: Record<string, number> | undefined } | undefined) =>
  Object.fromEntries(Object.entries(run?.counts ?? {}).filter(([, count]) => count > 0));

describe('reconciliation of decrees in force with the bank reports', () => {
  let first: Awaited<ReturnType<typeof runReconciliation>>;

  it('finds each kind of discrepancy once on the crafted report, none on the clean one', async () => {
    first = await runReconciliation('test-run-1', 'api', reconcileDeps());
    expect(first?.status).toBe('COMPLETED');
    expect(counted(first)).toEqual({
      NOT_PAID: 1,
      FAILED: 1,
      AMOUNT_DIFFERS: 1,
      PAID_TWICE: 1,
      UNKNOWN_PAYEE: 1,
      PAID_UNDER_REVOKED: 1,
    });
    const byNumber = Object.fromEntries((first?.decrees ?? []).map((decree) => [decree.number, decree]));
    expect(byNumber[paidInFull.number]).toMatchObject({ recipients: 6, paid: 6, fullyPaid: true });
    expect(byNumber[crafted.number]).toMatchObject({
      recipients: 6,
      paid: 2,
      notPaid: 1,
      failed: 1,
      amountDiffers: 1,
      paidTwice: 1,
      fullyPaid: false,
    });
    // The revoked decree is not "in force": it has no summary.
    expect(first?.decrees).toHaveLength(2);
  });

  it('moves the fully paid proposal to DISBURSED, audited, and no other', async () => {
    expect(first?.disbursed).toEqual([paidInFull.proposalId]);
    const proposal = await proposals.get(paidInFull.proposalId);
    expect(proposal?.status).toBe('DISBURSED');
    const audit = await proposals.audit(paidInFull.proposalId);
    expect(audit.at(-1)).toMatchObject({
      action: 'DISBURSED',
      actor: { role: 'system' },
      details: { runId: 'test-run-1' },
    });
    expect(verifyChain(audit, proposal?.lastAuditHash).valid).toBe(true);
    expect((await proposals.get(crafted.proposalId))?.status).toBe('DECREED');
  });

  it('writes a formula-safe report with NIKs and accounts masked, and a JSON summary', async () => {
    const csv = await readText(config.documentsBucket, first?.reportKey ?? '');
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'jenis;uraian;nomor_sk;wilayah;periode;usulan;id_penerima;nama;nik;no_rekening;jumlah_sk;jumlah_dibayar;referensi_bank;keterangan',
    );
    const kinds = lines.slice(1).map((line) => line.split(';')[0]);
    expect(kinds.sort()).toEqual(
      ['AMOUNT_DIFFERS', 'FAILED', 'NOT_PAID', 'PAID_TWICE', 'PAID_UNDER_REVOKED', 'UNKNOWN_PAYEE'].sort(),
    );
    const short = lines.find((line) => line.startsWith('AMOUNT_DIFFERS'))?.split(';');
    expect(short?.[10]).toBe(String(planted.amountDiffers.amount));
    expect(short?.[11]).toBe(String(planted.amountDiffers.amount - 100_000));
    for (const payee of [planted.notPaid, planted.failed, planted.amountDiffers, planted.paidTwice]) {
      expect(csv).not.toContain(payee.nik);
      expect(csv).not.toContain(payee.noRekening);
      expect(csv).toContain(`${payee.nik.slice(0, 6)}******${payee.nik.slice(-4)}`);
    }
    const json = JSON.parse(await readText(config.documentsBucket, first?.jsonKey ?? '')) as {
      counts: unknown;
    };
    expect(json.counts).toEqual(first?.counts);
  });

  it('is shown through the API with presigned report links', async () => {
    const view = await callRoute('GetReconciliation', {
      pathParameters: { runId: 'test-run-1' },
      claims: approver(),
    });
    expect(view).toMatchObject({ status: 200, body: { status: 'COMPLETED', counts: first?.counts } });
    expect(String(view.body.reportUrl)).toContain('reports/reconciliations/test-run-1.csv');
  });

  it('counts a report delivered again (under another name) once: the same result', async () => {
    await deliver('disbursements/2027-12-02/bkk-planted-kirim-ulang.csv', plantedReport);
    const again = await runReconciliation('test-run-2', 'api', reconcileDeps());
    expect(counted(again)).toEqual(counted(first));
    expect(again?.decrees).toEqual(first?.decrees);
    expect(again?.inputs).toEqual(first?.inputs);
    expect(again?.disbursed).toEqual([]);
  });

  it('gives one consistent result when two runs go at once, and disburses nothing twice', async () => {
    const [a, b] = await Promise.all([
      runReconciliation('test-run-3a', 'api', reconcileDeps()),
      runReconciliation('test-run-3b', 'api', reconcileDeps()),
    ]);
    expect(counted(a)).toEqual(counted(first));
    expect(a?.decrees).toEqual(b?.decrees);
    expect(counted(a)).toEqual(counted(b));
    const audit = await proposals.audit(paidInFull.proposalId);
    expect(audit.filter((record) => record.action === 'DISBURSED')).toHaveLength(1);
  });

  it('does nothing for a redelivered message of a finished run', async () => {
    expect(await runReconciliation('test-run-1', 'api', reconcileDeps())).toBeUndefined();
  });
});

describe('a decree whose list cannot be read whole', () => {
  it('is reported and never called paid', async () => {
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    const { documentClient } = await import('#shared/adapters/clients.ts');
    const { recipientKey } = await import('#shared/adapters/keys.ts');
    const proposal = await proposals.get(paidInFull.proposalId);
    await documentClient.send(
      new DeleteCommand({
        TableName: config.tableName,
        Key: recipientKey(proposal?.approvedListId ?? '', 2),
      }),
    );
    const run = await runReconciliation('test-run-incomplete', 'api', reconcileDeps());
    expect(run?.counts?.DECREE_LIST_INCOMPLETE).toBe(1);
    expect(run?.decrees?.find((decree) => decree.number === paidInFull.number)?.fullyPaid).toBe(false);
  });
});

describe('a daily run with years of closed decrees', () => {
  type Decreed = { proposalId: string; decreeId: string; number: string; listId: string };
  const closed: Decreed[] = [];
  let open: Decreed;
  let closedPayee: Payee;

  /** The recipient lists a run reads (DynamoDB Queries on `LIST#<listId>#<shard>`), counted by wrapping the client. */
  async function listsRead(run: () => Promise<unknown>): Promise<Set<string>> {
    const { documentClient } = await import('#shared/adapters/clients.ts');
    const spy = vi.spyOn(documentClient, 'send');
    try {
      await run();
      const lists = new Set<string>();
      for (const [command] of spy.mock.calls) {
        const pk = (command as { input?: { ExpressionAttributeValues?: Record<string, unknown> } }).input
          ?.ExpressionAttributeValues?.[':pk'];
        if (typeof pk === 'string' && pk.startsWith('LIST#')) lists.add(pk.slice(5, pk.lastIndexOf('#')));
      }
      return lists;
    } finally {
      spy.mockRestore();
    }
  }

  beforeAll(async () => {
    // Three decrees paid in full and closed by a full run (earlier periods), and one still open.
    const lists = await Promise.all([
      importList('62.01', '2029-S1', 4, 801),
      importList('62.03', '2029-S1', 4, 821),
      importList('62.01', '2029-S2', 4, 841),
      importList('62.03', '2029-S2', 4, 861),
    ]);
    const decreed: Decreed[] = [];
    for (const list of lists) {
      await moveTo(list.proposalId, 'DECREED');
      decreed.push(await issueDecreeFor(list));
    }
    open = decreed.pop() as Decreed;
    closed.push(...decreed);
    const lines = [];
    for (const [d, decree] of closed.entries()) {
      const record = await decrees.get(decree.decreeId);
      const payees = await payeesOf(decree.proposalId, record ?? {});
      if (d === 0) closedPayee = payees[0] as Payee;
      lines.push(
        ...payees.map((payee, index) => ({
          bankRef: `OLD${d}${String(index).padStart(5, '0')}`,
          ...payee,
          status: 'BERHASIL' as const,
          date: '2029-07-01',
          nomorSk: decree.number,
        })),
      );
    }
    await deliver('disbursements/2029-07-01/bkk-2029.csv', bankReportCsv(lines));
    const full = await runReconciliation('test-run-close', 'api', reconcileDeps());
    expect(full?.disbursed).toEqual(expect.arrayContaining(closed.map((decree) => decree.proposalId)));
  }, 120_000);

  it('scopes scheduled runs to open work, except on the weekly full day; API runs are full', () => {
    const sunday = new Date('2029-07-01T03:00:00Z');
    const monday = new Date('2029-07-01T18:00:00Z'); // 01:00 WIB on Monday
    expect(scopeOf('schedule', sunday, { fullRunWeekday: 0 })).toBe('all');
    expect(scopeOf('schedule', monday, { fullRunWeekday: 0 })).toBe('open');
    expect(scopeOf('api', monday, { fullRunWeekday: 0 })).toBe('all');
  });

  it("reads only the open decrees' lists; a full run still reads every list", async () => {
    let daily: Awaited<ReturnType<typeof runReconciliation>>;
    let full: Awaited<ReturnType<typeof runReconciliation>>;
    const dailyLists = await listsRead(async () => {
      daily = await runReconciliation('test-run-daily', 'schedule', reconcileDeps(), 'open');
    });
    const fullLists = await listsRead(async () => {
      full = await runReconciliation('test-run-full', 'api', reconcileDeps());
    });
    const closedLists = closed.map((decree) => decree.listId);
    expect(dailyLists).toContain(open.listId);
    for (const listId of closedLists) {
      expect(dailyLists).not.toContain(listId);
      expect(fullLists).toContain(listId);
    }
    // Open: the new decree, the crafted one (Q) and the revoked one (R); closed: the three and P.
    expect(daily?.scope).toBe('open');
    expect(daily?.inputs?.decrees).toBe(3);
    expect(daily?.skipped?.closedDecrees).toBe(4);
    expect(dailyLists.size).toBe(3);
    expect(full?.scope).toBe('all');
    expect(full?.inputs?.decrees).toBe(7);
    expect(fullLists.size).toBe(7);
    expect(daily?.inputs?.expected).toBe(4 + 6 + 4);
    expect(daily?.decrees?.map((decree) => decree.number).sort()).toEqual(
      [crafted.number, open.number].sort(),
    );
    // Open work is judged as by the full run; a revoked decree's payee is still found.
    expect(daily?.counts?.PAID_UNDER_REVOKED).toBe(1);
    expect(daily?.counts?.NOT_PAID).toBe(full?.counts?.NOT_PAID);
    expect(daily?.counts?.PAID_TWICE).toBe(1);
    // Left to the full run: a payee in no decree, and the closed decree P's list.
    expect(daily?.counts?.UNKNOWN_PAYEE).toBe(0);
    // The planted stranger, and P's payee whose row the test above deleted.
    expect(full?.counts?.UNKNOWN_PAYEE).toBe(2);
    expect(daily?.counts?.DECREE_LIST_INCOMPLETE).toBe(0);
    expect(daily?.disbursed).toEqual([]);
  });

  it("leaves a late payment to a closed decree's recipient to the full run, which reports it", async () => {
    const before = await runReconciliation('test-run-daily-before', 'schedule', reconcileDeps(), 'open');
    await deliver(
      'disbursements/2029-09-01/bkk-susulan.csv',
      bankReportCsv([{ bankRef: 'LATE000001', ...closedPayee, status: 'BERHASIL', date: '2029-09-01' }]),
    );
    const daily = await runReconciliation('test-run-daily-late', 'schedule', reconcileDeps(), 'open');
    expect(counted(daily)).toEqual(counted(before));
    expect(daily?.skipped?.paymentLines).toBe((before?.skipped?.paymentLines ?? 0) + 1);
    const full = await runReconciliation('test-run-full-late', 'api', reconcileDeps());
    const summary = full?.decrees?.find((decree) => decree.number === closed[0]?.number);
    expect(summary).toMatchObject({ paidTwice: 1, fullyPaid: false });
    expect(full?.counts?.PAID_TWICE).toBe(2);
  });
});

describe('the cost of a daily run with three years of closed decrees', () => {
  type Run = Awaited<ReturnType<typeof runReconciliation>>;
  const years = [2024, 2025, 2026];
  const closedLists: string[] = [];
  let openList: { listId: string; number: string };
  let baseline: { run: Run; lists: string[] };

  /** A run whose recipient list reads (`recipients.stream`) are counted: what a run costs grows with them. */
  async function counted(runId: string, scope: 'open' | 'all') {
    const lists: string[] = [];
    const base = dependencies();
    const recipients = {
      stream: (listId: string) => {
        lists.push(listId);
        return base.recipients.stream(listId);
      },
    };
    const run = await runReconciliation(
      runId,
      scope === 'open' ? 'schedule' : 'api',
      reconcileDeps({ recipients, config: { ...base.config, firstYear: years[0] ?? 2024 } }),
      scope,
    );
    return { run, lists };
  }

  /** An approved proposal's decree, numbered and dated in `year` (the decree worker with its clock set). */
  async function decreeIn(year: number, proposalId: string) {
    const { dependencies: decreeDeps } = await import('../../functions/decree/handler.ts');
    const { issueDecree } = await import('../../functions/decree/issue-decree.ts');
    const { decreeRequestFor } = await import('#shared/messages.ts');
    const proposal = await proposals.get(proposalId);
    if (!proposal) throw new Error(`no proposal ${proposalId}`);
    const by = { sub: 'approver-sekda', name: 'Sekretaris Daerah' };
    const at = new Date(`${year}-03-02T03:00:00Z`);
    const decree = await issueDecree(decreeRequestFor(proposal, by, proposal.updatedAt), {
      ...decreeDeps(),
      now: () => at,
    });
    if (!decree) throw new Error(`no decree for ${proposalId}`);
    return decree;
  }

  beforeAll(async () => {
    baseline = await counted('test-run-cost-before', 'open');
    // Three decrees a year, three years, two recipients each: all paid in full and closed by a full
    // run; then one more decree, still open.
    const lines = [];
    let n = 0;
    for (const year of years) {
      for (const [region, half] of [
        ['62.01', 'S1'],
        ['62.01', 'S2'],
        ['62.03', 'S1'],
      ] as const) {
        const list = await importList(region, `${year}-${half}`, 2, 900 + 2 * n);
        await moveTo(list.proposalId, 'APPROVED');
        const decree = await decreeIn(year, list.proposalId);
        expect(decree.year).toBe(year);
        closedLists.push(decree.listId);
        const payees = await payeesOf(list.proposalId, decree);
        lines.push(
          ...payees.map((payee, index) => ({
            bankRef: `HIST${year}${n}${index}`,
            ...payee,
            status: 'BERHASIL' as const,
            date: `${year}-07-01`,
            nomorSk: decree.number,
          })),
        );
        n++;
      }
    }
    await deliver('disbursements/2026-07-01/bkk-riwayat.csv', bankReportCsv(lines));
    const closing = await counted('test-run-cost-close', 'all');
    expect(closing.run?.disbursed).toHaveLength(years.length * 3);
    const open = await importList('62.03', '2026-S2', 2, 990);
    await moveTo(open.proposalId, 'APPROVED');
    const decree = await decreeIn(2026, open.proposalId);
    openList = { listId: decree.listId, number: decree.number };
  }, 180_000);

  it("reads the open decree's list and none of the closed ones: cost grows with open work, not history", async () => {
    const { run, lists } = await counted('test-run-cost-daily', 'open');
    expect(run?.scope).toBe('open');
    // Nine more closed decrees are known only by their number; one more list is read.
    expect(run?.skipped?.closedDecrees).toBe((baseline.run?.skipped?.closedDecrees ?? 0) + 9);
    expect(run?.inputs?.decrees).toBe((baseline.run?.inputs?.decrees ?? 0) + 1);
    expect(run?.inputs?.expected).toBe((baseline.run?.inputs?.expected ?? 0) + 2);
    expect(lists.sort()).toEqual([...baseline.lists, openList.listId].sort());
    for (const listId of closedLists) expect(lists).not.toContain(listId);
    expect(run?.decrees?.find((decree) => decree.number === openList.number)).toMatchObject({
      recipients: 2,
      notPaid: 2,
      fullyPaid: false,
    });
  });

  it('the weekly full run still reads every year of history', async () => {
    const { run, lists } = await counted('test-run-cost-full', 'all');
    for (const listId of [...closedLists, openList.listId]) expect(lists).toContain(listId);
    expect(run?.skipped?.closedDecrees).toBe(0);
    expect(run?.inputs?.decrees).toBe(lists.length);
  });
});

async function readText(bucket: string, key: string): Promise<string> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await out.Body?.transformToString('utf8')) ?? '';
}
