/**
 * `npm run bench`: the import measured against a bare baseline in the same run, on the same
 * emulators, each case in its own process (so peak RSS is that case's alone). Prints a Markdown table
 * of rows/s, ratios and peak RSS; `BENCH_SIZES=10000,30000` picks the sizes.
 *
 * Targets (issue #2): import ≥ 0.8× the baseline's rows/s; import peak RSS at 300k rows ≤ 1.25× that
 * at 30k rows. Then (issue #3) the automatic checks over a 30,000-recipient submission and the API
 * under 50 concurrent clients, and (issue #4) a decree of 30,000 recipients against a bare table of
 * the same rows. `BENCH_PARTS=import,checks,decree,api` (or `npm run bench -- --only lists,api`)
 * picks the parts. `cold` (issue #11) bundles every function as CDK does and times fresh processes
 * importing each, against a bare DynamoDB-only handler; it needs no emulators.
 */
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BUCKETS, TABLES } from '#shared/resources.ts';
import { createTable, LOCAL_CREDENTIALS, LOCAL_REGION, startEmulators } from '../local/emulators.ts';
import { REPO_ROOT } from '../local/lambda.ts';
import { writeRecipientFile } from '../local/sample-data.ts';
import { benchApi } from './api.ts';
import { benchChecks, formatChecksBench } from './checks.ts';
import { runChild } from './child.ts';
import { benchCold, formatColdBench } from './cold.ts';
import { benchDecree, formatDecreeBench } from './decree.ts';
import { benchLists, formatListsBench } from './lists.ts';
import { benchReconcile, formatReconcileBench } from './reconcile.ts';

const SIZES = (process.env.BENCH_SIZES ?? '10000,30000,100000,300000').split(',').map(Number);
/**
 * Which parts run: `import` (file import vs baseline), `checks` (30k-recipient checks), `decree`
 * (a 30k-recipient SK vs a bare table), `reconcile` (300k report lines against 300k decreed
 * recipients vs reading them), `lists` (the list routes on a 300k-row list, filtered and not, vs the
 * same reads bare), `api` (50 clients), `cold` (every function's bundle size and cold import time vs a
 * bare handler). `--only <parts>` on the command line wins over the variable.
 */
const only = process.argv.indexOf('--only');
const PARTS = new Set(
  (
    (only >= 0 ? process.argv[only + 1] : undefined) ??
    process.env.BENCH_PARTS ??
    'cold,import,checks,decree,reconcile,lists,api'
  ).split(','),
);
const DIR = join(REPO_ROOT, '.tmp', 'bench');
const REGION = '62.03';

interface CaseResult {
  readonly kind: string;
  readonly rows: number;
  readonly ms: number;
  readonly maxRssMb: number;
  readonly calls?: number;
}

/** The parts that run against the emulators (everything but `cold`). */
const EMULATED_PARTS = ['import', 'checks', 'decree', 'reconcile', 'lists'];

async function main(): Promise<void> {
  await mkdir(DIR, { recursive: true });
  // First, while nothing else of the benchmark runs: it times processes starting.
  if (PARTS.has('cold')) console.log(`${formatColdBench(await benchCold())}\n`);
  if (EMULATED_PARTS.some((part) => PARTS.has(part))) await emulatedParts();
  if (PARTS.has('api')) reportApi(await benchApi());
}

async function emulatedParts(): Promise<void> {
  const emulators = await startEmulators({ javaHeapMb: 3072 });
  const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamo = new DynamoDBClient({ ...clientConfig, endpoint: emulators.dynamoEndpoint });
  const s3 = new S3Client({ ...clientConfig, endpoint: emulators.s3Endpoint, forcePathStyle: true });
  const childEnv = {
    ...process.env,
    ...emulators.env,
    POWERTOOLS_LOG_LEVEL: 'WARN',
  };
  const resetTable = async () => {
    await dynamo.send(new DeleteTableCommand({ TableName: TABLES.main.localName }));
    await createTable(dynamo, TABLES.main);
  };

  try {
    console.log(
      `node ${process.version}; parts: ${[...PARTS].join(', ')}; import sizes ${SIZES.join(' / ')} rows (region ${REGION}, CSV with ';')\n`,
    );
    const results: {
      rows: number;
      baseline: CaseResult;
      imported: CaseResult;
      parse?: CaseResult;
      validate?: CaseResult;
    }[] = [];
    for (const rows of PARTS.has('import') ? SIZES : []) {
      const file = join(DIR, `${rows}.csv`);
      await writeRecipientFile(
        { region: REGION, rows, seed: 1, messy: false, titleRows: false, format: 'csv', delimiter: ';' },
        file,
      );
      const key = `uploads/${REGION}/2026-S1/bench${rows}.csv`;
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKETS.uploads.localName,
          Key: key,
          Body: createReadStream(file),
          ContentLength: (await stat(file)).size,
        }),
      );
      await resetTable();
      const baseline = await runCase(childEnv, 'baseline-write', file);
      await resetTable();
      const imported = await runCase(childEnv, 'import', file, key);
      const entry: (typeof results)[number] = { rows, baseline, imported };
      if (rows === Math.max(...SIZES)) {
        entry.parse = await runCase(childEnv, 'parse', file);
        entry.validate = await runCase(childEnv, 'parse-validate', file);
      }
      results.push(entry);
      console.error(`  ${rows} rows done`);
    }
    if (results.length > 0) report(results);
    if (PARTS.has('checks')) {
      await resetTable();
      console.log(`\n${formatChecksBench(await benchChecks(emulators.env))}`);
    }
    if (PARTS.has('decree')) {
      await resetTable();
      console.log(`\n${formatDecreeBench(await benchDecree(childEnv))}`);
    }
    if (PARTS.has('reconcile')) {
      await resetTable();
      console.log(`\n${formatReconcileBench(await benchReconcile(childEnv))}`);
    }
    if (PARTS.has('lists')) {
      await resetTable();
      console.log(`\n${formatListsBench(await benchLists(childEnv))}`);
    }
  } finally {
    dynamo.destroy();
    s3.destroy();
    await emulators.stop();
  }
}

function reportApi(figures: Awaited<ReturnType<typeof benchApi>>): void {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  console.log('\nHTTP API on the local stack, 50 concurrent clients:');
  console.log('| request | requests | p50 | p99 | requests/s |');
  console.log('|---|---:|---:|---:|---:|');
  const rows: [string, keyof typeof figures][] = [
    ['`GET /health` (bare: no token, no database)', 'health'],
    ['`GET /proposals/{id}` (read)', 'read'],
    ['`POST /proposals/{id}/reviews` (sign-off)', 'signoff'],
  ];
  for (const [label, key] of rows) {
    const figure = figures[key];
    console.log(
      `| ${label} | ${figure.requests} | ${ms(figure.p50)} | ${ms(figure.p99)} | ${Math.round(figure.perSecond)} |`,
    );
  }
}

function runCase(env: NodeJS.ProcessEnv, kind: string, file: string, key?: string): Promise<CaseResult> {
  return runChild<CaseResult>('case.ts', [kind, file, ...(key ? [key] : [])], env);
}

const perSecond = (result: CaseResult) => result.rows / (result.ms / 1000);
const fmt = (value: number) => Math.round(value).toLocaleString('en-US');

function report(
  results: {
    rows: number;
    baseline: CaseResult;
    imported: CaseResult;
    parse?: CaseResult;
    validate?: CaseResult;
  }[],
): void {
  console.log(
    '| rows | baseline rows/s | import rows/s | import / baseline | baseline peak RSS | import peak RSS |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const { rows, baseline, imported } of results) {
    console.log(
      `| ${fmt(rows)} | ${fmt(perSecond(baseline))} | ${fmt(perSecond(imported))} | ${(perSecond(imported) / perSecond(baseline)).toFixed(2)}× | ${baseline.maxRssMb} MB | ${imported.maxRssMb} MB |`,
    );
  }
  const at = (rows: number) => results.find((entry) => entry.rows === rows)?.imported.maxRssMb;
  const small = at(30_000);
  const large = at(300_000);
  if (small && large)
    console.log(`\nImport peak RSS 300k / 30k: ${(large / small).toFixed(2)}× (target ≤ 1.25×)`);
  const last = results.at(-1);
  if (last?.parse && last.validate) {
    console.log(
      `Parse + validate alone at ${fmt(last.rows)} rows: ${fmt(perSecond(last.validate))} rows/s vs bare parse ${fmt(perSecond(last.parse))} rows/s ` +
        `(${(perSecond(last.validate) / perSecond(last.parse)).toFixed(2)}×); peak RSS ${last.validate.maxRssMb} MB vs ${last.parse.maxRssMb} MB`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
