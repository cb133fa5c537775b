import { describe, expect, it } from 'vitest';
import { type KpmVerdict, type KpmVisit, selectKpm } from '#shared/domain/family/kpm.ts';

const eligible = (noKk: string, rank: number, reserve = false): KpmVerdict => ({
  noKk,
  status: 'ELIGIBLE',
  reasons: [],
  desil: 2,
  rank,
  ...(reserve ? { reserve } : {}),
});
const excluded = (noKk: string, reason: KpmVerdict['reasons'][number]['reason'], desil = 2): KpmVerdict => ({
  noKk,
  status: 'EXCLUDED',
  reasons: [{ reason }],
  desil,
});
const layak = (nik: string): KpmVisit => ({ result: 'LAYAK', inTahap: true, penerimaNik: nik });
const out = (result: KpmVisit['result']): KpmVisit => ({ result, inTahap: false });

describe('which families make a kabupaten’s KPM list', () => {
  it('lists the selected families the visit kept, with the penerima the visit named', () => {
    const selection = selectKpm(
      [eligible('A', 1), eligible('B', 2), eligible('C', 3)],
      new Map([
        ['A', layak('nik-a')],
        ['B', { result: 'MENINGGAL', inTahap: true, penerimaNik: 'nik-b-istri' }],
        ['C', out('MAMPU')],
      ]),
      undefined,
    );
    expect(selection.picks).toEqual([
      { noKk: 'A', penerimaNik: 'nik-a', replacement: false },
      { noKk: 'B', penerimaNik: 'nik-b-istri', replacement: false },
    ]);
    expect(selection.counts).toMatchObject({
      listed: 2,
      selected: 2,
      droppedByResult: { MAMPU: 1 },
      notVisited: 0,
    });
  });

  it('never lists a family without a visit, and counts the selected ones still to visit', () => {
    const selection = selectKpm(
      [eligible('A', 1), eligible('B', 2)],
      new Map([['A', layak('a')]]),
      undefined,
    );
    expect(selection.picks.map((pick) => pick.noKk)).toEqual(['A']);
    expect(selection.counts.notVisited).toBe(1);
  });

  it('lets a visit settle only the reasons a visit can settle', () => {
    const selection = selectKpm(
      [
        excluded('SHARED', 'ANGGOTA_DI_KELUARGA_LAIN'),
        excluded('TWO', 'KK_DI_DUA_KABUPATEN'),
        excluded('DESIL', 'DESIL_DI_LUAR_RENTANG', 8),
        excluded('PKH', 'DAFTAR_PENGECUALIAN'),
      ],
      new Map([
        ['SHARED', layak('s')],
        ['TWO', layak('t')],
        ['DESIL', layak('d')],
        ['PKH', layak('p')],
      ]),
      undefined,
    );
    expect(selection.picks.map((pick) => pick.noKk)).toEqual(['SHARED', 'TWO']);
    expect(selection.counts.settled).toBe(2);
  });

  it('fills the places selected families left from the reserve, in rank order, each with its own visit', () => {
    const selection = selectKpm(
      [
        eligible('S1', 1),
        eligible('S2', 2),
        eligible('R1', 3, true),
        eligible('R2', 4, true),
        eligible('R3', 5, true),
      ],
      new Map([
        ['S1', layak('s1')],
        ['S2', out('PINDAH')],
        // R1 was not visited: not drawn. R2 and R3 were, and only one place is free.
        ['R2', layak('r2')],
        ['R3', layak('r3')],
      ]),
      2,
    );
    expect(selection.picks).toEqual([
      { noKk: 'S1', penerimaNik: 's1', replacement: false },
      { noKk: 'R2', penerimaNik: 'r2', replacement: true },
    ]);
    expect(selection.counts).toMatchObject({
      listed: 2,
      replacements: 1,
      beyondQuota: 1,
      // The reserve is visited only when drawn: R1 is not "still to visit".
      notVisited: 0,
      droppedByResult: { PINDAH: 1 },
    });
  });

  it('gives a free place to a family the visit settled before any reserve family', () => {
    const selection = selectKpm(
      [eligible('S1', 1), excluded('SHARED', 'ANGGOTA_DI_KELUARGA_LAIN'), eligible('R1', 2, true)],
      new Map([
        ['S1', out('TIDAK_DITEMUKAN')],
        ['SHARED', layak('x')],
        ['R1', layak('r1')],
      ]),
      1,
    );
    expect(selection.picks.map((pick) => pick.noKk)).toEqual(['SHARED']);
    expect(selection.counts).toMatchObject({ settled: 1, replacements: 0, beyondQuota: 1 });
  });
});
