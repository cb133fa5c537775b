/**
 * One benchmark case, run in its own process so that its peak RSS is its own. Prints one JSON line:
 * `{ kind, rows, ms, maxRssMb, calls? }`. Started by `bench/run.ts` with the emulators' environment.
 *
 *   tsx bench/case.ts <kind> <file> [s3Key]
 *
 * kinds: `import` (the real import handler on an object already in S3), `bare-write` (the bare
 * writer of `bench/bare-writer.ts` in a process of its own), `baseline-write` (the baseline before
 * issue #12: CSV parse + document client BatchWrite inside the clock, same concurrency, no
 * validation, the file's columns as items), `parse` (plain CSV parse) and
 * `parse-validate` (the import's own reading, header mapping and row validation, no writes).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse';

const [kind = '', file = '', s3Key] = process.argv.slice(2);
if (!kind || !file) throw new Error('usage: case.ts <kind> <file> [s3Key]');

const CONCURRENCY = 8; // the import's BatchWriter default, matched by the baseline

async function run(): Promise<Record<string, unknown>> {
  const started = performance.now();
  switch (kind) {
    case 'parse': {
      let rows = 0;
      for await (const _ of createReadStream(file).pipe(
        parse({ delimiter: ';', bom: true, relax_column_count: true }),
      ))
        rows++;
      return { rows, ms: performance.now() - started };
    }
    case 'parse-validate': {
      const { readCsvRecords } = await import('#shared/import/csv-records.ts');
      const { toRows } = await import('#shared/import/rows.ts');
      const { RECIPIENT_LAYOUT } = await import('#shared/domain/columns.ts');
      const { validateRow, FileDuplicateTracker } = await import('#shared/domain/recipient-row.ts');
      const tracker = new FileDuplicateTracker();
      let rows = 0;
      let accepted = 0;
      for await (const { sourceRow, raw } of toRows(
        readCsvRecords(createReadStream(file)),
        RECIPIENT_LAYOUT,
      )) {
        rows++;
        const result = validateRow(raw, '62.03');
        if (
          result.recipient &&
          tracker.check(result.recipient, sourceRow).every((issue) => issue.severity !== 'error')
        )
          accepted++;
      }
      return { rows, accepted, ms: performance.now() - started };
    }
    case 'baseline-write': {
      const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
      const { documentClient } = await import('#shared/adapters/clients.ts');
      const table = process.env.TABLE_NAME as string;
      const inFlight = new Set<Promise<unknown>>();
      let batch: Record<string, unknown>[] = [];
      let rows = 0;
      let calls = 0;
      const send = async (items: Record<string, unknown>[]) => {
        let requests = items.map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          calls++;
          const out = await documentClient.send(
            new BatchWriteCommand({ RequestItems: { [table]: requests } }),
          );
          requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
        }
      };
      let header: string[] | undefined;
      for await (const record of createReadStream(file).pipe(
        parse({ delimiter: ';', bom: true, relax_column_count: true }),
      ) as AsyncIterable<string[]>) {
        if (!header) {
          header = record;
          continue;
        }
        rows++;
        const item: Record<string, unknown> = { pk: `BASE#${rows % 32}`, sk: String(rows).padStart(7, '0') };
        header.forEach((name, index) => {
          if (record[index]) item[name] = record[index];
        });
        batch.push(item);
        if (batch.length === 25) {
          const call = send(batch).finally(() => inFlight.delete(call));
          inFlight.add(call);
          batch = [];
          while (inFlight.size >= CONCURRENCY) await Promise.race(inFlight);
        }
      }
      if (batch.length > 0) await send(batch);
      await Promise.all(inFlight);
      return { rows, calls, ms: performance.now() - started };
    }
    case 'bare-write': {
      const { bareWrite } = await import('./bare-writer.ts');
      return { ...(await bareWrite(file, '62.03', process.env.TABLE_NAME as string, CONCURRENCY)) };
    }
    case 'import': {
      if (!s3Key) throw new Error('import needs the S3 key');
      const { handler } = await import('../functions/import/handler.ts');
      const { HeadObjectCommand } = await import('@aws-sdk/client-s3');
      const { s3Client } = await import('#shared/adapters/clients.ts');
      const bucket = process.env.UPLOADS_BUCKET as string;
      const head = await s3Client.send(new HeadObjectCommand({ Bucket: bucket, Key: s3Key }));
      const size = (await stat(file)).size;
      const begin = performance.now();
      const { createLambdaContext, invokeWithTimeout } = await import('../local/lambda.ts');
      const { objectCreatedEvent } = await import('#shared/adapters/lambda-invoker.ts');
      const event = objectCreatedEvent(
        bucket,
        { key: s3Key, size, etag: (head.ETag ?? '').replaceAll('"', '') },
        new Date(),
      );
      // As Lambda runs it (per-invocation logger context included), with its 15-minute timeout.
      const outcomes = (await invokeWithTimeout(
        handler,
        event,
        createLambdaContext({ functionName: 'bench-import', timeoutMs: 900_000 }),
        900_000,
      )) as Awaited<ReturnType<typeof handler>>;
      const outcome = outcomes[0];
      const record = outcome && 'record' in outcome ? outcome.record : undefined;
      return {
        rows: record?.counts?.rows,
        accepted: record?.counts?.accepted,
        ms: performance.now() - begin,
      };
    }
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

const result = await run();
process.stdout.write(
  `${JSON.stringify({ kind, ...result, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
);
