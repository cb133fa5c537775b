import { Readable, Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  HASIL_VALIDATION,
  VERVAL_GUIDE_SHEET_NAME,
  VERVAL_SHEET_NAME,
  writeVervalSheetXlsx,
} from '#shared/adapters/verval-sheet-xlsx.ts';
import { parseDayDate } from '#shared/domain/dates.ts';
import type { Relationship } from '#shared/domain/family/hubungan.ts';
import { parseVervalResult, VERVAL_RESULTS } from '#shared/domain/family/verval.ts';
import {
  adultLines,
  ageOn,
  rtOf,
  VERVAL_RESULT_LAYOUT,
  VERVAL_SHEET_COLUMNS,
  vervalSheet,
  wibParts,
} from '#shared/domain/family/verval-sheet.ts';
import { toRows } from '#shared/import/rows.ts';
import { readXlsxRecords } from '#shared/import/xlsx-records.ts';
import type { StoredFamily, StoredMember } from '#shared/model.ts';

const DESA = '62.01.01.1011'; // Candi, Kecamatan Kumai, Kotawaringin Barat
const AT = new Date('2026-12-06T10:45:00Z'); // 17.45 WIB
const AS_OF = '2026-12-06';
const TANGGAL_RULES = { label: 'Tanggal verval', minYear: 2020, maxYear: 2100, excelSerial: true };
const LIMITS = { maxUncompressedBytes: 50 * 1024 * 1024, maxRatio: 200 };
/** A NIK registered in Papua (province 94): as a number it is above 2^53 and would lose digits. */
const PAPUA_NIK = '9471015507880003';

interface Family {
  readonly family: StoredFamily;
  readonly members: StoredMember[];
}

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = [
  'Budi',
  'Siti',
  'Ahmad',
  'Dewi',
  'Rahmat',
  'Nur',
  'Agus',
  'Fitri',
  'Yanto',
  'Lestari',
  'Iwan',
  'Rina',
];
const STREETS = ['Jl. Melati', 'Jl. Kenanga', 'Gg. Damai', 'Jl. Trans Kalimantan'];

function generate(count: number, seed = 1): Family[] {
  const random = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const families: Family[] = [];
  for (let index = 0; index < count; index++) {
    const serial = String(index + 1).padStart(4, '0');
    // One No KK in ten ends in 0: Excel would have damaged it as a number.
    const noKk = `620101${String(100000 + index * 7).slice(-6)}${index % 10 === 0 ? '0000' : serial}`.slice(
      0,
      16,
    );
    const rt = 1 + Math.floor(random() * 8);
    const member = (
      n: number,
      hubungan: Relationship,
      born: string,
      nik = `620101${born.slice(8, 10)}${born.slice(5, 7)}${born.slice(2, 4)}${serial}`.slice(0, 12) +
        String(n).padStart(4, '0'),
    ): StoredMember => ({
      noKk,
      nik: nik.slice(0, 16),
      nikValid: true,
      nama: `${pick(NAMES)} ${pick(NAMES)}`,
      tanggalLahir: born,
      hubungan,
      sourceRow: index * 10 + n,
    });
    const members: StoredMember[] = [
      member(1, 'KEPALA_KELUARGA', `19${60 + Math.floor(random() * 30)}-0${1 + Math.floor(random() * 9)}-15`),
    ];
    if (random() < 0.8) members.push(member(2, 'ISTRI', '1985-03-02'));
    const children = Math.floor(random() * 4);
    for (let child = 0; child < children; child++) {
      // Children born 2003–2022: some adults, some well under 17.
      members.push(member(3 + child, 'ANAK', `${2003 + Math.floor(random() * 20)}-06-1${child}`));
    }
    if (index === 7) members.push(member(9, 'ORANG_TUA', '1940-01-01', PAPUA_NIK));
    if (index === 8) members.push(member(9, 'ANAK', '2009-12-06')); // 17 today: an adult
    if (index === 9) members.push(member(9, 'ANAK', '2009-12-07')); // 17 tomorrow: a child
    families.push({
      family: {
        noKk,
        kkValid: true,
        kecamatanCode: '62.01.01',
        desaCode: DESA,
        alamat: index % 13 === 5 ? 'Dusun Hulu' : `${pick(STREETS)} No. ${index + 1} RT 00${rt} RW 001`,
        namaKepalaKeluarga: members[0]?.nama,
        jumlahAnggota: members.length,
        desil: 1 + (index % 5),
        sourceRow: index + 2,
      },
      members,
    });
  }
  return families;
}

async function sheetBytes(families: Iterable<Family>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  const sheet = vervalSheet({ desaCode: DESA, tahapLabel: 'Tahap 1 Tahun 2027', families, generatedAt: AT });
  await writeVervalSheetXlsx(sheet, out, { createdAt: AT });
  return Buffer.concat(chunks);
}

async function load(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

const text = (cell: ExcelJS.Cell): string => (cell.value === null ? '' : String(cell.value));

/** The header row's number and each column key's cell index (1-based), found by the result layout. */
function findHeader(sheet: ExcelJS.Worksheet): { row: number; column: Record<string, number> } {
  for (let row = 1; row <= 30; row++) {
    const cells: string[] = [];
    for (let column = 1; column <= VERVAL_SHEET_COLUMNS.length; column++) {
      cells.push(text(sheet.getRow(row).getCell(column)));
    }
    if (VERVAL_RESULT_LAYOUT.header.detect(cells)) {
      const column: Record<string, number> = {};
      VERVAL_SHEET_COLUMNS.forEach((spec, index) => {
        column[spec.key] = index + 1;
      });
      return { row, column };
    }
  }
  throw new Error('no header');
}

const col = (header: { column: Record<string, number> }, key: string): number => {
  const index = header.column[key];
  if (index === undefined) throw new Error(key);
  return index;
};

describe('verval sheet (pure)', () => {
  it('reads ages on the day, RT numbers and WIB time', () => {
    expect(ageOn('2009-12-06', '2026-12-06')).toBe(17);
    expect(ageOn('2009-12-07', '2026-12-06')).toBe(16);
    expect(ageOn('bad', '2026-12-06')).toBeUndefined();
    expect(rtOf('Jl. Melati RT 003 RW 001')).toBe(3);
    expect(rtOf('RT.12/RW.2')).toBe(12);
    expect(rtOf('Dusun Hulu')).toBeUndefined();
    expect(wibParts(AT)).toEqual({ date: '2026-12-06', shown: '6 Desember 2026 pukul 17.45 WIB' });
    expect(wibParts(new Date('2026-12-06T18:30:00Z')).date).toBe('2026-12-07');
  });

  it('lists adults only, head first: a young spouse counts as married, a child does not', () => {
    const base = { noKk: '6201010101010001', nikValid: true, sourceRow: 1 } as const;
    const lines = adultLines(
      [
        {
          ...base,
          nik: '6201014101100001',
          nama: 'Anak Kecil',
          tanggalLahir: '2015-01-01',
          hubungan: 'ANAK',
        },
        {
          ...base,
          nik: '6201014101100002',
          nama: 'Istri Muda',
          tanggalLahir: '2010-01-01',
          hubungan: 'ISTRI',
        },
        {
          ...base,
          nik: '6201010101800003',
          nama: 'Kepala',
          tanggalLahir: '1980-01-01',
          hubungan: 'KEPALA_KELUARGA',
        },
      ],
      AS_OF,
    );
    expect(lines).toEqual([
      '6201010101800003 — Kepala (Kepala keluarga, 1980)',
      '6201014101100002 — Istri Muda (Istri, 2010)',
    ]);
  });

  it('orders families by RT, then address, then name; an address without RT comes last', () => {
    const families = generate(50);
    const sheet = vervalSheet({ desaCode: DESA, tahapLabel: 'Tahap 1', families, generatedAt: AT });
    const rts = sheet.rows.map((row) => rtOf(row.alamat) ?? Number.POSITIVE_INFINITY);
    expect(rts).toEqual([...rts].sort((a, b) => a - b));
    expect(sheet.rows.map((row) => row.no)).toEqual(sheet.rows.map((_row, index) => index + 1));
    expect(sheet.titleRows.join('\n')).toMatch(
      /Kotawaringin Barat[\s\S]*Kecamatan: Kumai[\s\S]*Desa\/Kelurahan: Candi[\s\S]*Tahap 1[\s\S]*17\.45 WIB/,
    );
  });
});

describe('verval sheet XLSX', () => {
  const families = generate(50);
  const byKk = new Map(families.map((entry) => [entry.family.noKk, entry]));

  it('keeps NIK and No KK as text, validates the result, finds the header, lists each family once', async () => {
    const workbook = await load(await sheetBytes(families));
    const sheet = workbook.getWorksheet(VERVAL_SHEET_NAME);
    if (!sheet) throw new Error('no sheet');
    const header = findHeader(sheet);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: header.row });

    const seen = new Set<string>();
    let papuaSeen = false;
    for (let rowNumber = header.row + 1; rowNumber <= header.row + families.length; rowNumber++) {
      const row = sheet.getRow(rowNumber);
      const kkCell = row.getCell(col(header, 'no_kk'));
      expect(typeof kkCell.value).toBe('string');
      expect(kkCell.value).toMatch(/^\d{16}$/);
      expect(kkCell.numFmt).toBe('@');
      const noKk = String(kkCell.value);
      expect(seen.has(noKk)).toBe(false);
      seen.add(noKk);

      const nikPenerima = row.getCell(col(header, 'nik_penerima'));
      expect(nikPenerima.numFmt).toBe('@');
      expect(nikPenerima.value).toBeNull();

      const hasil = row.getCell(col(header, 'hasil'));
      expect(hasil.dataValidation).toMatchObject({ type: 'list', showErrorMessage: true });
      expect(hasil.dataValidation.formulae).toEqual([`"${VERVAL_RESULTS.join(',')}"`]);
      expect(hasil.dataValidation.error).toContain('Pilih salah satu');
      const tanggal = row.getCell(col(header, 'tanggal'));
      expect(tanggal.numFmt).toBe('@');
      expect(tanggal.dataValidation).toMatchObject({ type: 'textLength', errorStyle: 'warning' });

      const adults = row.getCell(col(header, 'anggota_dewasa'));
      expect(typeof adults.value).toBe('string');
      expect(adults.numFmt).toBe('@');
      const entry = byKk.get(noKk);
      if (!entry) throw new Error('unknown family');
      for (const member of entry.members) {
        const age = ageOn(member.tanggalLahir, AS_OF) ?? 0;
        const child = age < 17 && member.hubungan === 'ANAK';
        expect(String(adults.value).includes(member.nik)).toBe(!child);
      }
      if (String(adults.value).includes(PAPUA_NIK)) papuaSeen = true;
      expect(row.getCell(col(header, 'jumlah_anggota')).value).toBe(entry.members.length);
    }
    expect(seen).toEqual(new Set(byKk.keys()));
    expect(papuaSeen).toBe(true);
    expect(text(sheet.getRow(header.row + families.length + 1).getCell(col(header, 'no_kk')))).toBe('');
    expect(HASIL_VALIDATION.formulae).toHaveLength(1);

    const guide = workbook.getWorksheet(VERVAL_GUIDE_SHEET_NAME);
    const guideText: string[] = [];
    guide?.eachRow((row) => {
      row.eachCell((cell) => {
        guideText.push(text(cell));
      });
    });
    for (const result of VERVAL_RESULTS) expect(guideText).toContain(result);
    expect(guideText.join('\n')).toMatch(/MENINGGAL[\s\S]*NIK Penerima WAJIB/);
  });

  it('reads a filled-in copy back through the result import', async () => {
    const workbook = await load(await sheetBytes(families));
    const sheet = workbook.getWorksheet(VERVAL_SHEET_NAME);
    if (!sheet) throw new Error('no sheet');
    const header = findHeader(sheet);
    const spellings = ['Layak', 'MENINGGAL', 'pindah', 'Tidak Ditemukan', 'GANDA', 'sudah mampu', 'MENOLAK'];
    const filled = new Map<string, { hasil: string; nik?: string }>();
    for (let index = 0; index < families.length; index++) {
      const row = sheet.getRow(header.row + 1 + index);
      const noKk = text(row.getCell(col(header, 'no_kk')));
      const papua = byKk.get(noKk)?.members.some((member) => member.nik === PAPUA_NIK) === true;
      if (index % 3 === 2 && !papua) continue; // left blank: not visited yet
      const hasil = spellings[index % spellings.length] as string;
      row.getCell(col(header, 'hasil')).value = hasil;
      // A date typed into Excel's date cell, or text where Excel did not take it as a date.
      row.getCell(col(header, 'tanggal')).value = index % 2 ? new Date(Date.UTC(2027, 0, 15)) : '15-01-2027';
      row.getCell(col(header, 'relawan')).value = 'Relawan Satu';
      row.getCell(col(header, 'nomor_berita_acara')).value = '01/BA-MUSDES/I/2027';
      const nik = papua ? PAPUA_NIK : undefined;
      if (nik) {
        row.getCell(col(header, 'nik_penerima')).value = nik;
        row.getCell(col(header, 'tempat_lahir_penerima')).value = 'Jayapura';
        row.getCell(col(header, 'nama_ibu_kandung_penerima')).value = 'Maria';
      }
      filled.set(noKk, { hasil, ...(nik ? { nik } : {}) });
    }
    // Make sure the Papua family is among the filled rows.
    expect([...filled.values()].some((entry) => entry.nik === PAPUA_NIK)).toBe(true);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());

    const rows = [];
    for await (const row of toRows(readXlsxRecords(Readable.from([bytes]), LIMITS), VERVAL_RESULT_LAYOUT)) {
      rows.push(row);
    }
    expect(rows).toHaveLength(families.length);
    for (const { raw, sourceRow } of rows) {
      const expected = raw.no_kk === undefined ? undefined : filled.get(raw.no_kk);
      if (!expected) {
        expect(raw.hasil).toBeUndefined();
        continue;
      }
      expect(sourceRow).toBeGreaterThan(header.row);
      expect(parseVervalResult(raw.hasil ?? '')).toEqual(parseVervalResult(expected.hasil));
      expect(parseVervalResult(raw.hasil ?? '').ok).toBe(true);
      // The streaming reader ignores styles: a date cell comes back as its serial (46402), which the
      // result import must read with `excelSerial`.
      expect(parseDayDate(raw.tanggal ?? '', TANGGAL_RULES)).toEqual({ ok: true, value: '2027-01-15' });
      expect(raw.relawan).toBe('Relawan Satu');
      expect(raw.nomor_berita_acara).toBe('01/BA-MUSDES/I/2027');
      expect(raw.nik_penerima).toBe(expected.nik);
      if (expected.nik) {
        expect(raw.tempat_lahir_penerima).toBe('Jayapura');
        expect(raw.nama_ibu_kandung_penerima).toBe('Maria');
      }
    }
    expect(new Set(rows.map((row) => row.raw.no_kk))).toEqual(new Set(byKk.keys()));
  });
});
