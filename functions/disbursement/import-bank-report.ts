import type { ObjectStore } from '#shared/adapters/object-store.ts';
import type { BankReportsRepository, PaymentsRepository } from '#shared/adapters/payments-repo.ts';
import { type BankIssue, bankReportRow, validateBankRow } from '#shared/domain/bank-report.ts';
import { readCsvRecords } from '#shared/import/csv-records.ts';
import { ReportWriter } from '#shared/import/report-writer.ts';
import { FileRejection, fileTooLarge, MeteredStream } from '#shared/import/source.ts';
import { logger } from '#shared/logger.ts';
import type { BankReportRecord, FileIssue } from '#shared/model.ts';
import { bankRows } from './bank-rows.ts';
import { PaymentPipeline, type PipelineOptions } from './payment-pipeline.ts';
import { type BankReportKey, bankErrorReportKey, parseBankReportKey } from './s3-key.ts';

/** One object-created notification, as the handler extracts it from the S3 event. */
export interface BankReportObject {
  readonly bucket: string;
  readonly key: string;
  readonly etag: string;
  readonly size: number;
  readonly eventTime: string;
}

export interface BankImportDeps {
  readonly reports: BankReportsRepository;
  readonly payments: PaymentsRepository;
  readonly objects: ObjectStore;
  readonly documentsBucket: string;
  /** Largest report read (`MAX_FILE_BYTES`), checked from the event and again while streaming. */
  readonly maxFileBytes: number;
  readonly now?: () => Date;
  /** Lines between progress writes (and lease renewals). */
  readonly progressEvery?: number;
  readonly pipeline?: PipelineOptions;
}

export type BankImportOutcome =
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'duplicate-event'; readonly key: string; readonly status: string }
  | { readonly kind: 'completed'; readonly key: string; readonly record: Partial<BankReportRecord> }
  | { readonly kind: 'rejected'; readonly key: string; readonly reasons: FileIssue[] };

/** Another attempt holds a live lease on this report: fail so Lambda retries later. */
export class BankReportBusyError extends Error {
  constructor(key: string) {
    super(`bank report ${key} is being processed by another attempt`);
    this.name = 'BankReportBusyError';
  }
}

/** How long an attempt owns a report without renewing (renewed with every progress write). */
export const LEASE_MS = 90_000;
/** Lambda's asynchronous invocation makes three attempts in all; the last one records FAILED. */
export const FINAL_ATTEMPT = 3;

/**
 * Imports one bank disbursement report (`disbursements/<yyyy-mm-dd>/<file>.csv`).
 *
 * Primary course: claim the report's record → stream the CSV, find the header, validate every
 * line → store each valid line under its bank reference (see {@link PaymentPipeline}) and write
 * each problem to the error report → close the record with counts and totals.
 *
 * Idempotent: a repeated event finds the record closed and changes nothing; a reference already
 * recorded (by another report, or twice in this one) is counted once, and one recorded with other
 * content stays as it was; a crashed attempt leaves lines that the retry recognises as its own.
 */
export async function importBankReport(
  object: BankReportObject,
  deps: BankImportDeps,
): Promise<BankImportOutcome> {
  const key = parseBankReportKey(object.key);
  if (!key) {
    logger.warn('Ignoring object with a malformed bank report key', { key: object.key });
    return { kind: 'ignored', reason: 'malformed key' };
  }
  const now = deps.now ?? (() => new Date());
  const started = now();
  // Notifications carry the ETag bare, listings quoted: compare them bare.
  const etag = object.etag.replaceAll('"', '');
  const claim = await deps.reports.claim({
    key: object.key,
    reportDate: key.reportDate,
    etag,
    sizeBytes: object.size,
    now: started,
    leaseMs: LEASE_MS,
  });
  if (!claim.claimed) {
    const status = claim.existing?.status ?? 'unknown';
    if (status === 'PROCESSING') throw new BankReportBusyError(object.key);
    const changed = claim.existing?.etag !== undefined && claim.existing.etag !== etag;
    await deps.reports.noteDuplicateEvent(object.key, started, changed ? etag : undefined);
    if (changed) {
      logger.warn('A different object at a bank report key already imported was not read', {
        key: object.key,
        status,
      });
    } else {
      logger.info('Duplicate bank report event ignored', { key: object.key, status });
    }
    return { kind: 'duplicate-event', key: object.key, status };
  }

  const attempt = new Attempt(object, key, claim.attempt, deps, now, started);
  try {
    if (key.extension !== 'csv') {
      throw new FileRejection(
        'FORMAT_UNSUPPORTED',
        `Berkas ${key.extension ? `.${key.extension}` : 'tanpa ekstensi'} tidak didukung untuk laporan penyaluran. Simpan laporan bank sebagai .csv.`,
      );
    }
    return await attempt.run();
  } catch (error) {
    try {
      if (error instanceof FileRejection)
        return await attempt.reject([{ code: error.code, message: error.message }]);
    } catch (closing) {
      await attempt.fail(closing);
      throw closing;
    }
    await attempt.fail(error);
    throw error;
  }
}

/** One attempt at one report: the state the steps share. */
class Attempt {
  private readonly report: ReportWriter;
  private readonly pipeline: PipelineOptions | undefined;
  private lines: PaymentPipeline | undefined;

  constructor(
    private readonly object: BankReportObject,
    private readonly key: BankReportKey,
    private readonly attempt: number,
    private readonly deps: BankImportDeps,
    private readonly now: () => Date,
    private readonly started: Date,
  ) {
    this.pipeline = deps.pipeline;
    this.report = new ReportWriter(() =>
      deps.objects.openWrite(deps.documentsBucket, this.reportKey, 'text/csv; charset=utf-8'),
    );
  }

  private get reportKey(): string {
    return bankErrorReportKey(this.key);
  }

  async run(): Promise<BankImportOutcome> {
    if (this.object.size > this.deps.maxFileBytes) throw fileTooLarge(this.deps.maxFileBytes);
    const metered = new MeteredStream(this.deps.maxFileBytes);
    const body = await this.deps.objects.read(this.object.bucket, this.object.key);
    body.on('error', (error) => metered.destroy(error));
    // Reading may stop early (a refused report): stop downloading the object too.
    metered.on('close', () => body.destroy());
    body.pipe(metered);

    const pipeline = new PaymentPipeline(
      this.deps.payments,
      this.report,
      this.object.key,
      this.started.toISOString(),
      this.pipeline,
    );
    this.lines = pipeline;
    const progressEvery = this.deps.progressEvery ?? 5_000;
    const records = readCsvRecords(metered, (delimiter) => this.report.useDelimiter(delimiter));
    for await (const { sourceRow, raw } of bankRows(records)) {
      await pipeline.add(sourceRow, validateBankRow(raw));
      if (pipeline.counts.lines % progressEvery === 0) {
        await this.deps.reports.heartbeat(
          this.object.key,
          this.attempt,
          pipeline.counts.lines,
          Date.now() + LEASE_MS,
        );
      }
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
    await this.deps.reports.finish(this.object.key, this.attempt, fields);
    logger.info('Bank report imported', {
      key: this.object.key,
      ...counts,
      berhasil: pipeline.totals.berhasil,
      gagal: pipeline.totals.gagal,
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
    await this.deps.reports.finish(
      this.object.key,
      this.attempt,
      this.closing({ status: 'REJECTED', reasons, reportKey }),
    );
    logger.info('Bank report rejected', {
      key: this.object.key,
      codes: reasons.map((reason) => reason.code),
    });
    return { kind: 'rejected', key: this.object.key, reasons };
  }

  /** An unexpected failure: release the lease for Lambda's retry, or record FAILED on the last attempt. */
  async fail(error: unknown): Promise<void> {
    logger.error('Bank report import failed', { key: this.object.key, attempt: this.attempt, error });
    try {
      if (this.attempt >= FINAL_ATTEMPT) {
        await this.deps.reports.finish(
          this.object.key,
          this.attempt,
          this.closing({
            status: 'FAILED',
            reasons: [
              {
                code: 'INTERNAL',
                message:
                  'Terjadi gangguan sistem saat memproses laporan bank. Tim teknis sudah diberi tahu; laporan tidak perlu dikirim ulang.',
              },
            ],
          }),
        );
      } else {
        await this.deps.reports.heartbeat(this.object.key, this.attempt, this.lines?.counts.lines ?? 0, 0);
      }
    } catch (cleanup) {
      logger.warn('Could not record the failure on the bank report', {
        key: this.object.key,
        error: cleanup,
      });
    }
  }

  /** The closing fields of the record: counts and totals so far, timings, and `fields`. */
  private closing(fields: Partial<BankReportRecord>): Partial<BankReportRecord> {
    const finishedAt = this.now();
    return {
      ...(this.lines
        ? { counts: this.lines.counts, totals: this.lines.totals, linesProcessed: this.lines.counts.lines }
        : {}),
      ...fields,
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - this.started.getTime(),
    };
  }
}
