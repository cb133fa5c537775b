import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import type { AuditActor } from '#shared/domain/audit.ts';
import { type ColumnName, columnForHeader } from '#shared/domain/columns.ts';
import type { Issue } from '#shared/domain/issues.ts';
import { FileDuplicateTracker, type Recipient, validateRow } from '#shared/domain/recipient-row.ts';
import { planSubmit } from '#shared/domain/workflow.ts';
import type { ProposalRecord } from '#shared/model.ts';
import { TABLES } from '#shared/resources.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/emulators.ts';
import { REPO_ROOT } from '../local/lambda.ts';
import { generateRows } from '../local/sample-data.ts';

/**
 * Runs a benchmark case script (`bench/<script>`) in its own Node process, so that its peak RSS is
 * its own, and resolves with the JSON line it prints last that starts with `{"kind":"<kind>"`.
 */
export function runChild<T>(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  /** Options for node itself, e.g. `--cpu-prof` (which NODE_OPTIONS may not carry). */
  nodeArgs: readonly string[] = [],
): Promise<T> {
  const [kind = ''] = args;
  return new Promise((resolve, reject) => {
    // The parent loaded the local stack's Lambda emulation, which sets AWS_LAMBDA_MAX_CONCURRENCY and
    // installs the runtime's per-invocation store in its own process only. A child runs one case at
    // a time, as a single-invocation runtime does: without the variable Powertools keeps its state
    // in one place instead of asking for a store the child does not have.
    const { AWS_LAMBDA_MAX_CONCURRENCY: _multi, ...childEnv } = env;
    const child = spawn(
      process.execPath,
      [...nodeArgs, '--import', 'tsx', join(REPO_ROOT, 'bench', script), ...args],
      {
        env: childEnv,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out
        .trim()
        .split('\n')
        .reverse()
        .find((candidate) => candidate.startsWith(`{"kind":"${kind}"`));
      if (code !== 0 || !line)
        return reject(new Error(`${script} ${kind} exited ${code}: ${out.slice(-500)}`));
      resolve(JSON.parse(line) as T);
    });
  });
}

/**
 * Runs a case in a child process and prints its result as the one JSON line {@link runChild}
 * reads, with the process's peak RSS; an error exits non-zero.
 */
export function reportCase(kind: string, run: () => Promise<Record<string, unknown>>): void {
  run()
    .then((result) => {
      process.stdout.write(
        `${JSON.stringify({ kind, ...result, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
      );
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}

/** A seeded list submitted for the benchmark fixtures (the workflow's own steps are measured elsewhere). */
export async function submitForBench(
  proposals: ProposalsRepository,
  proposal: ProposalRecord,
  actor: AuditActor,
) {
  const now = new Date().toISOString();
  const submitted = await proposals.apply(
    proposal,
    planSubmit(proposal, ['DINSOS', 'BKAD'], actor, now),
    actor,
    now,
  );
  return { submitted, listId: submitted.currentListId ?? '', now };
}

/** A generated recipient that the import would accept, on its row of the file. */
export interface GeneratedRecipient {
  readonly sourceRow: number;
  readonly recipient: Recipient;
  /** Row validation's warnings, then the file's duplicate checks' (an accepted row has no error). */
  readonly warnings: readonly Issue[];
}

/**
 * The recipients of a clean generated list (`rows` rows for `region`, from `seed`), read as the
 * import reads a file: the header mapped to columns, each row through row validation and the file's
 * duplicate checks. A row with an error is left out.
 */
export async function* generatedRecipients(
  region: string,
  rows: number,
  seed: number,
): AsyncGenerator<GeneratedRecipient> {
  const tracker = new FileDuplicateTracker();
  let columns: (ColumnName | undefined)[] | undefined;
  let sourceRow = 0;
  for await (const cells of generateRows({ region, rows, seed, messy: false, format: 'csv' })) {
    sourceRow++;
    if (!columns) {
      columns = cells.map((cell) => columnForHeader(cell));
      continue;
    }
    const raw: Partial<Record<ColumnName, string>> = {};
    cells.forEach((cell, index) => {
      const column = columns?.[index];
      if (column && cell !== '') raw[column] = cell;
    });
    const result = validateRow(raw, region);
    if (!result.recipient || result.errors.length > 0) continue;
    const warnings = [...result.warnings, ...tracker.check(result.recipient, sourceRow)];
    if (warnings.some((issue) => issue.severity === 'error')) continue;
    yield { sourceRow, recipient: result.recipient, warnings };
  }
}

/**
 * The emulators' table as a seeding step of a benchmark uses it, from the environment its cases
 * get: the table name and a document client (retrying, undefined values left out). `destroy` when
 * the seeding is done.
 */
export function seedingTable(childEnv: NodeJS.ProcessEnv): {
  readonly tableName: string;
  readonly client: DynamoDBDocumentClient;
  readonly destroy: () => void;
} {
  const endpoint = childEnv.AWS_ENDPOINT_URL_DYNAMODB;
  if (!endpoint) throw new Error('AWS_ENDPOINT_URL_DYNAMODB missing from the emulators environment');
  const dynamo = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 8,
  });
  return {
    tableName: childEnv[TABLES.main.envVar] ?? TABLES.main.localName,
    client: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    destroy: () => dynamo.destroy(),
  };
}
