/**
 * The truly bare writer (issue #12): what writing the import's items into DynamoDB costs with
 * nothing else in the way, the baseline the import is compared with.
 *
 * - Prepared before the clock starts (untimed; cached in `<file>.items.ndjson` until the file
 *   changes): the file read the way the import reads it (its CSV reader, header mapping, row
 *   validation, duplicate checks), and
 *   every accepted row turned into the very items the import writes (`recipientItems`: the
 *   recipient and its flag index entries, same keys, attributes and sizes), marshalled to
 *   DynamoDB's wire format once and grouped into BatchWriteItem requests of 25, one per line.
 * - Timed: those lines read back and sent with the raw `@aws-sdk/client-dynamodb` client
 *   (`BatchWriteItemCommand`, no document client, no per-item work), `concurrency` calls in flight
 *   (the import writer's), a keep-alive agent with a socket per call in flight, unprocessed items
 *   sent again at once until none is left.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, stat } from 'node:fs/promises';
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { BatchWriteItemCommand, DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';

export interface BareWriteResult {
  readonly rows: number;
  readonly items: number;
  readonly calls: number;
  readonly ms: number;
}

/** The marshalled BatchWriteItem requests of `file`, one line of ≤ 25 per batch, written once. */
export async function prepareBareWrite(file: string, region: string): Promise<string> {
  const cache = `${file}.items.ndjson`;
  // Made again whenever the file is newer (`npm run bench` writes it afresh each run), so that the
  // items are always those of the code being measured.
  const made = await stat(cache).catch(() => undefined);
  if (made && made.mtimeMs >= (await stat(file)).mtimeMs) return cache;
  const { readCsvRecords } = await import('#shared/import/csv-records.ts');
  const { toRows } = await import('#shared/import/rows.ts');
  const { RECIPIENT_LAYOUT } = await import('#shared/domain/columns.ts');
  const { validateRow, FileDuplicateTracker } = await import('#shared/domain/recipient-row.ts');
  const { recipientItems } = await import('#shared/adapters/recipients-repo.ts');
  const tracker = new FileDuplicateTracker();
  // The shape of the import's list id (upload id + ETag prefix): same key sizes.
  const listId = `01JBENCHBAREWRITER0000000000-0123456789ab`;
  const out = createWriteStream(`${cache}.part`);
  let batch: WriteRequest[] = [];
  let rows = 0;
  const writeLine = (line: string) =>
    out.write(line) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', resolve));
  for await (const { sourceRow, raw } of toRows(readCsvRecords(createReadStream(file)), RECIPIENT_LAYOUT)) {
    const result = validateRow(raw, region);
    if (!result.recipient || result.errors.length > 0) continue;
    const issues = [...result.warnings, ...tracker.check(result.recipient, sourceRow)];
    if (issues.some((issue) => issue.severity === 'error')) continue;
    rows++;
    const items = recipientItems(listId, sourceRow, {
      ...result.recipient,
      warnings: issues.map((issue) => issue.code),
    });
    for (const item of items) {
      batch.push({ PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) } });
      if (batch.length === 25) {
        await writeLine(`${JSON.stringify({ rows, batch })}\n`);
        rows = 0;
        batch = [];
      }
    }
  }
  if (batch.length > 0 || rows > 0) await writeLine(`${JSON.stringify({ rows, batch })}\n`);
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  await rename(`${cache}.part`, cache);
  return cache;
}

/** Writes the prepared items of `file` into `table`; only the writing is timed. */
export async function bareWrite(
  file: string,
  region: string,
  table: string,
  concurrency: number,
): Promise<BareWriteResult> {
  const cache = await prepareBareWrite(file, region);
  const client = new DynamoDBClient({
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: concurrency }) },
  });
  const inFlight = new Set<Promise<void>>();
  let rows = 0;
  let items = 0;
  let calls = 0;
  const send = async (requests: WriteRequest[]) => {
    let remaining = requests;
    while (remaining.length > 0) {
      calls++;
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: remaining } }));
      remaining = out.UnprocessedItems?.[table] ?? [];
    }
  };
  const lines = createInterface({ input: createReadStream(cache), crlfDelay: Number.POSITIVE_INFINITY });
  const started = performance.now();
  for await (const line of lines) {
    const { rows: batchRows, batch } = JSON.parse(line) as { rows: number; batch: WriteRequest[] };
    rows += batchRows;
    items += batch.length;
    if (batch.length === 0) continue;
    const call: Promise<void> = send(batch).finally(() => inFlight.delete(call));
    inFlight.add(call);
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const ms = performance.now() - started;
  client.destroy();
  return { rows, items, calls, ms };
}
