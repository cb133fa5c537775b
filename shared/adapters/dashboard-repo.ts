import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  DASHBOARD_COUNTERS,
  type DashboardCounter,
  type DashboardDelta,
  type DesaCounts,
  deltasByDesa,
} from '../domain/family/dashboard.ts';
import { jitteredBackoff } from './backoff.ts';
import { documentClient } from './clients/dynamodb.ts';
import { dashboardDesaKey, dashboardPartition } from './keys.ts';
import { queryItems } from './partitions.ts';
import type { TransactItem } from './transactions.ts';

/**
 * One row's conditional move and what it adds to its desa's counters. `key` names the row: a batch
 * never holds two moves of one row (a transaction may not touch an item twice).
 */
export interface CountedMove<T = unknown> {
  readonly key: string;
  /** Other items the move writes that another move might too (an account number's owner). */
  readonly also?: readonly string[];
  readonly items: readonly TransactItem[];
  readonly tahapId: string;
  readonly desaCode: string;
  readonly delta: DashboardDelta;
  /** The caller's own facts of the move (what it reports once committed). */
  readonly payload: T;
}

/** A transaction holds at most 100 actions. */
const MAX_ACTIONS = 100;
/** Tries of one transaction that another transaction got in the way of (no condition lost). */
const CONFLICT_TRIES = 8;

/**
 * The dashboards' counters (`keys.ts`, dashboards): per tahap and desa, moved only in the same
 * TransactWriteItems as the conditional moves of the rows they count, one ADD per desa the batch
 * touches with the batch's sum. A batch that is retried or a file imported again finds its rows
 * moved already (their conditions fail, or the writer decides they are unchanged) and so moves no
 * counter twice; 60,000 handovers are ~2,000 transactions, each adding once per desa.
 */
export class DashboardRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  /** The counter updates of a batch's moves, one per desa. */
  counterItems(moves: readonly Pick<CountedMove, 'tahapId' | 'desaCode' | 'delta'>[]): TransactItem[] {
    return deltasByDesa(moves).map(({ tahapId, desaCode, delta }) => {
      const counters = DASHBOARD_COUNTERS.filter((counter) => (delta[counter] ?? 0) !== 0);
      return {
        Update: {
          TableName: this.tableName,
          Key: dashboardDesaKey(tahapId, desaCode),
          UpdateExpression: `SET desaCode = :desa ADD ${counters.map((c) => `#${c} :${c}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(counters.map((c) => [`#${c}`, c])),
          ExpressionAttributeValues: {
            ':desa': desaCode,
            ...Object.fromEntries(counters.map((c) => [`:${c}`, delta[c]])),
          },
        },
      };
    });
  }

  /**
   * Commits moves in as few transactions as fit (each with its desa's counter updates): `committed`
   * moved with their counts; `lost` lost their condition (the row moved meanwhile: the caller reads
   * it again and decides again) and moved nothing, counters included.
   */
  async commit<T>(
    moves: readonly CountedMove<T>[],
  ): Promise<{ committed: CountedMove<T>[]; lost: CountedMove<T>[] }> {
    const committed: CountedMove<T>[] = [];
    const lost: CountedMove<T>[] = [];
    for (const batch of this.pack(moves)) {
      let pending = batch;
      for (let attempt = 1; pending.length > 0; attempt++) {
        const outcome = await this.transact(pending);
        if (outcome.kind === 'written') {
          committed.push(...pending);
          break;
        }
        if (outcome.kind === 'lost') {
          lost.push(...pending.filter((_, index) => outcome.moves.has(index)));
          pending = pending.filter((_, index) => !outcome.moves.has(index));
          continue;
        }
        if (attempt >= CONFLICT_TRIES)
          throw new Error('dashboard: a batch kept conflicting with other writes');
        await jitteredBackoff(attempt, 25, 1_000);
      }
    }
    return { committed, lost };
  }

  /**
   * Sets a desa's decreed families (SET, not ADD: the opening counts its whole list each time it
   * runs, so a resumed or redelivered opening writes the same numbers).
   */
  async setDecreed(tahapId: string, decreed: ReadonlyMap<string, number>): Promise<void> {
    const entries = [...decreed.entries()];
    for (let start = 0; start < entries.length; start += 16) {
      await Promise.all(
        entries.slice(start, start + 16).map(([desaCode, count]) =>
          this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: dashboardDesaKey(tahapId, desaCode),
              UpdateExpression: 'SET desaCode = :desa, decreed = :n',
              ExpressionAttributeValues: { ':desa': desaCode, ':n': count },
            }),
          ),
        ),
      );
    }
  }

  /** A tahap's desa counters, of one kabupaten or all (one Query, no scan). */
  async desaCounts(tahapId: string, region?: string): Promise<DesaCounts[]> {
    const rows: DesaCounts[] = [];
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :desa)',
      ExpressionAttributeValues: {
        ':pk': dashboardPartition(tahapId),
        ':desa': region ? `DESA#${region}.` : 'DESA#',
      },
    })) {
      const counts: Partial<Record<DashboardCounter, number>> = {};
      for (const counter of DASHBOARD_COUNTERS) {
        if (item[counter] !== undefined) counts[counter] = Number(item[counter]);
      }
      rows.push({ desaCode: String(item.sk).slice('DESA#'.length), counts });
    }
    return rows;
  }

  /** Moves packed in order into transactions of at most 100 actions, no row twice in one. */
  private pack<T>(moves: readonly CountedMove<T>[]): CountedMove<T>[][] {
    const batches: CountedMove<T>[][] = [];
    let batch: CountedMove<T>[] = [];
    let actions = 0;
    const places = new Set<string>();
    const keys = new Set<string>();
    for (const move of moves) {
      const place = `${move.tahapId}#${move.desaCode}`;
      const needs = move.items.length + (places.has(place) ? 0 : 1);
      const names = [move.key, ...(move.also ?? [])];
      if (batch.length > 0 && (actions + needs > MAX_ACTIONS || names.some((name) => keys.has(name)))) {
        batches.push(batch);
        batch = [];
        actions = 0;
        places.clear();
        keys.clear();
      }
      batch.push(move);
      for (const name of names) keys.add(name);
      actions += move.items.length + (places.has(place) ? 0 : 1);
      places.add(place);
    }
    if (batch.length > 0) batches.push(batch);
    return batches;
  }

  private async transact<T>(
    moves: readonly CountedMove<T>[],
  ): Promise<{ kind: 'written' } | { kind: 'lost'; moves: Set<number> } | { kind: 'conflict' }> {
    const owner: number[] = [];
    const items: TransactItem[] = [];
    moves.forEach((move, index) => {
      for (const item of move.items) {
        items.push(item);
        owner.push(index);
      }
    });
    items.push(...this.counterItems(moves));
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return { kind: 'written' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const failed = new Set<number>();
      (error.CancellationReasons ?? []).forEach((reason, index) => {
        const move = owner[index];
        if (reason.Code === 'ConditionalCheckFailed' && move !== undefined) failed.add(move);
      });
      return failed.size > 0 ? { kind: 'lost', moves: failed } : { kind: 'conflict' };
    }
  }
}

/**
 * Moves collected row by row (an import) and committed a batch at a time. A move lost to another
 * writer is handed to `redo`, which reads the row again and decides again (a new move, or nothing:
 * the row is now as the other writer left it).
 *
 * Rows may be judged several at once (an import's `inFlight`): flushes run one after another, each
 * taking the moves that wait when it starts, and a move being committed still counts as held, so a
 * later row of the same key flushes (waits for it) before it reads.
 */
export class CountedBatch<T> {
  private pending: CountedMove<T>[] = [];
  private committing: readonly CountedMove<T>[] = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repo: Pick<DashboardRepository, 'commit'>,
    private readonly options: {
      /** Moves per flush (a few transactions' worth). */
      readonly size: number;
      readonly redo: (move: CountedMove<T>) => Promise<CountedMove<T> | undefined>;
      readonly committed?: (move: CountedMove<T>) => void;
    },
  ) {}

  /** Whether a move of this row waits in the batch or is being committed (its row read may be stale: flush first). */
  holds(key: string): boolean {
    const names = (move: CountedMove<T>) => move.key === key || (move.also ?? []).includes(key);
    return this.pending.some(names) || this.committing.some(names);
  }

  async add(move: CountedMove<T>): Promise<void> {
    if ([move.key, ...(move.also ?? [])].some((name) => this.holds(name))) await this.flush();
    this.pending.push(move);
    if (this.pending.length >= this.options.size) await this.flush();
  }

  /** Commits what waits, after any flush already running; resolves once those moves are written. */
  flush(): Promise<void> {
    const run = this.flushing.then(() => this.commitWaiting());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async commitWaiting(): Promise<void> {
    let moves = this.pending;
    this.pending = [];
    try {
      for (let round = 1; moves.length > 0; round++) {
        if (round > 5) throw new Error('dashboard: rows kept moving while their batch was committed');
        this.committing = moves;
        const { committed, lost } = await this.repo.commit(moves);
        for (const move of committed) this.options.committed?.(move);
        moves = [];
        for (const move of lost) {
          const again = await this.options.redo(move);
          if (again) moves.push(again);
        }
      }
    } finally {
      this.committing = [];
    }
  }
}
