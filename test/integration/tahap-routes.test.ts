import { beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  auditor,
  type CallOptions,
  type Claims,
  callRoute,
  type ErrorBody,
  operator,
  type RouteId,
} from '../support/api.ts';
import { resetTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * A tahap through its routes (issue #14): two kabupaten's READY snapshots, built family by family so
 * that each exclusion reason appears exactly where it was planted, a PKH list, then `POST /tahap`,
 * `POST /tahap/{id}/eligibility`, the run (the families worker's job, called directly: its queue
 * wiring has tests of its own), the summary and a desa's families, the audit chain, and who may do
 * which of it.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const env = useEmulatorEnv();
const { FamiliesRepository } = await import('#shared/adapters/families-repo.ts');
const { SnapshotsRepository } = await import('#shared/adapters/snapshots-repo.ts');
const { ExclusionsRepository } = await import('#shared/adapters/exclusions-repo.ts');
const { TahapRepository } = await import('#shared/adapters/tahap-repo.ts');
const { EligibilityRepository } = await import('#shared/adapters/eligibility-repo.ts');
const { OutboxRepository } = await import('#shared/adapters/outbox.ts');
const { transactWrite } = await import('#shared/adapters/transactions.ts');
const { runEligibilityJob } = await import('../../functions/families/run-eligibility.ts');
type StoredFamily = import('#shared/model.ts').StoredFamily;
type StoredMember = import('#shared/model.ts').StoredMember;

const TABLE = () => env.TABLE_NAME as string;
const KAPUAS = '62.03';
const KOTIM = '62.02';
const VERSION = '2026-09-30';
const DESA = `${KAPUAS}.01.2001`;
const TAHAP = '2026-1';

/** A 16-digit number of the region's shape: `PPKKCC` + date + serial (a NIK or No KK). */
const number16 = (region: string, date: string, serial: number) =>
  `${region.replace('.', '')}01${date}${String(serial).padStart(4, '0')}`;
const kk = (region: string, serial: number) => number16(region, '010120', serial);
const nik = (region: string, serial: number) => number16(region, '150885', serial);

interface Planted {
  readonly family: StoredFamily;
  readonly members: StoredMember[];
}

function family(
  region: string,
  serial: number,
  desil: number,
  overrides: Partial<StoredFamily> = {},
): StoredFamily {
  return {
    noKk: kk(region, serial),
    kkValid: true,
    kecamatanCode: `${region}.01`,
    desaCode: `${region}.01.2001`,
    desil,
    sourceRow: serial + 1,
    ...overrides,
  };
}

function member(
  noKk: string,
  nikValue: string,
  hubungan: StoredMember['hubungan'],
  row: number,
): StoredMember {
  return {
    noKk,
    nik: nikValue,
    nikValid: true,
    nama: 'Warga Uji',
    tanggalLahir: '1985-08-15',
    hubungan,
    sourceRow: row,
  };
}

/** Kapuas: one family per reason, and two that pass. */
function kapuasFamilies(): Planted[] {
  const plain = (serial: number, desil: number, extra: Partial<StoredFamily> = {}): Planted => {
    const f = family(KAPUAS, serial, desil, extra);
    return { family: f, members: [member(f.noKk, nik(KAPUAS, serial * 10), 'KEPALA_KELUARGA', serial * 10)] };
  };
  const shared = nik(KAPUAS, 9_999);
  const sharedA = family(KAPUAS, 5, 2);
  const sharedB = family(KAPUAS, 6, 2);
  const headless = family(KAPUAS, 8, 2);
  return [
    plain(1, 1),
    plain(2, 7), // desil out of range
    plain(3, 3), // its head is on the PKH list (by NIK)
    plain(4, 2, { kkValid: false }),
    {
      family: sharedA,
      members: [
        member(sharedA.noKk, nik(KAPUAS, 50), 'KEPALA_KELUARGA', 50),
        member(sharedA.noKk, shared, 'ANAK', 51),
      ],
    },
    {
      family: sharedB,
      members: [
        member(sharedB.noKk, nik(KAPUAS, 60), 'KEPALA_KELUARGA', 60),
        member(sharedB.noKk, shared, 'ANAK', 61),
      ],
    },
    plain(7, 4), // its No KK is in Kotawaringin Timur's extract too
    { family: headless, members: [member(headless.noKk, nik(KAPUAS, 80), 'ISTRI', 80)] },
    plain(9, 5),
  ];
}

function kotimFamilies(): Planted[] {
  const twin = family(KOTIM, 1, 3, { noKk: kk(KAPUAS, 7) });
  return [
    { family: twin, members: [member(twin.noKk, nik(KOTIM, 10), 'KEPALA_KELUARGA', 10)] },
    (() => {
      const f = family(KOTIM, 2, 2);
      return { family: f, members: [member(f.noKk, nik(KOTIM, 20), 'KEPALA_KELUARGA', 20)] };
    })(),
  ];
}

/** Writes a region's families and members as their two imports would, and makes the snapshot READY. */
async function readySnapshot(region: string, planted: readonly Planted[]): Promise<void> {
  const families = new FamiliesRepository(TABLE());
  const snapshots = new SnapshotsRepository(TABLE());
  const pair = { families: `kk-${region}`, members: `art-${region}` };
  const familyWriter = families.writer(pair.families);
  const memberWriter = families.writer(pair.members);
  for (const { family: f, members } of planted) {
    await familyWriter.putFamily(f);
    for (const m of members) await memberWriter.putMember(m);
  }
  await Promise.all([familyWriter.flush(), memberWriter.flush()]);
  const now = new Date().toISOString();
  const half = (importId: string) => ({
    importId,
    rows: planted.length,
    accepted: planted.length,
    importedAt: now,
  });
  const first = snapshots.halfChange(
    undefined,
    { region, versionDate: VERSION },
    'families',
    half(pair.families),
    now,
  );
  await transactWrite([first.item]);
  const second = snapshots.halfChange(
    first.next,
    { region, versionDate: VERSION },
    'members',
    half(pair.members),
    now,
  );
  await transactWrite([second.item]);
  const ready = await snapshots.markReady(
    region,
    VERSION,
    pair,
    {
      families: planted.length,
      members: planted.length,
      complete: planted.length,
      byCode: {},
      checkedAt: now,
    },
    now,
  );
  expect(ready).toBe(true);
}

async function pkhList(): Promise<void> {
  const exclusions = new ExclusionsRepository(TABLE());
  const writer = exclusions.entryWriter('pkh-kemensos');
  await writer.put({ nik: nik(KAPUAS, 30) });
  await writer.flush();
  await transactWrite([
    exclusions.listItem({
      listId: 'pkh-kemensos',
      programme: 'PKH',
      source: 'Kemensos',
      asOf: '2026-09-30',
      entries: 1,
      uploadedAt: new Date().toISOString(),
    }),
  ]);
}

const TAHAP_BODY = {
  year: 2026,
  number: 1,
  components: { TUNAI: 250_000, PANGAN: 150_000 },
  desil: { min: 1, max: 5 },
  snapshots: { [KAPUAS]: VERSION, [KOTIM]: VERSION },
};

const call = <T = Record<string, unknown>>(route: RouteId, claims: Claims, options: CallOptions = {}) =>
  callRoute<T>(route, { claims, ...options });
const tahapParams = { pathParameters: { tahapId: TAHAP } };

interface FamilyRow {
  noKk: string;
  status: string;
  reasons: { reason: string; listId?: string; matchedBy?: string; otherRegions?: string[] }[];
}

beforeAll(async () => {
  await resetTable();
  await readySnapshot(KAPUAS, kapuasFamilies());
  await readySnapshot(KOTIM, kotimFamilies());
  await pkhList();
}, 60_000);

describe('a tahap from READY snapshots to a desa’s verdicts', () => {
  it('is created by the province only, once, and only over READY snapshots, which it then fixes', async () => {
    const refused = await call<ErrorBody>('CreateTahap', operator(KAPUAS), { body: TAHAP_BODY });
    expect(refused.status).toBe(403);

    const missing = await call<ErrorBody>('CreateTahap', admin(), {
      body: { ...TAHAP_BODY, number: 2, snapshots: { ...TAHAP_BODY.snapshots, '62.04': VERSION } },
    });
    expect(missing.status).toBe(409);
    expect(missing.body.error.message).toMatch(/tidak ditemukan/);
    expect(missing.body.error.details).toMatchObject({ reason: 'SNAPSHOT_NOT_READY', region: '62.04' });

    const created = await call<{ tahapId: string; status: string; label: string }>('CreateTahap', admin(), {
      body: TAHAP_BODY,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ tahapId: TAHAP, status: 'DRAFT', label: 'Tahap 1 Tahun 2026' });

    const again = await call<ErrorBody>('CreateTahap', admin(), { body: TAHAP_BODY });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toMatchObject({ reason: 'TAHAP_EXISTS' });

    const snapshot = await new SnapshotsRepository(TABLE()).get(KAPUAS, VERSION);
    expect(snapshot?.usedBy).toEqual([TAHAP]);
    // And an import for that snapshot is refused before a byte is sent.
    const late = await call<ErrorBody>('CreateImport', operator(KAPUAS), {
      body: { kind: 'DTSEN_ANGGOTA', filename: 'anggota.csv', versionDate: VERSION },
    });
    expect(late.status).toBe(409);
    expect(late.body.error.details).toMatchObject({ reason: 'SNAPSHOT_IN_USE' });
  });

  it('shows a regional role only its own kabupaten’s settings', async () => {
    const own = await call<{ snapshots: Record<string, string> }>('GetTahap', operator(KOTIM), tahapParams);
    expect(own.status).toBe(200);
    expect(own.body.snapshots).toEqual({ [KOTIM]: VERSION });
    const all = await call<{ items: { snapshots: Record<string, string> }[] }>('ListTahap', admin());
    expect(all.body.items[0]?.snapshots).toEqual(TAHAP_BODY.snapshots);
  });

  it('queues one run at a time, with its message in the outbox, and records who asked', async () => {
    expect((await call('RequestEligibility', operator(KAPUAS), tahapParams)).status).toBe(403);
    const asked = await call<{ runId: string; status: string }>('RequestEligibility', admin(), tahapParams);
    expect(asked.status).toBe(202);
    expect(asked.body.status).toBe('QUEUED');
    const pending = await new OutboxRepository(TABLE()).pending(
      new Date(Date.now() + 60_000).toISOString(),
      50,
    );
    const messages = pending.filter((item) => item.queue === 'families').map((item) => item.message);
    expect(messages).toEqual([
      expect.objectContaining({ type: 'eligibility.requested', tahapId: TAHAP, runId: asked.body.runId }),
    ]);

    const second = await call<ErrorBody>('RequestEligibility', admin(), tahapParams);
    expect(second.status).toBe(409);
    expect(second.body.error.details).toMatchObject({ reason: 'RUN_IN_PROGRESS' });

    const outcome = await runEligibilityJob(
      { tahapId: TAHAP, runId: asked.body.runId },
      {
        tahap: new TahapRepository(TABLE()),
        results: new EligibilityRepository(TABLE()),
        families: new FamiliesRepository(TABLE()),
        snapshots: new SnapshotsRepository(TABLE()),
        exclusions: new ExclusionsRepository(TABLE()),
      },
    );
    expect(outcome).toMatchObject({ outcome: 'COMPLETED', families: 11, eligible: 3 });

    const audit = await call<{ chain: { valid: boolean; length: number }; records: { action: string }[] }>(
      'GetAudit',
      auditor(),
      { query: { entityId: `TAHAP-${TAHAP}` } },
    );
    expect(audit.status).toBe(200);
    expect(audit.body.chain).toEqual({ valid: true, length: 2 });
    expect(audit.body.records.map((record) => record.action)).toEqual([
      'TAHAP_CREATED',
      'ELIGIBILITY_REQUESTED',
    ]);
    expect((await call('GetAudit', operator(KAPUAS), { query: { entityId: `TAHAP-${TAHAP}` } })).status).toBe(
      403,
    );
  });

  it('counts every reason per kabupaten, kecamatan and desa', async () => {
    const summary = await call<{
      run: { status: string };
      items: {
        region: string;
        counts: { families: number; eligible: number; byReason: Record<string, number> };
      }[];
    }>('GetTahapSummary', operator(KAPUAS), tahapParams);
    expect(summary.status).toBe(200);
    expect(summary.body.run.status).toBe('COMPLETED');
    expect(summary.body.items.map((item) => item.region)).toEqual([KAPUAS]);
    expect(summary.body.items[0]?.counts).toEqual({
      families: 9,
      eligible: 2,
      excluded: 7,
      byReason: {
        DESIL_DI_LUAR_RENTANG: 1,
        DAFTAR_PENGECUALIAN: 1,
        NO_KK_TIDAK_SAH: 1,
        ANGGOTA_DI_KELUARGA_LAIN: 2,
        KK_DI_DUA_KABUPATEN: 1,
        TANPA_KEPALA_KELUARGA: 1,
      },
    });
    expect(
      (await call('GetTahapSummary', operator(KAPUAS), { ...tahapParams, query: { region: KOTIM } })).status,
    ).toBe(403);
    const kecamatan = await call<{ items: { desa: Record<string, unknown> }[] }>('GetTahapSummary', admin(), {
      ...tahapParams,
      query: { kecamatan: `${KAPUAS}.01` },
    });
    expect(Object.keys(kecamatan.body.items[0]?.desa ?? {})).toEqual([DESA]);
  });

  it('lists a desa’s families with every reason, a page at a time, No KK masked for auditors', async () => {
    const excluded: FamilyRow[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call<{ items: FamilyRow[]; nextCursor?: string }>(
        'SearchTahapFamilies',
        operator(KAPUAS),
        {
          ...tahapParams,
          body: { desa: DESA, status: 'EXCLUDED', limit: 3, ...(cursor ? { cursor } : {}) },
        },
      );
      expect(page.status).toBe(200);
      excluded.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(excluded).toHaveLength(7);
    const byKk = new Map(excluded.map((row) => [row.noKk, row]));
    expect(byKk.get(kk(KAPUAS, 3))?.reasons).toEqual([
      expect.objectContaining({ reason: 'DAFTAR_PENGECUALIAN', listId: 'pkh-kemensos', matchedBy: 'NIK' }),
    ]);
    expect(byKk.get(kk(KAPUAS, 7))?.reasons).toEqual([
      expect.objectContaining({ reason: 'KK_DI_DUA_KABUPATEN', otherRegions: [KOTIM] }),
    ]);
    expect(byKk.has(kk(KAPUAS, 1))).toBe(false); // eligible

    const masked = await call<{ items: FamilyRow[] }>('SearchTahapFamilies', auditor(), {
      ...tahapParams,
      body: { desa: DESA },
    });
    expect(masked.body.items).toHaveLength(9);
    for (const row of masked.body.items) expect(row.noKk).toMatch(/^\d{6}\*{6}\d{4}$/);

    const other = await call<ErrorBody>('SearchTahapFamilies', operator(KOTIM), {
      ...tahapParams,
      body: { desa: DESA },
    });
    expect(other.status).toBe(403);
    const bad = await call<ErrorBody>('SearchTahapFamilies', operator(KAPUAS), {
      ...tahapParams,
      body: { desa: DESA, cursor: 'bukan-penanda' },
    });
    expect(bad.status).toBe(400);
  });
});
