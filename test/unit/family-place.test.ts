import { describe, expect, it } from 'vitest';
import { parseDayDate } from '#shared/domain/dates.ts';
import { DUKCAPIL_SHDK, parseRelationship } from '#shared/domain/family/hubungan.ts';
import { placeFamily } from '#shared/domain/family/place.ts';
import { findDesa, findKecamatan } from '#shared/domain/wilayah.ts';

describe('placeFamily: codes are trusted only where their names agree', () => {
  // Katingan: Kemendagri 62.06, BPS 62.09 (which is Lamandau for Kemendagri).
  const katingan = '62.06';

  it('places a row by Kemendagri codes whose names agree', () => {
    const kecamatan = findKecamatan(katingan, 'Katingan Kuala');
    expect(kecamatan).toBeDefined();
    const desa = findDesa(kecamatan?.code ?? '', 'Pagatan Hilir');
    expect(desa?.code).toBe('62.06.10.1001');
    const placed = placeFamily(katingan, {
      kabupatenCode: '6206',
      kecamatanCode: (kecamatan?.code ?? '').replaceAll('.', ''),
      kecamatanName: 'KATINGAN KUALA',
      desaCode: '6206101001',
      desaName: 'Pagatan Hilir',
    });
    expect(placed).toEqual({ ok: true, kecamatan, desa, notes: [] });
  });

  it("reads the kabupaten's BPS code as the region, and a Kemendagri code of another region as a refusal", () => {
    expect(
      placeFamily(katingan, {
        kabupatenCode: '6209',
        kecamatanName: 'Katingan Kuala',
        desaName: 'Pagatan Hilir',
      }).ok,
    ).toBe(true);
    const other = placeFamily(katingan, {
      kabupatenCode: '6201',
      kecamatanName: 'Katingan Kuala',
      desaName: 'Pagatan Hilir',
    });
    expect(other).toMatchObject({ ok: false, code: 'KABUPATEN_LAIN' });
    // A name wins over any code, and names another region plainly.
    const named = placeFamily(katingan, {
      kabupatenCode: '6206',
      kabupatenName: 'Kab. Kapuas',
      kecamatanName: 'Kapuas Hilir',
      desaName: 'x',
    });
    expect(named).toMatchObject({ ok: false, code: 'KABUPATEN_LAIN' });
    expect(named.ok ? '' : named.message).toContain('Kabupaten Kapuas');
  });

  it('sets aside a desa code that is a valid code of a different village, and says so', () => {
    // 62.06.02.2007 is Talangkah (Katingan Hilir?); written beside the name Pagatan Hilir it is not trusted.
    const placed = placeFamily(katingan, {
      kecamatanName: 'Katingan Kuala',
      desaCode: '6206022007',
      desaName: 'Pagatan Hilir',
    });
    expect(placed.ok).toBe(true);
    if (!placed.ok) return;
    expect(placed.desa.code).toBe('62.06.10.1001');
    expect(placed.notes.map((note) => note.code)).toEqual(['KODE_DESA_DIABAIKAN']);
    expect(placed.notes[0]?.message).toContain('Talangkah');
  });

  it('sets aside silently a BPS desa code that names no village (BPS and Kemendagri share the kabupaten code)', () => {
    // Kapuas is 62.03 in both lists: BPS's 6203010001 reads as 62.03.01.0001, which no village has.
    const placed = placeFamily('62.03', {
      kabupatenCode: '6203',
      kecamatanCode: '6203010',
      kecamatanName: 'Kapuas Kuala',
      desaCode: '6203010001',
      desaName: 'Lupak Dalam',
    });
    expect(placed).toMatchObject({ ok: true, notes: [] });
  });

  it('ignores a BPS 7-digit kecamatan code beside a name, and refuses it alone', () => {
    expect(
      placeFamily(katingan, {
        kecamatanCode: '6209010',
        kecamatanName: 'Katingan Kuala',
        desaName: 'Pagatan Hilir',
      }).ok,
    ).toBe(true);
    expect(placeFamily(katingan, { kecamatanCode: '6209010', desaName: 'Pagatan Hilir' })).toMatchObject({
      ok: false,
      code: 'KECAMATAN_WAJIB',
    });
  });

  it('reads the known other spellings through the alias table and notes it', () => {
    const placed = placeFamily(katingan, { kecamatanName: 'Katingan Kuala', desaName: 'PEGATAN HILIR' });
    expect(placed).toMatchObject({ ok: true, desa: { code: '62.06.10.1001' } });
    expect(placed.ok && placed.notes.map((note) => note.code)).toEqual(['NAMA_ALIAS']);
  });

  it('refuses an unknown name with a suggestion, never a guess', () => {
    const placed = placeFamily(katingan, { kecamatanName: 'Katingan Kuala', desaName: 'Pagatan Hilirr' });
    expect(placed).toMatchObject({ ok: false, code: 'DESA_TIDAK_DIKENAL' });
    expect(placed.ok ? '' : placed.message).toContain('Maksud Anda: Pagatan Hilir?');
    const far = placeFamily(katingan, { kecamatanName: 'Tidak Ada Sama Sekali', desaName: 'x' });
    expect(far).toMatchObject({ ok: false, code: 'KECAMATAN_TIDAK_DIKENAL' });
  });
});

describe('parseRelationship', () => {
  it('reads words in usual spellings and Dukcapil numbers by default', () => {
    expect(parseRelationship('KEPALA KELUARGA')).toEqual({ ok: true, value: 'KEPALA_KELUARGA' });
    expect(parseRelationship('isteri')).toEqual({ ok: true, value: 'ISTRI' });
    expect(parseRelationship('Anak Kandung')).toEqual({ ok: true, value: 'ANAK' });
    expect(parseRelationship('1')).toEqual({ ok: true, value: 'KEPALA_KELUARGA' });
    expect(parseRelationship('03')).toEqual({ ok: true, value: 'ISTRI' });
    expect(parseRelationship('4.0')).toEqual({ ok: true, value: 'ANAK' });
  });

  it('reads numbers under another configured list, and refuses a number no list knows', () => {
    const household = {
      name: 'daftar rumah tangga',
      codes: { '1': 'KEPALA_KELUARGA', '2': 'ISTRI', '3': 'ANAK' },
    } as const;
    expect(parseRelationship('3', household)).toEqual({ ok: true, value: 'ANAK' });
    expect(parseRelationship('3', DUKCAPIL_SHDK)).toEqual({ ok: true, value: 'ISTRI' });
    const unknown = parseRelationship('12');
    expect(unknown).toMatchObject({ ok: false, code: 'HUBUNGAN_TIDAK_DIKENAL' });
    expect(unknown.ok ? '' : unknown.message).toContain('SHDK Dukcapil');
    expect(parseRelationship('Tetangga')).toMatchObject({ ok: false, code: 'HUBUNGAN_TIDAK_DIKENAL' });
    expect(parseRelationship('  ')).toMatchObject({ ok: false, code: 'HUBUNGAN_WAJIB' });
  });
});

describe('parseDayDate: birth dates as extracts write them', () => {
  const BIRTH = { label: 'Tanggal lahir', minYear: 1900, maxYear: 2026, excelSerial: true };

  it('reads day-first, ISO and Excel serial dates to the same day', () => {
    for (const text of ['17-08-1985', '17/08/1985', '1985-08-17', '17.8.1985', '31276', '31276.0']) {
      expect(parseDayDate(text, BIRTH), text).toEqual({ ok: true, value: '1985-08-17' });
    }
  });

  it('refuses what the calendar does not have, and serials where Excel never wrote one', () => {
    expect(parseDayDate('29-02-1985', BIRTH)).toMatchObject({ ok: false, code: 'DATE_INVALID' });
    expect(parseDayDate('17-13-1985', BIRTH)).toMatchObject({ ok: false, code: 'DATE_INVALID' });
    expect(parseDayDate('1850-01-01', BIRTH)).toMatchObject({ ok: false, code: 'DATE_INVALID' });
    expect(parseDayDate('31276', { ...BIRTH, excelSerial: false })).toMatchObject({ ok: false });
    const empty = parseDayDate('', BIRTH);
    expect(empty.ok ? '' : empty.message).toBe('Tanggal lahir wajib diisi, mis. 29/11/2026 atau 2026-11-29.');
  });
});
