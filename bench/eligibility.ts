/**
 * Benchmark of the eligibility run (issue #14): `BENCH_ELIGIBILITY_FAMILIES` families (default
 * 100,000; the province is 300,000) with ~3.6 members each, in two kabupaten's snapshots,
 * judged against 100,000 exclusion entries; then, each in its own process, in
 * `BENCH_ELIGIBILITY_ROUNDS` rounds (default 3) rotating the order: the pure run
 * (`runEligibility`, verdicts counted only), the real job (`runEligibilityJob`: the run, a verdict
 * item per family through `EligibilityRepository`, the tallies, the tahap's run record), a bare
 * baseline that reads every item of the same snapshots from the same emulator the same way and does
 * nothing else, and a second baseline that also writes one verdict-sized item per family bare.
 * Medians, as ratios to the bare read, with time and peak RSS per 100,000 families.
 *
 * The exclusion entries are made in the case process rather than read from the table (plain objects
 * implementing `ExclusionSource` and `ReadySnapshots` for the job).
 */
import { performance } from 'node:perf_hooks';
import { FamiliesRepository } from '#shared/adapters/families-repo.ts';
import { runChild, seedingTable } from './child.ts';
import { EXCLUSIONS, familyOf, membersOf } from './eligibility-data.ts';

interface EligibilityCase {
  readonly kind: string;
  readonly ms: number;
  readonly families: number;
  readonly members?: number;
  readonly eligible?: number;
  readonly excluded?: number;
  readonly written?: number;
  readonly byReason?: Record<string, number>;
  readonly indexMb?: number;
  readonly maxRssMb: number;
}

const CASES = ['baseline', 'eligibility', 'job', 'read-write'] as const;
type CaseKind = (typeof CASES)[number];

export interface EligibilityBenchResult {
  readonly families: number;
  readonly members: number;
  readonly seedMs: number;
  readonly rounds: number;
  readonly runs: Record<CaseKind, EligibilityCase[]>;
}

const REGIONS = ['62.02', '62.03'];

export async function benchEligibility(
  childEnv: NodeJS.ProcessEnv,
  families = Number(process.env.BENCH_ELIGIBILITY_FAMILIES ?? 100_000),
): Promise<EligibilityBenchResult> {
  const { tableName, client, destroy } = seedingTable(childEnv);
  const repo = new FamiliesRepository(tableName, client);
  // Each region's families and members files, as their two imports write them.
  const snapshots = REGIONS.map((region) => ({
    region,
    families: `bench-kk-${region}`,
    members: `bench-art-${region}`,
  }));

  const seedBegan = performance.now();
  let members = 0;
  const perRegion = Math.ceil(families / REGIONS.length);
  for (const [i, region] of REGIONS.entries()) {
    const snapshot = snapshots[i];
    if (!snapshot) continue;
    const familyWriter = repo.writer(snapshot.families);
    const memberWriter = repo.writer(snapshot.members);
    for (let index = 0; index < perRegion; index++) {
      await familyWriter.putFamily(familyOf(region, index));
      for (const member of membersOf(region, index)) {
        await memberWriter.putMember(member);
        members++;
      }
    }
    await Promise.all([familyWriter.flush(), memberWriter.flush()]);
  }
  const seedMs = performance.now() - seedBegan;
  destroy();

  const arg = snapshots
    .map((snapshot) => `${snapshot.region}:${snapshot.families}:${snapshot.members}`)
    .join(',');
  const rounds = Number(process.env.BENCH_ELIGIBILITY_ROUNDS ?? 3);
  const runs: Record<CaseKind, EligibilityCase[]> = {
    baseline: [],
    eligibility: [],
    job: [],
    'read-write': [],
  };
  let seq = 0;
  for (let round = 0; round < rounds; round++) {
    // Each round rotates the order, so that no case always follows another.
    const order = [...CASES.slice(round % CASES.length), ...CASES.slice(0, round % CASES.length)];
    for (const kind of order) {
      seq++;
      const result = await runChild<EligibilityCase>(
        'eligibility-case.ts',
        [kind, arg, String(seq)],
        childEnv,
      );
      runs[kind].push(result);
    }
    console.error(
      `  eligibility round ${round + 1} (${order.join(', ')}): ` +
        CASES.map(
          (kind) => `${kind} ${s(runs[kind].at(-1)?.ms ?? 0)} ${runs[kind].at(-1)?.maxRssMb} MB`,
        ).join(', '),
    );
  }
  return { families: perRegion * REGIONS.length, members, seedMs, rounds, runs };
}

const n = (value: number) => value.toLocaleString('en');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

export function formatEligibilityBench(result: EligibilityBenchResult): string {
  const { runs } = result;
  const per100k = (ms: number) => s((ms * 100_000) / result.families);
  const ms = (kind: CaseKind) => median(runs[kind].map((run) => run.ms));
  const rss = (kind: CaseKind) => median(runs[kind].map((run) => run.maxRssMb));
  /** The ratio of each round (same round, so same neighbours), then their median and range. */
  const ratio = (kind: CaseKind, to: CaseKind) => {
    const ratios = runs[kind].map((run, round) => run.ms / (runs[to][round]?.ms ?? Number.NaN));
    return `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
  };
  const row = (label: string, kind: CaseKind) =>
    `| ${label} | ${s(ms(kind))} | ${per100k(ms(kind))} | ${rss(kind)} MB | ${kind === 'baseline' ? '1×' : ratio(kind, 'baseline')} | ${kind === 'job' ? ratio('job', 'read-write') : kind === 'read-write' ? '1×' : '–'} |`;
  const run = runs.eligibility[0];
  const job = runs.job[0];
  return [
    `Eligibility of ${n(result.families)} families (${n(result.members)} members, 2 kabupaten) against ${n(EXCLUSIONS)} exclusion entries, each case in its own process; medians of ${result.rounds} rounds, order rotated:`,
    '| case | time | per 100,000 families | peak RSS | / bare read (median; range) | / bare read + write (median; range) |',
    '|---|---:|---:|---:|---:|---:|',
    row('baseline: bare read of every family and member', 'baseline'),
    row('eligibility run alone (keys pass, indexes, judge each family; verdicts counted)', 'eligibility'),
    row('eligibility job (`runEligibilityJob`: the run + a verdict item per family + tallies)', 'job'),
    row('second baseline: bare read + bare BatchWrite of a verdict-sized item per family', 'read-write'),
    '',
    `Indexes ${run?.indexMb} MB; eligible ${n(run?.eligible ?? 0)} (job: ${n(job?.eligible ?? 0)}); excluded by reason ${JSON.stringify(run?.byReason ?? {})}. Seeding took ${s(result.seedMs)}.`,
  ].join('\n');
}
