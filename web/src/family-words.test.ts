import { describe, expect, it } from 'vitest';
import { EXCLUSION_REASONS } from '#shared/domain/family/eligibility.ts';
import {
  addCounts,
  dayMonthYear,
  kpmCountsWords,
  type ReasonDetail,
  reasonsIn,
  reasonWords,
  snapshotState,
  tahapName,
} from './family-words.ts';
import { sectionsFor } from './nav.tsx';
import { parseRoute, pathTo } from './router.ts';

const RANGE = { min: 1, max: 5 };

describe('reasonWords', () => {
  it('says which list, from whom and of when, and through which member it matched', () => {
    expect(
      reasonWords(
        {
          reason: 'DAFTAR_PENGECUALIAN',
          matchedBy: 'NIK',
          member: 1,
          listId: 'l-1',
          programme: 'PKH',
          source: 'Kemensos',
          asOf: '2026-09-30',
        },
        RANGE,
      ),
    ).toBe('Tercantum di daftar PKH (Kemensos, 30-09-2026), cocok lewat NIK anggota ke-2');
    expect(
      reasonWords({
        reason: 'DAFTAR_PENGECUALIAN',
        matchedBy: 'NO_KK',
        listId: 'l-2',
        programme: 'BPNT',
        source: 'Dinsos Kapuas',
        asOf: '2026-08-01',
      }),
    ).toBe('Tercantum di daftar BPNT (Dinsos Kapuas, 01-08-2026), cocok lewat No KK');
  });

  it('names the desil and the tahap’s range', () => {
    expect(reasonWords({ reason: 'DESIL_DI_LUAR_RENTANG', desil: 7 }, RANGE)).toBe(
      'Desil 7 di luar rentang 1–5',
    );
    expect(reasonWords({ reason: 'DESIL_DI_LUAR_RENTANG', desil: null }, RANGE)).toMatch(/tidak tercatat/);
  });

  it('counts members from one, as people do', () => {
    expect(reasonWords({ reason: 'ANGGOTA_DI_KELUARGA_LAIN', member: 2, otherNoKk: [] })).toBe(
      'Anggota ke-3 juga tercatat di KK lain',
    );
    expect(
      reasonWords({ reason: 'ANGGOTA_DI_KELUARGA_LAIN', member: 0, otherNoKk: ['6203**********01'] }),
    ).toBe('Anggota ke-1 juga tercatat di KK lain (No KK 6203**********01)');
    expect(reasonWords({ reason: 'NIK_TIDAK_SAH', member: 3 })).toBe('NIK anggota ke-4 tidak sah');
  });

  it('names the other kabupaten', () => {
    expect(reasonWords({ reason: 'KK_DI_DUA_KABUPATEN', otherRegions: ['62.01'] })).toBe(
      'Nomor KK yang sama juga tercatat di Kabupaten Kotawaringin Barat',
    );
  });

  it('has words for every reason the API gives', () => {
    const examples: Record<(typeof EXCLUSION_REASONS)[number], ReasonDetail> = {
      DESIL_DI_LUAR_RENTANG: { reason: 'DESIL_DI_LUAR_RENTANG', desil: 9 },
      DAFTAR_PENGECUALIAN: {
        reason: 'DAFTAR_PENGECUALIAN',
        matchedBy: 'NO_KK',
        listId: 'x',
        programme: 'BLTDD',
        source: 'Desa',
        asOf: '2026-01-01',
      },
      NO_KK_TIDAK_SAH: { reason: 'NO_KK_TIDAK_SAH' },
      NIK_TIDAK_SAH: { reason: 'NIK_TIDAK_SAH', member: 0 },
      ANGGOTA_DI_KELUARGA_LAIN: { reason: 'ANGGOTA_DI_KELUARGA_LAIN', member: 0, otherNoKk: [] },
      KK_DI_DUA_KABUPATEN: { reason: 'KK_DI_DUA_KABUPATEN', otherRegions: ['62.03'] },
      TANPA_KEPALA_KELUARGA: { reason: 'TANPA_KEPALA_KELUARGA' },
    };
    for (const reason of EXCLUSION_REASONS) expect(reasonWords(examples[reason], RANGE)).toMatch(/^[A-Z]/);
  });
});

describe('snapshotState', () => {
  const half = { importId: 'i', rows: 10, accepted: 10, importedAt: '2026-10-01T00:00:00Z' };
  it('says which file is missing, then the cross-check, then ready or taken', () => {
    expect(snapshotState({ status: 'INCOMPLETE', families: half }).words).toBe(
      'Berkas keluarga sudah, menunggu berkas anggota',
    );
    expect(snapshotState({ status: 'INCOMPLETE', members: half }).words).toMatch(/menunggu berkas keluarga/);
    expect(snapshotState({ status: 'INCOMPLETE', families: half, members: half }).words).toMatch(
      /sedang diperiksa silang/,
    );
    expect(snapshotState({ status: 'READY', families: half, members: half })).toEqual({
      words: 'Siap dipakai',
      tone: 'good',
    });
    expect(snapshotState({ status: 'READY', families: half, members: half, usedBy: ['2026-1'] }).words).toBe(
      'Dipakai Tahap 1 Tahun 2026',
    );
  });
});

describe('helpers', () => {
  it('writes dates and tahap as people do', () => {
    expect(dayMonthYear('2026-09-30')).toBe('30-09-2026');
    expect(tahapName('2026-12')).toBe('Tahap 12 Tahun 2026');
  });

  it('adds counts and lists the reasons present in rule order', () => {
    const a = { families: 10, eligible: 6, excluded: 4, byReason: { DAFTAR_PENGECUALIAN: 3 } };
    const b = {
      families: 5,
      eligible: 4,
      excluded: 1,
      byReason: { DESIL_DI_LUAR_RENTANG: 1, NIK_TIDAK_SAH: 0 },
    };
    expect(addCounts([a, b])).toEqual({
      families: 15,
      eligible: 10,
      excluded: 5,
      byReason: { DAFTAR_PENGECUALIAN: 3, DESIL_DI_LUAR_RENTANG: 1, NIK_TIDAK_SAH: 0 },
    });
    expect(reasonsIn([a, b])).toEqual(['DESIL_DI_LUAR_RENTANG', 'DAFTAR_PENGECUALIAN']);
  });
});

describe('family routes', () => {
  it('reads the family programme’s paths', () => {
    expect(parseRoute('/data-keluarga')).toEqual({ page: 'family-data' });
    expect(parseRoute('/data-keluarga/impor/abc_123')).toEqual({
      page: 'family-import',
      importId: 'abc_123',
    });
    expect(parseRoute(pathTo.snapshot('62.03', '2026-09-30'))).toEqual({
      page: 'snapshot',
      region: '62.03',
      versionDate: '2026-09-30',
    });
    expect(parseRoute('/data-keluarga/snapshot/62.03/30-09-2026')).toEqual({ page: 'not-found' });
    expect(parseRoute('/pengecualian/')).toEqual({ page: 'exclusion-lists' });
    expect(parseRoute('/tahapan')).toEqual({ page: 'tahap-list' });
    expect(parseRoute('/tahapan/2026-1')).toEqual({ page: 'tahap', tahapId: '2026-1' });
    expect(parseRoute('/tahapan/2026-1/verval')).toEqual({ page: 'tahap-verval', tahapId: '2026-1' });
    expect(parseRoute('/verval/')).toEqual({ page: 'verval' });
    const vervalImport = new URL(
      pathTo.vervalImport('2026-1', 'a1-b2', { desa: '62.03.01.2001' }),
      'http://x',
    );
    expect(vervalImport.searchParams.get('desa')).toBe('62.03.01.2001');
    expect(parseRoute(vervalImport.pathname)).toEqual({
      page: 'verval-import',
      tahapId: '2026-1',
      importId: 'a1-b2',
    });
    expect(parseRoute('/verval/x/impor/a1')).toEqual({ page: 'not-found' });
    // The API's own paths are not the console's.
    expect(parseRoute('/tahap/2026-1')).toEqual({ page: 'not-found' });
    expect(parseRoute('/tahap/2026-1/verval')).toEqual({ page: 'not-found' });
    expect(parseRoute('/imports')).toEqual({ page: 'not-found' });
  });

  it('keeps the drill-down in the query string', () => {
    expect(pathTo.tahap('2026-1', { kabupaten: '62.03', kecamatan: '62.03.01', status: '' })).toBe(
      '/tahapan/2026-1?kabupaten=62.03&kecamatan=62.03.01',
    );
  });

  it('shows the sections by capability', () => {
    const labels = (capabilities: Parameters<typeof sectionsFor>[0]) =>
      sectionsFor(capabilities).map((section) => section.label);
    expect(labels(['imports:read', 'tahap:read'])).toEqual(['Data keluarga', 'Tahap']);
    expect(labels(['tahap:read'])).toEqual(['Tahap']);
    // A relawan gets verval and the field page alone; an operator works it from the tahap's page.
    expect(labels(['verval:work'])).toEqual(['Verval lapangan', 'Catat di lapangan']);
    expect(labels(['tahap:read', 'verval:manage', 'verval:work'])).toEqual(['Tahap']);
    // The family search for whoever may read families (not a relawan).
    expect(labels(['imports:read', 'tahap:read', 'families:read'])).toEqual([
      'Data keluarga',
      'Tahap',
      'Cari keluarga',
    ]);
    expect(labels(['families:read', 'families:audit'])).toEqual(['Cari keluarga']);
  });
});

describe('kpmCountsWords', () => {
  it('says what the composition did, the families dropped at the visit by result', () => {
    const lines = kpmCountsWords({
      listed: 1234,
      selected: 1200,
      settled: 4,
      replacements: 30,
      notVisited: 17,
      droppedByResult: { PINDAH: 1, MAMPU: 3 },
      beyondQuota: 2,
    });
    const byKey = Object.fromEntries(lines.map((line) => [line.key, `${line.label}: ${line.value}`]));
    expect(byKey.listed).toBe('Tercantum: 1.234 keluarga');
    expect(byKey.notVisited).toBe('Belum dikunjungi: 17');
    expect(byKey.replacements).toBe('Cadangan yang masuk: 30');
    // In the order of the results, whatever order the counts came in.
    expect(byKey.dropped).toBe('Gugur saat verval: Sudah mampu 3, Pindah 1');
    expect(byKey.beyondQuota).toBe('Layak tetapi di luar kuota: 2');
  });

  it('says when no family dropped out', () => {
    const lines = kpmCountsWords({
      listed: 0,
      selected: 0,
      settled: 0,
      replacements: 0,
      notVisited: 0,
      droppedByResult: {},
      beyondQuota: 0,
    });
    expect(lines.find((line) => line.key === 'dropped')?.value).toBe('tidak ada');
  });
});
