import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { S3Event } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bankReportCsv, type Payee } from '../../local/bank-report.ts';
import { importList, issueDecreeFor, lambdaContext, moveTo, recipientCsv } from '../support/api.ts';
import { emptyBucket, resetTable, testClients } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The pipeline watchdog against DynamoDB Local and the S3 emulator, with the real imports behind
 * its re-drives: a recipient upload and a bank report whose S3 events were lost are found and
 * imported; a FAILED import is reported and left alone; a fresh file is left to its event; a
 * proposal stuck for days is reported and nothing is re-sent; a changed and a missing decree PDF
 * are found, a closed decree's PDF is not read; and the run writes its own report (CSV and JSON)
 * and one log line of counts.
 */

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
useEmulatorEnv();
const { env } = await import('#shared/config/env.ts');
const { UploadsRepository } = await import('#shared/adapters/uploads-repo.ts');
const { BankReportsRepository } = await import('#shared/adapters/payments-repo.ts');
const { DecreesRepository } = await import('#shared/adapters/decrees-repo.ts');
const { ProposalsRepository } = await import('#shared/adapters/proposals-repo.ts');
const { RecipientsRepository } = await import('#shared/adapters/recipients-repo.ts');
const { objectCreatedEvent } = await import('#shared/adapters/lambda-invoker.ts');
const { logger } = await import('#shared/logger.ts');
const { dependencies, handler } = await import('../../functions/watchdog/handler.ts');
const { runWatchdog } = await import('../../functions/watchdog/run-watchdog.ts');
const { dependencies: reconcileDependencies } = await import('../../functions/reconcile/handler.ts');
const { runReconciliation } = await import('../../functions/reconcile/run-reconciliation.ts');
const { handler: bankImport } = await import('../../functions/disbursement/handler.ts');
const { handler: recipientImport } = await import('../../functions/import/handler.ts');
const { handler: familyImport } = await import('../../functions/family-import/handler.ts');
const { ImportsRepository } = await import('#shared/adapters/imports-repo.ts');
const { importObjectKey } = await import('#shared/adapters/storage-keys.ts');

const config = env();
const { s3, sqs } = testClients();
const proposals = new ProposalsRepository(config.tableName);
const decrees = new DecreesRepository(config.tableName);
const uploads = new UploadsRepository(config.tableName);

/** The local stand-in for Lambda's asynchronous invoke: the real import handlers, run at once. */
const invoked: string[] = [];
const invoker = {
  invokeAsync: async (functionName: string, event: S3Event) => {
    invoked.push(`${functionName} ${event.Records[0]?.s3.object.key}`);
    const run =
      functionName === 'khbs-ImportUpload'
        ? recipientImport
        : functionName === 'khbs-ImportFamilyFile'
          ? familyImport
          : bankImport;
    await run(event, lambdaContext(functionName));
  },
};

const watchdogDeps = (overrides: { now?: () => Date } = {}) => ({
  ...dependencies(),
  invoker,
  config: {
    ...dependencies().config,
    importFunctionName: 'khbs-ImportUpload',
    disbursementFunctionName: 'khbs-ImportBankReport',
    familyImportFunctionName: 'khbs-ImportFamilyFile',
  },
  ...overrides,
});

/** Seen from an hour later, every file put now is past the re-drive delay (30 minutes). */
const anHourLater = () => new Date(Date.now() + 60 * 60_000);
const tenDaysLater = () => new Date(Date.now() + 10 * 86_400_000);

async function readText(bucket: string, key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await out.Body?.transformToString('utf8')) ?? '';
}

/** The report's lines (BOM and CRLF checked), header first. */
async function reportLines(key: string): Promise<string[]> {
  const csv = await readText(config.documentsBucket, key);
  expect(csv.startsWith('\uFEFF')).toBe(true);
  expect(csv.replace(/\r\n/g, '')).not.toContain('\n');
  return csv.slice(1).trimEnd().split('\r\n');
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

beforeAll(async () => {
  await resetTable();
  await emptyBucket(config.uploadsBucket);
  await emptyBucket(config.documentsBucket);
}, 60_000);

afterEach(() => {
  invoked.length = 0;
});

describe('lost S3 events', () => {
  it('re-drives an upload whose event was lost into the recipient import; the next run finds nothing', async () => {
    const key = `uploads/62.03/2028-S1/lost-${Date.now()}.csv`;
    await s3.send(
      new PutObjectCommand({ Bucket: config.uploadsBucket, Key: key, Body: recipientCsv('62.03', 3, 601) }),
    );
    const uploadId = key.split('/').at(-1)?.replace('.csv', '') ?? '';
    expect(await uploads.get(uploadId)).toBeUndefined();

    const run = await runWatchdog('test-wd-lost', watchdogDeps({ now: anHourLater }));
    expect(run.counts.UPLOAD_NOT_IMPORTED).toBe(1);
    expect(run.redriven).toEqual({ uploads: 1, bankReports: 0, familyFiles: 0 });
    expect(invoked).toEqual([`khbs-ImportUpload ${key}`]);
    expect(await uploads.get(uploadId)).toMatchObject({ status: 'COMPLETED' });
    const lines = await reportLines(run.reportKey);
    const line = lines.find((candidate) => candidate.startsWith('UPLOAD_NOT_IMPORTED'))?.split(';');
    expect(line?.[9]).toBe(`s3://${config.uploadsBucket}/${key}`);
    expect(line?.[10]).toBe('Tidak ada catatan impor, dikirim ulang ke fungsi impor');

    // Imported now: the next run finds nothing lost and re-drives nothing.
    invoked.length = 0;
    const next = await runWatchdog('test-wd-lost-2', watchdogDeps({ now: anHourLater }));
    expect(next.counts.UPLOAD_NOT_IMPORTED).toBe(0);
    expect(next.redriven).toEqual({ uploads: 0, bankReports: 0, familyFiles: 0 });
    expect(invoked).toEqual([]);
  });

  it('re-drives a family file whose event was lost into the family import; an object no one asked for is not', async () => {
    const imports = new ImportsRepository(config.tableName);
    const importId = `lost-family-${Date.now()}`;
    const key = importObjectKey('PENGECUALIAN', importId, 'csv');
    await imports.createAwaiting(
      {
        importId,
        kind: 'PENGECUALIAN',
        region: '62.03',
        filename: 'pkh.csv',
        format: 'csv',
        status: 'AWAITING_FILE',
        createdAt: new Date().toISOString(),
        createdBy: { sub: 'operator-62.03', name: 'Operator 62.03', role: 'operator', region: '62.03' },
        s3Key: key,
        list: { programme: 'PKH', source: 'Dinsos Kapuas', asOf: '2026-09-30' },
        attempts: 0,
        rowsProcessed: 0,
        reasons: [],
      },
      new Date(Date.now() + 86_400_000),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: config.uploadsBucket,
        Key: key,
        Body: 'NIK;Nama\n6203011203850001;Warga\n',
      }),
    );
    const stray = importObjectKey('PENGECUALIAN', `stray-${Date.now()}`, 'csv');
    await s3.send(new PutObjectCommand({ Bucket: config.uploadsBucket, Key: stray, Body: 'NIK\n' }));

    const run = await runWatchdog('test-wd-family', watchdogDeps({ now: anHourLater }));
    expect(run.redriven).toEqual({ uploads: 0, bankReports: 0, familyFiles: 1 });
    expect(invoked).toEqual([`khbs-ImportFamilyFile ${key}`]);
    expect(await imports.get(importId)).toMatchObject({ status: 'COMPLETED', counts: { accepted: 1 } });
    await s3.send(new DeleteObjectCommand({ Bucket: config.uploadsBucket, Key: stray }));
  });

  it('re-drives a bank report whose event was lost into the bank report import', async () => {
    const key = `disbursements/2028-02-01/bkk-hilang-${Date.now()}.csv`;
    const body = bankReportCsv([
      {
        bankRef: 'WDLOST0001',
        noRekening: '1234567890',
        nik: '6203011234560001',
        nama: 'Penerima Uji',
        amount: 1_500_000,
        status: 'BERHASIL',
        date: '2028-02-01',
      },
    ]);
    await s3.send(new PutObjectCommand({ Bucket: config.uploadsBucket, Key: key, Body: body }));
    const bankReports = new BankReportsRepository(config.tableName);
    expect(await bankReports.getByKey(key)).toBeUndefined();

    const run = await runWatchdog('test-wd-bank', watchdogDeps({ now: anHourLater }));
    expect(run.redriven).toEqual({ uploads: 0, bankReports: 1, familyFiles: 0 });
    expect(invoked).toEqual([`khbs-ImportBankReport ${key}`]);
    expect(await bankReports.getByKey(key)).toMatchObject({ status: 'COMPLETED' });
  });

  it('leaves a file younger than the re-drive delay to its own S3 event', async () => {
    const key = `uploads/62.03/2028-S2/fresh-${Date.now()}.csv`;
    await s3.send(
      new PutObjectCommand({ Bucket: config.uploadsBucket, Key: key, Body: recipientCsv('62.03', 2, 631) }),
    );
    try {
      const run = await runWatchdog('test-wd-fresh', watchdogDeps());
      expect(run.counts.UPLOAD_NOT_IMPORTED).toBe(0);
      expect(invoked).toEqual([]);
      expect(run.checked.files).toBeGreaterThanOrEqual(3);
    } finally {
      await s3.send(new DeleteObjectCommand({ Bucket: config.uploadsBucket, Key: key }));
    }
  });

  it('reports an upload whose import ended FAILED, and does not re-drive it', async () => {
    const key = `uploads/62.03/2028-T1/failed-${Date.now()}.csv`;
    const out = await s3.send(
      new PutObjectCommand({ Bucket: config.uploadsBucket, Key: key, Body: recipientCsv('62.03', 3, 651) }),
    );
    const uploadId = key.split('/').at(-1)?.replace('.csv', '') ?? '';
    // The import stopped after its last allowed attempt: FAILED, with its reason.
    const claim = await uploads.claims.claim({
      id: uploadId,
      s3Key: key,
      etag: out.ETag ?? '',
      now: new Date(),
      leaseMs: 90_000,
      maxAttempts: 3,
      set: { uploadId, region: '62.03', period: '2028-T1', s3Key: key, startedAt: new Date().toISOString() },
      setIfAbsent: { createdAt: new Date().toISOString() },
      exhausted: () => ({ code: 'INTERNAL', message: 'not expected' }),
    });
    expect(claim.kind).toBe('claimed');
    await uploads.claims.finish(uploadId, 1, {
      status: 'FAILED',
      reasons: [{ code: 'INTERNAL', message: 'Impor berhenti setelah 3 percobaan: …' }],
    });
    try {
      const run = await runWatchdog('test-wd-failed', watchdogDeps({ now: anHourLater }));
      expect(run.counts.UPLOAD_NOT_IMPORTED).toBe(1);
      expect(run.redriven.uploads).toBe(0);
      expect(invoked).toEqual([]);
      expect(await uploads.get(uploadId)).toMatchObject({ status: 'FAILED', attempts: 1 });
      const line = (await reportLines(run.reportKey)).find((candidate) =>
        candidate.startsWith('UPLOAD_NOT_IMPORTED'),
      );
      expect(line?.split(';')[6]).toBe('FAILED');
    } finally {
      await s3.send(new DeleteObjectCommand({ Bucket: config.uploadsBucket, Key: key }));
    }
  });
});

describe('stuck proposals', () => {
  let proposalId: string;

  beforeAll(async () => {
    const list = await importList('62.01', '2028-S2', 2, 701);
    await moveTo(list.proposalId, 'SUBMITTED');
    proposalId = list.proposalId;
  }, 60_000);

  it('reports a proposal waiting in SUBMITTED for days, and re-sends nothing (hand-offs are transactional)', async () => {
    const before = await proposals.get(proposalId);
    const messagesBefore = await visibleMessages(config.checksQueueUrl ?? '');
    const run = await runWatchdog('test-wd-stuck', watchdogDeps({ now: tenDaysLater }));
    expect(run.counts.PROPOSAL_STUCK).toBe(1);
    const line = (await reportLines(run.reportKey))
      .find((candidate) => candidate.startsWith('PROPOSAL_STUCK'))
      ?.split(';');
    expect(line?.slice(2, 9)).toEqual([
      '62.01',
      '2028-S2',
      proposalId,
      '',
      'diajukan',
      before?.updatedAt.slice(0, 10),
      '10',
    ]);
    // Report only: no message on the checks queue, the proposal untouched.
    expect(await visibleMessages(config.checksQueueUrl ?? '')).toBe(messagesBefore);
    expect(await proposals.get(proposalId)).toEqual(before);
  });

  it('does not report it before stuckAfterDays', async () => {
    const run = await runWatchdog('test-wd-not-stuck', watchdogDeps());
    expect(run.counts.PROPOSAL_STUCK).toBe(0);
  });
});

describe('decree PDFs', () => {
  let open: { decreeId: string; pdfKey: string };
  let closed: { decreeId: string; pdfKey: string };

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

  beforeAll(async () => {
    // One decree still open, one paid in full and closed (DISBURSED) by the reconciliation.
    const lists = [
      await importList('62.03', '2029-S1', 3, 801),
      await importList('62.01', '2029-S1', 3, 821),
    ];
    const issued = [];
    for (const list of lists) {
      await moveTo(list.proposalId, 'DECREED');
      const decree = await issueDecreeFor(list);
      issued.push({ decreeId: decree.decreeId, pdfKey: decree.pdfKey ?? '', decree, list });
    }
    const [o, c] = issued as [(typeof issued)[0], (typeof issued)[0]];
    open = o;
    closed = c;
    const lines = (await payeesOf(c.list.proposalId, c.decree)).map((payee, index) => ({
      bankRef: `WDPAID${index}`,
      ...payee,
      status: 'BERHASIL' as const,
      date: '2029-07-01',
      nomorSk: c.decree.number,
    }));
    await deliver('disbursements/2029-07-01/bkk-lunas.csv', bankReportCsv(lines));
    const reconciled = await runReconciliation('test-wd-close', 'api', reconcileDependencies());
    expect(reconciled?.disbursed).toEqual([c.list.proposalId]);
  }, 120_000);

  it('checks the open decree, not the closed one, and finds nothing wrong with intact PDFs', async () => {
    const run = await runWatchdog('test-wd-pdf-ok', watchdogDeps());
    expect(run.checked.decreePdfs).toBe(1);
    expect(run.counts.DECREE_PDF_MISMATCH).toBe(0);
    expect(run.counts.DECREE_PDF_MISSING).toBe(0);
  });

  it('finds a decree PDF that was changed, then one that is gone; a closed decree is not read', async () => {
    for (const { pdfKey } of [open, closed]) {
      await s3.send(
        new PutObjectCommand({ Bucket: config.documentsBucket, Key: pdfKey, Body: '%PDF-1.7 tampered' }),
      );
    }
    const tampered = await runWatchdog('test-wd-pdf', watchdogDeps());
    expect(tampered.counts.DECREE_PDF_MISMATCH).toBe(1);
    const record = await decrees.get(open.decreeId);
    const line = (await reportLines(tampered.reportKey))
      .find((candidate) => candidate.startsWith('DECREE_PDF_MISMATCH'))
      ?.split(';');
    expect(line?.[5]).toBe(record?.number);
    expect(line?.[9]).toBe(`s3://${config.documentsBucket}/${open.pdfKey}`);
    expect(line?.[10]).toContain(`SHA-256 tercatat ${record?.sha256}`);

    await s3.send(new DeleteObjectCommand({ Bucket: config.documentsBucket, Key: open.pdfKey }));
    const gone = await runWatchdog('test-wd-pdf-2', watchdogDeps());
    expect(gone.counts.DECREE_PDF_MISSING).toBe(1);
    expect(gone.counts.DECREE_PDF_MISMATCH).toBe(0);
  });
});

describe('the run itself', () => {
  it('writes its JSON summary beside the CSV, and logs one line of counts without personal data', async () => {
    const info = vi.spyOn(logger, 'info');
    try {
      const run = await runWatchdog('test-wd-report', watchdogDeps({ now: tenDaysLater }));
      expect(run.reportKey).toBe('reports/watchdog/test-wd-report.csv');
      expect(run.jsonKey).toBe('reports/watchdog/test-wd-report.json');
      const json = JSON.parse(await readText(config.documentsBucket, run.jsonKey)) as Record<string, unknown>;
      expect(json).toEqual(JSON.parse(JSON.stringify(run)));
      const [header] = await reportLines(run.reportKey);
      expect(header).toBe('jenis;uraian;wilayah;periode;usulan;nomor_sk;status;sejak;hari;berkas;keterangan');
      const finished = info.mock.calls.filter(([message]) => message === 'Watchdog run finished');
      expect(finished).toHaveLength(1);
      expect(finished[0]?.[1]).toMatchObject({ runId: 'test-wd-report', counts: run.counts });
      // No NIK (16 digits) or account number in the line.
      expect(JSON.stringify(finished[0])).not.toMatch(/\d{10,}/);
    } finally {
      info.mockRestore();
    }
  });

  it('runs from the scheduled event, named after its hour', async () => {
    const event = {
      version: '0',
      id: 'wd-test',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: '2026-03-02T17:00:00Z',
      detail: {},
    };
    const summary = await handler(event, lambdaContext('khbs-Watchdog'));
    expect(summary.runId).toBe('hourly-2026-03-02-17');
    expect(await readText(config.documentsBucket, 'reports/watchdog/hourly-2026-03-02-17.json')).toContain(
      '"runId": "hourly-2026-03-02-17"',
    );
  });
});

async function visibleMessages(queueUrl: string): Promise<string | undefined> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return out.Attributes?.ApproximateNumberOfMessages;
}
