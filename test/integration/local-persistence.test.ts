import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKETS, TABLES } from '#shared/resources.ts';
import { type Emulators, LOCAL_CREDENTIALS, LOCAL_REGION, startEmulators } from '../../local/emulators.ts';
import { clearState, type PersistenceTarget, restoreState, saveState } from '../../local/persistence.ts';

/**
 * What `npm start` keeps across restarts (local/persistence.ts): items of every type, objects with
 * their content type and metadata, saved atomically and loaded into a new set of emulators.
 */
let dir: string;
let emulators: Emulators | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khbs-persist-'));
});
afterAll(async () => {
  await emulators?.stop();
  await rm(dir, { recursive: true, force: true });
});

const target = (e: Emulators): PersistenceTarget => ({
  dynamoEndpoint: e.dynamoEndpoint,
  s3Endpoint: e.s3Endpoint,
  tables: Object.values(TABLES).map((table) => table.localName),
  buckets: Object.values(BUCKETS).map((bucket) => bucket.localName),
});
const clients = (e: Emulators) => {
  const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  return {
    ddb: new DynamoDBClient({ ...config, endpoint: e.dynamoEndpoint }),
    s3: new S3Client({ ...config, endpoint: e.s3Endpoint, forcePathStyle: true }),
  };
};
const table = TABLES.main;
const ITEM_COUNT = 260;
const item = (n: number) => ({
  [table.partitionKey]: { S: `P#${n % 7}` },
  [table.sortKey]: { S: `S#${n}` },
  count: { N: String(n) },
  blob: { B: new Uint8Array([n % 256, 0, 255]) },
  tags: { SS: ['a', `t${n}`] },
  nested: { M: { ok: { BOOL: true }, none: { NULL: true }, list: { L: [{ N: '1.5' }, { S: 'é ✓' }] } } },
});
const OBJECTS = [
  {
    bucket: BUCKETS.uploads.localName,
    key: 'uploads/62.03/2026-S1/a b é.csv',
    body: 'nik;nama\n1;x\n',
    contentType: 'text/csv',
    metadata: { requester: 'op-62.03' },
  },
  {
    bucket: BUCKETS.documents.localName,
    key: 'reports/empty.csv',
    body: '',
    contentType: 'text/csv; charset=utf-8',
  },
  {
    bucket: BUCKETS.documents.localName,
    key: 'decrees/x.pdf',
    body: Buffer.from([0x25, 0x50, 0x44, 0x46, 0, 1, 2, 255]),
    contentType: 'application/pdf',
  },
];

async function scanAll(ddb: DynamoDBClient) {
  const items = (await ddb.send(new ScanCommand({ TableName: table.localName }))).Items ?? [];
  return items.sort((a, b) => Number(a.count?.N) - Number(b.count?.N));
}

describe('local state persistence', () => {
  it('saves items and objects and restores them into new emulators', async () => {
    emulators = await startEmulators();
    let { ddb, s3 } = clients(emulators);
    for (let n = 0; n < ITEM_COUNT; n++)
      await ddb.send(new PutItemCommand({ TableName: table.localName, Item: item(n) }));
    for (const object of OBJECTS)
      await s3.send(
        new PutObjectCommand({
          Bucket: object.bucket,
          Key: object.key,
          Body: object.body,
          ContentType: object.contentType,
          ...(object.metadata ? { Metadata: object.metadata } : {}),
        }),
      );
    const original = await scanAll(ddb);
    expect(original).toHaveLength(ITEM_COUNT);

    expect(await restoreState(dir, target(emulators))).toBeUndefined();
    const first = await saveState(dir, target(emulators));
    expect(first).toMatchObject({ items: ITEM_COUNT, objects: OBJECTS.length });
    // A second save keeps unchanged objects by hard link (same inode), not by fetching them again.
    const inodes = async () =>
      Promise.all(
        (await readdir(join(dir, 'state', 'objects')))
          .sort()
          .map(async (file) => (await stat(join(dir, 'state', 'objects', file))).ino),
      );
    const before = await inodes();
    expect(before).toHaveLength(OBJECTS.length);
    const second = await saveState(dir, target(emulators));
    expect(second).toMatchObject({ items: ITEM_COUNT, objects: OBJECTS.length });
    expect(await inodes()).toEqual(before);
    expect(await readdir(dir)).toEqual(['state']);
    ddb.destroy();
    s3.destroy();
    await emulators.stop();

    // A save that died between its two renames left only `state.old`, and a temp folder: still restorable.
    await rename(join(dir, 'state'), join(dir, 'state.old'));
    await mkdir(join(dir, 'state.tmp-1-2'), { recursive: true });
    await writeFile(join(dir, 'state.tmp-1-2', 'manifest.json'), '{"half":');

    emulators = await startEmulators();
    ({ ddb, s3 } = clients(emulators));
    const restored = await restoreState(dir, target(emulators));
    expect(restored).toMatchObject({ items: ITEM_COUNT, objects: OBJECTS.length, savedAt: second.savedAt });
    expect(await scanAll(ddb)).toEqual(original);
    for (const object of OBJECTS) {
      const got = await s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }));
      expect(Buffer.from(await (got.Body?.transformToByteArray() ?? new Uint8Array()))).toEqual(
        Buffer.from(object.body),
      );
      expect(got.ContentType).toBe(object.contentType);
      expect(got.Metadata ?? {}).toEqual(object.metadata ?? {});
    }
    ddb.destroy();
    s3.destroy();

    await clearState(dir);
    expect(await readdir(dir)).toEqual([]);
    expect(await restoreState(dir, target(emulators))).toBeUndefined();
  });
});
