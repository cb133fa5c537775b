import {
  type PaymentLine,
  type PaymentsRepository,
  TRANSACTION_LIMIT,
} from '#shared/adapters/payments-repo.ts';
import {
  type BankIssue,
  type BankRowResult,
  bankReportRow,
  compareWithRecorded,
  rowErrorLine,
} from '#shared/domain/bank-report.ts';
import type { ReportWriter } from '#shared/import/report-writer.ts';
import type { BankReportCounts, BankReportTotals } from '#shared/model.ts';

export interface PipelineOptions {
  /** Chunks (each one BatchGetItem + one TransactWriteItems of up to 100 lines) in flight at once. */
  readonly concurrency?: number;
  /** Lines to write per chunk (at most {@link TRANSACTION_LIMIT}). */
  readonly chunkSize?: number;
  /** Lines of any kind per chunk, so a long run of refused lines does not hold its notes forever. */
  readonly maxChunkLines?: number;
}

interface Note {
  readonly row: number;
  readonly issue: BankIssue;
}

/** How a line ended: recorded as a new payment, moved a recorded one's status, or not recorded. */
type Settled = 'stored' | 'moved' | 'duplicate' | 'conflict';

/** A line whose reference is recorded with a status it may move (`statusMove`). */
interface Move {
  readonly line: PaymentLine;
  readonly from: PaymentLine['status'];
}

/** The total a recorded line counts in, by its status. */
const STATUS_TOTAL = {
  BERHASIL: 'berhasil',
  GAGAL: 'gagal',
  RETUR: 'retur',
} as const satisfies Record<PaymentLine['status'], keyof BankReportTotals>;

/** Reads of a payment that moved meanwhile before a line gives up (moves only go forward: two at most). */
const MOVE_ATTEMPTS = 3;

/** A run of consecutive lines: the valid ones are stored together, the report lines come out together. */
class Chunk {
  readonly lines: PaymentLine[] = [];
  readonly notes: Note[] = [];
  readonly settled = new Map<string, Settled>();
  refused = 0;
  size = 0;
  done: Promise<void> | undefined;
}

/**
 * Stores the valid lines of one report and writes its error report, in file order, with bounded
 * memory and a bounded number of DynamoDB calls in flight.
 *
 * Lines are grouped in chunks of up to 100 valid lines. Per chunk: one strongly consistent
 * BatchGetItem finds references already recorded (by another report, or by an earlier attempt at
 * this one); the others go out in one TransactWriteItems whose puts are each conditional on the
 * reference being new, so two imports racing on the same reference cannot both record it, and the
 * first recording is never overwritten (a reference recorded meanwhile cancels the transaction,
 * which {@link PaymentsRepository.putNew} resolves). A recorded reference whose line only moves
 * its status as the bank may (BERHASIL → RETUR, GAGAL → BERHASIL: `statusMove`) is moved by a
 * conditional update on its current status that keeps the earlier status in its history
 * ({@link PaymentsRepository.moveStatus}); counted as stored. Up to `concurrency` chunks are in
 * flight; chunks are finished in file order, so counts and report lines are deterministic.
 *
 * A reference that appears again while an earlier line with it is still in flight waits for that
 * line's chunk to finish first, so the earlier row is always the one recorded.
 */
export class PaymentPipeline {
  readonly counts: BankReportCounts = { lines: 0, stored: 0, duplicates: 0, rejected: 0 };
  readonly totals: Required<BankReportTotals> = {
    berhasil: 0,
    gagal: 0,
    retur: 0,
    lines: { berhasil: 0, gagal: 0, retur: 0 },
  };
  private building = new Chunk();
  private readonly inFlight: Chunk[] = [];
  /** References of the chunk being built and of the chunks in flight → their chunk. */
  private readonly pending = new Map<string, Chunk>();
  private readonly concurrency: number;
  private readonly chunkSize: number;
  private readonly maxChunkLines: number;

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly report: ReportWriter,
    private readonly reportKey: string,
    private readonly storedAt: string,
    options: PipelineOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 8;
    this.chunkSize = Math.min(options.chunkSize ?? TRANSACTION_LIMIT, TRANSACTION_LIMIT);
    this.maxChunkLines = options.maxChunkLines ?? 1_000;
  }

  /** Takes one validated data line; resolves when the pipeline can take the next one. */
  async add(sourceRow: number, result: BankRowResult): Promise<void> {
    this.counts.lines++;
    const { payment } = result;
    if (!payment) {
      const line = rowErrorLine(result.errors);
      if (line) this.building.notes.push({ row: sourceRow, issue: line });
      this.building.refused++;
      this.building.size++;
      if (this.building.size >= this.maxChunkLines) await this.dispatch();
      return;
    }
    const earlier = this.pending.get(payment.bankRef);
    if (earlier) {
      if (earlier === this.building) await this.dispatch();
      while (this.inFlight.includes(earlier)) await this.finishOldest();
    }
    const chunk = this.building;
    for (const warning of result.warnings) chunk.notes.push({ row: sourceRow, issue: warning });
    chunk.lines.push({ ...payment, reportKey: this.reportKey, sourceRow });
    chunk.size++;
    this.pending.set(payment.bankRef, chunk);
    if (chunk.lines.length >= this.chunkSize || chunk.size >= this.maxChunkLines) await this.dispatch();
  }

  /** Stores what is left and writes every report line; throws the first storage failure. */
  async finish(): Promise<void> {
    await this.dispatch();
    while (this.inFlight.length > 0) await this.finishOldest();
  }

  private async dispatch(): Promise<void> {
    const chunk = this.building;
    if (chunk.size === 0) return;
    this.building = new Chunk();
    const done = this.store(chunk);
    // Awaited in order by finishOldest; a failure meanwhile must not count as unhandled.
    done.catch(() => {});
    chunk.done = done;
    this.inFlight.push(chunk);
    while (this.inFlight.length > this.concurrency) await this.finishOldest();
  }

  private async store(chunk: Chunk): Promise<void> {
    if (chunk.lines.length === 0) return;
    const recorded = await this.payments.getMany(chunk.lines.map((line) => line.bankRef));
    const fresh: PaymentLine[] = [];
    const moves: Move[] = [];
    for (const line of chunk.lines) {
      const existing = recorded.get(line.bankRef);
      if (existing) this.settle(chunk, line, existing, moves);
      else fresh.push(line);
    }
    const { written, taken } = await this.payments.putNew(fresh, this.storedAt);
    for (const line of written) chunk.settled.set(line.bankRef, 'stored');
    for (const line of fresh) {
      const existing = taken.get(line.bankRef);
      if (existing) this.settle(chunk, line, existing, moves);
    }
    await Promise.all(moves.map((move) => this.move(chunk, move)));
  }

  /**
   * A line whose reference is already recorded: this very line (an earlier attempt), the same
   * payment, a status move (added to `moves`), or a conflict.
   */
  private settle(chunk: Chunk, line: PaymentLine, existing: PaymentLine, moves: Move[]): void {
    const comparison = compareWithRecorded(line, existing);
    if (comparison.kind === 'own') {
      chunk.settled.set(line.bankRef, 'stored');
      return;
    }
    if (comparison.kind === 'move') {
      moves.push({ line, from: comparison.from });
      return;
    }
    chunk.settled.set(line.bankRef, comparison.kind);
    chunk.notes.push({ row: line.sourceRow, issue: comparison.issue });
  }

  /** Moves a recorded status; if it moved meanwhile, the line is compared again with what is recorded now. */
  private async move(chunk: Chunk, first: Move): Promise<void> {
    let move: Move | undefined = first;
    for (let attempt = 1; move; attempt++) {
      const result = await this.payments.moveStatus(move.line, move.from, this.storedAt);
      if (result.kind === 'moved') {
        chunk.settled.set(move.line.bankRef, 'moved');
        return;
      }
      if (!result.current) throw new Error(`payment ${move.line.bankRef} could not be read back`);
      if (attempt >= MOVE_ATTEMPTS) throw new Error(`payment ${move.line.bankRef} kept moving`);
      const again: Move[] = [];
      this.settle(chunk, move.line, result.current, again);
      move = again[0];
    }
  }

  /** Waits for the oldest chunk in flight, then counts it and writes its report lines in row order. */
  private async finishOldest(): Promise<void> {
    const chunk = this.inFlight.shift();
    if (!chunk) return;
    await chunk.done;
    this.counts.rejected += chunk.refused;
    for (const line of chunk.lines) {
      if (this.pending.get(line.bankRef) === chunk) this.pending.delete(line.bankRef);
      const settled = chunk.settled.get(line.bankRef);
      if (settled === 'stored' || settled === 'moved') {
        this.counts.stored++;
        // By the status this line gives the payment: a RETUR is money returned, not a failed transfer.
        const status = STATUS_TOTAL[line.status];
        this.totals[status] += line.amount;
        this.totals.lines[status] += 1;
      } else if (settled === 'duplicate') this.counts.duplicates++;
      else if (settled === 'conflict') this.counts.rejected++;
      else throw new Error(`payment line at row ${line.sourceRow} was not settled`);
    }
    // Stable: for one row, its validation warnings come before what storing it found.
    const notes = [...chunk.notes].sort((a, b) => a.row - b.row);
    for (const note of notes) await this.report.addCells(bankReportRow(note.row, note.issue));
  }
}
