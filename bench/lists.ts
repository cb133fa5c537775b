/**
 * Benchmark of the list routes on a 300,000-row list (security issue #9, OWASP API4: a filtered
 * page must cost a bounded number of reads; every list route must answer within a second). Runs
 * `bench/lists-case.ts` in its own process on the emulators (seed, then the requests through the
 * local API gateway) and formats its figures.
 *
 *   npm run bench -- --only lists         (bench/run.ts calls {@link benchLists})
 *   tsx bench/lists.ts                    (standalone: starts its own emulators; BENCH_LIST_ROWS=300000)
 */
import { pathToFileURL } from 'node:url';
import { startEmulators } from '../local/emulators.ts';
import { runChild } from './child.ts';

/** A blocking flag of the checks on 1 % of the recipients. */
export const RARE = 'NIK_IN_OTHER_LIST';
/** A blocking flag on 0.01 %: a filtered page walks every shard and still reads recipients. */
export const VERY_RARE = 'UNDER_AGE';
/** An import warning on 30 %. */
export const COMMON = 'NIK_CLEANED';
/** A flag code nobody in the list carries (the checks never ran on it). */
export const ABSENT = 'ACCOUNT_SHARED';

/** The answer is due within this (issue #9). */
export const TARGET_MS = 1_000;

export interface ListCaseFigures {
  readonly label: string;
  /** Items in the answer, and whether it had a next cursor. */
  readonly items: number;
  readonly hasNext: boolean;
  /** DynamoDB calls of one request, by operation. */
  readonly calls: Readonly<Record<string, number>>;
  readonly medianMs: number;
  readonly p95Ms: number;
  /** The same DynamoDB calls replayed through a raw client. */
  readonly bareMedianMs: number;
  readonly bareP95Ms: number;
}

export interface ListsBenchResult {
  readonly kind: 'lists';
  readonly rows: number;
  readonly indexEntries: number;
  readonly planted: Readonly<Record<string, number>>;
  readonly seedMs: number;
  readonly measureMs: number;
  readonly requestsPerCase: number;
  readonly cases: readonly ListCaseFigures[];
  readonly maxRssMb: number;
}

export function benchLists(
  childEnv: NodeJS.ProcessEnv,
  rows = Number(process.env.BENCH_LIST_ROWS ?? 300_000),
): Promise<ListsBenchResult> {
  return runChild<ListsBenchResult>('lists-case.ts', ['lists', String(rows)], childEnv);
}

const n = (value: number) => value.toLocaleString('en-US');
const ms = (value: number) => `${value.toFixed(1)} ms`;

export function formatListsBench(result: ListsBenchResult): string {
  const lines = [
    `List routes on a list of ${n(result.rows)} recipients (${n(result.indexEntries)} flag index entries: ` +
      Object.entries(result.planted)
        .map(([code, count]) => `${code} ${n(count)}`)
        .join(', ') +
      `), through the local API gateway as a verifier, one request at a time, ${result.requestsPerCase} each; ` +
      'bare = the same DynamoDB calls replayed through a raw client:',
    '',
    '| request | items | next | DynamoDB calls | median | p95 | bare median | bare p95 | median / bare | under 1 s |',
    '|---|---:|---|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const figure of result.cases) {
    const calls = Object.entries(figure.calls)
      .map(([operation, count]) => `${operation} ${count}`)
      .join(', ');
    const ratio = figure.bareMedianMs > 0 ? `${(figure.medianMs / figure.bareMedianMs).toFixed(2)}×` : '–';
    lines.push(
      `| ${figure.label} | ${n(figure.items)} | ${figure.hasNext ? 'yes' : 'no'} | ${calls || 'none'} | ` +
        `${ms(figure.medianMs)} | ${ms(figure.p95Ms)} | ${ms(figure.bareMedianMs)} | ${ms(figure.bareP95Ms)} | ` +
        `${ratio} | ${figure.p95Ms < TARGET_MS ? 'yes' : 'NO'} |`,
    );
  }
  const worst = Math.max(...result.cases.map((figure) => figure.p95Ms));
  lines.push(
    '',
    `Slowest p95: ${ms(worst)} (${worst < TARGET_MS ? 'every route under 1 s' : 'OVER 1 s'}). ` +
      `Seeding took ${(result.seedMs / 1000).toFixed(0)} s, the requests ${(result.measureMs / 1000).toFixed(0)} s; peak RSS ${result.maxRssMb} MB.`,
  );
  return lines.join('\n');
}

// Standalone: `tsx bench/lists.ts` starts its own emulators.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const emulators = await startEmulators({ javaHeapMb: 3072 });
  try {
    const result = await benchLists({ ...process.env, ...emulators.env, POWERTOOLS_LOG_LEVEL: 'WARN' });
    console.log(formatListsBench(result));
  } finally {
    await emulators.stop();
  }
}
