import { describe, expect, it } from 'vitest';
import { parseVervalResult, vervalEffect } from '#shared/domain/family/verval.ts';

describe('parseVervalResult', () => {
  it('reads the results in their usual spellings', () => {
    const cases: [string, string][] = [
      ['layak', 'LAYAK'],
      ['Sudah Mampu', 'MAMPU'],
      ['MENINGGAL DUNIA', 'MENINGGAL'],
      ['pindah domisili', 'PINDAH'],
      ['TIDAK_DITEMUKAN', 'TIDAK_DITEMUKAN'],
      ['tdk ditemukan', 'TIDAK_DITEMUKAN'],
      ['Data ganda', 'GANDA'],
      ['tidak bersedia', 'MENOLAK'],
    ];
    for (const [text, value] of cases) expect(parseVervalResult(text), text).toEqual({ ok: true, value });
  });

  it('refuses an empty or unknown result, listing the choices', () => {
    expect(parseVervalResult('')).toMatchObject({ ok: false, code: 'HASIL_WAJIB' });
    const unknown = parseVervalResult('mungkin');
    expect(unknown).toMatchObject({ ok: false, code: 'HASIL_TIDAK_DIKENAL' });
    expect(unknown.ok ? '' : unknown.message).toContain('LAYAK, MAMPU, MENINGGAL');
  });
});

describe('vervalEffect', () => {
  const family = [
    { nik: 'head', head: true, age: 60 },
    { nik: 'wife', head: false, age: 55 },
    { nik: 'child', head: false, age: 12 },
    { nik: 'young-wife', head: false, age: 16, married: true },
  ];

  it('keeps a LAYAK family in with its head, or with another adult member the sheet names', () => {
    expect(vervalEffect('LAYAK', family, undefined)).toEqual({
      ok: true,
      inTahap: true,
      penerimaNik: 'head',
      penerimaChanged: false,
    });
    expect(vervalEffect('LAYAK', family, 'wife')).toEqual({
      ok: true,
      inTahap: true,
      penerimaNik: 'wife',
      penerimaChanged: true,
    });
    expect(vervalEffect('LAYAK', family, 'young-wife')).toMatchObject({
      ok: true,
      penerimaNik: 'young-wife',
    });
  });

  it('keeps a family whose head died in, with an adult member as the new penerima, never out', () => {
    expect(vervalEffect('MENINGGAL', family, 'wife')).toEqual({
      ok: true,
      inTahap: true,
      penerimaNik: 'wife',
      penerimaChanged: true,
    });
    expect(vervalEffect('MENINGGAL', family, undefined)).toMatchObject({ ok: false, code: 'PENERIMA_WAJIB' });
    expect(vervalEffect('MENINGGAL', family, 'head')).toMatchObject({
      ok: false,
      code: 'PENERIMA_BUKAN_ANGGOTA',
    });
  });

  it('refuses a penerima who is a child or not in the KK, and takes the family out for other results', () => {
    expect(vervalEffect('LAYAK', family, 'child')).toMatchObject({
      ok: false,
      code: 'PENERIMA_BELUM_DEWASA',
    });
    expect(vervalEffect('LAYAK', family, 'neighbour')).toMatchObject({
      ok: false,
      code: 'PENERIMA_BUKAN_ANGGOTA',
    });
    for (const result of ['MAMPU', 'PINDAH', 'TIDAK_DITEMUKAN', 'GANDA', 'MENOLAK'] as const) {
      expect(vervalEffect(result, family, undefined)).toEqual({ ok: true, inTahap: false, result });
    }
  });
});
