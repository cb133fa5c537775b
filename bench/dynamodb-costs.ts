/**
 * What DynamoDB Local charges per kind of write and read on this machine, with the raw client:
 * the floor under the distribution jobs, which must write every row on a condition. Not a part of
 * `npm run bench`; run on its own (`npx tsx bench/dynamodb-costs.ts`, `N=10000` items by default).
 *
 * Prints rows/s for: BatchWriteItem puts (25 a call, 8 in flight), GetItem (8 in flight),
 * BatchGetItem (100 a call, 4 in flight), a conditional UpdateItem (8 and 32 in flight) and
 * TransactWriteItems of conditional updates (100 a call, 1 and 4 in flight; 25 and 10 a call, 8).
 */
import { performance } from 'node:perf_hooks';
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  TransactWriteItemsCommand,
  type Update,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { startEmulators } from '../local/emulators.ts';

const N = Number(process.env.N ?? 10_000);
const emulators = await startEmulators({ javaHeapMb: 1024 });
Object.assign(process.env, emulators.env);
const table = emulators.env.TABLE_NAME as string;
const dynamo = new DynamoDBClient({});

type Item = Record<string, AttributeValue>;
const keys = Array.from({ length: N }, (_, i) => `E#${String(i).padStart(6, '0')}`);
const chunks = <T>(all: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(all.length / size) }, (_, i) => all.slice(i * size, (i + 1) * size));

/** Runs `work` over `items`, `concurrency` at a time. */
async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let item = items[next++]; item !== undefined; item = items[next++]) await work(item);
    }),
  );
}

async function time(label: string, work: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  console.log(`${label.padEnd(34)} ${String(Math.round(N / (ms / 1000))).padStart(6)} rows/s`);
}

const item = (pk: string, sk: string): Item => ({
  pk: { S: pk },
  sk: { S: sk },
  status: { S: 'DIKIRIM' },
  amount: { N: '150000' },
  noKk: { S: '6203010101200001' },
  desaCode: { S: '62.03.01.2001' },
  nama: { S: 'Warga abc' },
});

const put = (pk: string) =>
  pool(chunks(keys, 25), 8, async (batch) => {
    let requests = batch.map((sk) => ({ PutRequest: { Item: item(pk, sk) } }));
    while (requests.length > 0) {
      const out = await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  });

/** The move a job makes: a status and a handover set, on the condition of the status read. */
const move = (pk: string, sk: string) =>
  ({
    TableName: table,
    Key: { pk: { S: pk }, sk: { S: sk } },
    UpdateExpression: 'SET #status = :to, handover = :handover',
    ConditionExpression: '#status = :from',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':to': { S: 'DITERIMA' },
      ':from': { S: 'DIKIRIM' },
      ':handover': { M: { tanggal: { S: '2026-11-02' }, foto: { S: 'IMG_000001.jpg' } } },
    },
  }) satisfies Update;
const transact = (pk: string, size: number, concurrency: number) =>
  pool(chunks(keys, size), concurrency, (batch) =>
    dynamo.send(
      new TransactWriteItemsCommand({ TransactItems: batch.map((sk) => ({ Update: move(pk, sk) })) }),
    ),
  );

try {
  await time('BatchWriteItem puts, 25 x 8', () => put('A'));
  for (const pk of ['B', 'C', 'D', 'E', 'F', 'G']) await put(pk);
  await time('GetItem, 8 in flight', () =>
    pool(keys, 8, (sk) =>
      dynamo.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'A' }, sk: { S: sk } } })),
    ),
  );
  await time('BatchGetItem, 100 x 4', () =>
    pool(chunks(keys, 100), 4, (batch) =>
      dynamo.send(
        new BatchGetItemCommand({
          RequestItems: { [table]: { Keys: batch.map((sk) => ({ pk: { S: 'A' }, sk: { S: sk } })) } },
        }),
      ),
    ),
  );
  await time('conditional UpdateItem, 8 in flight', () =>
    pool(keys, 8, (sk) => dynamo.send(new UpdateItemCommand(move('B', sk)))),
  );
  await time('conditional UpdateItem, 32', () =>
    pool(keys, 32, (sk) => dynamo.send(new UpdateItemCommand(move('C', sk)))),
  );
  await time('TransactWriteItems 100 x 1', () => transact('D', 100, 1));
  await time('TransactWriteItems 100 x 4', () => transact('E', 100, 4));
  await time('TransactWriteItems 25 x 8', () => transact('F', 25, 8));
  await time('TransactWriteItems 10 x 8', () => transact('G', 10, 8));
} finally {
  dynamo.destroy();
  await emulators.stop();
}
