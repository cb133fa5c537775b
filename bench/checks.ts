/**
 * Benchmark of the automatic checks: one region's submitted list (30,000 recipients by default)
 * checked against a second region's submitted list that shares some NIKs and accounts with it, on
 * the emulators. Measures the first run (every flag written) and a re-run of the same list (nothing
 * changed: reads only), each with its time, its DynamoDB calls by operation, and the process's peak
 * RSS so far.
 *
 * Seeding writes the lists straight to the table (generator → row validation → items), not through
 * the import, so the figures are the checks' alone and no S3 is needed.
 *
 *   npm run bench            (bench/run.ts calls {@link benchChecks})
 *   tsx bench/checks.ts      (standalone: starts its own emulators; BENCH_CHECK_ROWS=30000,
 *                             BENCH_CHECK_OTHER_ROWS: the other region's list, rows / 10 by default)
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriter } from '#shared/adapters/batch-writer.ts';
import { recipientId, recipientKey } from '#shared/adapters/keys.ts';
import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import { RegistryRepository } from '#shared/adapters/registry-repo.ts';
import type { Recipient } from '#shared/domain/recipient-row.ts';
import { planSubmit } from '#shared/domain/workflow.ts';
import type { ChecksRequested } from '#shared/messages.ts';
import type { ProposalRecord } from '#shared/model.ts';
import { TABLES } from '#shared/resources.ts';
import { countCalls } from '../functions/checks/call-counter.ts';
import { type ChecksOutcome, runChecks } from '../functions/checks/run-checks.ts';
import { WaiverReader } from '../functions/checks/waivers.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startEmulators } from '../local/emulators.ts';
import { generatedRecipients } from './child.ts';

export interface ChecksBenchOptions {
  /** Recipients of the checked list. @default 30000 */
  readonly rows?: number;
  /** Recipients of the other region's list. @default rows / 10 */
  readonly otherRows?: number;
  /** Every n-th recipient of the other list takes a NIK (or, offset by half, an account) of the checked one. @default 20 */
  readonly overlapEvery?: number;
}

export interface ChecksRunFigures {
  readonly ms: number;
  readonly registerMs: number;
  readonly lookupMs: number;
  readonly dynamoCalls: number;
  readonly callsByOperation: Readonly<Record<string, number>>;
  readonly written: number;
  readonly flagged: number;
  readonly blocking: number;
  readonly warnings: number;
  readonly rechecks: number;
  /** Query pages that read the other regions' lists from the registry. */
  readonly registryQueries: number;
  /** Registry entries held in memory (this list's and the other live lists'). */
  readonly registryEntries: number;
  readonly maxRssMb: number;
}

export interface ChecksBenchResult {
  readonly rows: number;
  readonly otherRows: number;
  readonly period: string;
  readonly seedMs: number;
  readonly first: ChecksRunFigures;
  readonly rerun: ChecksRunFigures;
}

const REGION = '62.03';
const OTHER_REGION = '62.02';
const ACTOR = { sub: 'bench', name: 'Benchmark', role: 'operator' } as const;

/**
 * Seeds two submitted lists on the emulators named by `emulatorsEnv` (an `Emulators.env`) and runs
 * the checks on the larger one twice. Uses its own SDK clients built from `emulatorsEnv`, so it works
 * whatever the calling process's environment; picks a period that neither region has used yet, so it
 * can run on a table that already holds data.
 */
export async function benchChecks(
  emulatorsEnv: Readonly<Record<string, string>>,
  options: ChecksBenchOptions = {},
): Promise<ChecksBenchResult> {
  const rows = options.rows ?? 30_000;
  const otherRows = options.otherRows ?? Math.max(100, Math.round(rows / 10));
  const overlapEvery = options.overlapEvery ?? 20;
  const tableName = emulatorsEnv[TABLES.main.envVar] ?? TABLES.main.localName;
  const endpoint = emulatorsEnv.AWS_ENDPOINT_URL_DYNAMODB;
  if (!endpoint) throw new Error('AWS_ENDPOINT_URL_DYNAMODB missing from the emulators environment');
  const clientConfig = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 8 };
  const translate = { marshallOptions: { removeUndefinedValues: true } };

  // Seeding and checking use separate clients, so the counter sees the checks' calls only.
  const seedDynamo = new DynamoDBClient(clientConfig);
  const seedClient = DynamoDBDocumentClient.from(seedDynamo, translate);
  const checksDynamo = new DynamoDBClient(clientConfig);
  const calls = countCalls(checksDynamo);
  const checksClient = DynamoDBDocumentClient.from(checksDynamo, translate);

  try {
    const seedProposals = new ProposalsRepository(tableName, seedClient);
    const period = await unusedPeriod(seedProposals);
    const seedStarted = performance.now();
    const main = await seedList(tableName, seedClient, REGION, period, rows, 1);
    const other = await seedList(tableName, seedClient, OTHER_REGION, period, otherRows, 2, (row, index) => {
      // Overlaps: the same person in both lists (often in another role), or one account for two NIKs.
      const source = main.recipients[(index * 7) % main.recipients.length];
      if (!source) return row;
      if (index % overlapEvery === 0) return { ...row, nik: source.nik };
      if (index % overlapEvery === Math.floor(overlapEvery / 2))
        return { ...row, noRekening: source.noRekening };
      return row;
    });
    const mainProposal = await submit(seedProposals, main.proposal);
    const otherProposal = await submit(seedProposals, other.proposal);
    const seedMs = performance.now() - seedStarted;

    const sent: ChecksRequested[] = [];
    const deps = {
      proposals: new ProposalsRepository(tableName, checksClient),
      recipients: new RecipientsRepository(tableName, checksClient),
      registry: new RegistryRepository(tableName, checksClient),
      waivers: new WaiverReader(tableName, checksClient),
      rechecks: {
        send: async (message: ChecksRequested) => {
          sent.push(message);
        },
      },
      tableName,
      client: checksClient,
      calls,
    };
    const message = (trigger: 'submit' | 'recheck'): ChecksRequested => ({
      type: 'checks.requested',
      proposalId: mainProposal.proposalId,
      listId: mainProposal.currentListId ?? '',
      trigger,
      requestedAt: new Date().toISOString(),
    });
    // The other region's checks ran when it submitted: its entries are in the registry.
    const otherRun = await runChecks(
      {
        ...message('submit'),
        proposalId: otherProposal.proposalId,
        listId: otherProposal.currentListId ?? '',
      },
      `bench-${period}-other`,
      deps,
    );
    if (otherRun.kind !== 'completed')
      throw new Error(`other region's checks were skipped: ${otherRun.reason}`);
    const first = await measure(() => runChecks(message('submit'), `bench-${period}-1`, deps), calls);
    const rerun = await measure(() => runChecks(message('recheck'), `bench-${period}-2`, deps), calls);
    return { rows: main.recipients.length, otherRows: other.recipients.length, period, seedMs, first, rerun };
  } finally {
    seedDynamo.destroy();
    checksDynamo.destroy();
  }
}

async function measure(
  run: () => Promise<ChecksOutcome>,
  calls: ReturnType<typeof countCalls>,
): Promise<ChecksRunFigures> {
  const before = { ...calls.byOperation };
  const started = performance.now();
  const outcome = await run();
  const ms = performance.now() - started;
  if (outcome.kind !== 'completed') throw new Error(`checks run was skipped: ${outcome.reason}`);
  const callsByOperation = Object.fromEntries(
    Object.entries(calls.byOperation).map(([operation, count]) => [
      operation,
      count - (before[operation] ?? 0),
    ]),
  );
  return {
    ms,
    registerMs: outcome.timings.registerMs,
    lookupMs: outcome.timings.lookupMs,
    dynamoCalls: outcome.dynamoCalls ?? 0,
    callsByOperation,
    written: outcome.written,
    flagged: outcome.counts.flagged,
    blocking: outcome.counts.blocking,
    warnings: outcome.counts.warnings,
    rechecks: outcome.rechecks.length,
    registryQueries: outcome.registry.queries,
    registryEntries: outcome.registry.entries + outcome.counts.recipients,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** The first semester, from 2026 on, that neither benchmark region has a proposal for. */
export async function unusedPeriod(proposals: ProposalsRepository): Promise<string> {
  for (let year = 2026; year <= 2100; year++) {
    for (const half of ['S1', 'S2']) {
      const period = `${year}-${half}`;
      const [a, b] = await Promise.all([
        proposals.getCurrent(REGION, period),
        proposals.getCurrent(OTHER_REGION, period),
      ]);
      if (!a && !b) return period;
    }
  }
  throw new Error('no unused period left');
}

export interface SeededList {
  readonly proposal: ProposalRecord;
  readonly recipients: readonly Recipient[];
}

/**
 * A clean generated list for `region`, validated row by row as the import would, written as the
 * region's DRAFT proposal. `alter` may change a row before it is written (to plant overlaps).
 */
export async function seedList(
  tableName: string,
  client: DynamoDBDocumentClient,
  region: string,
  period: string,
  rows: number,
  seed: number,
  alter: (row: Recipient, index: number) => Recipient = (row) => row,
): Promise<SeededList> {
  const listId = `bench-${region.replace('.', '')}-${period}-${seed}`;
  const writer = new BatchWriter(tableName, { client });
  const recipients: Recipient[] = [];
  const countsByRole: Record<string, number> = {};
  for await (const { sourceRow, recipient: valid } of generatedRecipients(region, rows, seed)) {
    const recipient = alter(valid, recipients.length);
    recipients.push(recipient);
    countsByRole[recipient.peran] = (countsByRole[recipient.peran] ?? 0) + 1;
    await writer.put({
      ...recipientKey(listId, sourceRow),
      recipientId: recipientId(listId, sourceRow),
      row: sourceRow,
      ...recipient,
      warnings: [],
    });
  }
  await writer.flush();

  const proposals = new ProposalsRepository(tableName, client);
  const now = new Date();
  const { proposalId, items } = proposals.switchListItems(undefined, {
    region,
    period,
    listId,
    uploadId: listId,
    uploadAt: now.toISOString(),
    sha256: listId,
    etag: listId,
    recipientCount: recipients.length,
    countsByRole,
    warningCount: 0,
    now,
    actor: ACTOR,
  });
  await proposals.transact(items);
  const proposal = await proposals.get(proposalId);
  if (!proposal) throw new Error(`seeded proposal ${proposalId} not found`);
  return { proposal, recipients };
}

async function submit(proposals: ProposalsRepository, proposal: ProposalRecord): Promise<ProposalRecord> {
  const now = new Date().toISOString();
  return proposals.apply(proposal, planSubmit(proposal, ['DINSOS', 'BKAD'], ACTOR, now), ACTOR, now);
}

const fmt = (value: number) => Math.round(value).toLocaleString('en-US');

/** The figures as Markdown, for the README. */
export function formatChecksBench(result: ChecksBenchResult): string {
  const line = (name: string, run: ChecksRunFigures) =>
    `| ${name} | ${fmt(result.rows)} | ${(run.ms / 1000).toFixed(1)} s | ${fmt(result.rows / (run.ms / 1000))} | ` +
    `${fmt(run.dynamoCalls)} | ${Object.entries(run.callsByOperation)
      .filter(([, count]) => count > 0)
      .map(([operation, count]) => `${operation} ${fmt(count)}`)
      .join(', ')} | ${fmt(run.written)} | ${run.maxRssMb} MB |`;
  return [
    `Checks of ${fmt(result.rows)} recipients against a submitted list of ${fmt(result.otherRows)} in another region:`,
    '',
    '| run | recipients | time | recipients/s | DynamoDB calls | by operation | items rewritten | peak RSS |',
    '|---|---:|---:|---:|---:|---|---:|---:|',
    line('first (submit)', result.first),
    line('re-run (recheck, nothing changed)', result.rerun),
    '',
    `First run: ${fmt(result.first.flagged)} recipients flagged (${fmt(result.first.blocking)} blocking, ` +
      `${fmt(result.first.warnings)} warning flags), ${result.first.rechecks} re-check requested; ` +
      `registering ${(result.first.registerMs / 1000).toFixed(1)} s, reading the registry and checking in memory, with the writes, ` +
      `${(result.first.lookupMs / 1000).toFixed(1)} s; the other region's list read in ${result.first.registryQueries} Query page(s), ` +
      `${fmt(result.first.registryEntries)} registry entries held.`,
  ].join('\n');
}

// Standalone: `tsx bench/checks.ts` starts its own emulators.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const emulators = await startEmulators({ javaHeapMb: 2048 });
  try {
    const rows = Number(process.env.BENCH_CHECK_ROWS ?? 30_000);
    const otherRows = process.env.BENCH_CHECK_OTHER_ROWS
      ? Number(process.env.BENCH_CHECK_OTHER_ROWS)
      : undefined;
    const result = await benchChecks(emulators.env, { rows, ...(otherRows ? { otherRows } : {}) });
    console.log(formatChecksBench(result));
    console.log(`\n${JSON.stringify(result)}`);
  } finally {
    await emulators.stop();
  }
}
