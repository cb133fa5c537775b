import type { ObjectStore } from '../adapters/object-store.ts';
import type { ImportLimits } from '../config/env.ts';
import { problemRow, type RowProblem } from '../domain/report.ts';
import { FIRST_PROBLEMS, type RowProblem as StoredProblem, type UploadCounts } from '../model.ts';
import type { CreatedObject } from '../queue/s3-worker.ts';
import { readCsvRecords } from './csv-records.ts';
import type { ReportWriter } from './report-writer.ts';
import { type RawRow, type RowLayout, toRows } from './rows.ts';
import { FileRejection, fileTooLarge, readMetered, type SourceRecord } from './source.ts';

/** What the caller made of one row: whether it was kept, and every problem found on it. */
export interface RowVerdict<C extends string> {
  readonly accepted: boolean;
  readonly problems: readonly RowProblem<C>[];
}

export interface RowFileOptions<C extends string> {
  readonly objects: Pick<ObjectStore, 'read'>;
  readonly limits: ImportLimits;
  readonly format: 'csv' | 'xlsx';
  readonly layout: RowLayout<C>;
  /** The error report: every problem becomes a line, labelled with the layout's column names. */
  readonly report: ReportWriter;
  /** Called every `progressEvery` rows with the rows read so far (renews the import's lease). */
  readonly heartbeat: (rows: number) => Promise<void>;
  readonly progressEvery?: number;
  /**
   * Rows handed to `onRow` before the first of them is accounted (1: one at a time). With more,
   * `onRow` must itself keep apart the rows that must not overlap (e.g. two lines of one family);
   * verdicts are still accounted, reported and counted in the file's order.
   */
  readonly inFlight?: number;
}

/** What a pass over a file found: counts, its first problems, and its SHA-256. */
export interface RowFileResult {
  readonly counts: UploadCounts;
  readonly problems: StoredProblem[];
  readonly sha256: string;
}

/**
 * One pass over an uploaded spreadsheet-like file, for every kind of import: the bytes metered
 * (size cap, SHA-256), CSV or XLSX records, the header found (`toRows`), each row handed to
 * `onRow` in order, its problems written to the operator's report and the first ones kept for the
 * import's page, the counts kept, the lease renewed as it goes. Memory: what `onRow` keeps.
 */
export class RowFile<C extends string> {
  readonly counts: UploadCounts = { rows: 0, accepted: 0, rejected: 0, warnings: 0 };
  readonly problems: StoredProblem[] = [];

  constructor(private readonly options: RowFileOptions<C>) {}

  async read(
    object: CreatedObject,
    onRow: (row: RawRow<C>) => Promise<RowVerdict<C>>,
  ): Promise<RowFileResult> {
    const { limits, objects, report, layout } = this.options;
    if (object.size > limits.maxFileBytes) throw fileTooLarge(limits.maxFileBytes);
    const metered = await readMetered(objects, object, limits.maxFileBytes);
    const records: AsyncIterable<SourceRecord & { sheet?: number }> =
      this.options.format === 'csv'
        ? readCsvRecords(metered, (delimiter) => report.useDelimiter(delimiter))
        : // Loaded when an XLSX file comes: ExcelJS is most of a bundle, and CSV imports need none of it.
          (await import('./xlsx-records.ts')).readXlsxRecords(metered, {
            maxUncompressedBytes: limits.xlsxMaxUncompressedBytes,
            maxRatio: limits.xlsxMaxRatio,
          });
    const progressEvery = this.options.progressEvery ?? 5_000;
    const inFlight = this.options.inFlight ?? 1;
    const pending: { sourceRow: number; verdict: Promise<RowVerdict<C>> }[] = [];
    const account = async () => {
      const head = pending.shift();
      if (!head) return;
      const verdict = await head.verdict;
      for (const problem of verdict.problems) await this.problem(head.sourceRow, problem);
      if (verdict.accepted) {
        this.counts.accepted++;
        if (verdict.problems.length > 0) this.counts.warnings++;
      } else this.counts.rejected++;
    };
    try {
      for await (const row of toRows(records, layout)) {
        this.counts.rows++;
        if (this.counts.rows > limits.maxRows) {
          throw new FileRejection(
            'TOO_MANY_ROWS',
            `Berkas berisi lebih dari ${limits.maxRows.toLocaleString('id-ID')} baris data. Periksa apakah ada baris kosong atau data ganda di bagian bawah lembar kerja.`,
          );
        }
        const verdict = onRow(row);
        // Observed at once: a row failing while an earlier one is awaited is not left unhandled.
        verdict.catch(() => undefined);
        pending.push({ sourceRow: row.sourceRow, verdict });
        if (pending.length >= inFlight) await account();
        if (this.counts.rows % progressEvery === 0) await this.options.heartbeat(this.counts.rows);
      }
      while (pending.length > 0) await account();
    } catch (error) {
      // Nothing left running behind the failure: the rows already started settle first.
      await Promise.allSettled(pending.map((entry) => entry.verdict));
      throw error;
    }
    return { counts: this.counts, problems: this.problems, sha256: metered.digest() };
  }

  /** A problem found after the pass (the cross-check of a whole file): reported like a row's. */
  async problem(sourceRow: number | null, problem: RowProblem<C>): Promise<void> {
    await this.options.report.addCells(problemRow(sourceRow, problem, this.options.layout.labels));
    if (this.problems.length < FIRST_PROBLEMS && sourceRow !== null) {
      const { column, code, severity, message } = problem;
      this.problems.push({ row: sourceRow, column, code, severity, message });
    }
  }
}
