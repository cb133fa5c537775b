import type { BankReportsRepository, PaymentsRepository } from '#shared/adapters/payments-repo.ts';
import { type BankReportKey, bankErrorReportKey } from '#shared/adapters/storage-keys.ts';
import { type BankIssue, bankReportRow, validateBankRow } from '#shared/domain/bank-report.ts';
import { readCsvRecords } from '#shared/import/csv-records.ts';
import {
  type FileImportDeps,
  type FileImportOutcome,
  type ImportBody,
  type LeasedAttempt,
  runLeasedImport,
} from '#shared/import/leased-import.ts';
import { ReportWriter } from '#shared/import/report-writer.ts';
import { FileRejection, fileTooLarge, readMetered } from '#shared/import/source.ts';
import { logger } from '#shared/logger.ts';
import type { BankReportRecord, FileIssue } from '#shared/model.ts';
import type { CreatedObject } from '#shared/queue/s3-worker.ts';
import { bankRows } from './bank-rows.ts';
import { PaymentPipeline, type PipelineOptions } from './payment-pipeline.ts';

export interface BankImportDeps extends FileImportDeps {
  readonly reports: BankReportsRepository;
  readonly payments: PaymentsRepository;
  /** Largest report read (`MAX_FILE_BYTES`), checked from the event and again while streaming. */
  readonly maxFileBytes: number;
  readonly pipeline?: PipelineOptions;
}

export type BankImportOutcome = FileImportOutcome<'key', BankReportRecord>;

/**
 * Imports one bank disbursement report (`disbursements/<yyyy-mm-dd>/<file>.csv`).
 *
 * Primary course: claim the report's record → stream the CSV, find the header, validate every
 * line → store each valid line under its bank reference (see {@link PaymentPipeline}) and write
 * each problem to the error report → close the record with counts and totals. The claim, the lease
 * and the fenced closing write are the leased import engine's ({@link runLeasedImport}).
 *
 * Idempotent: a repeated event finds the record closed and changes nothing; a reference already
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
    notClaimed: async (claim, _key, at) => {
      const { status } = claim.record;
      const etag = object.etag.replaceAll('"', '');
      const changed = claim.record.etag !== undefined && claim.record.etag !== etag;
      if (claim.kind === 'closed') {
        await deps.reports.noteDuplicateEvent(object.key, at, changed ? etag : undefined);
      }
      if (changed) {
        logger.warn('A different object at a bank report key already imported was not read', {
          key: object.key,
          status,
        });
      } else {
        logger.info('Duplicate bank report event ignored', { key: object.key, status });
      }
      return { kind: 'duplicate-event', key: object.key, status };
    },
    start: (attempt, key) => new Attempt(object, key, attempt, deps),
  });
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
    for await (const { sourceRow, raw } of bankRows(records)) {
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
