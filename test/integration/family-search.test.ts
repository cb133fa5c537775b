import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
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
import { resetTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The family search (issue #14): `POST /families/search` by NIK, No KK, or the head's name in a
 * desa, through the lookup indexes of the DTSEN snapshot items; `GET /families/{familyId}` (the
 * history: snapshots, verdicts, verval); and the read log (UU PDP) every one of them writes, listed
 * by `GET /families/{familyId}/reads`. Over the tahap fixtures (two kabupaten, one family per
 * exclusion reason) with heads' names, a newer Kapuas snapshot, a completed run, a verval result,
 * and rows of imports no snapshot names (stale: never an answer).
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const env = useEmulatorEnv();
const { FamiliesRepository } = await import('#shared/adapters/families-repo.ts');
const { SnapshotsRepository } = await import('#shared/adapters/snapshots-repo.ts');
const { VervalRepository } = await import('#shared/adapters/verval-repo.ts');
const { FamilyDirectoryRepository } = await import('#shared/adapters/family-directory-repo.ts');
const { logger } = await import('#shared/logger.ts');
const {
  DESA,
  KAPUAS,
  KOTIM,
  TAHAP,
  kk,
  nik,
  kapuasFamilies,
  kotimFamilies,
  readySnapshot,
  pkhList,
  tahapWithRun,
} = await import('../support/families.ts');
type Planted = ReturnType<typeof kapuasFamilies>[number];

const TABLE = () => env.TABLE_NAME as string;
const call = <T = Record<string, unknown>>(route: RouteId, claims: Claims, options: CallOptions = {}) =>
  callRoute<T>(route, { claims, ...options });
const NEWER = '2026-12-31';
const KOTIM_DESA = `${KOTIM}.01.2001`;

/** Heads' names by serial: two share a prefix (`budi`), one has accents. */
const NAMES: Record<number, string> = {
  1: 'Budi Santoso',
  2: 'Budiman Saleh',
  3: 'Sítì Nur’aini',
  4: 'Ahmad Yani',
  5: 'Dewi Lestari',
  6: 'Eko Prasetyo',
  7: 'Fajar Nugroho',
  8: 'Gita Permata',
  9: 'Hendra Wijaya',
};
const named = (planted: Planted[]): Planted[] =>
  planted.map((p) => {
    const serial = Number(p.family.noKk.slice(-4));
    const name = p.family.desaCode.startsWith(KOTIM) ? `Kotim ${NAMES[serial] ?? 'Warga'}` : NAMES[serial];
    return { ...p, family: { ...p.family, ...(name ? { namaKepalaKeluarga: name } : {}) } };
  });

interface Family {
  familyId: string;
  noKk: string;
  region: string;
  regionName?: string;
  desaCode: string;
  namaKepalaKeluarga?: string;
  memberCount: number;
  desil: number;
  snapshots: { region: string; versionDate: string }[];
}
interface Found {
  items: Family[];
  more: boolean;
}
interface History {
  family: Family;
  snapshots: {
    region: string;
    versionDate: string;
    desil: number;
    members: { nik: string; nama: string; hubungan: string; umur?: number }[];
  }[];
  tahap: {
    tahapId: string;
    region: string;
    eligibility: { status: string; reasons: { reason: string; otherNoKk?: string[] }[] } | null;
    verval: { result: string; penerimaNik?: string } | null;
  }[];
  proposals: unknown[];
  decrees: unknown[];
}
interface Reads {
  items: {
    at: string;
    who: { sub: string; role: string; region?: string };
    route: string;
    purpose?: string;
  }[];
  nextCursor?: string;
}

const search = (claims: Claims, body: unknown) => call<Found & ErrorBody>('SearchFamilies', claims, { body });
const history = (claims: Claims, familyId: string, query: Record<string, string> = {}) =>
  call<History & ErrorBody>('GetFamily', claims, { pathParameters: { familyId }, query });
const reads = (claims: Claims, familyId: string, query: Record<string, string> = {}) =>
  call<Reads & ErrorBody>('ListFamilyReads', claims, { pathParameters: { familyId }, query });
const idOf = async (noKk: string): Promise<string> => {
  const found = await search(admin(), { noKk });
  expect(found.status).toBe(200);
  const id = found.body.items[0]?.familyId;
  if (!id) throw new Error(`no family ${noKk}`);
  return id;
};

beforeAll(async () => {
  await resetTable();
  const kapuas = named(kapuasFamilies());
  await readySnapshot(KAPUAS, kapuas);
  await readySnapshot(KOTIM, named(kotimFamilies()));
  await pkhList();
  // A newer Kapuas extract holding family 1 only, now desil 2.
  const first = kapuas[0] as Planted;
  await readySnapshot(KAPUAS, [{ ...first, family: { ...first.family, desil: 2 } }], NEWER);

  // Rows of imports no snapshot names: a family nobody else has, and family 1 again (desil 9).
  const families = new FamiliesRepository(TABLE());
  const staleFamilies = families.writer('kk-stale');
  const staleMembers = families.writer('art-stale');
  await staleFamilies.putFamily({ ...first.family, noKk: kk(KAPUAS, 77), namaKepalaKeluarga: 'Budi Basi' });
  await staleFamilies.putFamily({ ...first.family, desil: 9 });
  await staleMembers.putMember({
    ...(first.members[0] as Planted['members'][number]),
    noKk: kk(KAPUAS, 77),
    nik: nik(KAPUAS, 770),
  });
  await staleMembers.putMember({ ...(first.members[0] as Planted['members'][number]) });
  await Promise.all([staleFamilies.flush(), staleMembers.flush()]);

  // A tahap over the first snapshots, its run completed, and a verval result for family 1.
  await tahapWithRun();
  await new VervalRepository(TABLE()).record({
    tahapId: TAHAP,
    noKk: kk(KAPUAS, 1),
    region: KAPUAS,
    desaCode: DESA,
    result: 'LAYAK',
    inTahap: true,
    penerimaNik: nik(KAPUAS, 10),
    tanggal: '2026-10-05',
    relawan: 'Relawan Uji',
    nomorBeritaAcara: 'BA/001/2026',
    importId: 'verval-uji',
    sourceRow: 2,
    recordedAt: new Date().toISOString(),
  });
}, 90_000);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('POST /families/search', () => {
  it('finds a family by No KK, from its newest READY snapshot, with an opaque id', async () => {
    const found = await search(admin(), { noKk: kk(KAPUAS, 1) });
    expect(found.status).toBe(200);
    expect(found.body.more).toBe(false);
    expect(found.body.items).toHaveLength(1);
    const family = found.body.items[0] as Family;
    expect(family.familyId).toMatch(/^KEL-[A-Z2-7]{12}$/);
    expect(family.familyId).not.toContain(kk(KAPUAS, 1));
    expect(family).toMatchObject({
      noKk: kk(KAPUAS, 1),
      region: KAPUAS,
      regionName: 'Kabupaten Kapuas',
      kecamatanCode: `${KAPUAS}.01`,
      desaCode: DESA,
      namaKepalaKeluarga: 'Budi Santoso',
      memberCount: 1,
      // The newer snapshot's desil (2), never the stale row's (9).
      desil: 2,
      snapshots: [
        { region: KAPUAS, versionDate: NEWER },
        { region: KAPUAS, versionDate: '2026-09-30' },
      ],
    });
  });

  it('finds the family of a NIK, and every family a shared NIK is in', async () => {
    const one = await search(verifier('DINSOS'), { nik: nik(KAPUAS, 10) });
    expect(one.status).toBe(200);
    expect(one.body.items.map((f) => f.noKk)).toEqual([kk(KAPUAS, 1)]);
    const shared = await search(admin(), { nik: nik(KAPUAS, 9_999) });
    expect(shared.body.items.map((f) => f.noKk).sort()).toEqual([kk(KAPUAS, 5), kk(KAPUAS, 6)]);
  });

  it('finds a desa’s families by a prefix of the head’s name (case, accents and punctuation ignored)', async () => {
    const budi = await search(admin(), { name: 'BUDI', desaCode: DESA });
    expect(budi.status).toBe(200);
    expect(budi.body.items.map((f) => f.namaKepalaKeluarga)).toEqual(['Budi Santoso', 'Budiman Saleh']);
    const narrower = await search(admin(), { name: 'budi  san', desaCode: DESA });
    expect(narrower.body.items.map((f) => f.noKk)).toEqual([kk(KAPUAS, 1)]);
    const accents = await search(admin(), { name: 'siti nuraini', desaCode: DESA });
    expect(accents.body.items.map((f) => f.noKk)).toEqual([kk(KAPUAS, 3)]);
    // Only within the desa: Kotawaringin Timur's "Kotim Budi…" is not in this desa.
    const elsewhere = await search(admin(), { name: 'kotim', desaCode: DESA });
    expect(elsewhere.body.items).toEqual([]);
    const there = await search(admin(), { name: 'kotim', desaCode: KOTIM_DESA });
    expect(there.body.items.map((f) => f.region)).toEqual([KOTIM, KOTIM]);
  });

  it('ignores rows of imports that are no READY snapshot’s half', async () => {
    expect((await search(admin(), { noKk: kk(KAPUAS, 77) })).body.items).toEqual([]);
    expect((await search(admin(), { nik: nik(KAPUAS, 770) })).body.items).toEqual([]);
    const byName = await search(admin(), { name: 'budi', desaCode: DESA });
    expect(byName.body.items.map((f) => f.namaKepalaKeluarga)).not.toContain('Budi Basi');
    // Family 1's stale row adds no snapshot and no desil of its own.
    const one = await search(admin(), { noKk: kk(KAPUAS, 1) });
    expect(one.body.items[0]?.snapshots).toHaveLength(2);
  });

  it('gives a family the same id on every search, whichever way it is found', async () => {
    const byKk = await search(admin(), { noKk: kk(KAPUAS, 9) });
    const byNik = await search(auditor(), { nik: nik(KAPUAS, 90) });
    const byName = await search(operator(KAPUAS), { name: 'hendra', desaCode: DESA });
    const ids = [byKk, byNik, byName].map((answer) => answer.body.items[0]?.familyId);
    expect(ids[0]).toMatch(/^KEL-/);
    expect(new Set(ids).size).toBe(1);
    // Two searches racing for a new family: one id stands.
    const raced = await Promise.all([
      search(admin(), { noKk: kk(KAPUAS, 8) }),
      search(admin(), { noKk: kk(KAPUAS, 8) }),
      search(admin(), { nik: nik(KAPUAS, 80) }),
    ]);
    expect(new Set(raced.map((answer) => answer.body.items[0]?.familyId)).size).toBe(1);
    expect(raced[0]?.body.items[0]?.familyId).toMatch(/^KEL-/);
  });

  it('masks the No KK for an auditor', async () => {
    const found = await search(auditor(), { nik: nik(KAPUAS, 10) });
    expect(found.status).toBe(200);
    expect(found.body.items[0]?.noKk).toBe(`${kk(KAPUAS, 1).slice(0, 6)}******${kk(KAPUAS, 1).slice(-4)}`);
    expect(JSON.stringify(found.body)).not.toMatch(/\d{16}/);
  });

  it('shows a regional role only families of its own kabupaten, never that one exists elsewhere', async () => {
    const own = await search(operator(KAPUAS), { noKk: kk(KAPUAS, 1) });
    expect(own.body.items.map((f) => f.noKk)).toEqual([kk(KAPUAS, 1)]);
    for (const body of [
      { noKk: kk(KAPUAS, 1) },
      { nik: nik(KAPUAS, 10) },
      { name: 'budi', desaCode: DESA },
    ]) {
      const other = await search(operator(KOTIM), body);
      expect(other.status).toBe(200);
      expect(other.body).toEqual({ items: [], more: false });
    }
    // The No KK in both extracts: each operator sees their own kabupaten's, and only that snapshot.
    const twinKapuas = await search(operator(KAPUAS), { noKk: kk(KAPUAS, 7) });
    const twinKotim = await search(operator(KOTIM), { noKk: kk(KAPUAS, 7) });
    expect(twinKapuas.body.items.map((f) => [f.region, f.snapshots.map((s) => s.region)])).toEqual([
      [KAPUAS, [KAPUAS]],
    ]);
    expect(twinKotim.body.items.map((f) => [f.region, f.snapshots.map((s) => s.region)])).toEqual([
      [KOTIM, [KOTIM]],
    ]);
    expect(twinKotim.body.items[0]?.familyId).toBe(twinKapuas.body.items[0]?.familyId);
    const all = await search(admin(), { noKk: kk(KAPUAS, 7) });
    expect(all.body.items[0]?.snapshots.map((s) => s.region).sort()).toEqual([KOTIM, KAPUAS].sort());
  });

  it('refuses a body that is not exactly one kind of search, with the reason in Bahasa Indonesia', async () => {
    const bodies: unknown[] = [
      {},
      { nik: '123' },
      { nik: `${nik(KAPUAS, 10)}0` },
      { noKk: 'abcdefghijklmnop' },
      { nik: nik(KAPUAS, 10), noKk: kk(KAPUAS, 1) },
      { name: 'ab', desaCode: DESA },
      { name: 'budi' },
      { desaCode: DESA },
      { noKk: kk(KAPUAS, 1), desaCode: DESA },
      { name: 'budi', desaCode: '6203012001' },
      { noKk: kk(KAPUAS, 1), extra: true },
      { name: 'b\u202Eudi', desaCode: DESA },
    ];
    for (const body of bodies) {
      const refused = await search(admin(), body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.code).toBe('BAD_REQUEST');
      expect(JSON.stringify(refused.body)).not.toMatch(/\d{16}/);
    }
    const none = await search(admin(), {});
    expect(JSON.stringify(none.body.error.details)).toMatch(/tepat satu cara/);
    const short = await search(admin(), { name: 'ab', desaCode: DESA });
    expect(JSON.stringify(short.body.error.details)).toMatch(/paling sedikit 3 huruf/);
    const noDesa = await search(admin(), { name: 'budi' });
    expect(JSON.stringify(noDesa.body.error.details)).toMatch(/memerlukan kode desa/);
  });

  it('is refused to relawan, bank and bulog', async () => {
    for (const claims of [
      operator(KAPUAS, { groups: '[relawan]', sub: 'relawan-uji' }),
      admin({ groups: '[bank]', sub: 'bank-kalteng' }),
      admin({ groups: '[bulog]', sub: 'bulog' }),
    ]) {
      expect((await search(claims, { noKk: kk(KAPUAS, 1) })).status).toBe(403);
      expect((await history(claims, await idOf(kk(KAPUAS, 1)))).status).toBe(403);
      expect((await reads(claims, await idOf(kk(KAPUAS, 1)))).status).toBe(403);
    }
  });
});

describe('GET /families/{familyId}', () => {
  it('answers the whole history: each snapshot with its members, and per tahap the verdict and the verval', async () => {
    const id = await idOf(kk(KAPUAS, 1));
    const read = await history(admin(), id);
    expect(read.status).toBe(200);
    expect(read.body.family).toMatchObject({ familyId: id, noKk: kk(KAPUAS, 1), desil: 2 });
    expect(read.body.snapshots.map((s) => [s.versionDate, s.desil])).toEqual([
      [NEWER, 2],
      ['2026-09-30', 1],
    ]);
    const members = read.body.snapshots[1]?.members ?? [];
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({
      nik: nik(KAPUAS, 10),
      nama: 'Warga Uji',
      hubungan: 'KEPALA_KELUARGA',
    });
    expect(members[0]?.umur).toBeGreaterThanOrEqual(41);
    expect(read.body.tahap).toEqual([
      expect.objectContaining({
        tahapId: TAHAP,
        region: KAPUAS,
        eligibility: expect.objectContaining({ status: 'ELIGIBLE', reasons: [] }),
        verval: expect.objectContaining({ result: 'LAYAK', penerimaNik: nik(KAPUAS, 10) }),
      }),
    ]);
    expect(read.body.proposals).toEqual([]);
    expect(read.body.decrees).toEqual([]);
  });

  it('masks NIKs and No KKs for an auditor, in members, reasons and the verval', async () => {
    const shared = await history(auditor(), await idOf(kk(KAPUAS, 5)));
    expect(shared.status).toBe(200);
    expect(JSON.stringify(shared.body)).not.toMatch(/\d{16}/);
    const reasons = shared.body.tahap[0]?.eligibility?.reasons ?? [];
    expect(reasons.find((r) => r.reason === 'ANGGOTA_DI_KELUARGA_LAIN')?.otherNoKk).toEqual([
      `${kk(KAPUAS, 6).slice(0, 6)}******${kk(KAPUAS, 6).slice(-4)}`,
    ]);
    const one = await history(auditor(), await idOf(kk(KAPUAS, 1)));
    expect(JSON.stringify(one.body)).not.toMatch(/\d{16}/);
    expect(one.body.snapshots[0]?.members[0]?.nik).toMatch(/^\d{6}\*{6}\d{4}$/);
  });

  it('answers 404 for an unknown id, and for another kabupaten’s family asked by an operator', async () => {
    const unknown = await history(admin(), 'KEL-AAAAAAAAAAAA');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('Keluarga tidak ditemukan.');
    const kapuasOnly = await idOf(kk(KAPUAS, 1));
    const elsewhere = await history(operator(KOTIM), kapuasOnly);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body).toEqual(unknown.body);
    expect((await history(operator(KAPUAS), kapuasOnly)).status).toBe(200);
    // The twin: each operator reads their own kabupaten's part only.
    const twin = await history(operator(KOTIM), await idOf(kk(KAPUAS, 7)));
    expect(twin.body.snapshots.map((s) => s.region)).toEqual([KOTIM]);
    expect(twin.body.tahap.map((t) => t.region)).toEqual([KOTIM]);
    // A NIK or No KK where the id goes is not an id.
    for (const bad of [nik(KAPUAS, 10), kk(KAPUAS, 1), 'KEL-aaaaaaaaaaaa']) {
      expect((await history(admin(), bad)).status).toBe(400);
    }
  });
});

describe('snapshots imported before the search existed', () => {
  it('are found once the backfill adds their lookup attributes, and a second run changes nothing', async () => {
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const { documentClient } = await import('#shared/adapters/clients/dynamodb.ts');
    const { familyKey, memberKey } = await import('#shared/adapters/keys.ts');
    const { backfillFamilyLookup } = await import('../../scripts/backfill-family-lookup.ts');
    // A READY snapshot (62.05) whose items were written bare, as the import wrote them before.
    const region = '62.05';
    const old = { families: 'kk-old', members: 'art-old' };
    const noKk = '6205010101200001';
    const memberNik = '6205011508850010';
    const family = {
      noKk,
      kkValid: true,
      kecamatanCode: `${region}.01`,
      desaCode: `${region}.01.2001`,
      namaKepalaKeluarga: 'Lama Sekali',
      desil: 3,
      sourceRow: 2,
    };
    const member = {
      noKk,
      nik: memberNik,
      nikValid: true,
      nama: 'Lama Sekali',
      tanggalLahir: '1985-08-15',
      hubungan: 'KEPALA_KELUARGA',
      sourceRow: 2,
    };
    await documentClient.send(
      new PutCommand({ TableName: TABLE(), Item: { ...familyKey(old.families, noKk), ...family } }),
    );
    await documentClient.send(
      new PutCommand({ TableName: TABLE(), Item: { ...memberKey(old.members, noKk, memberNik), ...member } }),
    );
    const snapshots = new SnapshotsRepository(TABLE());
    const now = new Date().toISOString();
    const half = (importId: string) => ({ importId, rows: 1, accepted: 1, importedAt: now });
    const { transactWrite } = await import('#shared/adapters/transactions.ts');
    const first = snapshots.halfChange(
      undefined,
      { region, versionDate: '2026-06-30' },
      'families',
      half(old.families),
      now,
    );
    await transactWrite([first.item]);
    const second = snapshots.halfChange(
      first.next,
      { region, versionDate: '2026-06-30' },
      'members',
      half(old.members),
      now,
    );
    await transactWrite([second.item]);
    const counts = { families: 1, members: 1, complete: 1, byCode: {}, checkedAt: now };
    expect(await snapshots.markReady(region, '2026-06-30', old, counts, now)).toBe(true);

    expect((await search(admin(), { noKk })).body.items).toEqual([]);
    const done = await backfillFamilyLookup(TABLE());
    expect(done.items).toBe(2);
    for (const body of [{ noKk }, { nik: memberNik }, { name: 'lama', desaCode: family.desaCode }]) {
      const found = await search(admin(), body);
      expect(
        found.body.items.map((f) => f.noKk),
        JSON.stringify(body),
      ).toEqual([noKk]);
    }
    expect((await backfillFamilyLookup(TABLE())).items).toBe(0);
  });
});

describe('the read log (UU PDP)', () => {
  it('records every search answer and history read, by whom, and lists them newest first, paged', async () => {
    // Family 4: no other test reads it.
    const id = await idOf(kk(KAPUAS, 4));
    await search(operator(KAPUAS, { sub: 'operator-a' }), { nik: nik(KAPUAS, 40), purpose: 'Pengaduan 17' });
    await history(verifier('DINSOS'), id, { purpose: 'Verifikasi' });
    await history(auditor(), id);
    const log = await reads(auditor(), id);
    expect(log.status).toBe(200);
    expect(log.body.items.map((r) => [r.route, r.who.sub, r.purpose])).toEqual([
      ['GetFamily', 'auditor-inspektorat', undefined],
      ['GetFamily', 'verifier-dinsos', 'Verifikasi'],
      ['SearchFamilies', 'operator-a', 'Pengaduan 17'],
      ['SearchFamilies', 'admin-diskominfo', undefined],
    ]);
    expect(log.body.items[2]?.who).toMatchObject({ role: 'operator', region: KAPUAS });
    const ats = log.body.items.map((r) => r.at);
    expect([...ats].sort().reverse()).toEqual(ats);

    const first = await reads(admin(), id, { limit: '3' });
    expect(first.body.items).toHaveLength(3);
    expect(first.body.nextCursor).toBeDefined();
    const rest = await reads(admin(), id, { limit: '3', cursor: first.body.nextCursor ?? '' });
    expect(rest.body.items.map((r) => r.route)).toEqual(['SearchFamilies']);
    expect([...first.body.items, ...rest.body.items]).toEqual(log.body.items);
  });

  it('writes one item per family a search answers, also indexed by reader', async () => {
    const before = await new FamilyDirectoryRepository(TABLE()).reads(await idOf(kk(KAPUAS, 5)), {
      limit: 100,
    });
    const found = await search(operator(KAPUAS, { sub: 'operator-b' }), { nik: nik(KAPUAS, 9_999) });
    expect(found.body.items).toHaveLength(2);
    for (const family of found.body.items) {
      const log = await reads(admin(), family.familyId, { limit: '200' });
      expect(log.body.items.filter((r) => r.who.sub === 'operator-b')).toHaveLength(1);
    }
    const after = await new FamilyDirectoryRepository(TABLE()).reads(await idOf(kk(KAPUAS, 5)), {
      limit: 100,
    });
    // This search and the id look-up (an admin's search) since.
    expect(after.items.length).toBe(before.items.length + 2);
    const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    const { documentClient } = await import('#shared/adapters/clients/dynamodb.ts');
    const byReader = await documentClient.send(
      new QueryCommand({
        TableName: TABLE(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'READLOG#BY#operator-b' },
      }),
    );
    expect(byReader.Items?.map((item) => item.familyId).sort()).toEqual(
      found.body.items.map((f) => f.familyId).sort(),
    );
  });

  it('does not serve a read it cannot log', async () => {
    const id = await idOf(kk(KAPUAS, 3));
    vi.spyOn(FamilyDirectoryRepository.prototype, 'logReads').mockRejectedValue(new Error('throttled'));
    const found = await search(admin(), { noKk: kk(KAPUAS, 3) });
    expect(found.status).toBe(500);
    expect(JSON.stringify(found.body)).not.toContain(kk(KAPUAS, 3));
    const read = await history(admin(), id);
    expect(read.status).toBe(500);
    expect(JSON.stringify(read.body)).not.toContain('Sítì');
  });

  it('is for auditors and admins only; an unknown family is 404; a tampered cursor is 400', async () => {
    const id = await idOf(kk(KAPUAS, 2));
    for (const claims of [operator(KAPUAS), verifier('DINSOS'), approver()]) {
      expect((await reads(claims, id)).status).toBe(403);
    }
    expect((await reads(admin(), 'KEL-AAAAAAAAAAAA')).status).toBe(404);
    const page = await reads(admin(), id, { limit: '1' });
    const cursor = page.body.nextCursor ?? '';
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s: string };
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      'not-a-cursor',
      forged({ s: 'KK#1234' }),
      forged({ s: decoded.s, pk: 'READLOG#KEL-BBBBBBBBBBBB' }),
      forged({ s: `${decoded.s}#x` }),
      forged({ k: kk(KAPUAS, 1) }),
    ]) {
      const refused = await reads(admin(), id, { cursor: bad });
      expect(refused.status, bad).toBe(400);
      expect(
        (refused.body.error.details as { reason?: string } | undefined)?.reason ?? refused.body.error.code,
      ).toMatch(/INVALID_CURSOR|BAD_REQUEST/);
    }
  });

  it('never logs a NIK, a No KK or a name', async () => {
    const info = vi.spyOn(logger, 'info');
    await search(admin(), { nik: nik(KAPUAS, 10) });
    await search(admin(), { name: 'budi', desaCode: DESA });
    await history(admin(), await idOf(kk(KAPUAS, 1)));
    const lines = JSON.stringify(info.mock.calls);
    expect(info).toHaveBeenCalled();
    expect(lines).not.toMatch(/\d{16}/);
    expect(lines.toLowerCase()).not.toContain('budi');
  });
});
