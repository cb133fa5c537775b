import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FAMILY_LAYOUT, MEMBER_LAYOUT } from '#shared/domain/family/dtsen-columns.ts';
import { parseNoKk, validateFamilyRow, validateMemberRow } from '#shared/domain/family/dtsen-rows.ts';
import { readCsvRecords } from '#shared/import/csv-records.ts';
import { toRows } from '#shared/import/rows.ts';

async function rowsOf<C extends string>(text: string, layout: Parameters<typeof toRows<C>>[1]) {
  const rows = [];
  for await (const row of toRows(readCsvRecords(Readable.from([Buffer.from(text)])), layout)) rows.push(row);
  return rows;
}

// Katingan (Kemendagri 62.06, BPS 62.09): a BPS extract, pipe-separated, below two title rows.
const FAMILIES = [
  'EKSTRAK DTSEN KABUPATEN KATINGAN',
  'Versi 2026-09-30',
  'NO|NO_KK|KDKAB|NMKAB|KDKEC|NMKEC|KDDESA|NMDESA|ALAMAT|NAMA_KRT|JML_ART|DESIL',
  '1|6206101203150001|6209|KATINGAN|6209010|KATINGAN KUALA|6206022007|PAGATAN HILIR|Jl. Sungai|ABDUL|3|2',
  '2|6206101203150002|6209|KATINGAN|6209010|KATINGAN KUALA||PEGATAN HULU||SITI|x|4',
  '3|6.20610E+15|6209|KATINGAN|6209010|KATINGAN KUALA||PAGATAN HILIR||BUDI|2|3',
  '4|6206100000150004|6201|KOTAWARINGIN BARAT|6201010|KUMAI||CANDI||ANI|2|1',
  '5|6206101203150005|6209|KATINGAN|6209010|KATINGAN KUALA||PAGATAN HILIRR||DEDI|2|11',
].join('\n');

describe('DTSEN families file', () => {
  it('finds the header below title rows in a pipe-separated file and places rows by name', async () => {
    const rows = await rowsOf(FAMILIES, FAMILY_LAYOUT);
    expect(rows.map((row) => row.sourceRow)).toEqual([4, 5, 6, 7, 8]);
    const checked = rows.map((row) => validateFamilyRow(row.raw, '62.06'));

    // Row 4: BPS kabupaten code, BPS kecamatan code and a desa code of another village: placed by name.
    expect(checked[0]?.value).toMatchObject({
      desaCode: '62.06.10.1001',
      desil: 2,
      jumlahAnggota: 3,
      kkValid: true,
    });
    // The BPS kecamatan code (7 digits) is set aside silently; the desa code names another village.
    expect(checked[0]?.warnings.map((problem) => problem.code)).toEqual(['KODE_DESA_DIABAIKAN']);
    // Row 5: the other spelling through the alias table; a bad member count is dropped with a warning.
    expect(checked[1]?.value).toMatchObject({ desaCode: '62.06.10.1002', desil: 4 });
    expect(checked[1]?.value?.jumlahAnggota).toBeUndefined();
    expect(checked[1]?.warnings.map((problem) => problem.code).sort()).toEqual([
      'JUMLAH_ANGGOTA_INVALID',
      'NAMA_ALIAS',
    ]);
    // Row 6: a No KK that Excel turned into a number is refused.
    expect(checked[2]?.value).toBeUndefined();
    expect(checked[2]?.errors.map((problem) => problem.code)).toEqual(['NO_KK_SCIENTIFIC']);
    // Row 7: another kabupaten by name, and a No KK with a 00 kecamatan kept-but-invalid.
    expect(checked[3]?.errors.map((problem) => problem.code)).toEqual(['KABUPATEN_LAIN']);
    // Row 8: an unknown desa (with a suggestion) and a desil out of 1–10, both reported.
    expect(checked[4]?.errors.map((problem) => problem.code)).toEqual([
      'DESA_TIDAK_DIKENAL',
      'DESIL_INVALID',
    ]);
    expect(checked[4]?.errors[0]?.message).toContain('Maksud Anda: Pagatan Hilir?');
    // No message quotes a No KK or a name.
    const messages = checked.flatMap((result) =>
      [...result.errors, ...result.warnings].map((problem) => problem.message),
    );
    for (const message of messages) {
      expect(message).not.toMatch(/\d{16}/);
      expect(message).not.toMatch(/ABDUL|SITI|BUDI|DEDI/);
    }
  });

  it('refuses a members file given as the families file: no header of its kind', async () => {
    await expect(
      rowsOf('NO_KK;NIK;NAMA;TGL_LAHIR;JK;SHDK\n1;2;3;4;5;6\n', FAMILY_LAYOUT),
    ).rejects.toMatchObject({
      code: 'HEADER_NOT_FOUND',
    });
  });
});

describe('DTSEN members file', () => {
  const rules = { latestBirthYear: 2026 };

  it('reads dates in every usual form, relationships as words or Dukcapil numbers, and keeps marked NIKs', async () => {
    const text = [
      'No KK;NIK;Nama;Tanggal Lahir;Jenis Kelamin;Hubungan Keluarga',
      '6206101203150001;6206101708850001;ABDUL;17-08-1985;L;1',
      '6206101203150001;6206105708870002;SITI;1987-08-17;Perempuan;ISTRI',
      '6206101203150001;6206101701120003;ANAK;40925;1;Anak Kandung',
      '6206101203150001;6206109908870004;SALAH;01/01/1990;P;3',
      '6206101203150001;62061017011200;PENDEK;01/01/1990;P;4',
      '6206101203150001;6206101701120006;TETANGGA;01/01/1990;X;12',
    ].join('\r\n');
    const rows = await rowsOf(text, MEMBER_LAYOUT);
    const checked = rows.map((row) => validateMemberRow(row.raw, rules));
    expect(checked[0]?.value).toMatchObject({
      hubungan: 'KEPALA_KELUARGA',
      tanggalLahir: '1985-08-17',
      jenisKelamin: 'L',
      nikValid: true,
    });
    expect(checked[1]?.value).toMatchObject({
      hubungan: 'ISTRI',
      tanggalLahir: '1987-08-17',
      jenisKelamin: 'P',
    });
    expect(checked[2]?.value).toMatchObject({ hubungan: 'ANAK', tanggalLahir: '2012-01-17' });
    // An impossible date part in the NIK: kept, marked, so eligibility can say why.
    expect(checked[3]?.value).toMatchObject({ nikValid: false });
    expect(checked[3]?.warnings.map((problem) => problem.code)).toEqual(['NIK_TIDAK_SAH']);
    // A NIK that is not 16 digits cannot be a key: refused.
    expect(checked[4]?.errors.map((problem) => problem.code)).toEqual(['NIK_LENGTH']);
    // An unknown number of the code list: refused; an unknown sex is only dropped.
    expect(checked[5]?.errors.map((problem) => problem.code)).toEqual(['HUBUNGAN_TIDAK_DIKENAL']);
    expect(checked[5]?.warnings.map((problem) => problem.code)).toEqual(['JENIS_KELAMIN_TIDAK_SAH']);
  });

  it('marks a No KK with an impossible structure instead of dropping the family', () => {
    expect(parseNoKk('6206101203150001', 'no_kk')).toEqual({ noKk: '6206101203150001', valid: true });
    expect(parseNoKk('6206101299150001', 'no_kk')).toMatchObject({
      valid: false,
      problem: { code: 'NO_KK_TIDAK_SAH', severity: 'warning' },
    });
    expect(parseNoKk("'6206 1012 0315 0001", 'no_kk')).toEqual({ noKk: '6206101203150001', valid: true });
    expect(parseNoKk('', 'no_kk')).toMatchObject({ problem: { code: 'NO_KK_REQUIRED', severity: 'error' } });
  });
});
