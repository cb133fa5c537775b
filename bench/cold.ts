/**
 * The `cold` part of `npm run bench`: every function bundled as CDK bundles it (`infra/bundles.ts`:
 * the esbuild options NodejsFunction derives from DEFAULT_BUNDLING), plus a bare handler that bundles
 * only `@aws-sdk/client-dynamodb` (it creates a DynamoDBClient at module scope, as the project's
 * client modules do, and its handler returns). Each bundle is imported by fresh `node` processes
 * (`--enable-source-maps`, as the functions' NODE_OPTIONS set it), the runs interleaved across
 * bundles so that a busy moment of the machine does not land on one bundle only; the median of
 * {@link RUNS} is reported, beside the bare handler's from the same run. The bare handler is bundled
 * with the project's options too (the credential chain cut to the environment, as in every function):
 * a trim the functions get is the baseline's as well, so it does not flatter the ratios. A "floor" row
 * shows what the libraries a protected route cannot do without cost before any project code.
 *
 * The figure compared is the import time measured inside the child (`performance.now()` around
 * `await import(bundle)`): what a cold start adds on top of the runtime's own start, which is the
 * same for every function. The child process's wall time (spawn to exit) is reported beside it.
 * The children run with `KHBS_TRACING=active`, as deployed, so a function's figure includes loading
 * Powertools Tracer and the X-Ray SDK during INIT.
 */
import { spawn } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { TRACING_ENV } from '#shared/observability/metric-names.ts';
import { cdkEsbuildOptions, FUNCTION_ENTRIES, type FunctionEntry } from '../infra/bundles.ts';
import { REPO_ROOT } from '../infra/paths.ts';

export const RUNS = 5;

/** Targets (issue #11), as ratios of import time to the bare handler's. */
export const COLD_TARGETS = { health: 0.5, medianRoute: 1.3, worker: 3 } as const;

const BARE_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({});
export const handler = async () => ({ ok: client !== undefined });
`;

/**
 * The libraries every protected route must load, and no project code: the bare handler plus zod (one
 * schema), middy, Powertools Logger with its middleware and the document client with the commands
 * the repositories send. What is left of a route's ratio above this row is the project's own.
 */
const FLOOR_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const logger = new Logger();
const Body = z.object({ id: z.string().min(1) });
const commands = [GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand];
export const handler = middy(async (event) => ({ ok: client !== undefined && commands.length > 0, body: Body.parse(event) }))
  .use(injectLambdaContext(logger));
`;

export interface ColdRow {
  readonly id: string;
  readonly kind: FunctionEntry['kind'] | 'bare' | 'bare-sdk' | 'floor';
  readonly bytes: number;
  /** Median import time inside the child, ms. */
  readonly importMs: number;
  /** Median CPU time (user + system, every thread) of the import inside the child, ms. */
  readonly cpuMs: number;
  /** Median wall time of the child process, ms. */
  readonly processMs: number;
}

/** What a function's module needs in its environment to load (no call is made). */
const CHILD_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  AWS_REGION: 'ap-southeast-3',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_LOG_LEVEL: 'WARN',
  POWERTOOLS_SERVICE_NAME: 'khbs-bkk',
  TABLE_NAME: 'khbs-main',
  UPLOADS_BUCKET: 'khbs-uploads',
  DOCUMENTS_BUCKET: 'khbs-documents',
};

/**
 * `khbs:tracing` as deployed: `all` (the default) loads Powertools Tracer (the X-Ray SDK) at INIT in
 * every function; `BENCH_TRACING=0` measures `workers`: the routes bundled and loaded untraced.
 */
const ROUTES_TRACED = process.env.BENCH_TRACING !== '0';
const tracedKind = (kind: ColdRow['kind']): boolean => kind !== 'route' || ROUTES_TRACED;
// The baselines load no project code, so the variable changes nothing for them.
const envFor = (kind: ColdRow['kind']): NodeJS.ProcessEnv =>
  tracedKind(kind) ? { ...CHILD_ENV, [TRACING_ENV.name]: TRACING_ENV.active } : CHILD_ENV;

const CHILD_SCRIPT = `const started = performance.now();
const cpu = process.cpuUsage();
await import(process.argv[1]);
// What the module started while it was evaluated (the tracer's load) settles before INIT ends.
await new Promise((resolve) => setImmediate(resolve));
const used = process.cpuUsage(cpu);
process.stdout.write(String(performance.now() - started) + ' ' + String((used.user + used.system) / 1000));`;

function importOnce(
  bundle: string,
  env: NodeJS.ProcessEnv,
): Promise<{ importMs: number; cpuMs: number; processMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '-e', CHILD_SCRIPT, pathToFileURL(bundle).href],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const processMs = performance.now() - started;
      const [importMs, cpuMs] = out.split(' ').map(Number);
      if (code !== 0 || importMs === undefined || cpuMs === undefined || !Number.isFinite(importMs + cpuMs))
        return reject(new Error(`importing ${bundle} exited ${code}: ${err.slice(-500)}`));
      resolve({ importMs, cpuMs, processMs });
    });
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

function withoutCredentialTrim(alias: Record<string, string> | undefined): Record<string, string> {
  const { '@aws-sdk/credential-provider-node': _trim, ...rest } = alias ?? {};
  return rest;
}

export async function benchCold(): Promise<ColdRow[]> {
  const dir = join(REPO_ROOT, '.tmp', 'bench', 'cold');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const bundles: { id: string; kind: ColdRow['kind']; file: string }[] = [];

  for (const [name, id, kind, contents] of [
    ['bare', 'bare (DynamoDB client only)', 'bare', BARE_SOURCE],
    ['bare-sdk', "bare, the SDK's own credential chain", 'bare-sdk', BARE_SOURCE],
    ['floor', 'floor (bare + zod, middy, Logger, document client)', 'floor', FLOOR_SOURCE],
  ] as const) {
    const {
      entryPoints: _noEntry,
      alias,
      ...options
    } = cdkEsbuildOptions(`${name}-handler.ts`, join(dir, name));
    await build({
      ...options,
      // The baseline bundles the DynamoDB client as the SDK ships it: its whole credential chain.
      alias: kind === 'bare-sdk' ? withoutCredentialTrim(alias) : alias,
      stdin: { contents, resolveDir: REPO_ROOT, loader: 'ts', sourcefile: `${name}-handler.ts` },
    });
    bundles.push({ id, kind, file: join(dir, name, 'index.mjs') });
  }
  for (const fn of FUNCTION_ENTRIES) {
    await build(cdkEsbuildOptions(fn.entry, join(dir, fn.id), tracedKind(fn.kind)));
    bundles.push({ id: fn.id, kind: fn.kind, file: join(dir, fn.id, 'index.mjs') });
  }

  const samples = new Map<string, { importMs: number[]; cpuMs: number[]; processMs: number[] }>(
    bundles.map((bundle) => [bundle.id, { importMs: [], cpuMs: [], processMs: [] }]),
  );
  // One throwaway import first: the first process after a build pays for cold file caches.
  if (bundles[0]) await importOnce(bundles[0].file, envFor(bundles[0].kind));
  for (let run = 0; run < RUNS; run++) {
    for (const bundle of bundles) {
      const result = await importOnce(bundle.file, envFor(bundle.kind));
      const sample = samples.get(bundle.id);
      sample?.importMs.push(result.importMs);
      sample?.cpuMs.push(result.cpuMs);
      sample?.processMs.push(result.processMs);
    }
  }
  const rows: ColdRow[] = [];
  for (const bundle of bundles) {
    const sample = samples.get(bundle.id);
    rows.push({
      id: bundle.id,
      kind: bundle.kind,
      bytes: (await stat(bundle.file)).size,
      importMs: median(sample?.importMs ?? []),
      cpuMs: median(sample?.cpuMs ?? []),
      processMs: median(sample?.processMs ?? []),
    });
  }
  return rows;
}

/** The Markdown table, then each target and whether it was met, against each baseline. */
export function formatColdBench(rows: readonly ColdRow[]): string {
  const bare = rows.find((row) => row.kind === 'bare');
  const bareSdk = rows.find((row) => row.kind === 'bare-sdk');
  if (!bare || !bareSdk) throw new Error('no bare handlers in the cold-start rows');
  const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KB`;
  const lines = [
    `Cold start (${process.version}, khbs:tracing = ${ROUTES_TRACED ? 'all' : 'workers'}): median of ${RUNS} fresh \`node --enable-source-maps\` processes importing each bundle: import time inside the process (wall) and its CPU time, as ratios to the bare handler bundled as the functions are (credential chain cut to the environment) and to the bare handler with the SDK's own chain`,
    '',
    '| function | kind | bundle | import | × bare | × bare (SDK chain) | import CPU | × bare | process wall |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.id} | ${row.kind} | ${kb(row.bytes)} | ${row.importMs.toFixed(1)} ms | ${(row.importMs / bare.importMs).toFixed(2)}× | ${(row.importMs / bareSdk.importMs).toFixed(2)}× | ${row.cpuMs.toFixed(1)} ms | ${(row.cpuMs / bare.cpuMs).toFixed(2)}× | ${row.processMs.toFixed(0)} ms |`,
    ),
  ];
  const health = rows.find((row) => row.id === 'Health');
  const floor = rows.find((row) => row.kind === 'floor');
  const routes = rows.filter((row) => row.kind === 'route');
  const workers = rows.filter((row) => row.kind === 'worker');
  const verdict = (value: number, target: number) =>
    `${value.toFixed(2)}× (target ≤ ${target}×: ${value <= target ? 'met' : 'NOT met'})`;
  for (const [label, measure] of [
    [
      'import time against the bare handler bundled as the functions are',
      (row: ColdRow) => row.importMs / bare.importMs,
    ],
    [
      "import time against the bare handler with the SDK's own credential chain (the issue's baseline)",
      (row: ColdRow) => row.importMs / bareSdk.importMs,
    ],
    [
      'import CPU against the bare handler bundled as the functions are',
      (row: ColdRow) => row.cpuMs / bare.cpuMs,
    ],
  ] as const) {
    const worst = workers.reduce<ColdRow | undefined>(
      (top, row) => (!top || measure(row) > measure(top) ? row : top),
      undefined,
    );
    lines.push('', `By ${label}:`);
    if (floor)
      lines.push(`- floor (the libraries a route needs, no project code): ${measure(floor).toFixed(2)}×`);
    if (health) lines.push(`- /health: ${verdict(measure(health), COLD_TARGETS.health)}`);
    lines.push(`- median API route: ${verdict(median(routes.map(measure)), COLD_TARGETS.medianRoute)}`);
    if (worst) lines.push(`- slowest worker (${worst.id}): ${verdict(measure(worst), COLD_TARGETS.worker)}`);
  }
  return lines.join('\n');
}
