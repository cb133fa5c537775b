import type { BankReportsRepository, PaymentsRepository } from '#shared/adapters/payments-repo.ts';
import { type BankReportKey, bankErrorReportKey } from '#shared/adapters/storage-keys.ts';
import { BANK_LAYOUT, type BankIssue, bankReportRow, validateBankRow } from '#shared/domain/bank-report.ts';
import { readCsvRecords } from '#shared/import/csv-records.ts';
import {
  type FileImportDeps,
  type FileImportOutcome,
  type ImportBody,
  type LeasedAttempt,
  runLeasedImport,
} from '#shared/import/leased-import.ts';
import { ReportWriter } from '#shared/import/report-writer.ts';
import { toRows } from '#shared/import/rows.ts';
import { FileRejection, fileTooLarge, readMetered } from '#shared/import/source.ts';
import { logger } from '#shared/logger.ts';
import type { BankReportRecord, FileIssue } from '#shared/model.ts';
import type { CreatedObject } from '#shared/queue/s3-worker.ts';
import { PaymentPipeline, type PipelineOptions } from './payment-pipeline.ts';

export interface BankImportDeps extends FileImportDeps {
  readonly reports: BankReportsRepository;
  readonly payments: PaymentsRepository;
  /** Largest report read (`MAX_FILE_BYTES`), checked from the event and again while streaming. */
  readonly maxFileBytes: number;
  readonly pipeline?: PipelineOptions;
}

export type BankImportOutcome =
  | FileImportOutcome<'key', BankReportRecord>
  /**
   * Another version (other bytes) of a COMPLETED report arrived at its key: not read, noted on the
   * record's `redeliveries` (`noted` false when this version was already noted, or the record moved on).
   */
  | {
      readonly kind: 'different-version';
      readonly key: string;
      readonly status: string;
      readonly etag: string;
      readonly noted: boolean;
    };

/**
 * Imports one bank disbursement report (`disbursements/<yyyy-mm-dd>/<file>.csv`).
 *
 * Primary course: claim the report's record → stream the CSV, find the header, validate every
 * line → store each valid line under its bank reference (see {@link PaymentPipeline}) and write
 * each problem to the error report → close the record with counts and totals. The claim, the lease
 * and the fenced closing write are the leased import engine's ({@link runLeasedImport}).
 *
 * Idempotent: a repeated event finds the record closed and changes nothing (the same bytes under
 * another ETag too); another version put at a completed report's key is noted on its record, not
 * read (see {@link notClaimed}); a reference already
 * recorded (by another report, or twice in this one) is counted once, and one recorded with other
 * content stays as it was; a crashed attempt leaves lines that the retry recognises as its own.
 */
export function importBankReport(object: CreatedObject, deps: BankImportDeps): Promise<BankImportOutcome> {
  return runLeasedImport(deps.reports.claims, object, {
    // Counts and totals start again at zero: a retry counts every line again.
    fields: (key) => ({
      set: {
        key: key.key,
        reportDate: key.reportDate,
        counts: { lines: 0, stored: 0, duplicates: 0, rejected: 0 },
        totals: { berhasil: 0, gagal: 0, retur: 0, lines: { berhasil: 0, gagal: 0, retur: 0 } },
      },
    }),
    now: deps.now,
    retryAdvice:
      'minta Bank Kalteng mengirim ulang laporan dengan nama berkas lain; bila impor berhenti lagi, hubungi admin.',
    notClaimed: (claim, _key, at) => {
      // Closed FAILED by this claim (the last attempt died): nothing else to note.
      if (claim.kind !== 'closed') {
        return Promise.resolve({ kind: 'duplicate-event', key: object.key, status: claim.record.status });
      }
      return notClaimed(object, claim.record, at, deps);
    },
    start: (attempt, key) => new Attempt(object, key, attempt, deps),
  });
}

/**
 * An event for a report whose record is closed for this object: a repeated event, the same bytes
 * put again, or another version of a completed report.
 *
 * A report's payment lines are keyed by bank reference and its first recording stays, so a second
 * version at a key already COMPLETED is never read (importing it would either silently mix two
 * versions under one record or overwrite what was counted). It is not ignored either: when its
 * ETag differs, the bytes now at the key are hashed, and if they are not the ones imported (another
 * SHA-256) the version is noted on the record (`redeliveries`: its ETag, size, SHA-256, event time,
 * when seen, and a message in Bahasa Indonesia), once per ETag, with a warning in the logs (key,
 * ETags, sizes; no content). The record keeps status COMPLETED and its counts: the operator or
 * auditor reading it sees that the bank sent something else under the same name, and a correction
 * must come under another file name. The same bytes under another ETag (a multipart upload of the
 * same file) stay a quiet duplicate, as does a repeated event. A REJECTED or FAILED record is
 * claimed again by a new version (the leased import's `reopenOnNewObject`), so it never gets here.
 */
async function notClaimed(
  object: CreatedObject,
  record: BankReportRecord,
  at: Date,
  deps: BankImportDeps,
): Promise<BankImportOutcome> {
  const { status } = record;
  const etag = object.etag.replaceAll('"', '');
  const otherEtag = record.etag !== undefined && record.etag !== etag;
  if (!otherEtag || status !== 'COMPLETED') {
    await deps.reports.noteDuplicateEvent(object.key, at);
    logger.info('Duplicate bank report event ignored', { key: object.key, status });
    return { kind: 'duplicate-event', key: object.key, status };
  }
  let current: { sha256: string; bytes: number } | undefined;
  try {
    // A file over the limit cannot be the one imported: not read at all.
    if (object.size <= deps.maxFileBytes) current = await deps.objects.sha256(object.bucket, object.key);
  } catch (error) {
    // Deleted or unreadable meanwhile: noted all the same, without a hash (its ETag differs).
    logger.warn('Could not read a bank report put again at a known key', { key: object.key, error });
  }
  if (current && current.sha256 === record.sha256) {
    await deps.reports.noteDuplicateEvent(object.key, at);
    logger.info('Same bank report bytes put again under another ETag: duplicate', { key: object.key });
    return { kind: 'duplicate-event', key: object.key, status };
  }
  const noted = await deps.reports.noteRedelivery(object.key, {
    etag,
    sizeBytes: object.size,
    sha256: current?.sha256,
    eventTime: object.eventTime,
    seenAt: at.toISOString(),
    message:
      `Versi lain laporan ini diterima dengan nama berkas yang sama (${object.size} byte) setelah laporan pertama selesai diimpor; ` +
      'isinya tidak dibaca dan baris pembayaran dari laporan pertama tetap berlaku. ' +
      'Bila ini koreksi, minta Bank Kalteng mengirimkannya dengan nama berkas lain.',
  });
  logger.warn('A different version of an imported bank report arrived at its key: noted, not read', {
    key: object.key,
    importedEtag: record.etag,
    etag,
    importedBytes: record.sizeBytes,
    bytes: object.size,
    noted,
  });
  return { kind: 'different-version', key: object.key, status, etag, noted: noted === 'noted' };
}

/** One attempt at one report: the state the steps share. */
class Attempt implements ImportBody<BankReportRecord, BankImportOutcome> {
  private readonly report: ReportWriter;
  private readonly pipeline: PipelineOptions | undefined;
  private lines: PaymentPipeline | undefined;

  constructor(
    private readonly object: CreatedObject,
    private readonly key: BankReportKey,
    private readonly lease: LeasedAttempt<BankReportRecord>,
    private readonly deps: BankImportDeps,
  ) {
    this.pipeline = deps.pipeline;
    this.report = new ReportWriter(() =>
      deps.objects.openWrite(deps.documentsBucket, this.reportKey, 'text/csv; charset=utf-8'),
    );
  }

  private get reportKey(): string {
    return bankErrorReportKey(this.key);
  }

  progress(): number {
    return this.lines?.counts.lines ?? 0;
  }

  async run(): Promise<BankImportOutcome> {
    if (this.key.extension !== 'csv') {
      throw new FileRejection(
        'FORMAT_UNSUPPORTED',
        `Berkas ${this.key.extension ? `.${this.key.extension}` : 'tanpa ekstensi'} tidak didukung untuk laporan penyaluran. Simpan laporan bank sebagai .csv.`,
      );
    }
    if (this.object.size > this.deps.maxFileBytes) throw fileTooLarge(this.deps.maxFileBytes);
    const metered = await readMetered(this.deps.objects, this.object, this.deps.maxFileBytes);

    const pipeline = new PaymentPipeline(
      this.deps.payments,
      this.report,
      this.object.key,
      this.lease.started.toISOString(),
      this.pipeline,
    );
    this.lines = pipeline;
    const progressEvery = this.deps.progressEvery ?? 5_000;
    const records = readCsvRecords(metered, (delimiter) => this.report.useDelimiter(delimiter));
    for await (const { sourceRow, raw } of toRows(records, BANK_LAYOUT)) {
      await pipeline.add(sourceRow, validateBankRow(raw));
      if (pipeline.counts.lines % progressEvery === 0) await this.lease.heartbeat(pipeline.counts.lines);
    }
    await pipeline.finish();
    const sha256 = metered.digest();
    const { counts } = pipeline;
    if (counts.stored + counts.duplicates === 0) {
      return this.reject([
        {
          code: 'NO_VALID_ROWS',
          message:
            counts.lines === 0
              ? 'Laporan tidak berisi baris transaksi di bawah baris judul kolom.'
              : 'Tidak ada baris transaksi yang dapat dicatat. Periksa baris-baris pada laporan kesalahan, lalu minta laporan yang benar dari Bank Kalteng.',
        },
      ]);
    }
    const hasReport = await this.report.close();
    const fields = this.closing({
      status: 'COMPLETED',
      sha256,
      reportKey: hasReport ? this.reportKey : undefined,
    });
    await this.lease.finish(fields);
    logger.info('Bank report imported', {
      key: this.object.key,
      ...counts,
      berhasil: pipeline.totals.berhasil,
      gagal: pipeline.totals.gagal,
      retur: pipeline.totals.retur,
      durationMs: fields.durationMs,
    });
    return { kind: 'completed', key: this.object.key, record: fields };
  }

  /**
   * Refuses the report as a whole, with its reasons in the record and at the end of the error
   * report. Lines stored before the problem was found stay: each is a real payment, recorded once,
   * and a corrected report will find them already there.
   */
  async reject(reasons: FileIssue[]): Promise<BankImportOutcome> {
    await this.lines?.finish();
    let reportKey: string | undefined;
    if (this.key.extension === 'csv') {
      for (const reason of reasons) {
        const issue: BankIssue = {
          column: null,
          code: reason.code as BankIssue['code'],
          severity: 'error',
          message: reason.message,
        };
        await this.report.addCells(bankReportRow(null, issue));
      }
      if (await this.report.close()) reportKey = this.reportKey;
    }
    await this.lease.finish(this.closing({ status: 'REJECTED', reasons, reportKey }));
    logger.info('Bank report rejected', {
      key: this.object.key,
      codes: reasons.map((reason) => reason.code),
    });
    return { kind: 'rejected', key: this.object.key, reasons };
  }

  /** The closing fields of the record: counts and totals so far, timings, and `fields`. */
  closing(fields: Partial<BankReportRecord> = {}): Partial<BankReportRecord> {
    return {
      ...(this.lines
        ? { counts: this.lines.counts, totals: this.lines.totals, linesProcessed: this.lines.counts.lines }
        : {}),
      ...fields,
      ...this.lease.timing(),
    };
  }
}
