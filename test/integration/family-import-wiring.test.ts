import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportsRepository } from '#shared/adapters/imports-repo.ts';
import { SnapshotsRepository } from '#shared/adapters/snapshots-repo.ts';
import { importObjectKey } from '#shared/adapters/storage-keys.ts';
import { env, resetEnvForTests } from '#shared/config/env.ts';
import type { ImportKind } from '#shared/model.ts';
import { BUCKETS, QUEUES, TABLES } from '#shared/resources.ts';
import { dtsenBuffers } from '../../local/dtsen-data.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';

/**
 * The family programme's wiring on the emulators, end to end with the real functions: a DTSEN file
 * put under `imports/` runs the family import (S3 event), the second file's import writes the
 * snapshot's check as an outbox item, the relay sends it to the families queue, and the families
 * worker cross-checks the pair and makes the snapshot READY.
 */

const REGION = '62.03';
const VERSION_DATE = '2026-09-30';

let stack: LocalStack;
let s3: S3Client;
let imports: ImportsRepository;
let snapshots: SnapshotsRepository;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, quiet: true });
  s3 = new S3Client({ endpoint: stack.emulators.s3Endpoint, forcePathStyle: true });
  imports = new ImportsRepository(TABLES.main.localName);
  snapshots = new SnapshotsRepository(TABLES.main.localName);
});

afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
  resetEnvForTests();
});

/** What `POST /imports` would do, then the operator's PUT: the record, and the file at its key. */
async function importFile(kind: ImportKind, importId: string, body: Buffer): Promise<void> {
  const s3Key = importObjectKey(kind, importId, 'csv');
  await imports.createAwaiting(
    {
      importId,
      kind,
      region: REGION,
      versionDate: VERSION_DATE,
      format: 'csv',
      s3Key,
      status: 'AWAITING_FILE',
      attempts: 0,
      rowsProcessed: 0,
      reasons: [],
      createdAt: new Date().toISOString(),
    },
    new Date(Date.now() + 60 * 60 * 1000),
  );
  await s3.send(new PutObjectCommand({ Bucket: BUCKETS.uploads.localName, Key: s3Key, Body: body }));
}

describe('local stack: family files → import → outbox → families queue → snapshot check', () => {
  it('gives the relay the families queue URL', () => {
    resetEnvForTests();
    expect(env().familiesQueueUrl).toBe(stack.emulators.queueUrls[QUEUES.families.localName]);
  });

  it('makes the snapshot READY with its check once both files are imported', async () => {
    const { families, members, expected } = await dtsenBuffers({
      region: REGION,
      families: 30,
      seed: 7,
      format: 'csv',
      clean: true,
    });

    await importFile('DTSEN_KELUARGA', 'fam-wiring-1', families);
    await stack.whenIdle();
    expect(await imports.get('fam-wiring-1')).toMatchObject({ status: 'COMPLETED' });
    // One half only: nothing to check yet.
    expect(await snapshots.get(REGION, VERSION_DATE)).toMatchObject({ status: 'INCOMPLETE' });

    await importFile('DTSEN_ANGGOTA', 'mem-wiring-1', members);
    await stack.whenIdle();
    expect(await imports.get('mem-wiring-1')).toMatchObject({ status: 'COMPLETED' });

    const snapshot = await snapshots.get(REGION, VERSION_DATE);
    expect(snapshot).toMatchObject({
      status: 'READY',
      families: { importId: 'fam-wiring-1' },
      members: { importId: 'mem-wiring-1' },
      check: {
        families: expected.families.validRows,
        members: expected.members.validRows,
      },
    });
    expect(snapshot?.check?.complete).toBeGreaterThan(0);
    // The families queue was drained by the worker, not left to its DLQ.
    expect(await stack.families.isIdle()).toBe(true);

    // A report, if the check found anything, is where the worker may write it.
    const reportKey = snapshot?.check?.reportKey;
    if (reportKey !== undefined) {
      const report = await s3.send(
        new GetObjectCommand({ Bucket: BUCKETS.documents.localName, Key: reportKey }),
      );
      expect(report.ContentLength).toBeGreaterThan(0);
    }
  });
});
