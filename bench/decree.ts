import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { seedList, unusedPeriod } from './checks.ts';
import { runChild, seedingTable, submitForBench } from './child.ts';

interface DecreeCase {
  readonly kind: string;
  readonly rows: number;
  readonly ms: number;
  readonly renderMs: number;
  readonly pages: number;
  readonly bytes: number;
  readonly maxRssMb: number;
}

export interface DecreeBenchResult {
  readonly sizes: readonly { readonly rows: number; readonly issue: DecreeCase; readonly bare: DecreeCase }[];
}

const ACTOR = { sub: 'bench', name: 'Benchmark', role: 'approver' } as const;

export async function benchDecree(
  childEnv: NodeJS.ProcessEnv,
  sizes: readonly number[] = (process.env.BENCH_DECREE_SIZES ?? '3000,30000').split(',').map(Number),
): Promise<DecreeBenchResult> {
  const { tableName, client, destroy } = seedingTable(childEnv);
  const proposals = new ProposalsRepository(tableName, client);
  const results: DecreeBenchResult['sizes'][number][] = [];
  try {
    for (const rows of sizes) {
      const period = await unusedPeriod(proposals);
      const { proposal } = await seedList(tableName, client, '62.03', period, rows, 3);
      // A fixture straight to APPROVED: the workflow's own steps are measured elsewhere.
      const { submitted, listId, now } = await submitForBench(proposals, proposal, ACTOR);
      await proposals.apply(
        submitted,
        { action: 'APPROVED', to: 'APPROVED', set: { approvedListId: listId, decidedAt: now } },
        ACTOR,
        now,
      );
      const bare = await runChild<DecreeCase>('decree-case.ts', ['bare', listId], childEnv);
      const issue = await runChild<DecreeCase>('decree-case.ts', ['issue', submitted.proposalId], childEnv);
      results.push({ rows: issue.rows, issue, bare });
      console.error(`  decree of ${rows} recipients done`);
    }
  } finally {
    destroy();
  }
  return { sizes: results };
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The figures as Markdown, for the README. */
export function formatDecreeBench(result: DecreeBenchResult): string {
  const lines = [
    'Decree (SK Gubernur), each case in its own process:',
    '| recipients | case | total | rendering | pages | pages/s | PDF | peak RSS |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { rows, issue, bare } of result.sizes) {
    for (const [name, run] of [
      ['decree: read, lampiran, render, store, record', issue],
      ['bare table: read, render', bare],
    ] as const) {
      lines.push(
        `| ${rows.toLocaleString('en-US')} | ${name} | ${s(run.ms)} | ${s(run.renderMs)} | ${run.pages} | ` +
          `${Math.round(run.pages / (run.renderMs / 1000))} | ${(run.bytes / 1_048_576).toFixed(1)} MB | ${run.maxRssMb} MB |`,
      );
    }
  }
  const last = result.sizes.at(-1);
  const first = result.sizes[0];
  if (last) {
    lines.push(
      '',
      `At ${last.rows.toLocaleString('en-US')} recipients: decree rendering / bare rendering ${(last.issue.renderMs / last.bare.renderMs).toFixed(2)}× the time; ` +
        `whole decree ${s(last.issue.ms)} (target < 15 s), peak RSS ${last.issue.maxRssMb} MB (target < 512 MB), ` +
        `${(last.issue.maxRssMb / last.bare.maxRssMb).toFixed(2)}× the bare case's.`,
    );
  }
  if (first && last && first !== last) {
    lines.push(
      `Peak RSS ${first.rows.toLocaleString('en-US')} → ${last.rows.toLocaleString('en-US')} recipients: ` +
        `${first.issue.maxRssMb} → ${last.issue.maxRssMb} MB (PDF ${(first.issue.bytes / 1_048_576).toFixed(1)} → ${(last.issue.bytes / 1_048_576).toFixed(1)} MB).`,
    );
  }
  return lines.join('\n');
}
