/**
 * The import part of `npm run bench` (issues #2 and #12): the import end to end through the local
 * API (`bench/import-e2e.ts`) against a truly bare writer of the same items (`bench/bare-writer.ts`),
 * both on the same local stack and the same DynamoDB Local. After a warm-up of both (the JVM's JIT,
 * the handler's modules), each size runs `rounds` times, the bare writer and the import alternating
 * which goes first, the table emptied before every run; the figures are medians. Then, with the
 * stack's S3 trigger stopped, the import handler alone in its own process at each size (its peak
 * RSS is the import's own), and parse / parse + validate at the largest size.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BUCKETS, TABLES } from '#shared/resources.ts';
import { createTable, LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/emulators.ts';
import { writeRecipientFile } from '../local/sample-data.ts';
import { startLocalStack } from '../local/stack.ts';
import { bareWrite, prepareBareWrite } from './bare-writer.ts';
import { runChild } from './child.ts';
import { type EndToEndImport, importEndToEnd } from './import-e2e.ts';

const REGION = '62.03';
const PERIOD = '2026-S1';
const WARM_UP_ROWS = 5_000;
/** The import's writer's calls in flight (BatchWriter's default), matched by the bare writer. */
const WRITER_CONCURRENCY = 8;

interface CaseResult {
  readonly kind: string;
  readonly rows: number;
  readonly ms: number;
  readonly maxRssMb: number;
  readonly items?: number;
  readonly calls?: number;
  /** CPU (ms) of the bench's process and of DynamoDB Local during the run (in-process cases). */
  readonly cpu?: { readonly node: number; readonly jvm: number };
}

export interface ImportSizeResult {
  readonly rows: number;
  readonly bare: CaseResult[];
  readonly endToEnd: (EndToEndImport & { readonly cpu: { readonly node: number; readonly jvm: number } })[];
  /** Ratio of each round (import / bare, in the same round). */
  readonly ratios: number[];
  /** Other cases asked for (`BENCH_IMPORT_EXTRA`), each in its own process, by kind. */
  readonly extra: Record<string, CaseResult[]>;
  handler?: CaseResult;
  parse?: CaseResult;
  validate?: CaseResult;
}

export async function benchImport(options: {
  readonly sizes: readonly number[];
  readonly rounds: number;
  readonly dir: string;
  /** Case kinds of `bench/case.ts` run in each round besides the two compared (e.g. `bare-write`). */
  readonly extraCases: readonly string[];
}): Promise<ImportSizeResult[]> {
  const stack = await startLocalStack({
    port: 0,
    quiet: true,
    javaHeapMb: 3072,
    s3Events: { pollIntervalMs: 100 },
  });
  // Nothing in the import hands off work, and the table is deleted between runs: the relay's sweeps
  // would only fail meanwhile (and take CPU from both cases).
  await stack.outboxRelay.stop();
  const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamo = new DynamoDBClient({ ...config, endpoint: stack.emulators.dynamoEndpoint });
  const s3 = new S3Client({ ...config, endpoint: stack.emulators.s3Endpoint, forcePathStyle: true });
  const childEnv = { ...process.env, ...stack.env, POWERTOOLS_LOG_LEVEL: 'WARN' };
  const { javaPid } = stack.emulators;
  const resetTable = async () => {
    await dynamo.send(new DeleteTableCommand({ TableName: TABLES.main.localName }));
    await createTable(dynamo, TABLES.main);
  };
  const fileOf = (rows: number) => join(options.dir, `${rows}.csv`);
  const bareInProcess = async (rows: number): Promise<CaseResult> => {
    await resetTable();
    // Outside the CPU figures as outside the clock (made once per file).
    await prepareBareWrite(fileOf(rows), REGION);
    const run = await withCpu(javaPid, () =>
      bareWrite(fileOf(rows), REGION, TABLES.main.localName, WRITER_CONCURRENCY),
    );
    return { kind: 'bare', ...run, maxRssMb: 0 };
  };
  const childCase = async (kind: string, rows: number) => {
    await resetTable();
    return runChild<CaseResult>('case.ts', [kind, fileOf(rows)], childEnv);
  };
  const cases = ['bare', 'import', ...options.extraCases];
  const endToEnd = async (rows: number) => {
    await resetTable();
    return withCpu(javaPid, () => importEndToEnd(stack, fileOf(rows), REGION, PERIOD));
  };
  const results: ImportSizeResult[] = [];
  try {
    for (const rows of [WARM_UP_ROWS, ...options.sizes]) {
      await writeRecipientFile(
        { region: REGION, rows, seed: 1, messy: false, titleRows: false, format: 'csv', delimiter: ';' },
        fileOf(rows),
      );
    }
    await bareInProcess(WARM_UP_ROWS);
    await endToEnd(WARM_UP_ROWS);
    for (const rows of options.sizes) {
      const entry: ImportSizeResult = { rows, bare: [], endToEnd: [], ratios: [], extra: {} };
      for (let round = 0; round < options.rounds; round++) {
        // Each round rotates the order, so that no case always follows another.
        const order = [...cases.slice(round % cases.length), ...cases.slice(0, round % cases.length)];
        let bareRun: CaseResult | undefined;
        let importRun: ImportSizeResult['endToEnd'][number] | undefined;
        for (const name of order) {
          if (name === 'import') importRun = await endToEnd(rows);
          else if (name === 'bare') bareRun = await bareInProcess(rows);
          else {
            const run = await childCase(name, rows);
            entry.extra[name] = [...(entry.extra[name] ?? []), run];
          }
        }
        if (!bareRun || !importRun) throw new Error('a round needs the bare writer and the import');
        entry.bare.push(bareRun);
        entry.endToEnd.push(importRun);
        entry.ratios.push(perSecond(importRun) / perSecond(bareRun));
        console.error(
          `  ${rows} rows, round ${round + 1} (${order.join(', ')}): bare ${fmt(perSecond(bareRun))} rows/s, import ${fmt(perSecond(importRun))} rows/s` +
            Object.entries(entry.extra)
              .map(([name, runs]) => `, ${name} ${fmt(perSecond(runs.at(-1) ?? { rows: 0, ms: 1 }))} rows/s`)
              .join(''),
        );
      }
      results.push(entry);
    }
    // The handler alone, in its own process, for its peak RSS: the trigger must not import too.
    await stack.s3Events.stop();
    for (const entry of results) {
      const key = `uploads/${REGION}/${PERIOD}/bench${entry.rows}.csv`;
      const file = fileOf(entry.rows);
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKETS.uploads.localName,
          Key: key,
          Body: createReadStream(file),
          ContentLength: (await stat(file)).size,
        }),
      );
      await resetTable();
      // BENCH_CPU_PROF=<dir>: a CPU profile of each of these runs (open it in Chrome's DevTools).
      const profile = process.env.BENCH_CPU_PROF;
      entry.handler = await runChild<CaseResult>(
        'case.ts',
        ['import', file, key],
        childEnv,
        profile
          ? ['--cpu-prof', `--cpu-prof-dir=${profile}`, `--cpu-prof-name=import-${entry.rows}.cpuprofile`]
          : [],
      );
    }
    const last = results.at(-1);
    if (last) {
      last.parse = await runChild<CaseResult>('case.ts', ['parse', fileOf(last.rows)], childEnv);
      last.validate = await runChild<CaseResult>('case.ts', ['parse-validate', fileOf(last.rows)], childEnv);
    }
    return results;
  } finally {
    dynamo.destroy();
    s3.destroy();
    await stack.stop();
  }
}

/**
 * CPU time (ms) of this process and of DynamoDB Local's JVM (its `/proc` utime + stime; 0 where
 * there is no `/proc`), so that a run can say whose CPU its rows took.
 */
function cpuNow(javaPid: number): { node: number; jvm: number } {
  const { user, system } = process.cpuUsage();
  let jvm = 0;
  try {
    const fields = readFileSync(`/proc/${javaPid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime: fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    jvm = ((Number(fields[11]) || 0) + (Number(fields[12]) || 0)) * 10;
  } catch {}
  return { node: (user + system) / 1000, jvm };
}

/** Runs `run`, adding the CPU it took in this process and in DynamoDB Local's JVM. */
async function withCpu<T extends object>(
  javaPid: number,
  run: () => Promise<T>,
): Promise<T & { cpu: { node: number; jvm: number } }> {
  const before = cpuNow(javaPid);
  const result = await run();
  const after = cpuNow(javaPid);
  return { ...result, cpu: { node: after.node - before.node, jvm: after.jvm - before.jvm } };
}

const perSecond = (result: { rows: number; ms: number }) => result.rows / (result.ms / 1000);
const fmt = (value: number) => Math.round(value).toLocaleString('en-US');
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

export function formatImportBench(results: readonly ImportSizeResult[]): string {
  const lines = [
    `Import end to end (upload → COMPLETED through the local API) vs the bare writer of the same items; medians of ${results[0]?.ratios.length ?? 0} alternating rounds:`,
    '| rows | items written | bare writer rows/s | import rows/s, end to end | import / bare (median; range) | import handler alone rows/s | import peak RSS |',
    '|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const entry of results) {
    const ratios = entry.ratios;
    lines.push(
      `| ${fmt(entry.rows)} | ${fmt(entry.bare[0]?.items ?? 0)} | ${fmt(median(entry.bare.map(perSecond)))} | ${fmt(median(entry.endToEnd.map(perSecond)))} | ` +
        `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) | ` +
        `${entry.handler ? fmt(perSecond(entry.handler)) : '–'} | ${entry.handler?.maxRssMb ?? '–'} MB |`,
    );
  }
  lines.push('', 'Where the end-to-end time goes (medians, ms):');
  lines.push('| rows | total | URL + PUT | until the import claims it | import | until seen COMPLETED |');
  lines.push('|---:|---:|---:|---:|---:|---:|');
  for (const entry of results) {
    const phase = (name: keyof EndToEndImport['phases']) =>
      fmt(median(entry.endToEnd.map((run) => run.phases[name])));
    lines.push(
      `| ${fmt(entry.rows)} | ${fmt(median(entry.endToEnd.map((run) => run.ms)))} | ${phase('upload')} | ${phase('trigger')} | ${phase('import')} | ${phase('seen')} |`,
    );
  }
  lines.push(
    '',
    'CPU per row (medians, µs): the process that runs the writer or the stack, and DynamoDB Local:',
  );
  lines.push(
    '| rows | bare writer: Node | bare writer: DynamoDB Local | import end to end: Node | import end to end: DynamoDB Local |',
  );
  lines.push('|---:|---:|---:|---:|---:|');
  for (const entry of results) {
    const perRow = (
      runs: readonly { rows: number; cpu?: { node: number; jvm: number } }[],
      side: 'node' | 'jvm',
    ) => median(runs.map((run) => ((run.cpu?.[side] ?? 0) * 1000) / run.rows)).toFixed(0);
    lines.push(
      `| ${fmt(entry.rows)} | ${perRow(entry.bare, 'node')} | ${perRow(entry.bare, 'jvm')} | ${perRow(entry.endToEnd, 'node')} | ${perRow(entry.endToEnd, 'jvm')} |`,
    );
  }
  const at = (rows: number) => results.find((entry) => entry.rows === rows)?.handler?.maxRssMb;
  const small = at(30_000);
  const large = at(300_000);
  if (small && large)
    lines.push('', `Import peak RSS 300k / 30k: ${(large / small).toFixed(2)}× (target ≤ 1.25×)`);
  const last = results.at(-1);
  if (last?.parse && last.validate) {
    lines.push(
      `Parse + validate alone at ${fmt(last.rows)} rows: ${fmt(perSecond(last.validate))} rows/s vs bare parse ${fmt(perSecond(last.parse))} rows/s ` +
        `(${(perSecond(last.validate) / perSecond(last.parse)).toFixed(2)}×); peak RSS ${last.validate.maxRssMb} MB vs ${last.parse.maxRssMb} MB`,
    );
  }
  for (const entry of results) {
    for (const [name, runs] of Object.entries(entry.extra)) {
      lines.push(
        `Also at ${fmt(entry.rows)} rows: ${name} ${fmt(median(runs.map(perSecond)))} rows/s (median of ${runs.length}).`,
      );
    }
  }
  return lines.join('\n');
}
