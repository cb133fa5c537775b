import { describe, expect, it } from 'vitest';
import {
  COLUMN_LABELS,
  COLUMN_NAMES,
  type ColumnName,
  columnForHeader,
  detectHeader,
  REQUIRED_COLUMNS,
} from '#shared/domain/columns.ts';

describe('columnForHeader', () => {
  const aliases: Record<ColumnName, string[]> = {
    nik: [
      'NIK',
      'nik',
      'No. NIK',
      'No NIK',
      'Nomor Induk Kependudukan',
      'NIK KTP',
      'NIK (16 digit)',
      'NIK*',
      ' N I K ',
    ],
    nama: ['Nama', 'NAMA', 'Nama Lengkap', 'Nama Penerima', 'Nama (sesuai KTP)'],
    peran: ['Peran', 'Jabatan', 'Unsur', 'Kategori', 'PERAN/JABATAN'],
    kecamatan: ['Kecamatan', 'Kec.', 'KEC', 'Nama Kecamatan'],
    desa: ['Desa', 'Kelurahan', 'Desa/Kelurahan', 'DESA / KELURAHAN', 'Desa/Kel.', 'Kel/Desa'],
    rt: ['RT', 'No RT', 'No. RT', 'Nomor RT', 'RT/RW'],
    no_rekening: [
      'No Rekening',
      'No. Rekening',
      'Nomor Rekening',
      'Rekening Bank Kalteng',
      'No. Rek',
      'NO REK',
      'No. Rekening (Bank Kalteng)',
    ],
    nama_rekening: ['Nama Rekening', 'Atas Nama', 'Nama Pemilik Rekening'],
    no_hp: ['No HP', 'No. HP', 'Telepon', 'No Telp', 'No. Telp.', 'Nomor HP', 'No HP/WA'],
    kabupaten: ['Kabupaten', 'Kabupaten/Kota', 'Kab/Kota', 'KAB./KOTA'],
  };

  it.each(Object.entries(aliases))('maps every alias of %s', (column, texts) => {
    for (const text of texts) expect(columnForHeader(text), text).toBe(column);
  });

  it('maps nothing for unknown headers and the running number', () => {
    for (const text of ['Keterangan', 'No', 'No.', 'Tanda Tangan', ''])
      expect(columnForHeader(text)).toBeUndefined();
  });

  it('has an operator-facing label for every column', () => {
    expect(Object.keys(COLUMN_LABELS).sort()).toEqual([...COLUMN_NAMES].sort());
    expect(COLUMN_LABELS.desa).toBe('Desa/Kelurahan');
    expect(COLUMN_LABELS.no_rekening).toBe('No Rekening');
  });
});

describe('detectHeader', () => {
  const header = [
    'No.',
    'NIK',
    'Nama Lengkap',
    'Jabatan',
    'Kec.',
    'Desa/Kelurahan',
    'RT',
    'No. Rek',
    'Atas Nama',
    'No HP',
    'Keterangan',
  ];

  it('maps cells to columns, ignoring the running number and listing unknown headers', () => {
    const match = detectHeader(header);
    expect(match).toBeDefined();
    expect([...(match?.columns ?? [])]).toEqual([
      [1, 'nik'],
      [2, 'nama'],
      [3, 'peran'],
      [4, 'kecamatan'],
      [5, 'desa'],
      [6, 'rt'],
      [7, 'no_rekening'],
      [8, 'nama_rekening'],
      [9, 'no_hp'],
    ]);
    expect(match?.missing).toEqual([]);
    expect(match?.unknown).toEqual(['Keterangan']);
  });

  it('finds the header below title rows, as the importer scans them in order', () => {
    const sheet = [
      ['PEMERINTAH KABUPATEN KOTAWARINGIN BARAT'],
      ['DAFTAR PENERIMA BANTUAN KEUANGAN KHUSUS (BKK) TAHUN 2026', '', ''],
      ['', '', ''],
      ['Lampiran: NIK dan Nama penerima', 'Kecamatan'],
      header,
      ['1', '6201014101900001', 'Siti Aminah', 'Ketua RT', 'Kumai', 'Candi', '003', '0012345678', '', '', ''],
    ];
    const index = sheet.findIndex((cells) => detectHeader(cells) !== undefined);
    expect(index).toBe(4);
  });

  it('needs the NIK column and at least two other known columns', () => {
    expect(detectHeader(['NIK', 'Nama'])).toBeUndefined();
    expect(detectHeader(['Nama', 'Peran', 'Kecamatan', 'No Rekening'])).toBeUndefined();
    expect(detectHeader(['NIK', 'Nama', 'Peran'])).toBeDefined();
    expect(detectHeader(['6201014101900001', 'Siti Aminah', 'Ketua RT', 'Kumai'])).toBeUndefined();
    expect(detectHeader([])).toBeUndefined();
  });

  it('reports the required columns a header lacks', () => {
    expect(detectHeader(['NIK', 'Nama', 'Desa', 'RT'])?.missing).toEqual([
      'peran',
      'kecamatan',
      'no_rekening',
    ]);
    expect(REQUIRED_COLUMNS).toEqual(['nik', 'nama', 'peran', 'kecamatan', 'no_rekening']);
  });

  it('keeps the first of two cells naming the same column', () => {
    const match = detectHeader(['NIK', 'No. KTP', 'Nama', 'Peran']);
    expect(match?.columns.get(0)).toBe('nik');
    expect(match?.columns.has(1)).toBe(false);
    expect(match?.unknown).toEqual(['No. KTP']);
  });

  it('accepts the optional kabupaten column', () => {
    expect(detectHeader(['Kabupaten/Kota', 'NIK', 'Nama', 'Peran'])?.columns.get(0)).toBe('kabupaten');
  });
});
