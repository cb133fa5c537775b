import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DynamoDBClient,
  ScanCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.ts';

/**
 * What `npm start` keeps across restarts: every item of every table and every object of every
 * bucket, in a folder (`.local/` by default, git-ignored). DynamoDB Local and fauxqs keep running in
 * memory, which is fast (DynamoDB Local with `-dbPath` writes about 6× slower); the state is written
 * to disk when the stack stops and every minute, and loaded back when it starts. SQS messages are
 * not kept: a message in flight at the stop is lost (`npm run watchdog` reports what that leaves stuck).
 *
 * Layout: `<dir>/state/manifest.json` (written last, names everything else), one JSON-lines file per
 * table (DynamoDB JSON, one item a line), and `objects/<n>` (one file per S3 object, its bytes). A
 * save is written into `<dir>/state.tmp-…` and then swapped in by renames, so a crash or a kill in
 * the middle of a save leaves the previous state whole. Objects unchanged since the previous save
 * (same bucket, key and ETag) are hard-linked, not fetched again.
 */

export interface PersistenceTarget {
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  readonly tables: readonly string[];
  readonly buckets: readonly string[];
}

export interface StateSummary {
  readonly items: number;
  readonly objects: number;
  /** Bytes of object data. */
  readonly bytes: number;
  /** When the state was saved. */
  readonly savedAt: Date;
  /** How long the save or the restore took. */
  readonly ms: number;
}

interface ObjectEntry {
  readonly bucket: string;
  readonly key: string;
  readonly file: string;
  readonly etag?: string;
  readonly contentType?: string;
  readonly metadata?: Record<string, string>;
  readonly size: number;
}

interface Manifest {
  readonly version: 1;
  readonly savedAt: string;
  readonly tables: { readonly name: string; readonly file: string; readonly items: number }[];
  readonly objects: ObjectEntry[];
}

const STATE = 'state';
const PREVIOUS = 'state.old';
const TEMP_PREFIX = 'state.tmp-';
const SCAN_SEGMENTS = 4;
const BATCH_SIZE = 25;
/** BatchWriteItem calls in flight while restoring. */
const WRITE_CONCURRENCY = 16;
/** S3 requests in flight while saving or restoring. */
const OBJECT_CONCURRENCY = 8;

function clients(target: PersistenceTarget): { ddb: DynamoDBClient; s3: S3Client } {
  const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  return {
    ddb: new DynamoDBClient({ ...config, endpoint: target.dynamoEndpoint, maxAttempts: 10 }),
    s3: new S3Client({ ...config, endpoint: target.s3Endpoint, forcePathStyle: true }),
  };
}

/** Deletes every saved state in `dir` (what `npm start -- --fresh` does before starting). */
export async function clearState(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((name) => name === STATE || name === PREVIOUS || name.startsWith(TEMP_PREFIX))
      .map((name) => rm(join(dir, name), { recursive: true, force: true })),
  );
}

/** The folder of the last complete save, if any (a save that was cut short left `state.old`). */
async function savedStateDir(dir: string): Promise<{ path: string; manifest: Manifest } | undefined> {
  for (const name of [STATE, PREVIOUS]) {
    const path = join(dir, name);
    try {
      const manifest = JSON.parse(await readFile(join(path, 'manifest.json'), 'utf8')) as Manifest;
      if (manifest.version === 1) return { path, manifest };
    } catch {
      // Missing or half-written: try the next.
    }
  }
  return undefined;
}

/**
 * Loads the saved state into the (empty) tables and buckets. Returns undefined when nothing was
 * saved. Tables or buckets that no longer exist are skipped.
 */
export async function restoreState(
  dir: string,
  target: PersistenceTarget,
): Promise<StateSummary | undefined> {
  const started = performance.now();
  const saved = await savedStateDir(dir);
  if (saved === undefined) return undefined;
  const { ddb, s3 } = clients(target);
  try {
    let items = 0;
    for (const table of saved.manifest.tables) {
      if (!target.tables.includes(table.name)) continue;
      items += await restoreTable(ddb, table.name, join(saved.path, table.file));
    }
    const objects = saved.manifest.objects.filter((object) => target.buckets.includes(object.bucket));
    await forEachLimited(objects, OBJECT_CONCURRENCY, async (object) => {
      await s3.send(
        new PutObjectCommand({
          Bucket: object.bucket,
          Key: object.key,
          Body: await readFile(join(saved.path, object.file)),
          ...(object.contentType !== undefined ? { ContentType: object.contentType } : {}),
          ...(object.metadata !== undefined ? { Metadata: object.metadata } : {}),
        }),
      );
    });
    return {
      items,
      objects: objects.length,
      bytes: objects.reduce((sum, object) => sum + object.size, 0),
      savedAt: new Date(saved.manifest.savedAt),
      ms: performance.now() - started,
    };
  } finally {
    ddb.destroy();
    s3.destroy();
  }
}

async function restoreTable(ddb: DynamoDBClient, table: string, file: string): Promise<number> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let count = 0;
  let batch: WriteRequest[] = [];
  const inFlight = new Set<Promise<void>>();
  const send = async (requests: WriteRequest[]): Promise<void> => {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0)
        await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 20 * 2 ** attempt)));
      const result = await ddb.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = result.UnprocessedItems?.[table] ?? [];
    }
  };
  const flush = async (): Promise<void> => {
    const requests = batch;
    batch = [];
    const promise = send(requests).finally(() => inFlight.delete(promise));
    inFlight.add(promise);
    if (inFlight.size >= WRITE_CONCURRENCY) await Promise.race(inFlight);
  };
  for await (const line of lines) {
    if (line === '') continue;
    batch.push({ PutRequest: { Item: JSON.parse(line, reviveBinary) as Record<string, AttributeValue> } });
    count++;
    if (batch.length === BATCH_SIZE) await flush();
  }
  if (batch.length > 0) await flush();
  await Promise.all(inFlight);
  return count;
}

/**
 * Writes every item and object to a new state folder and swaps it in. Not a point-in-time
 * snapshot: writes that happen during the save may or may not be in it (local development only).
 */
export async function saveState(dir: string, target: PersistenceTarget): Promise<StateSummary> {
  const started = performance.now();
  const savedAt = new Date();
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `${TEMP_PREFIX}${process.pid}-${Date.now()}`);
  await mkdir(join(temp, 'objects'), { recursive: true });
  const previous = await savedStateDir(dir);
  const { ddb, s3 } = clients(target);
  try {
    const tables: Manifest['tables'] = [];
    let items = 0;
    for (const [index, name] of target.tables.entries()) {
      const file = `table-${index}.jsonl`;
      const count = await saveTable(ddb, name, join(temp, file));
      tables.push({ name, file, items: count });
      items += count;
    }

    const reusable = new Map<string, ObjectEntry>();
    for (const object of previous?.manifest.objects ?? [])
      reusable.set(`${object.bucket}\n${object.key}`, object);
    const listed: { bucket: string; key: string; etag?: string; size: number }[] = [];
    for (const bucket of target.buckets) {
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }),
        );
        for (const object of page.Contents ?? []) {
          if (object.Key === undefined) continue;
          listed.push({
            bucket,
            key: object.Key,
            ...(object.ETag !== undefined ? { etag: object.ETag } : {}),
            size: object.Size ?? 0,
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
    const objects: ObjectEntry[] = [];
    await forEachLimited(listed.entries(), OBJECT_CONCURRENCY, async ([index, object]) => {
      const file = `objects/${index}`;
      const before = reusable.get(`${object.bucket}\n${object.key}`);
      if (
        previous !== undefined &&
        before !== undefined &&
        object.etag !== undefined &&
        before.etag === object.etag
      ) {
        try {
          await link(join(previous.path, before.file), join(temp, file));
          objects.push({ ...before, file });
          return;
        } catch {
          // Fetch it again.
        }
      }
      try {
        const got = await s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }));
        await pipeline(got.Body as NodeJS.ReadableStream, createWriteStream(join(temp, file)));
        objects.push({
          bucket: object.bucket,
          key: object.key,
          file,
          ...(got.ETag !== undefined ? { etag: got.ETag } : {}),
          ...(got.ContentType !== undefined ? { contentType: got.ContentType } : {}),
          ...(got.Metadata !== undefined && Object.keys(got.Metadata).length > 0
            ? { metadata: got.Metadata }
            : {}),
          size: (await stat(join(temp, file))).size,
        });
      } catch (error) {
        // Deleted between the listing and the read: not part of this state.
        if ((error as { name?: string }).name !== 'NoSuchKey') throw error;
      }
    });

    const manifest: Manifest = { version: 1, savedAt: savedAt.toISOString(), tables, objects };
    await writeFile(join(temp, 'manifest.json'), JSON.stringify(manifest));
    // Swap: the current state becomes `state.old` until the new one is in place, so that at every
    // moment one complete state exists.
    const current = join(dir, STATE);
    const old = join(dir, PREVIOUS);
    await rm(old, { recursive: true, force: true });
    await rename(current, old).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(temp, current);
    await rm(old, { recursive: true, force: true });
    return {
      items,
      objects: objects.length,
      bytes: objects.reduce((sum, object) => sum + object.size, 0),
      savedAt,
      ms: performance.now() - started,
    };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  } finally {
    ddb.destroy();
    s3.destroy();
  }
}

async function saveTable(ddb: DynamoDBClient, table: string, file: string): Promise<number> {
  const out = createWriteStream(file);
  let count = 0;
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  // Parallel scan segments; their pages are written as they come (lines need no order).
  await Promise.all(
    Array.from({ length: SCAN_SEGMENTS }, async (_, segment) => {
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await ddb.send(
          new ScanCommand({
            TableName: table,
            Segment: segment,
            TotalSegments: SCAN_SEGMENTS,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        const items = page.Items ?? [];
        if (items.length > 0) {
          count += items.length;
          await write(`${items.map((item) => JSON.stringify(item, replaceBinary)).join('\n')}\n`);
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }),
  );
  out.end();
  await once(out, 'finish');
  return count;
}

/** Binary attributes (`B`, `BS`) come as Uint8Array, which JSON cannot hold: base64 them. */
function replaceBinary(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Uint8Array) return { $base64: Buffer.from(original).toString('base64') };
  return value;
}

function reviveBinary(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && '$base64' in value) {
    const encoded = (value as { $base64: unknown }).$base64;
    if (typeof encoded === 'string') return new Uint8Array(Buffer.from(encoded, 'base64'));
  }
  return value;
}

async function forEachLimited<T>(
  values: Iterable<T>,
  limit: number,
  work: (value: T) => Promise<void>,
): Promise<void> {
  const iterator = values[Symbol.iterator]();
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let next = iterator.next(); !next.done; next = iterator.next()) await work(next.value);
    }),
  );
}

/** "2 min ago", "5 s ago", "3 h ago", "2 days ago". */
export function describeAge(savedAt: Date, now = new Date()): string {
  const seconds = Math.max(0, Math.round((now.getTime() - savedAt.getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

export interface Autosave {
  /** Saves now (waits for a save in progress first). */
  save(): Promise<StateSummary>;
  /** Stops the timer and makes a last save. */
  stop(): Promise<StateSummary | undefined>;
}

/**
 * Saves every `intervalMs` (skipping a tick while a save is running) and once more on `stop()`.
 * A failed periodic save is reported through `onError` and tried again at the next tick.
 */
export function startAutosave(
  dir: string,
  target: PersistenceTarget,
  options: { intervalMs: number; onError: (error: unknown) => void },
): Autosave {
  let running: Promise<StateSummary> | undefined;
  const save = async (): Promise<StateSummary> => {
    while (running) await running.catch(() => undefined);
    const current = saveState(dir, target);
    running = current;
    try {
      return await current;
    } finally {
      if (running === current) running = undefined;
    }
  };
  const timer = setInterval(() => {
    if (running) return;
    save().catch(options.onError);
  }, options.intervalMs);
  timer.unref();
  let stopped: Promise<StateSummary | undefined> | undefined;
  return {
    save,
    stop: () => {
      stopped ??= (async () => {
        clearInterval(timer);
        return save();
      })();
      return stopped;
    },
  };
}
