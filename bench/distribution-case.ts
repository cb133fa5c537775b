/**
 * One distribution benchmark case (issue #15), in its own process so that its peak RSS is its own.
 * Prints one JSON line `{ kind, ms, maxRssMb, ... }`. Started by `bench/distribution.ts` with the
 * emulators' environment once the tahap is seeded.
 *
 *   tsx bench/distribution-case.ts instruct <tahapId> <region>
 *       the payment instruction job (`instructPayments`, the families worker's adapters) of the
 *       kabupaten's QUEUED first file: entitlements moved, file and control file written, logged,
 *       handed to the bank
 *   tsx bench/distribution-case.ts instruct-bare <tahapId> <region>
 *       the same TUNAI entitlements read with the raw client's Query (same key condition, DynamoDB's
 *       1 MB page, one page at a time as `queryItems` reads them), a line of the same columns per
 *       row, the file and a control file put with PutObject
 *   tsx bench/distribution-case.ts reconcile <tahapId> <runId>
 *       the KPM cash reconciliation (`reconcileKpmCash`) of the tahap, as the reconciliation worker
 *       runs it
 *   tsx bench/distribution-case.ts reconcile-bare <tahapId> <regions>
 *       the same rows read raw: each kabupaten's TUNAI entitlements (as above) and every stored
 *       payment line (the 32 shards' Queries, strongly consistent, the next page asked for while
 *       one is counted, as `PaymentsRepository.stream` reads them)
 *   tsx bench/distribution-case.ts instruct-same <tahapId> <region>
 *   tsx bench/distribution-case.ts reconcile-same <tahapId> <regions>
 *   tsx bench/distribution-case.ts bast-same <tahapId> <region> <importId>
 *       the same work done bare, run after the product's case on the rows it left: the reads above
 *       (for the BAST, the file parsed and each line's entitlement read 100 a BatchGetItem; for the
 *       instruction, each penerima's account too), then every row written conditionally as the job
 *       writes it (a condition on the status read, a line's worth of attributes set), 100 updates a
 *       TransactWriteItems, 4 in flight: the floor DynamoDB puts under any job that must not move a
 *       row twice
 *   tsx bench/distribution-case.ts bast <tahapId> <region> <importId>
 *       the family import (`functions/family-import/handler.ts`, as Lambda runs it) of a BAST
 *       already in the uploads bucket, after its AWAITING_FILE record (made before the clock)
 *   tsx bench/distribution-case.ts bast-bare <tahapId> <region> <importId>
 *       the same object read with the raw client, parsed with `csv-parse` (the import's parser), an
 *       item per line with what the import writes on the entitlement (its key's size, status,
 *       line key, handover), BatchWriteItem 25 a call, 8 in flight, under a partition of its own
 */
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DynamoDBClient,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse';
import {
  accountKey,
  entitlementKey,
  entitlementPartition,
  PAYMENT_SHARDS,
  paymentPartition,
} from '#shared/adapters/keys.ts';
import { importObjectKey, instructionFileKeys } from '#shared/adapters/storage-keys.ts';
import { reportCase } from './child.ts';
import { timedFamilyImport } from './family-import-run.ts';

const [kind = '', tahapId = '', arg = '', importId = ''] = process.argv.slice(2);
const table = process.env.TABLE_NAME as string;
const CONCURRENCY = 8;

async function run(): Promise<Record<string, unknown>> {
  switch (kind) {
    case 'instruct':
      return instruct(arg);
    case 'instruct-bare': {
      const dynamo = new DynamoDBClient({});
      const s3 = new S3Client({ forcePathStyle: true });
      const started = performance.now();
      const keys = instructionFileKeys(tahapId, arg, `BENCH-BARE-${arg}`);
      const lines = ['No;No Rekening;Nama Penerima;NIK;Jumlah;No Referensi;Nomor SK;Keterangan\r\n'];
      let rows = 0;
      let total = 0;
      for await (const item of tunai(dynamo, arg)) {
        rows++;
        const amount = Number(item.amount?.N);
        total += amount;
        const nik = item.penerimaNik?.S ?? '';
        lines.push(
          `${rows};${nik.slice(0, 4)}${nik.slice(-6)};${item.penerimaNama?.S};${nik};${amount};${item.ref?.S}-1;${item.decreeNumber?.S};BANTUAN TUNAI KHBS TAHAP 1/2026\r\n`,
        );
      }
      const body = lines.join('');
      const bucket = process.env.DOCUMENTS_BUCKET as string;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: keys.file,
          Body: body,
          ContentType: 'text/csv; charset=utf-8',
        }),
      );
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: keys.control,
          Body: `ID Berkas;Baris;Total\r\n${keys.file};${rows};${total}\r\n`,
          ContentType: 'text/csv; charset=utf-8',
        }),
      );
      const ms = performance.now() - started;
      dynamo.destroy();
      s3.destroy();
      return { ms, rows, bytes: Buffer.byteLength(body) };
    }
    case 'reconcile':
      return reconcile(arg);
    case 'reconcile-bare': {
      const dynamo = new DynamoDBClient({});
      const started = performance.now();
      let entitlements = 0;
      for (const region of arg.split(',')) for await (const _ of tunai(dynamo, region)) entitlements++;
      const paymentLines = await countPaymentLines(dynamo);
      const ms = performance.now() - started;
      dynamo.destroy();
      return { ms, entitlements, paymentLines };
    }
    case 'instruct-same':
      return instructSame(arg);
    case 'reconcile-same':
      return reconcileSame(arg);
    case 'bast-same':
      return bastSame(arg, importId);
    case 'bast':
      return bast(arg, importId);
    case 'bast-bare':
      return bastBare(importId);
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

/**
 * Every stored payment line, raw: the 32 shards' Queries, strongly consistent, the next page asked
 * for while one is counted (as `PaymentsRepository.stream` reads them).
 */
async function countPaymentLines(dynamo: DynamoDBClient): Promise<number> {
  let paymentLines = 0;
  const page = (shard: number, after?: Record<string, AttributeValue>) =>
    dynamo
      .send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: paymentPartition(shard) } },
          ConsistentRead: true,
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      )
      .then((out): [number, QueryCommandOutput] => [shard, out]);
  let next: Promise<[number, QueryCommandOutput]> | undefined = page(0);
  while (next) {
    const [shard, out]: [number, QueryCommandOutput] = await next;
    next = out.LastEvaluatedKey
      ? page(shard, out.LastEvaluatedKey)
      : shard + 1 < PAYMENT_SHARDS
        ? page(shard + 1)
        : undefined;
    paymentLines += out.Items?.length ?? 0;
  }
  return paymentLines;
}

/** A kabupaten's TUNAI entitlements, raw, one Query page after another. */
async function* tunai(
  dynamo: DynamoDBClient,
  region: string,
): AsyncGenerator<Record<string, AttributeValue>> {
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await dynamo.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :component)',
        ExpressionAttributeValues: {
          ':pk': { S: entitlementPartition(tahapId, region) },
          ':component': { S: 'TUNAI#' },
        },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    yield* out.Items ?? [];
    start = out.LastEvaluatedKey;
  } while (start);
}

async function instruct(region: string): Promise<Record<string, unknown>> {
  const { AccountsRepository } = await import('#shared/adapters/accounts-repo.ts');
  const { DistributionRepository } = await import('#shared/adapters/distribution-repo.ts');
  const { ExchangeRepository } = await import('#shared/adapters/exchange-repo.ts');
  const { FamilyDirectoryRepository } = await import('#shared/adapters/family-directory-repo.ts');
  const { InstructionsRepository } = await import('#shared/adapters/instructions-repo.ts');
  const { TahapRepository } = await import('#shared/adapters/tahap-repo.ts');
  const { ObjectStore } = await import('#shared/adapters/object-store.ts');
  const { env } = await import('#shared/config/env.ts');
  const { instructionFileId } = await import('#shared/domain/family/payments.ts');
  const { instructPayments } = await import('../functions/families/instruct-payments.ts');
  const config = env();
  const deps = {
    instructions: new InstructionsRepository(config.tableName),
    accounts: new AccountsRepository(config.tableName),
    distribution: new DistributionRepository(config.tableName),
    directory: new FamilyDirectoryRepository(config.tableName),
    exchange: new ExchangeRepository(config.tableName),
    tahap: new TahapRepository(config.tableName),
    objects: new ObjectStore(),
    documentsBucket: config.documentsBucket,
  };
  const record = await deps.instructions.get(tahapId, region, 1);
  if (!record) throw new Error(`no instruction file of ${region}`);
  const started = performance.now();
  const outcome = await instructPayments(
    {
      type: 'payments.instruct.requested',
      tahapId,
      region,
      seq: 1,
      fileId: instructionFileId(tahapId, region, 1),
      requestedAt: record.requestedAt,
    },
    deps,
  );
  const ms = performance.now() - started;
  if (outcome.kind !== 'written') throw new Error(`instruction of ${region}: ${JSON.stringify(outcome)}`);
  const s3 = new S3Client({ forcePathStyle: true });
  const head = await s3.send(
    new HeadObjectCommand({ Bucket: config.documentsBucket, Key: outcome.record.fileKey ?? '' }),
  );
  s3.destroy();
  return {
    ms,
    lines: outcome.record.lines,
    waitingAccount: outcome.record.waitingAccount,
    bytes: head.ContentLength,
  };
}

async function reconcile(runId: string): Promise<Record<string, unknown>> {
  const { DecreesRepository } = await import('#shared/adapters/decrees-repo.ts');
  const { DistributionRepository } = await import('#shared/adapters/distribution-repo.ts');
  const { ObjectStore } = await import('#shared/adapters/object-store.ts');
  const { PaymentsRepository } = await import('#shared/adapters/payments-repo.ts');
  const { env } = await import('#shared/config/env.ts');
  const { reconcileKpmCash } = await import('../functions/reconcile/reconcile-kpm-cash.ts');
  const { DashboardRepository } = await import('#shared/adapters/dashboard-repo.ts');
  const config = env();
  const started = performance.now();
  const result = await reconcileKpmCash(tahapId, runId, {
    decrees: new DecreesRepository(config.tableName),
    distribution: new DistributionRepository(config.tableName),
    payments: new PaymentsRepository(config.tableName),
    dashboard: new DashboardRepository(config.tableName),
    objects: new ObjectStore(),
    documentsBucket: config.documentsBucket,
  });
  return {
    ms: performance.now() - started,
    entitlements: result.entitlements,
    ignoredLines: result.ignoredLines,
    counts: { findings: result.findings, ...result.closed },
  };
}

async function bast(region: string, id: string): Promise<Record<string, unknown>> {
  const { ms, record } = await timedFamilyImport({ importId: id, kind: 'BAST', region, tahapId });
  const counts = record.counts;
  if (!counts || counts.accepted !== counts.rows || counts.warnings > 0) {
    throw new Error(`BAST import: ${JSON.stringify(counts)} (${JSON.stringify(record.problems)})`);
  }
  return { ms, rows: counts.rows };
}

async function bastBare(id: string): Promise<Record<string, unknown>> {
  const bucket = process.env.UPLOADS_BUCKET as string;
  const s3 = new S3Client({ forcePathStyle: true });
  const dynamo = new DynamoDBClient({
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: CONCURRENCY }) },
  });
  const started = performance.now();
  const out = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: importObjectKey('BAST', id, 'csv') }),
  );
  const parser = (out.Body as Readable).pipe(
    parse({ delimiter: ';', bom: true, relax_column_count: true, relax_quotes: true }),
  );
  const S = (value: string): AttributeValue => ({ S: value });
  const inFlight = new Set<Promise<void>>();
  const send = async (requests: { PutRequest: { Item: Record<string, AttributeValue> } }[]) => {
    let remaining = requests;
    while (remaining.length > 0) {
      const result = await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [table]: remaining } }));
      remaining = (result.UnprocessedItems?.[table] ?? []) as typeof remaining;
    }
  };
  let batch: { PutRequest: { Item: Record<string, AttributeValue> } }[] = [];
  let rows = 0;
  let header = true;
  const at = new Date().toISOString();
  for await (const cells of parser as AsyncIterable<string[]>) {
    if (header) {
      header = false;
      continue;
    }
    rows++;
    // No KK;NIK Penerima;Nama Penerima;Hubungan;Tanggal Serah Terima;Status;Alasan;Nomor Surat Kuasa;Foto;Latitude;Longitude
    const [noKk = '', nik = '', , , tanggal = '', , , , foto = '', lat = '', lon = ''] = cells;
    const date = `${tanggal.slice(6, 10)}-${tanggal.slice(3, 5)}-${tanggal.slice(0, 2)}`;
    const item: Record<string, AttributeValue> = {
      pk: S(`BENCHBAST#${tahapId}#${arg}`),
      sk: S(`PANGAN#${noKk}`),
      status: S('DITERIMA'),
      updatedAt: S(at),
      bastKeys: { L: [S(`${date}#DITERIMA#${nik}`)] },
      handover: {
        M: {
          tanggal: S(date),
          receiver: S('KPM'),
          receiverNik: S(nik),
          foto: S(foto),
          latitude: { N: lat.replace(',', '.') },
          longitude: { N: lon.replace(',', '.') },
          redelivery: { BOOL: false },
          importId: S(id),
          sourceRow: { N: String(rows + 1) },
        },
      },
    };
    batch.push({ PutRequest: { Item: item } });
    if (batch.length === 25) {
      const call: Promise<void> = send(batch).finally(() => inFlight.delete(call));
      inFlight.add(call);
      batch = [];
      while (inFlight.size >= CONCURRENCY) await Promise.race(inFlight);
    }
  }
  if (batch.length > 0) await send(batch);
  await Promise.all(inFlight);
  const ms = performance.now() - started;
  s3.destroy();
  dynamo.destroy();
  return { ms, rows };
}

type Key = Record<string, AttributeValue>;

/**
 * Conditional writes as the jobs make them: each row's status checked as read and a line's worth of
 * attributes set, 100 updates a TransactWriteItems, 4 transactions in flight.
 */
class ConditionalWrites {
  private batch: { key: Key; status: string }[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  written = 0;

  constructor(private readonly dynamo: DynamoDBClient) {}

  async add(key: Key, status: string): Promise<void> {
    this.batch.push({ key, status });
    if (this.batch.length < 100) return;
    this.send();
    while (this.inFlight.size >= 4) await Promise.race(this.inFlight);
  }

  async done(): Promise<number> {
    if (this.batch.length > 0) this.send();
    await Promise.all(this.inFlight);
    return this.written;
  }

  private send(): void {
    const rows = this.batch;
    this.batch = [];
    const at = new Date().toISOString();
    const call: Promise<unknown> = this.dynamo
      .send(
        new TransactWriteItemsCommand({
          TransactItems: rows.map(({ key, status }) => ({
            Update: {
              TableName: table,
              Key: key,
              UpdateExpression: 'SET benchAt = :at, benchLine = :line',
              ConditionExpression: '#status = :status',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':at': { S: at },
                ':status': { S: status },
                ':line': {
                  M: {
                    fileId: { S: 'KHBS-PI-2026-1-6203-01' },
                    attempt: { N: '1' },
                    noRekening: { S: '6203000001' },
                    at: { S: at },
                  },
                },
              },
            },
          })),
        }),
      )
      .then(() => {
        this.written += rows.length;
      })
      .finally(() => this.inFlight.delete(call));
    this.inFlight.add(call);
  }
}

/** BatchGetItem of up to 100 keys, strongly consistent, unprocessed keys asked for again. */
async function batchGet(dynamo: DynamoDBClient, keys: Key[]): Promise<Key[]> {
  const items: Key[] = [];
  let pending = keys;
  while (pending.length > 0) {
    const out = await dynamo.send(
      new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
    );
    items.push(...(out.Responses?.[table] ?? []));
    pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
  }
  return items;
}

const attributeKey = (key: { pk: string; sk: string }): Key => ({ pk: { S: key.pk }, sk: { S: key.sk } });

async function instructSame(region: string): Promise<Record<string, unknown>> {
  const dynamo = new DynamoDBClient({});
  const s3 = new S3Client({ forcePathStyle: true });
  const writes = new ConditionalWrites(dynamo);
  const started = performance.now();
  const lines: string[] = ['No;No Rekening;Nama Penerima;NIK;Jumlah;No Referensi;Nomor SK;Keterangan\r\n'];
  let chunk: Key[] = [];
  const flush = async () => {
    const accounts = new Map(
      (
        await batchGet(
          dynamo,
          [...new Set(chunk.map((item) => item.penerimaNik?.S ?? ''))].map((nik) =>
            attributeKey(accountKey(nik)),
          ),
        )
      ).map((account) => [account.nik?.S, account.noRekening?.S]),
    );
    for (const item of chunk) {
      const nik = item.penerimaNik?.S ?? '';
      lines.push(
        `${lines.length};${accounts.get(nik)};${item.penerimaNama?.S};${nik};${item.amount?.N};${item.ref?.S}-1;${item.decreeNumber?.S};BANTUAN TUNAI KHBS TAHAP 1/2026\r\n`,
      );
      await writes.add(
        { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue },
        item.status?.S ?? '',
      );
    }
    chunk = [];
  };
  for await (const item of tunai(dynamo, region)) {
    chunk.push(item);
    if (chunk.length === 100) await flush();
  }
  await flush();
  const rows = await writes.done();
  const body = lines.join('');
  await s3.send(
    new PutObjectCommand({
      Bucket: process.env.DOCUMENTS_BUCKET as string,
      Key: instructionFileKeys(tahapId, region, `BENCH-SAME-${region}`).file,
      Body: body,
      ContentType: 'text/csv; charset=utf-8',
    }),
  );
  const ms = performance.now() - started;
  dynamo.destroy();
  s3.destroy();
  return { ms, rows };
}

async function reconcileSame(regions: string): Promise<Record<string, unknown>> {
  const dynamo = new DynamoDBClient({});
  const writes = new ConditionalWrites(dynamo);
  const started = performance.now();
  const paymentLines = await countPaymentLines(dynamo);
  let entitlements = 0;
  for (const region of regions.split(',')) {
    for await (const item of tunai(dynamo, region)) {
      entitlements++;
      await writes.add(
        { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue },
        item.status?.S ?? '',
      );
    }
  }
  const rows = await writes.done();
  const ms = performance.now() - started;
  dynamo.destroy();
  return { ms, entitlements, paymentLines, rows };
}

async function bastSame(region: string, id: string): Promise<Record<string, unknown>> {
  const s3 = new S3Client({ forcePathStyle: true });
  const dynamo = new DynamoDBClient({});
  const writes = new ConditionalWrites(dynamo);
  const started = performance.now();
  const out = await s3.send(
    new GetObjectCommand({
      Bucket: process.env.UPLOADS_BUCKET as string,
      Key: importObjectKey('BAST', id, 'csv'),
    }),
  );
  const parser = (out.Body as Readable).pipe(
    parse({ delimiter: ';', bom: true, relax_column_count: true, relax_quotes: true, from_line: 2 }),
  );
  let noKks: string[] = [];
  const flush = async () => {
    const keys = [...new Set(noKks)].map((noKk) =>
      attributeKey(entitlementKey(tahapId, region, 'PANGAN', noKk)),
    );
    for (const item of await batchGet(dynamo, keys)) {
      await writes.add(
        { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue },
        item.status?.S ?? '',
      );
    }
    noKks = [];
  };
  for await (const [noKk = ''] of parser as AsyncIterable<string[]>) {
    noKks.push(noKk);
    if (noKks.length === 100) await flush();
  }
  await flush();
  const rows = await writes.done();
  const ms = performance.now() - started;
  s3.destroy();
  dynamo.destroy();
  return { ms, rows };
}

reportCase(kind, run);
