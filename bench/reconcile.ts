/**
 * Benchmark of the reconciliation job (issue #5): decrees in force for 300,000 recipients (ten
 * decrees of 30,000) and a bank report of 300,000 lines seeded on the emulators; then, each in its
 * own process, the real job and a bare baseline that reads the same rows from the same emulator the
 * same way without reconciling. The report pays everyone once in full except one line in a
 * thousand (short by Rp100.000), so the job also writes a few hundred findings.
 */
import { performance } from 'node:perf_hooks';
import { BatchWriter } from '#shared/adapters/batch-writer.ts';
import { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import { paymentKey } from '#shared/adapters/keys.ts';
import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { RATE_TABLE } from '#shared/config/rates.ts';
import { amountsForPeriod, decreeIdFor } from '#shared/domain/decree.ts';
import type { DecreeRecord } from '#shared/model.ts';
import { seedList } from './checks.ts';
import { runChild, seedingTable, submitForBench } from './child.ts';

interface ReconcileCase {
  readonly kind: string;
  readonly ms: number;
  readonly expected: number;
  readonly paymentLines: number;
  readonly maxRssMb: number;
  readonly counts?: Record<string, number>;
}

export interface ReconcileBenchResult {
  readonly decrees: number;
  readonly seedMs: number;
  readonly job: ReconcileCase;
  readonly baseline: ReconcileCase;
}

const ACTOR = { sub: 'bench', name: 'Benchmark', role: 'system' } as const;
const REGIONS = ['62.01', '62.02', '62.03', '62.04', '62.05', '62.06', '62.07', '62.08', '62.09', '62.10'];

export async function benchReconcile(
  childEnv: NodeJS.ProcessEnv,
  recipients = Number(process.env.BENCH_RECONCILE_ROWS ?? 300_000),
): Promise<ReconcileBenchResult> {
  const { tableName, client, destroy } = seedingTable(childEnv);
  const proposals = new ProposalsRepository(tableName, client);
  const decrees = new DecreesRepository(tableName, client);
  const period = '2026-S2';
  const amounts = amountsForPeriod(RATE_TABLE.monthly, period);
  const perDecree = Math.ceil(recipients / REGIONS.length);
  const seedStarted = performance.now();
  const listIds: string[] = [];
  const payments = new BatchWriter(tableName, { client });
  let serial = 0;
  try {
    for (const [index, region] of REGIONS.entries()) {
      const { proposal, recipients: rows } = await seedList(
        tableName,
        client,
        region,
        period,
        perDecree,
        50 + index,
      );
      const { submitted, listId, now } = await submitForBench(proposals, proposal, ACTOR);
      listIds.push(listId);
      const decree: DecreeRecord = {
        kind: 'BKK',
        decreeId: decreeIdFor(submitted.proposalId),
        proposalId: submitted.proposalId,
        region,
        period,
        listId,
        year: 2026,
        seq: index + 1,
        number: `188.44/${index + 1}/2026`,
        status: 'ISSUED',
        verifyCode: `BNCH-0000-${String(index).padStart(4, '0')}`,
        decreeDate: now.slice(0, 10),
        numberedAt: now,
        recipientCount: rows.length,
        amountByRole: amounts,
        signer: { title: 'GUBERNUR', name: 'Benchmark' },
        approvedBy: { sub: 'bench', name: 'Benchmark' },
      };
      // A fixture straight to DECREED with its decree ISSUED and no PDF: the decree path is measured elsewhere.
      const decreePut = decrees.numberingItems({ ...decree, status: 'ISSUED' })[1];
      if (!decreePut) throw new Error('no decree item');
      await proposals.apply(
        submitted,
        { action: 'DECREED', to: 'DECREED', set: { approvedListId: listId, decreeId: decree.decreeId } },
        ACTOR,
        now,
        [decreePut],
      );
      for (const row of rows) {
        serial++;
        const bankRef = `BENCH${String(serial).padStart(9, '0')}`;
        const amount =
          (amounts[row.peran as keyof typeof amounts] ?? 0) - (serial % 1000 === 0 ? 100_000 : 0);
        await payments.put({
          ...paymentKey(bankRef),
          bankRef,
          noRekening: row.noRekening,
          nik: row.nik,
          nama: row.nama,
          amount,
          status: 'BERHASIL',
          transactionDate: '2026-12-01',
          nomorSk: decree.number,
          reportKey: 'disbursements/2026-12-01/bench.csv',
          sourceRow: serial + 1,
        });
      }
      await payments.flush();
      console.error(`  seeded ${region}: ${rows.length} recipients and payments`);
    }
  } finally {
    destroy();
  }
  const seedMs = performance.now() - seedStarted;
  const baseline = await runChild<ReconcileCase>(
    'reconcile-case.ts',
    ['baseline', listIds.join(',')],
    childEnv,
  );
  const job = await runChild<ReconcileCase>(
    'reconcile-case.ts',
    ['reconcile', `bench-${Date.now()}`],
    childEnv,
  );
  return { decrees: REGIONS.length, seedMs, job, baseline };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const n = (value: number) => value.toLocaleString('en-US');

export function formatReconcileBench(result: ReconcileBenchResult): string {
  const { job, baseline } = result;
  return [
    `Reconciliation of ${n(job.paymentLines)} bank report lines against ${n(job.expected)} decreed recipients (${result.decrees} decrees), each case in its own process:`,
    '| case | time | rows read/s | peak RSS |',
    '|---|---:|---:|---:|',
    `| baseline: read the lists and the payment lines | ${s(baseline.ms)} | ${n(Math.round((baseline.expected + baseline.paymentLines) / (baseline.ms / 1000)))} | ${baseline.maxRssMb} MB |`,
    `| reconciliation job (match, report, run record) | ${s(job.ms)} | ${n(Math.round((job.expected + job.paymentLines) / (job.ms / 1000)))} | ${job.maxRssMb} MB |`,
    '',
    `Job / baseline: ${(job.ms / baseline.ms).toFixed(2)}× the time, ${(job.maxRssMb / baseline.maxRssMb).toFixed(2)}× the peak RSS; findings ${JSON.stringify(job.counts ?? {})}. Seeding took ${s(result.seedMs)}.`,
  ].join('\n');
}
