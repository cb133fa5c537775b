/**
 * The list routes on one large list (security issue #9, OWASP API4), in its own process. Prints one
 * JSON line `{ kind: "lists", rows, seedMs, cases, maxRssMb, ... }`. Started by `bench/lists.ts`
 * with the emulators' environment.
 *
 *   tsx bench/lists-case.ts lists <rows>
 *
 * Seeds a region's list of `rows` generated recipients (validated as the import does, written with
 * the repository's items: each recipient and its flag index entries) with a rare blocking flag on 1 %
 * of them, a very rare one on 0.01 %, and a common import warning on 30 %. Then starts the local API
 * gateway on the real route table and handlers, and times the worst requests of each list route as a
 * signed-in verifier, one at a time: median and p95 latency, and the DynamoDB calls each made.
 *
 * The bare baseline of each request replays exactly the DynamoDB calls it made (recorded as sent),
 * with the same parallelism, through a raw client: the reads without HTTP, token, validation,
 * parsing or JSON. The ratio is what everything around the reads costs.
 */
import { performance } from 'node:perf_hooks';
import {
  BatchGetItemCommand,
  type BatchGetItemCommandInput,
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { BatchWriter } from '#shared/adapters/batch-writer.ts';
import { dynamoClient } from '#shared/adapters/clients.ts';
import { LIST_SHARDS, rowSortKey } from '#shared/adapters/keys.ts';
import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { recipientItems, type StoredFlag } from '#shared/adapters/recipients-repo.ts';
import { env } from '#shared/config/env.ts';
import { ROUTES } from '../functions/api/routes.ts';
import { signLocalToken } from '../local/auth.ts';
import { startGateway } from '../local/gateway.ts';
import { generatedRecipients, reportCase } from './child.ts';
import { ABSENT, COMMON, type ListCaseFigures, RARE, VERY_RARE } from './lists.ts';

const [kind = '', rowsArg = '300000'] = process.argv.slice(2);

const REGION = '62.03';
const PERIOD = '2026-S1';
const REQUESTS = Number(process.env.BENCH_LIST_REQUESTS ?? 30);
const WARM_UP = 3;
const ACTOR = { sub: 'bench', name: 'Benchmark', role: 'system' } as const;

async function seed(rows: number) {
  const { tableName } = env();
  const listId = `bench-lists-${rows}`;
  const writer = new BatchWriter(tableName, { concurrency: 16 });
  const countsByRole: Record<string, number> = {};
  const planted: Record<string, number> = { [RARE]: 0, [VERY_RARE]: 0, [COMMON]: 0 };
  let accepted = 0;
  let indexEntries = 0;
  let warned = 0;
  for await (const { sourceRow, recipient, warnings: issues } of generatedRecipients(REGION, rows, 9)) {
    // Scattered (a multiplicative hash of the recipient's number), not every n-th row: rows are
    // sharded by row number, and a stride would put a code in a few shards only.
    const h = Math.imul(++accepted, 0x9e3779b1) >>> 0;
    const flags: StoredFlag[] = [];
    if (h % 100 === 7)
      flags.push({ code: RARE, severity: 'blocking', detail: 'NIK yang sama ada di daftar lain' });
    if (h % 10_000 === 5)
      flags.push({ code: VERY_RARE, severity: 'blocking', detail: 'Usia di bawah 17 tahun' });
    const warnings = issues.map((issue) => issue.code as string);
    if ([1, 4, 8].includes((h >>> 16) % 10)) warnings.push(COMMON);
    for (const flag of flags) planted[flag.code] = (planted[flag.code] ?? 0) + 1;
    if (warnings.includes(COMMON)) planted[COMMON] = (planted[COMMON] ?? 0) + 1;
    if (warnings.length > 0) warned++;
    countsByRole[recipient.peran] = (countsByRole[recipient.peran] ?? 0) + 1;
    const items = recipientItems(listId, sourceRow, { ...recipient, warnings, flags });
    indexEntries += items.length - 1;
    for (const item of items) await writer.put(item);
    if (accepted % 50_000 === 0) console.error(`  lists: ${accepted} recipients written`);
  }
  await writer.flush();

  const proposals = new ProposalsRepository(tableName);
  const now = new Date();
  const { proposalId, items } = proposals.switchListItems(undefined, {
    region: REGION,
    period: PERIOD,
    listId,
    uploadId: listId,
    uploadAt: now.toISOString(),
    sha256: listId,
    etag: listId,
    recipientCount: accepted,
    countsByRole,
    warningCount: warned,
    now,
    actor: ACTOR,
  });
  await proposals.transact(items);
  return { proposalId, accepted, indexEntries, planted };
}

/** One DynamoDB call as the SDK sent it (marshalled input), and when. */
interface RecordedCall {
  readonly name: string;
  readonly input: unknown;
  readonly start: number;
  end: number;
}

let recording: RecordedCall[] | undefined;
// The handlers' own client (the shared one): every call it makes while a request is timed.
dynamoClient.middlewareStack.add(
  (next, context) => async (args) => {
    if (!recording) return next(args);
    const call: RecordedCall = {
      name: context.commandName ?? 'unknown',
      input: structuredClone(args.input),
      start: performance.now(),
      end: Number.POSITIVE_INFINITY,
    };
    recording.push(call);
    try {
      return await next(args);
    } finally {
      call.end = performance.now();
    }
  },
  { step: 'build', name: 'benchCallRecorder' },
);

const bare = new DynamoDBClient({ maxAttempts: 8 });

/** The recorded calls again through a raw client: calls that overlapped go together. */
async function replay(calls: readonly RecordedCall[]): Promise<void> {
  const groups: RecordedCall[][] = [];
  let groupEnd = Number.NEGATIVE_INFINITY;
  for (const call of [...calls].sort((a, b) => a.start - b.start)) {
    const group = groups.at(-1);
    if (group && call.start < groupEnd) {
      group.push(call);
      groupEnd = Math.max(groupEnd, call.end);
    } else {
      groups.push([call]);
      groupEnd = call.end;
    }
  }
  for (const group of groups) {
    await Promise.all(
      group.map((call) => {
        switch (call.name) {
          case 'QueryCommand':
            return bare.send(new QueryCommand(call.input as QueryCommandInput));
          case 'BatchGetItemCommand':
            return bare.send(new BatchGetItemCommand(call.input as BatchGetItemCommandInput));
          case 'GetItemCommand':
            return bare.send(new GetItemCommand(call.input as GetItemCommandInput));
          default:
            throw new Error(`no replay for ${call.name}`);
        }
      }),
    );
  }
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** A cursor as the repository makes them (base64url JSON of a shard and the last row read in it). */
const cursorAt = (shard: number, row: number) =>
  Buffer.from(JSON.stringify({ shard, afterSk: rowSortKey(row) })).toString('base64url');

async function run(): Promise<Record<string, unknown>> {
  if (kind !== 'lists') throw new Error('usage: lists-case.ts lists <rows>');
  const rows = Number(rowsArg);
  const seedStarted = performance.now();
  const { proposalId, accepted, indexEntries, planted } = await seed(rows);
  const seedMs = performance.now() - seedStarted;
  console.error(
    `  lists: seeded ${accepted} recipients and ${indexEntries} index entries in ${(seedMs / 1000).toFixed(0)} s`,
  );

  const gateway = await startGateway({
    routes: ROUTES,
    port: 0,
    accessLog: () => {},
    errorLog: (message, error) => console.error(message, error),
  });
  const token = await signLocalToken({
    sub: 'bench-verifier',
    name: 'Verifikator',
    groups: ['verifier'],
    opd: 'DINSOS',
  });
  const get = async (path: string) => {
    const response = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { items?: unknown[]; nextCursor?: string | null };
    if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(body)}`);
    return body;
  };

  // Half-way through the list: the middle row of the middle shard.
  const deepShard = LIST_SHARDS / 2;
  const deepRow = Math.floor(rows / 2 / LIST_SHARDS) * LIST_SHARDS + deepShard;
  const deep = encodeURIComponent(cursorAt(deepShard, deepRow));
  const recipients = `/proposals/${proposalId}/recipients`;
  const cases: [string, string][] = [
    ['recipients, limit 500', `${recipients}?limit=500`],
    ['recipients, limit 500, deep cursor', `${recipients}?limit=500&cursor=${deep}`],
    [`flag absent from the list (${ABSENT}), limit 500`, `${recipients}?limit=500&flag=${ABSENT}`],
    [`flag on 0.01 % (${VERY_RARE}), limit 500`, `${recipients}?limit=500&flag=${VERY_RARE}`],
    [`flag on 1 % (${RARE}), limit 500`, `${recipients}?limit=500&flag=${RARE}`],
    [`flag on 1 % (${RARE}), limit 500, deep cursor`, `${recipients}?limit=500&flag=${RARE}&cursor=${deep}`],
    [`warning on 30 % (${COMMON}), limit 500`, `${recipients}?limit=500&flag=${COMMON}`],
    ['GET /proposals (every region)', '/proposals'],
    ['GET /decrees (this year)', '/decrees'],
  ];

  const measureStarted = performance.now();
  const figures: ListCaseFigures[] = [];
  try {
    for (const [label, path] of cases) {
      for (let i = 0; i < WARM_UP; i++) await get(path);
      const latencies: number[] = [];
      const bareLatencies: number[] = [];
      let calls: RecordedCall[] = [];
      let body: Awaited<ReturnType<typeof get>> = {};
      for (let i = 0; i < REQUESTS; i++) {
        recording = [];
        const started = performance.now();
        body = await get(path);
        latencies.push(performance.now() - started);
        calls = recording;
        recording = undefined;
        const bareStarted = performance.now();
        await replay(calls);
        bareLatencies.push(performance.now() - bareStarted);
      }
      latencies.sort((a, b) => a - b);
      bareLatencies.sort((a, b) => a - b);
      const byName: Record<string, number> = {};
      for (const call of calls) {
        const operation = call.name.replace(/Command$/, '');
        byName[operation] = (byName[operation] ?? 0) + 1;
      }
      figures.push({
        label,
        items: body.items?.length ?? 0,
        hasNext: typeof body.nextCursor === 'string',
        calls: byName,
        medianMs: quantile(latencies, 0.5),
        p95Ms: quantile(latencies, 0.95),
        bareMedianMs: quantile(bareLatencies, 0.5),
        bareP95Ms: quantile(bareLatencies, 0.95),
      });
      console.error(`  lists: ${label}: ${quantile(latencies, 0.5).toFixed(1)} ms`);
    }
  } finally {
    await gateway.close();
    bare.destroy();
  }
  return {
    rows: accepted,
    indexEntries,
    planted,
    seedMs,
    measureMs: performance.now() - measureStarted,
    requestsPerCase: REQUESTS,
    cases: figures,
  };
}

reportCase(kind, run);
