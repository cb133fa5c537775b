/**
 * `npm run bench`: the import measured end to end through the local API against a truly bare writer
 * of the same items, on one local stack, in alternating rounds (`bench/import.ts`); then the other
 * parts, each case in its own process (so peak RSS is that case's alone). Prints a Markdown table per
 * part; `BENCH_SIZES=10000,30000` picks the import sizes, `BENCH_ROUNDS` the rounds.
 *
 * Targets (issues #2, #12): import ≥ 0.8× the bare writer's rows/s, end to end; import peak RSS at
 * 300k rows ≤ 1.25× that at 30k rows. Then (issue #3) the automatic checks over a 30,000-recipient
 * submission and the API under 50 concurrent clients, and (issue #4) a decree of 30,000 recipients
 * against a bare table of the same rows. `BENCH_PARTS=import,checks,decree,api` (or
 * `npm run bench -- --only lists,api`) picks the parts. `cold` (issue #11) bundles every function as
 * CDK does and times fresh processes importing each, against a bare DynamoDB-only handler; it needs
 * no emulators. `console` (issue #13) opens each console screen in headless Chromium on a local stack
 * holding a 30,000-recipient list, warm and cold, beside the bare API calls the screen makes.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { TABLES } from '#shared/resources.ts';
import { createTable, LOCAL_CREDENTIALS, LOCAL_REGION, startEmulators } from '../local/emulators.ts';
import { REPO_ROOT } from '../local/lambda.ts';
import { benchApi } from './api.ts';
import { benchChecks, formatChecksBench } from './checks.ts';
import { benchCold, formatColdBench } from './cold.ts';
import { benchConsole, formatConsoleBench } from './console.ts';
import { benchDecree, formatDecreeBench } from './decree.ts';
import { benchDistribution, formatDistributionBench } from './distribution.ts';
import { benchDtsen, formatDtsenBench } from './dtsen.ts';
import { benchEligibility, formatEligibilityBench } from './eligibility.ts';
import { benchImport, formatImportBench } from './import.ts';
import { benchLists, formatListsBench } from './lists.ts';
import { benchReconcile, formatReconcileBench } from './reconcile.ts';

const SIZES = (process.env.BENCH_SIZES ?? '10000,30000,100000,300000').split(',').map(Number);
/**
 * Which parts run: `import` (file import end to end vs a bare writer), `checks` (30k-recipient checks), `decree`
 * (a 30k-recipient SK vs a bare table), `reconcile` (300k report lines against 300k decreed
 * recipients vs reading them), `lists` (the list routes on a 300k-row list, filtered and not, vs the
 * same reads bare), `api` (50 clients), `cold` (every function's bundle size and cold import time vs a
 * bare handler), `console` (every console screen in headless Chromium vs its bare API calls),
 * `dtsen` (a 60,000-family DTSEN extract's two files imported vs a bare read + parse + write of them),
 * `eligibility` (a tahap's eligibility run, pure and as the job that stores each verdict, over 100,000
 * families vs reading them), `distribution` (issue #15: a payment instruction file of 6,000 and
 * 60,000 entitlements, its KPM cash reconciliation against a 300,000-line bank report, a 60,000-line
 * BAST import, each vs a bare read/parse/write of the same rows).
 * `--only <parts>` on the command line wins over the variable.
 */
const only = process.argv.indexOf('--only');
const PARTS = new Set(
  (
    (only >= 0 ? process.argv[only + 1] : undefined) ??
    process.env.BENCH_PARTS ??
    'cold,import,checks,decree,reconcile,lists,dtsen,eligibility,distribution,api,console'
  ).split(','),
);
const DIR = join(REPO_ROOT, '.tmp', 'bench');
/** Runs of the bare writer and of the import at each size, alternating which goes first. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The parts that run against the emulators (everything but `cold`). */
const EMULATED_PARTS = ['checks', 'decree', 'reconcile', 'lists', 'dtsen', 'eligibility', 'distribution'];

async function main(): Promise<void> {
  await mkdir(DIR, { recursive: true });
  // First, while nothing else of the benchmark runs: it times processes starting.
  if (PARTS.has('cold')) console.log(`${formatColdBench(await benchCold())}\n`);
  if (PARTS.has('import')) await importPart();
  if (EMULATED_PARTS.some((part) => PARTS.has(part))) await emulatedParts();
  if (PARTS.has('api')) reportApi(await benchApi());
  if (PARTS.has('console')) console.log(`\n${formatConsoleBench(await benchConsole())}`);
}

async function importPart(): Promise<void> {
  console.log(
    `${formatImportBench(
      await benchImport({
        sizes: SIZES,
        rounds: ROUNDS,
        dir: DIR,
        extraCases: (process.env.BENCH_IMPORT_EXTRA ?? '').split(',').filter(Boolean),
      }),
    )}\n`,
  );
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
    console.log(`node ${process.version}; parts: ${[...PARTS].join(', ')}\n`);
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
    if (PARTS.has('dtsen')) {
      console.log(`\n${formatDtsenBench(await benchDtsen({ childEnv, s3, resetTable, dir: DIR }))}`);
    }
    if (PARTS.has('eligibility')) {
      await resetTable();
      console.log(`\n${formatEligibilityBench(await benchEligibility(childEnv))}`);
    }
    if (PARTS.has('distribution')) {
      console.log(`\n${formatDistributionBench(await benchDistribution({ childEnv, s3, resetTable }))}`);
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

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
