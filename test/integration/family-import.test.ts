import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { DTSEN_AS_OF, type DtsenExpected, dtsenBuffers } from '../../local/dtsen-data.ts';
import { emptyBucket, recreateTable, testClients } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The family programme's file imports (issue #14) on the emulators: a generated, messy Kapuas
 * extract imported as its two files through `importFamilyFile` (the S3 worker's use case), the
 * snapshot they make cross-checked by `checkSnapshot` (the families queue's job), and exclusion
 * lists. What the import and the check report must be exactly what the generator planted.
 */

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const env = useEmulatorEnv();
// Modules that create SDK clients at import time come after the environment is set.
const { documentClient } = await import('#shared/adapters/clients.ts');
const { ExclusionsRepository } = await import('#shared/adapters/exclusions-repo.ts');
const { DistributionRepository } = await import('#shared/adapters/distribution-repo.ts');
const { TahapRepository } = await import('#shared/adapters/tahap-repo.ts');
const { EligibilityRepository } = await import('#shared/adapters/eligibility-repo.ts');
const { VervalRepository } = await import('#shared/adapters/verval-repo.ts');
const { FamiliesRepository } = await import('#shared/adapters/families-repo.ts');
const { ImportsRepository } = await import('#shared/adapters/imports-repo.ts');
const { ObjectStore } = await import('#shared/adapters/object-store.ts');
const { OutboxRepository } = await import('#shared/adapters/outbox.ts');
const { SnapshotsRepository } = await import('#shared/adapters/snapshots-repo.ts');
const { importObjectKey } = await import('#shared/adapters/storage-keys.ts');
const { transactWrite } = await import('#shared/adapters/transactions.ts');
const { importKey, snapshotKey, snapshotsByRegion } = await import('#shared/adapters/keys.ts');
const { SnapshotCheckRequestedSchema } = await import('#shared/messages.ts');
const { importFamilyFile } = await import('../../functions/family-import/import-family-file.ts');
const { checkSnapshot } = await import('../../functions/families/check-snapshot.ts');
type FamilyImportDeps = import('../../functions/family-import/import-family-file.ts').FamilyImportDeps;
type CreatedObject = import('#shared/queue/s3-worker.ts').CreatedObject;
type ImportRecord = import('#shared/model.ts').ImportRecord;
type SnapshotCheckRequested = import('#shared/messages.ts').SnapshotCheckRequested;

const TABLE = env.TABLE_NAME as string;
const UPLOADS = env.UPLOADS_BUCKET as string;
const DOCUMENTS = env.DOCUMENTS_BUCKET as string;
/** Kapuas. */
const REGION = '62.03';
const FAMILIES = 120;

const imports = new ImportsRepository(TABLE);
const snapshots = new SnapshotsRepository(TABLE);
const exclusions = new ExclusionsRepository(TABLE);

function deps(): FamilyImportDeps {
  return {
    imports,
    snapshots,
    families: new FamiliesRepository(TABLE),
    exclusions,
    distribution: new DistributionRepository(TABLE),
    tahap: new TahapRepository(TABLE),
    results: new EligibilityRepository(TABLE),
    verval: new VervalRepository(TABLE),
    objects: new ObjectStore(),
    tableName: TABLE,
    documentsBucket: DOCUMENTS,
    limits: {
      maxFileBytes: 5 * 1024 * 1024,
      maxRows: 5_000,
      xlsxMaxUncompressedBytes: 50 * 1024 * 1024,
      xlsxMaxRatio: 100,
    },
    progressEvery: 100,
  };
}

/** How many rows an import left in the table (its 16 partitions). */
async function rowsOf(importId: string): Promise<number> {
  let rows = 0;
  for await (const _ of new FamiliesRepository(TABLE).keys({ families: importId, members: 'none' })) rows++;
  return rows;
}

const checkDeps = () => ({
  snapshots,
  families: new FamiliesRepository(TABLE),
  objects: new ObjectStore(),
  documentsBucket: DOCUMENTS,
});

/** What `POST /imports` records before handing out the URL: the import's kind and what the file is. */
type Request =
  | { kind: 'DTSEN_KELUARGA'; versionDate: string; region?: string }
  | { kind: 'DTSEN_ANGGOTA'; versionDate: string; region?: string; relationshipCodes?: 'DUKCAPIL' | 'KATA' }
  | { kind: 'PENGECUALIAN'; programme: string; source: string; asOf: string; region?: string };

async function requestImport(request: Request, extension: 'csv' | 'xlsx' = 'csv'): Promise<ImportRecord> {
  const importId = randomUUID();
  // A DTSEN file is Kapuas's unless said; an exclusion list without a region is the province's.
  const region = request.region ?? (request.kind === 'PENGECUALIAN' ? undefined : REGION);
  const record: ImportRecord = {
    importId,
    kind: request.kind,
    ...(region ? { region } : {}),
    filename: `berkas.${extension}`,
    format: extension,
    status: 'AWAITING_FILE',
    createdAt: new Date().toISOString(),
    // An operator of the file's region (of Kapuas for a province-wide list, which they may not make).
    createdBy: {
      sub: `operator-${region ?? REGION}`,
      name: 'Operator',
      role: 'operator',
      region: region ?? REGION,
    },
    s3Key: importObjectKey(request.kind, importId, extension),
    attempts: 0,
    rowsProcessed: 0,
    reasons: [],
    ...(request.kind === 'PENGECUALIAN'
      ? { list: { programme: request.programme, source: request.source, asOf: request.asOf } }
      : { versionDate: request.versionDate }),
    ...(request.kind === 'DTSEN_ANGGOTA'
      ? { relationshipCodes: request.relationshipCodes ?? 'DUKCAPIL' }
      : {}),
  };
  await imports.createAwaiting(record, new Date(Date.now() + 3600_000));
  return record;
}

let clock = Date.now();

/** Puts the file where the presigned URL would have, and returns the S3 event's object. */
async function put(key: string, body: string | Buffer): Promise<CreatedObject> {
  const out = await testClients().s3.send(new PutObjectCommand({ Bucket: UPLOADS, Key: key, Body: body }));
  clock = Math.max(clock + 1, Date.now());
  return {
    bucket: UPLOADS,
    key,
    etag: (out.ETag ?? '').replaceAll('"', ''),
    size: typeof body === 'string' ? Buffer.byteLength(body) : body.length,
    eventTime: new Date(clock).toISOString(),
  };
}

/** Requests an import, uploads the file and runs the import on its event. */
async function importFile(request: Request, body: string | Buffer, extension: 'csv' | 'xlsx' = 'csv') {
  const requested = await requestImport(request, extension);
  const object = await put(requested.s3Key, body);
  const outcome = await importFamilyFile(object, deps());
  const record = await imports.get(requested.importId);
  if (!record) throw new Error(`import ${requested.importId} disappeared`);
  return { importId: requested.importId, object, outcome, record };
}

/** The report's lines after its header: [row, column, code, severity, message]. */
async function readReport(key: string | undefined): Promise<string[][]> {
  if (!key) throw new Error('no report');
  const out = await testClients().s3.send(new GetObjectCommand({ Bucket: DOCUMENTS, Key: key }));
  const text = (await out.Body?.transformToString('utf-8')) ?? '';
  const [, ...lines] = parse(text, {
    delimiter: [';', ','],
    bom: true,
    relax_column_count: true,
  }) as string[][];
  return lines;
}

const rowCodes = (lines: string[][]) => lines.map(([row, , code]) => `${row}:${code}`).sort();
const planted = (problems: readonly { row: number; code: string }[]) =>
  problems.map(({ row, code }) => `${row}:${code}`).sort();

/** PENDING outbox items for the families queue asking to check this snapshot. */
async function checkRequests(versionDate: string): Promise<SnapshotCheckRequested[]> {
  const pending = await new OutboxRepository(TABLE).pending(new Date(Date.now() + 60_000).toISOString(), 500);
  return pending
    .filter((item) => item.queue === 'families')
    .map((item) => SnapshotCheckRequestedSchema.parse(item.message))
    .filter((message) => message.region === REGION && message.versionDate === versionDate);
}

/** What the cross-check of the generated pair must find. */
function expectedCheck(expected: DtsenExpected) {
  const orphanKks = new Set(expected.crossFile.memberWithoutFamily.map((entry) => entry.noKk));
  const headless = expected.crossFile.familyWithoutHead.length;
  return {
    families: expected.families.validRows,
    // The second row of a repeated member is refused by the import (ANGGOTA_GANDA_DALAM_KK).
    members: expected.members.validRows - expected.crossFile.memberTwice.length,
    complete: expected.families.validRows - headless,
    byCode: { ANGGOTA_TANPA_KELUARGA: orphanKks.size, KELUARGA_TANPA_KEPALA: headless },
  };
}

/** The counts the import must record for each generated file. */
const familyCounts = (expected: DtsenExpected) => ({
  rows: expected.families.rows,
  accepted: expected.families.validRows,
  rejected: expected.families.errorRows,
  warnings: expected.families.warningRows,
});
const memberCounts = (expected: DtsenExpected) => ({
  rows: expected.members.rows,
  accepted: expected.members.validRows - expected.crossFile.memberTwice.length,
  rejected: expected.members.errorRows + expected.crossFile.memberTwice.length,
  warnings: expected.members.warningRows,
});

/** No whole NIK or No KK in what the import page shows (first problems, file reasons). */
function expectNoNumbers(record: ImportRecord): void {
  expect(JSON.stringify([record.problems ?? [], record.reasons])).not.toMatch(/\d{16}/);
}

/** A file's CSV lines (CRLF), so a test can repeat or drop one; line n is source row n. */
const linesOf = (body: Buffer) => body.toString('utf-8').replace(/\r\n$/, '').split('\r\n');
const joinLines = (lines: readonly string[]) => `${lines.join('\r\n')}\r\n`;

beforeAll(async () => {
  await recreateTable();
  await emptyBucket(UPLOADS, 'imports/');
  await emptyBucket(DOCUMENTS);
});

describe('a DTSEN extract: families file, members file, cross-check', () => {
  const VERSION = DTSEN_AS_OF;
  let generated: Awaited<ReturnType<typeof dtsenBuffers>>;
  let familiesImport: Awaited<ReturnType<typeof importFile>>;
  let membersImport: Awaited<ReturnType<typeof importFile>>;
  let request: SnapshotCheckRequested;

  beforeAll(async () => {
    generated = await dtsenBuffers({ region: REGION, families: FAMILIES, seed: 14, format: 'csv' });
  });

  it('imports the families file: COMPLETED, counts and report as planted, half a snapshot, no check yet', async () => {
    const { expected } = generated;
    familiesImport = await importFile({ kind: 'DTSEN_KELUARGA', versionDate: VERSION }, generated.families);
    expect(familiesImport.outcome.kind).toBe('completed');
    const { record } = familiesImport;
    expect(record.status).toBe('COMPLETED');
    expect(record.counts).toEqual(familyCounts(expected));
    expect(rowCodes(await readReport(record.reportKey))).toEqual(planted(expected.families.problems));
    expectNoNumbers(record);

    const snapshot = await snapshots.get(REGION, VERSION);
    expect(snapshot).toMatchObject({
      status: 'INCOMPLETE',
      families: { importId: familiesImport.importId, accepted: expected.families.validRows },
    });
    expect(snapshot?.members).toBeUndefined();
    expect(await checkRequests(VERSION)).toEqual([]);
  });

  it('keeps an import record once its file came (the TTL is only for a URL never used)', async () => {
    const ttlOf = async (importId: string) =>
      (await documentClient.send(new GetCommand({ TableName: TABLE, Key: importKey(importId) }))).Item
        ?.expiresAt;
    const waiting = await requestImport({ kind: 'DTSEN_KELUARGA', versionDate: '2026-10-31' });
    expect(await ttlOf(waiting.importId)).toEqual(expect.any(Number));
    expect(await ttlOf(familiesImport.importId)).toBeUndefined();
  });

  it('imports the members file: the snapshot has both halves and one check is handed to the families queue', async () => {
    const { expected } = generated;
    membersImport = await importFile({ kind: 'DTSEN_ANGGOTA', versionDate: VERSION }, generated.members);
    expect(membersImport.outcome.kind).toBe('completed');
    const { record } = membersImport;
    expect(record.status).toBe('COMPLETED');
    expect(record.counts).toEqual(memberCounts(expected));
    // Every planted problem, and the repeated member refused by the import.
    expect(rowCodes(await readReport(record.reportKey))).toEqual(
      planted([
        ...expected.members.problems,
        ...expected.crossFile.memberTwice.map(({ row }) => ({ row, code: 'ANGGOTA_GANDA_DALAM_KK' })),
      ]),
    );
    expectNoNumbers(record);

    const snapshot = await snapshots.get(REGION, VERSION);
    expect(snapshot).toMatchObject({
      status: 'INCOMPLETE',
      families: { importId: familiesImport.importId },
      members: { importId: membersImport.importId, accepted: memberCounts(expected).accepted },
    });
    const requests = await checkRequests(VERSION);
    expect(requests).toEqual([
      expect.objectContaining({
        type: 'snapshot.check.requested',
        region: REGION,
        versionDate: VERSION,
        families: familiesImport.importId,
        members: membersImport.importId,
      }),
    ]);
    request = requests[0] as SnapshotCheckRequested;
  });

  it('a repeated S3 event for a finished file changes nothing and hands nothing on again', async () => {
    const again = await importFamilyFile(membersImport.object, deps());
    expect(again).toMatchObject({ kind: 'duplicate-event', importId: membersImport.importId });
    expect(await imports.get(membersImport.importId)).toEqual(membersImport.record);
    expect(await checkRequests(VERSION)).toHaveLength(1);
  });

  it('the check makes the snapshot READY with what was planted, and reports each finding by row', async () => {
    const { expected } = generated;
    const outcome = await checkSnapshot(request, checkDeps());
    expect(outcome.kind).toBe('ready');
    const snapshot = await snapshots.get(REGION, VERSION);
    expect(snapshot?.status).toBe('READY');
    expect(snapshot?.check).toMatchObject(expectedCheck(expected));
    const lines = await readReport(snapshot?.check?.reportKey);
    expect(rowCodes(lines)).toEqual(
      planted([
        ...expected.crossFile.memberWithoutFamily.map(({ row }) => ({ row, code: 'ANGGOTA_TANPA_KELUARGA' })),
        ...expected.crossFile.familyWithoutHead.map(({ row }) => ({ row, code: 'KELUARGA_TANPA_KEPALA' })),
      ]),
    );
    expect(lines.map((line) => line.join(' '))).not.toContainEqual(expect.stringMatching(/\d{16}/));
  });

  it('the same check message again does nothing', async () => {
    const before = await snapshots.get(REGION, VERSION);
    expect(await checkSnapshot(request, checkDeps())).toEqual({ kind: 'stale', reason: 'already ready' });
    expect(await snapshots.get(REGION, VERSION)).toEqual(before);
  });

  it('a members file imported again replaces its half: INCOMPLETE, a new check, which reads only the new members', async () => {
    const { expected } = generated;
    // The fixed file: the same members without one whose family is missing.
    const counts = new Map<string, number>();
    for (const { noKk } of expected.crossFile.memberWithoutFamily)
      counts.set(noKk, (counts.get(noKk) ?? 0) + 1);
    const dropped = expected.crossFile.memberWithoutFamily.find((entry) => counts.get(entry.noKk) === 1);
    if (!dropped) throw new Error('the generator planted no lone member without family');
    const fixed = joinLines(linesOf(generated.members).filter((_, index) => index + 1 !== dropped.row));

    const reimport = await importFile({ kind: 'DTSEN_ANGGOTA', versionDate: VERSION }, fixed);
    expect(reimport.record.status).toBe('COMPLETED');
    expect(reimport.record.counts?.accepted).toBe(memberCounts(expected).accepted - 1);
    const replaced = await snapshots.get(REGION, VERSION);
    expect(replaced).toMatchObject({
      status: 'INCOMPLETE',
      families: { importId: familiesImport.importId },
      members: { importId: reimport.importId },
    });
    expect(replaced?.check).toBeUndefined();
    // The replaced members file's rows are gone: nothing points to them any more.
    expect(await rowsOf(membersImport.importId)).toBe(0);
    expect(await rowsOf(reimport.importId)).toBe(memberCounts(expected).accepted - 1);
    const fresh = (await checkRequests(VERSION)).filter((message) => message.members === reimport.importId);
    expect(fresh).toHaveLength(1);

    // The old pair's message, delivered late, is stale.
    expect(await checkSnapshot(request, checkDeps())).toEqual({ kind: 'stale', reason: 'pair replaced' });
    const outcome = await checkSnapshot(fresh[0] as SnapshotCheckRequested, checkDeps());
    expect(outcome.kind).toBe('ready');
    const previous = expectedCheck(expected);
    expect((await snapshots.get(REGION, VERSION))?.check).toMatchObject({
      families: previous.families,
      members: previous.members - 1,
      complete: previous.complete,
      byCode: { ...previous.byCode, ANGGOTA_TANPA_KELUARGA: previous.byCode.ANGGOTA_TANPA_KELUARGA - 1 },
    });
  });

  it('the other order (members first) makes the same snapshot', async () => {
    const version = '2026-06-30';
    const { expected } = generated;
    const members = await importFile({ kind: 'DTSEN_ANGGOTA', versionDate: version }, generated.members);
    expect(members.record.counts).toEqual(memberCounts(expected));
    expect(await snapshots.get(REGION, version)).toMatchObject({ status: 'INCOMPLETE' });
    expect(await checkRequests(version)).toEqual([]);

    const families = await importFile({ kind: 'DTSEN_KELUARGA', versionDate: version }, generated.families);
    expect(families.record.counts).toEqual(familyCounts(expected));
    const requests = await checkRequests(version);
    expect(requests).toEqual([
      expect.objectContaining({ families: families.importId, members: members.importId }),
    ]);
    expect((await checkSnapshot(requests[0] as SnapshotCheckRequested, checkDeps())).kind).toBe('ready');
    expect((await snapshots.get(REGION, version))?.check).toMatchObject(expectedCheck(expected));
  });
});

describe('two files of one snapshot finishing at once', () => {
  it('both halves are kept and exactly one check is handed on, whichever commits second', async () => {
    const version = '2026-07-31';
    const { families, members } = await dtsenBuffers({
      region: REGION,
      families: 30,
      seed: 30,
      format: 'csv',
      clean: true,
    });
    const [familyRequest, memberRequest] = await Promise.all([
      requestImport({ kind: 'DTSEN_KELUARGA', versionDate: version }),
      requestImport({ kind: 'DTSEN_ANGGOTA', versionDate: version }),
    ]);
    if (!familyRequest || !memberRequest) throw new Error('no import requests');
    const objects = await Promise.all([
      put(familyRequest.s3Key, families),
      put(memberRequest.s3Key, members),
    ]);
    // Both read the snapshot before either writes it (their first closing transactions wait for each
    // other): one loses its condition, reads the snapshot again and commits as the pair's second half.
    let arrived = 0;
    let release: () => void = () => undefined;
    const together = new Promise<void>((resolve) => {
      release = resolve;
    });
    let transactions = 0;
    const transact = async (items: Parameters<typeof transactWrite>[0]) => {
      transactions++;
      if (arrived < 2) {
        arrived++;
        if (arrived === 2) release();
        await together;
      }
      await transactWrite(items);
    };
    const outcomes = await Promise.all(
      objects.map((object) => importFamilyFile(object, { ...deps(), transact })),
    );
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['completed', 'completed']);
    expect(transactions).toBe(3);
    expect(await snapshots.get(REGION, version)).toMatchObject({
      status: 'INCOMPLETE',
      families: { importId: familyRequest.importId },
      members: { importId: memberRequest.importId },
    });
    const requests = await checkRequests(version);
    expect(requests).toEqual([
      expect.objectContaining({ families: familyRequest.importId, members: memberRequest.importId }),
    ]);
    const outcome = await checkSnapshot(requests[0] as SnapshotCheckRequested, checkDeps());
    expect(outcome).toMatchObject({ kind: 'ready', check: { families: 30, complete: 30, byCode: {} } });
  });
});

describe('what the import refuses or ignores', () => {
  it('ignores an object under imports/ that no import request made', async () => {
    const key = importObjectKey('DTSEN_KELUARGA', randomUUID(), 'csv');
    const object = await put(key, 'No KK|Desa\r\n');
    expect(await importFamilyFile(object, deps())).toEqual({ kind: 'ignored', reason: 'no import request' });
  });

  it('refuses a file for a snapshot a tahap uses (SNAPSHOT_IN_USE), leaving the snapshot as it was', async () => {
    const version = '2026-03-31';
    const now = new Date().toISOString();
    const inUse = {
      region: REGION,
      versionDate: version,
      status: 'READY',
      version: 3,
      families: { importId: 'imp-old-keluarga', rows: 10, accepted: 10, importedAt: now },
      members: { importId: 'imp-old-anggota', rows: 30, accepted: 30, importedAt: now },
      usedBy: ['2026-1'],
      createdAt: now,
      updatedAt: now,
    };
    await documentClient.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          ...snapshotKey(REGION, version),
          gsi1pk: snapshotsByRegion(REGION),
          gsi1sk: version,
          ...inUse,
        },
      }),
    );
    const before = await snapshots.get(REGION, version);
    const { families } = await dtsenBuffers({
      region: REGION,
      families: 5,
      seed: 3,
      format: 'csv',
      clean: true,
    });
    const { outcome, record } = await importFile({ kind: 'DTSEN_KELUARGA', versionDate: version }, families);
    expect(outcome.kind).toBe('rejected');
    expect(record.status).toBe('REJECTED');
    expect(record.reasons.map((reason) => reason.code)).toEqual(['SNAPSHOT_IN_USE']);
    expect(record.reasons[0]?.message).toContain('2026-1');
    expect(await snapshots.get(REGION, version)).toEqual(before);
    expect(await checkRequests(version)).toEqual([]);
    // The refused file's rows, written before the refusal at its close, are removed with it.
    expect(await rowsOf(record.importId)).toBe(0);
  });

  it('takes a file for a snapshot no tahap uses any more (usedBy left empty)', async () => {
    const version = '2026-03-30';
    const now = new Date().toISOString();
    await documentClient.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          ...snapshotKey(REGION, version),
          gsi1pk: snapshotsByRegion(REGION),
          gsi1sk: version,
          region: REGION,
          versionDate: version,
          status: 'INCOMPLETE',
          version: 1,
          members: { importId: 'imp-old-anggota', rows: 30, accepted: 30, importedAt: now },
          usedBy: [],
          createdAt: now,
          updatedAt: now,
        },
      }),
    );
    const { families } = await dtsenBuffers({
      region: REGION,
      families: 5,
      seed: 3,
      format: 'csv',
      clean: true,
    });
    const { importId, record } = await importFile({ kind: 'DTSEN_KELUARGA', versionDate: version }, families);
    expect(record.status).toBe('COMPLETED');
    expect(await snapshots.get(REGION, version)).toMatchObject({ version: 2, families: { importId } });
  });

  it('reads an extract with BPS wilayah codes by name (Katingan: BPS 6209, Kemendagri 62.06)', async () => {
    const region = '62.06';
    const { families, expected } = await dtsenBuffers({
      region,
      // Enough families for the generator to number a few villages with another village's code.
      families: 400,
      seed: 6,
      format: 'csv',
      codes: 'bps',
    });
    const { outcome, record } = await importFile(
      { kind: 'DTSEN_KELUARGA', versionDate: '2026-09-30', region },
      families,
    );
    expect(outcome.kind).toBe('completed');
    expect(record.counts).toEqual(familyCounts(expected));
    expect(rowCodes(await readReport(record.reportKey))).toEqual(planted(expected.families.problems));
    expect(expected.families.problems.map((problem) => problem.code)).toContain('KODE_DESA_DIABAIKAN');
  });

  it('imports an XLSX families file like a CSV one', async () => {
    const version = '2026-05-31';
    const { families, expected } = await dtsenBuffers({
      region: REGION,
      families: 40,
      seed: 21,
      format: 'xlsx',
    });
    const { outcome, record } = await importFile(
      { kind: 'DTSEN_KELUARGA', versionDate: version },
      families,
      'xlsx',
    );
    expect(outcome.kind).toBe('completed');
    expect(record.counts).toEqual(familyCounts(expected));
    expect(rowCodes(await readReport(record.reportKey))).toEqual(planted(expected.families.problems));
    expect((await snapshots.get(REGION, version))?.families?.importId).toBe(record.importId);
  });

  it('refuses the second row of a No KK that a families file lists twice (KK_GANDA_DALAM_BERKAS)', async () => {
    const { families } = await dtsenBuffers({
      region: REGION,
      families: 4,
      seed: 8,
      format: 'csv',
      clean: true,
    });
    const lines = linesOf(families);
    const repeated = joinLines([...lines, lines.at(-1) ?? '']);
    const { record } = await importFile({ kind: 'DTSEN_KELUARGA', versionDate: '2026-04-30' }, repeated);
    expect(record.status).toBe('COMPLETED');
    expect(record.counts).toEqual({ rows: 5, accepted: 4, rejected: 1, warnings: 0 });
    expect(record.problems?.map(({ row, code }) => ({ row, code }))).toEqual([
      { row: lines.length + 1, code: 'KK_GANDA_DALAM_BERKAS' },
    ]);
    expectNoNumbers(record);
  });

  it('refuses the second row of a NIK listed twice in one KK (ANGGOTA_GANDA_DALAM_KK)', async () => {
    const { members } = await dtsenBuffers({
      region: REGION,
      families: 3,
      seed: 8,
      format: 'csv',
      clean: true,
    });
    const lines = linesOf(members);
    const { record } = await importFile(
      { kind: 'DTSEN_ANGGOTA', versionDate: '2026-04-30' },
      joinLines([...lines, lines.at(-1) ?? '']),
    );
    expect(record.status).toBe('COMPLETED');
    expect(record.counts).toMatchObject({ rows: lines.length, accepted: lines.length - 1, rejected: 1 });
    expect(record.problems?.map(({ row, code }) => ({ row, code }))).toEqual([
      { row: lines.length + 1, code: 'ANGGOTA_GANDA_DALAM_KK' },
    ]);
    expectNoNumbers(record);
  });

  it('reads numbered relationships as Dukcapil SHDK codes, and refuses them when the source writes words only', async () => {
    const { members } = await dtsenBuffers({
      region: REGION,
      families: 3,
      seed: 12,
      format: 'csv',
      clean: true,
      relationships: 'dukcapil-numbers',
    });
    const rows = linesOf(members).length - 1;

    const words = await importFile(
      { kind: 'DTSEN_ANGGOTA', versionDate: '2026-02-28', relationshipCodes: 'KATA' },
      members,
    );
    expect(words.record.status).toBe('REJECTED');
    expect(words.record.reasons.map((reason) => reason.code)).toEqual(['NO_VALID_ROWS']);
    expect(words.record.counts).toMatchObject({ rows, accepted: 0, rejected: rows });
    const refused = await readReport(words.record.reportKey);
    expect(refused).toHaveLength(rows);
    for (const [, column, code] of refused) {
      expect(column).toBe('Hubungan Keluarga');
      expect(code).toBe('HUBUNGAN_TIDAK_DIKENAL');
    }
    // Nothing of a refused file becomes visible: no snapshot half.
    expect(await snapshots.get(REGION, '2026-02-28')).toBeUndefined();
    expectNoNumbers(words.record);

    const numbers = await importFile(
      { kind: 'DTSEN_ANGGOTA', versionDate: '2026-02-28', relationshipCodes: 'DUKCAPIL' },
      members,
    );
    expect(numbers.record.status).toBe('COMPLETED');
    expect(numbers.record.counts).toEqual({ rows, accepted: rows, rejected: 0, warnings: 0 });
    expect((await snapshots.get(REGION, '2026-02-28'))?.members?.importId).toBe(numbers.importId);
  });
});

describe('exclusion lists', () => {
  /** Valid numbers of Kapuas (kecamatan 62.03.01): a man born 12-03-1985, a card issued 15-03-2020. */
  const NIK_1 = '6203011203850001';
  const NIK_2 = '6203011203850003';
  const KK_1 = '6203011503200001';
  const KK_2 = '6203011503200003';
  const list = (rows: string[]) =>
    `\uFEFF${['DAFTAR KPM PKH KABUPATEN KAPUAS', '', 'No;Program;NIK;No KK;Nama;Kode Desa;Periode', ...rows].join('\r\n')}\r\n`;

  it('keeps rows with a NIK and/or a No KK of the list’s programme, refuses the others, and records the list', async () => {
    const body = list([
      `1;PKH;${NIK_1};;Warga Satu;6203012001;2026-3`,
      `2;PKH;;${KK_1};Warga Dua;6203012001;2026-3`,
      `3;Program Keluarga Harapan;${NIK_2};${KK_2};Warga Tiga;6203012001;2026-3`,
      '4;PKH;;;Warga Empat;6203012001;2026-3',
      `5;BPNT;${NIK_2};;Warga Lima;6203012001;2026-3`,
    ]);
    const { importId, outcome, record } = await importFile(
      { kind: 'PENGECUALIAN', programme: 'PKH', source: 'Kemensos', asOf: '2026-10-01', region: REGION },
      body,
    );
    expect(outcome.kind).toBe('completed');
    expect(record.counts).toEqual({ rows: 5, accepted: 3, rejected: 2, warnings: 0 });
    expect(record.problems?.map(({ row, code }) => ({ row, code }))).toEqual([
      { row: 7, code: 'NIK_ATAU_KK_WAJIB' },
      { row: 8, code: 'PROGRAM_BERBEDA' },
    ]);
    expectNoNumbers(record);

    const lists = await exclusions.lists();
    expect(lists.find((entry) => entry.listId === importId)).toMatchObject({
      programme: 'PKH',
      source: 'Kemensos',
      asOf: '2026-10-01',
      region: REGION,
      entries: 3,
    });
    const entries = [];
    for await (const entry of exclusions.entries(importId)) entries.push(entry);
    const sortKey = (entry: { nik?: string; noKk?: string }) => `${entry.nik ?? ''}#${entry.noKk ?? ''}`;
    expect(entries.sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual(
      [{ nik: NIK_1 }, { noKk: KK_1 }, { nik: NIK_2, noKk: KK_2 }].sort((a, b) =>
        sortKey(a).localeCompare(sortKey(b)),
      ),
    );
  });

  it('a number listed on several rows (one row per period) is one entry, counted once', async () => {
    const { importId, outcome, record } = await importFile(
      { kind: 'PENGECUALIAN', programme: 'PKH', source: 'Dinsos Kapuas', asOf: '2026-10-01', region: REGION },
      list([
        `1;PKH;${NIK_1};;Warga Satu;6203012001;2026-1`,
        `2;PKH;${NIK_1};;Warga Satu;6203012001;2026-2`,
        `3;PKH;;${KK_1};Warga Dua;6203012001;2026-1`,
        `4;PKH;;${KK_1};Warga Dua;6203012001;2026-2`,
        `5;PKH;${NIK_2};;Warga Tiga;6203012001;2026-2`,
      ]),
    );
    expect(outcome.kind).toBe('completed');
    expect(record.counts).toMatchObject({ rows: 5, rejected: 0 });
    const entries = [];
    for await (const entry of exclusions.entries(importId)) entries.push(entry);
    expect(entries).toHaveLength(3);
    expect((await exclusions.lists()).find((entry) => entry.listId === importId)?.entries).toBe(3);
  });

  it('a list without one usable row is REJECTED (NO_VALID_ROWS) and no list appears', async () => {
    const { importId, record } = await importFile(
      { kind: 'PENGECUALIAN', programme: 'BPNT', source: 'Kemensos', asOf: '2026-10-01', region: REGION },
      list(['1;BPNT;;;Warga Satu;6203012001;2026-3', `2;PKH;${NIK_1};;Warga Dua;6203012001;2026-3`]),
    );
    expect(record.status).toBe('REJECTED');
    expect(record.reasons.map((reason) => reason.code)).toEqual(['NO_VALID_ROWS']);
    expect((await exclusions.lists()).map((entry) => entry.listId)).not.toContain(importId);
    expectNoNumbers(record);
  });

  it('refuses a province-wide list requested by an operator (UPLOAD_NOT_ALLOWED), checked again at import', async () => {
    const { importId, record } = await importFile(
      { kind: 'PENGECUALIAN', programme: 'PKH', source: 'Kemensos', asOf: '2026-10-01' },
      list([`1;PKH;${NIK_1};;Warga Satu;6203012001;2026-3`]),
    );
    expect(record.status).toBe('REJECTED');
    expect(record.reasons.map((reason) => reason.code)).toEqual(['UPLOAD_NOT_ALLOWED']);
    expect((await exclusions.lists()).map((entry) => entry.listId)).not.toContain(importId);
  });
});
