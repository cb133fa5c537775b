import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DTSEN_AS_OF, dtsenBuffers } from '../../local/dtsen-data.ts';
import {
  type ApiResponse,
  admin,
  approver,
  auditor,
  type CallOptions,
  type Claims,
  callRoute,
  type ErrorBody,
  operator,
  type RouteId,
  verifier,
} from '../support/api.ts';
import { emptyBucket, recreateTable, testClients } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The family programme's file routes (issue #14) through their real handlers: `POST /imports` hands
 * out a presigned PUT under `imports/<kind>/`, the file PUT there is imported (the S3 worker's use
 * case, run here on the object), and `GET /imports/{id}`, `/snapshots`, `/exclusion-lists` show
 * what it made, to whom the rules allow.
 */

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const env = useEmulatorEnv();
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
const { snapshotKey, snapshotsByRegion } = await import('#shared/adapters/keys.ts');
const { checkAnswer } = await import('#shared/contract/client.ts');
const { SnapshotCheckRequestedSchema } = await import('#shared/messages.ts');
const { importFamilyFile } = await import('../../functions/family-import/import-family-file.ts');
const { checkSnapshot } = await import('../../functions/families/check-snapshot.ts');

const TABLE = env.TABLE_NAME as string;
const UPLOADS = env.UPLOADS_BUCKET as string;
const DOCUMENTS = env.DOCUMENTS_BUCKET as string;
/** Kapuas, whose operator uploads; Kotawaringin Barat, another region. */
const A = '62.03';
const B = '62.01';

const snapshots = new SnapshotsRepository(TABLE);

interface Created {
  readonly importId: string;
  readonly kind: string;
  readonly region?: string;
  readonly uploadUrl: string;
  readonly statusUrl: string;
}

interface ImportView {
  readonly importId: string;
  readonly kind: string;
  readonly region?: string;
  readonly status: string;
  readonly counts?: { rows: number; accepted: number; rejected: number; warnings: number };
  readonly problems?: { row: number; code: string }[];
  readonly reasons: { code: string }[];
  readonly reportUrl?: string;
  readonly createdBy?: Record<string, unknown>;
  readonly snapshot?: {
    status: string;
    families?: { importId: string };
    members?: { importId: string };
  };
}

interface ExclusionListView {
  readonly listId: string;
  readonly programme: string;
  readonly source: string;
  readonly region?: string;
  readonly entries: number;
  readonly inForce: boolean;
}

/** Calls a route; an answer that does not fit the API contract (success body or error shape) throws. */
async function call<T = Record<string, unknown>>(route: RouteId, options: CallOptions) {
  const response = await callRoute<T>(route, options);
  checkAnswer(route, response.status, response.body);
  return response;
}

async function create(claims: Claims, body: Record<string, unknown>): Promise<Created> {
  const response = await call<Created>('CreateImport', { claims, body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

/** PUTs the file to the presigned URL, then runs the import on the object's S3 event. */
async function upload(created: Created, body: string | Buffer) {
  const put = await fetch(created.uploadUrl, { method: 'PUT', body });
  expect(put.status).toBe(200);
  const key = decodeURIComponent(new URL(created.uploadUrl).pathname.replace(`/${UPLOADS}/`, ''));
  const head = await testClients().s3.send(new HeadObjectCommand({ Bucket: UPLOADS, Key: key }));
  return importFamilyFile(
    {
      bucket: UPLOADS,
      key,
      etag: (head.ETag ?? '').replaceAll('"', ''),
      size: head.ContentLength ?? 0,
      eventTime: new Date().toISOString(),
    },
    {
      imports: new ImportsRepository(TABLE),
      snapshots,
      families: new FamiliesRepository(TABLE),
      exclusions: new ExclusionsRepository(TABLE),
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
    },
  );
}

const getImport = (claims: Claims, importId: string) =>
  call<ImportView>('GetImport', { claims, pathParameters: { importId } });

const listFile = (rows: string[]) =>
  `${['No;Program;NIK;No KK;Nama', ...rows.map((row, i) => `${i + 1};${row}`)].join('\r\n')}\r\n`;
/** A valid NIK of Kapuas (kecamatan 62.03.01, a man born 12-03-1985), serial n. */
const nik = (serial: number) => `6203011203850${String(serial).padStart(3, '0')}`;

const relawan = (): Claims => operator(A, { sub: 'relawan-1', groups: '[relawan]' });
const bank = (): Claims => admin({ sub: 'bank-kalteng', groups: '[bank]' });
const bulog = (): Claims => admin({ sub: 'bulog-kalteng', groups: '[bulog]' });

const tomorrowPlusOne = () => new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString().slice(0, 10);

beforeAll(async () => {
  await recreateTable();
  await emptyBucket(UPLOADS, 'imports/');
});

describe('POST /imports and GET /imports/{importId}', () => {
  it('hands out a presigned PUT under imports/<kind>/ for each kind, and a status URL', async () => {
    const bodies = [
      { kind: 'DTSEN_KELUARGA', filename: 'keluarga.csv', versionDate: '2026-09-30' },
      { kind: 'DTSEN_ANGGOTA', filename: 'anggota.xlsx', versionDate: '2026-09-30' },
      { kind: 'PENGECUALIAN', filename: 'pkh.csv', programme: 'PKH', source: 'Kemensos', asOf: '2026-09-01' },
    ];
    const folders = ['dtsen-keluarga', 'dtsen-anggota', 'pengecualian'];
    for (const [index, body] of bodies.entries()) {
      const created = await create(operator(A), body);
      expect(created).toMatchObject({
        kind: body.kind,
        region: A,
        statusUrl: `/imports/${created.importId}`,
      });
      const extension = body.filename.endsWith('.xlsx') ? 'xlsx' : 'csv';
      expect(new URL(created.uploadUrl).pathname).toBe(
        `/${UPLOADS}/imports/${folders[index]}/${created.importId}.${extension}`,
      );
      const importId = created.statusUrl.split('/').at(-1) ?? '';
      const status = await getImport(operator(A), importId);
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({ importId, kind: body.kind, region: A, status: 'AWAITING_FILE' });
      // The requester by name only: no sub, role or region of the person.
      expect(status.body.createdBy).toEqual({ name: `Operator ${A}` });
    }
  });

  it('shows counts, first problems, the report and the snapshot once the files are imported', async () => {
    const { families, members, expected } = await dtsenBuffers({
      region: A,
      families: 40,
      seed: 2,
      format: 'csv',
    });
    const familiesImport = await create(operator(A), {
      kind: 'DTSEN_KELUARGA',
      filename: 'keluarga.csv',
      versionDate: DTSEN_AS_OF,
    });
    expect((await upload(familiesImport, families)).kind).toBe('completed');
    const membersImport = await create(operator(A), {
      kind: 'DTSEN_ANGGOTA',
      filename: 'anggota.csv',
      versionDate: DTSEN_AS_OF,
    });
    expect((await upload(membersImport, members)).kind).toBe('completed');

    const view = await getImport(verifier('DINSOS'), familiesImport.importId);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      status: 'COMPLETED',
      counts: {
        rows: expected.families.rows,
        accepted: expected.families.validRows,
        rejected: expected.families.errorRows,
      },
      snapshot: {
        status: 'INCOMPLETE',
        families: { importId: familiesImport.importId },
        members: { importId: membersImport.importId },
      },
    });
    expect(view.body.problems?.map(({ row, code }) => ({ row, code }))).toEqual(
      expected.families.problems.map(({ row, code }) => ({ row, code })),
    );
    expect(view.body.reportUrl).toContain(`reports/imports/${familiesImport.importId}.csv`);
    expect(JSON.stringify(view.body)).not.toMatch(/\d{16}/);

    // The check the pair handed on makes the snapshot READY; its routes show it.
    const pending = await new OutboxRepository(TABLE).pending(
      new Date(Date.now() + 60_000).toISOString(),
      50,
    );
    const message = pending
      .map((item) => SnapshotCheckRequestedSchema.safeParse(item.message))
      .flatMap((parsed) => (parsed.success ? [parsed.data] : []))
      .find((candidate) => candidate.members === membersImport.importId);
    if (!message) throw new Error('no check hand-off for the pair');
    expect(
      (
        await checkSnapshot(message, {
          snapshots,
          families: new FamiliesRepository(TABLE),
          objects: new ObjectStore(),
          documentsBucket: DOCUMENTS,
        })
      ).kind,
    ).toBe('ready');

    const snapshot = await call<{ status: string; check?: { families: number }; reportUrl?: string }>(
      'GetSnapshot',
      { claims: operator(A), pathParameters: { region: A, versionDate: DTSEN_AS_OF } },
    );
    expect(snapshot.status).toBe(200);
    expect(snapshot.body).toMatchObject({
      status: 'READY',
      check: { families: expected.families.validRows },
    });
    expect(snapshot.body.reportUrl).toContain(`reports/`);
    const list = await call<{ items: { versionDate: string; status: string }[] }>('ListSnapshots', {
      claims: auditor(),
      query: { region: A },
    });
    expect(list.body.items).toContainEqual(
      expect.objectContaining({ versionDate: DTSEN_AS_OF, status: 'READY' }),
    );
    const imports = await call<{ items: { importId: string }[] }>('ListImports', { claims: operator(A) });
    expect(imports.body.items.map((item) => item.importId)).toEqual(
      expect.arrayContaining([familiesImport.importId, membersImport.importId]),
    );
  });
});

describe('who may create and read imports', () => {
  let importOfA: Created;

  beforeAll(async () => {
    importOfA = await create(operator(A), {
      kind: 'DTSEN_KELUARGA',
      filename: 'keluarga.csv',
      versionDate: '2026-08-31',
    });
  });

  it('an operator cannot create or read another region’s import', async () => {
    const created = await call<ErrorBody>('CreateImport', {
      claims: operator(B),
      body: { kind: 'DTSEN_KELUARGA', filename: 'keluarga.csv', versionDate: '2026-08-31', region: A },
    });
    expect(created.status).toBe(403);
    expect((await getImport(operator(B), importOfA.importId)).status).toBe(403);
    expect((await call('ListImports', { claims: operator(B), query: { region: A } })).status).toBe(403);
    expect((await call('ListSnapshots', { claims: operator(B), query: { region: A } })).status).toBe(403);
    expect(
      (
        await call('GetSnapshot', {
          claims: operator(B),
          pathParameters: { region: A, versionDate: DTSEN_AS_OF },
        })
      ).status,
    ).toBe(403);
    // Their own list of imports has nothing of A.
    const own = await call<{ items: { region?: string }[] }>('ListImports', { claims: operator(B) });
    for (const item of own.body.items) expect(item.region).toBe(B);
  });

  it('an operator cannot create a province-wide list: without a region it is their own region’s', async () => {
    const own = await create(operator(A), {
      kind: 'PENGECUALIAN',
      filename: 'bpnt.csv',
      programme: 'BPNT',
      source: 'Dinsos Kapuas',
      asOf: '2026-09-01',
    });
    expect(own.region).toBe(A);
    const province = await call<ErrorBody>('CreateImport', {
      claims: operator(A),
      body: {
        kind: 'PENGECUALIAN',
        filename: 'bpnt.csv',
        programme: 'BPNT',
        source: 'Kemensos',
        asOf: '2026-09-01',
        region: 'PROVINSI',
      },
    });
    expect(province.status).toBe(400);
    expect((await call('ListImports', { claims: operator(A), query: { region: 'PROVINSI' } })).status).toBe(
      403,
    );
  });

  it('relawan, bank and bulog tokens are refused on every import route', async () => {
    const requests: [RouteId, CallOptions][] = [
      [
        'CreateImport',
        { body: { kind: 'DTSEN_KELUARGA', filename: 'k.csv', versionDate: '2026-08-31', region: A } },
      ],
      ['GetImport', { pathParameters: { importId: importOfA.importId } }],
      ['ListImports', { query: { region: A } }],
      ['ListSnapshots', { query: { region: A } }],
      ['GetSnapshot', { pathParameters: { region: A, versionDate: DTSEN_AS_OF } }],
      ['ListExclusionLists', {}],
    ];
    for (const claims of [relawan(), bank(), bulog()]) {
      for (const [route, options] of requests) {
        const response = await call<ErrorBody>(route, { ...options, claims });
        expect(response.status, `${route} as ${claims.groups}`).toBe(403);
        expect(response.body.error.code).toBe('FORBIDDEN');
      }
    }
  });

  it('an admin must name the region of a DTSEN file, and may leave it out of an exclusion list', async () => {
    const dtsen = await call<ErrorBody>('CreateImport', {
      claims: admin(),
      body: { kind: 'DTSEN_ANGGOTA', filename: 'anggota.csv', versionDate: '2026-08-31' },
    });
    expect(dtsen.status).toBe(400);
    expect(dtsen.body.error.message).toContain('Sebutkan kabupaten/kota');
    const province = await create(admin(), {
      kind: 'PENGECUALIAN',
      filename: 'pkh.csv',
      programme: 'PKH',
      source: 'Kemensos',
      asOf: '2026-09-01',
    });
    expect(province.region).toBeUndefined();
    expect((await getImport(admin(), province.importId)).body).not.toHaveProperty('region');
    expect((await getImport(operator(A), province.importId)).status).toBe(403);
  });

  it('refuses a version date in the future, in Indonesian', async () => {
    const response = await call<ErrorBody>('CreateImport', {
      claims: operator(A),
      body: { kind: 'DTSEN_KELUARGA', filename: 'keluarga.csv', versionDate: tomorrowPlusOne() },
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.error)).toContain('Tanggal versi ekstrak tidak boleh di masa depan');
  });

  it('refuses at once (409) a DTSEN file for a snapshot a tahap uses, and records no import', async () => {
    const version = '2026-01-31';
    const now = new Date().toISOString();
    await documentClient.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          ...snapshotKey(A, version),
          gsi1pk: snapshotsByRegion(A),
          gsi1sk: version,
          region: A,
          versionDate: version,
          status: 'READY',
          version: 2,
          usedBy: ['2026-1'],
          createdAt: now,
          updatedAt: now,
        },
      }),
    );
    const before = await call<{ items: unknown[] }>('ListImports', { claims: admin(), query: { region: A } });
    const response = await call<ErrorBody>('CreateImport', {
      claims: operator(A),
      body: { kind: 'DTSEN_ANGGOTA', filename: 'anggota.csv', versionDate: version },
    });
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'SNAPSHOT_IN_USE' } });
    const after = await call<{ items: unknown[] }>('ListImports', { claims: admin(), query: { region: A } });
    expect(after.body.items).toHaveLength(before.body.items.length);
  });
});

describe('GET /exclusion-lists', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const lists: [string, Claims, Record<string, unknown>, string[]][] = [
      ['pkhOld', admin(), { programme: 'PKH', source: 'Kemensos', asOf: '2026-03-01' }, [`PKH;${nik(1)};`]],
      [
        'pkhNew',
        admin(),
        { programme: 'Program Keluarga Harapan', source: 'kemensos', asOf: '2026-09-01' },
        [`PKH;${nik(1)};`, `PKH;${nik(3)};`],
      ],
      [
        'bpntA',
        operator(A),
        { programme: 'BPNT', source: 'Dinsos Kapuas', asOf: '2026-08-01' },
        [`BPNT;${nik(5)};`],
      ],
      // Two kabupaten's BLT Dana Desa lists, both from their "Dinsos": one never replaces the other.
      [
        'bltddA',
        operator(A),
        { programme: 'BLTDD', source: 'Dinsos', asOf: '2026-07-01' },
        [`BLTDD;${nik(9)};`],
      ],
      [
        'bltddB',
        operator(B),
        { programme: 'BLT Dana Desa', source: 'Dinsos', asOf: '2026-08-01' },
        [`BLTDD;${nik(7)};`],
      ],
    ];
    for (const [name, claims, list, rows] of lists) {
      const created = await create(claims, { kind: 'PENGECUALIAN', filename: `${name}.csv`, ...list });
      expect((await upload(created, listFile(rows))).kind).toBe('completed');
      ids[name] = created.importId;
    }
  });

  const listsSeenBy = async (claims: Claims) => {
    const response: ApiResponse<{ items: ExclusionListView[] }> = await call('ListExclusionLists', {
      claims,
    });
    expect(response.status).toBe(200);
    return new Map(response.body.items.map((item) => [item.listId, item]));
  };

  it('says which lists are in force: the newest of a programme, source and region; the others add up', async () => {
    const seen = await listsSeenBy(approver());
    expect(seen.get(ids.pkhOld ?? '')).toMatchObject({ programme: 'PKH', inForce: false, entries: 1 });
    expect(seen.get(ids.pkhNew ?? '')).toMatchObject({ programme: 'PKH', inForce: true, entries: 2 });
    expect(seen.get(ids.bpntA ?? '')).toMatchObject({ programme: 'BPNT', region: A, inForce: true });
    expect(seen.get(ids.bltddA ?? '')).toMatchObject({ programme: 'BLTDD', region: A, inForce: true });
    expect(seen.get(ids.bltddB ?? '')).toMatchObject({ programme: 'BLTDD', region: B, inForce: true });
    expect(JSON.stringify([...seen.values()])).not.toMatch(/\d{16}/);
  });

  it('an operator sees the province’s lists and their own region’s, not another region’s', async () => {
    const seen = await listsSeenBy(operator(A));
    expect([...seen.keys()].sort()).toEqual([ids.pkhOld, ids.pkhNew, ids.bpntA, ids.bltddA].sort());
    const other = await listsSeenBy(operator(B));
    expect([...other.keys()].sort()).toEqual([ids.pkhOld, ids.pkhNew, ids.bltddB].sort());
  });
});
