import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { type Stringifier, stringify } from 'csv-stringify';
import type { Issue } from '../domain/issues.ts';
import { REPORT_COLUMNS, reportRow, safeCell } from '../domain/report.ts';

export interface ReportTarget {
  readonly stream: Writable;
  readonly done: () => Promise<void>;
}

/**
 * The operator's error report: CSV with a UTF-8 BOM (so Excel shows Indonesian text correctly), in
 * the delimiter the operator's own Excel uses, one line per problem, every cell formula-safe. The
 * target is opened on the first problem only, so a clean file gets no empty report.
 */
export class ReportWriter {
  private csv: Stringifier | undefined;
  private target: ReportTarget | undefined;
  lines = 0;

  constructor(
    private readonly open: () => ReportTarget,
    private delimiter: ',' | ';' = ';',
  ) {}

  /** Set once the input's delimiter is known, before the first line. */
  useDelimiter(delimiter: ',' | ';'): void {
    if (!this.csv) this.delimiter = delimiter;
  }

  async add(sourceRow: number | null, issue: Issue): Promise<void> {
    await this.write(reportRow(sourceRow, issue));
  }

  /**
   * A line already in the report's columns, for imports whose problems are not recipient `Issue`s
   * (the bank report). Every cell is made formula-safe here too.
   */
  async addCells(cells: readonly string[]): Promise<void> {
    await this.write(cells.map(safeCell));
  }

  /** Finishes the object; true when a report was written. */
  async close(): Promise<boolean> {
    if (!this.csv || !this.target) return false;
    this.csv.end();
    await this.target.done();
    return true;
  }

  private async write(cells: string[]): Promise<void> {
    const csv = this.csv ?? this.start();
    this.lines++;
    if (!csv.write(cells)) await once(csv, 'drain');
  }

  private start(): Stringifier {
    this.target = this.open();
    const csv = stringify({
      delimiter: this.delimiter,
      bom: true,
      record_delimiter: 'windows',
      quoted_string: false,
    });
    csv.pipe(this.target.stream);
    csv.write([...REPORT_COLUMNS]);
    this.csv = csv;
    return csv;
  }
}
