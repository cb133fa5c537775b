/**
 * Benchmark of the eligibility run (issue #14): `BENCH_ELIGIBILITY_FAMILIES` families (default
 * 100,000; the province is 300,000) with ~3.6 members each, in two kabupaten's snapshots,
 * judged against 100,000 exclusion entries; then, each in its own process, the run and a bare
 * baseline that reads every item of the same snapshots from the same emulator the same way and does
 * nothing else. Reported as a ratio, with time and peak RSS per 100,000 families.
 *
 * Not yet in the run: storing each verdict (the results store comes with the tahap routes); the
 * exclusion entries are made in the case process rather than read from the table.
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
  readonly byReason?: Record<string, number>;
  readonly indexMb?: number;
  readonly maxRssMb: number;
}

export interface EligibilityBenchResult {
  readonly families: number;
  readonly members: number;
  readonly seedMs: number;
  readonly run: EligibilityCase;
  readonly baseline: EligibilityCase;
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
  const baseline = await runChild<EligibilityCase>('eligibility-case.ts', ['baseline', arg], childEnv);
  const run = await runChild<EligibilityCase>('eligibility-case.ts', ['eligibility', arg], childEnv);
  return { families: perRegion * REGIONS.length, members, seedMs, run, baseline };
}

const n = (value: number) => value.toLocaleString('en');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function formatEligibilityBench(result: EligibilityBenchResult): string {
  const { run, baseline } = result;
  const per100k = (ms: number) => s((ms * 100_000) / result.families);
  return [
    `Eligibility of ${n(result.families)} families (${n(result.members)} members, 2 kabupaten) against ${n(EXCLUSIONS)} exclusion entries, each case in its own process:`,
    '| case | time | per 100,000 families | peak RSS |',
    '|---|---:|---:|---:|',
    `| baseline: read every family and member | ${s(baseline.ms)} | ${per100k(baseline.ms)} | ${baseline.maxRssMb} MB |`,
    `| eligibility run (keys pass, indexes, judge each family) | ${s(run.ms)} | ${per100k(run.ms)} | ${run.maxRssMb} MB |`,
    '',
    `Run / baseline: ${(run.ms / baseline.ms).toFixed(2)}× the time, ${(run.maxRssMb / baseline.maxRssMb).toFixed(2)}× the peak RSS; indexes ${run.indexMb} MB; eligible ${n(run.eligible ?? 0)}; excluded by reason ${JSON.stringify(run.byReason ?? {})}. Seeding took ${s(result.seedMs)}.`,
  ].join('\n');
}
