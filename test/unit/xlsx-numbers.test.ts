import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { type ColumnName, RECIPIENT_LAYOUT } from '#shared/domain/columns.ts';
import { exactCellDigits, parseNik } from '#shared/domain/nik.ts';
import { FileDuplicateTracker, validateRow } from '#shared/domain/recipient-row.ts';
import { type RawRow, toRows } from '#shared/import/rows.ts';
import { cellText, numberText, readXlsxRecords } from '#shared/import/xlsx-records.ts';
import { fileBuffer, generateRows } from '../../local/sample-data.ts';

/**
 * Issue #10, part 5: a 16-digit NIK or account number that an XLSX cell holds as a NUMBER is kept
 * digit for digit when it is certainly exact (below 2^53, last digit not 0), and refused with the
 * Excel explanation when it may have lost its 16th digit to Excel (ends in 0) or cannot be exact
 * (2^53 or more).
 */

/** Region 62.01, Kotawaringin Barat: kecamatan Kumai, desa Candi. A man born 12-03-1985, serial 0001. */
const REGION = '62.01';
const NIK = 6201011203850001;
const ACCOUNT = 1234567890123457;
const TWO_53 = 2 ** 53;

const row = (nik: unknown, account: unknown = '1000000001'): Partial<Record<ColumnName, string>> => ({
  nik: cellText(nik),
  nama: 'Ahmad',
  peran: 'Ketua RT',
  kecamatan: 'Kumai',
  desa: 'Candi',
  rt: '3',
  no_rekening: cellText(account),
});

describe('exactCellDigits: which numbers a cell holds exactly', () => {
  it.each([
    [0, '0'],
    [3, '3'],
    [1000000001, '1000000001'],
    [123456789012345, '123456789012345'], // 15 digits: Excel keeps them all
    [100000000000000, '100000000000000'], // 15 digits ending in 0: still exact
    [6203011203850001, '6203011203850001'],
    [TWO_53 - 1, '9007199254740991'],
  ])('%d → %j', (value, digits) => {
    expect(exactCellDigits(value)).toBe(digits);
  });

  it.each([
    [6203011203850000, '16 digits ending in 0 (Excel zeroes the 16th digit)'],
    [1234567890123400, '16 digits ending in 00'],
    [1e15, '1 followed by 15 zeros'],
    [TWO_53, '2^53'],
    [TWO_53 + 1, '2^53 + 1 (the same double as 2^53)'],
    [TWO_53 + 2, '2^53 + 2: a double, ends in 4, but past 2^53 nothing is certain'],
    [9101011203850002, 'a Papua NIK (province 91), a double, but past 2^53'],
    [1e16, '17 digits'],
    [-6203011203850001, 'negative'],
    [1.5, 'fractional'],
  ])('%d is not (%s)', (value) => {
    expect(exactCellDigits(value)).toBeUndefined();
  });
});

describe('numberText / cellText: the text the importer reads from a number cell', () => {
  it('keeps an exact 16-digit number digit for digit', () => {
    expect(numberText(6203011203850001)).toBe('6203011203850001');
    expect(numberText(ACCOUNT)).toBe('1234567890123457');
    expect(cellText({ formula: 'A1', result: 6203011203850001 })).toBe('6203011203850001');
  });

  it('gives scientific form for one that may be damaged or cannot be exact', () => {
    expect(numberText(6203011203850000)).toBe('6.20301120385E+15');
    expect(numberText(TWO_53 + 1)).toBe('9.007199254740992E+15');
    expect(numberText(TWO_53 + 2)).toBe('9.007199254740994E+15');
    expect(numberText(1e16)).toBe('1E+16');
  });

  it('leaves small numbers, negatives and fractions as they are shown', () => {
    expect(numberText(3)).toBe('3');
    expect(numberText(123456789012345)).toBe('123456789012345');
    expect(numberText(-5)).toBe('-5');
    expect(numberText(1.5)).toBe('1.5');
  });
});

describe('numeric NIK cells through validation', () => {
  it('accepts 6203011203850001 digit-exact', () => {
    expect(parseNik(cellText(6203011203850001))).toEqual({
      ok: true,
      nik: '6203011203850001',
      cleaned: false,
    });
    const result = validateRow(row(NIK), REGION);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.recipient?.nik).toBe('6201011203850001');
  });

  it.each([
    [6203011203850000, 'ends in 0'],
    [TWO_53 + 1, '2^53 + 1'],
    [TWO_53 + 2, '2^53 + 2'],
  ])('refuses %d (%s) as NIK_SCIENTIFIC, explaining Excel', (value) => {
    const result = parseNik(cellText(value));
    expect(result).toMatchObject({ ok: false, code: 'NIK_SCIENTIFIC' });
    const message = result.ok ? '' : result.message;
    expect(message).toMatch(/hilang/);
    expect(message).toMatch(/Format Cells > Text/);
    const [issue] = validateRow(row(value), REGION).errors;
    expect(issue).toMatchObject({ column: 'nik', code: 'NIK_SCIENTIFIC' });
  });
});

describe('numeric account cells through validation', () => {
  it.each([
    [ACCOUNT, '1234567890123457'],
    [1000000001, '1000000001'],
    [123456789012340, '123456789012340'], // 15 digits: exact even when ending in 0
  ])('accepts %d digit-exact', (value, digits) => {
    const result = validateRow(row(NIK, value), REGION);
    expect(result.errors).toEqual([]);
    expect(result.recipient?.noRekening).toBe(digits);
  });

  it.each([
    [1234567890123450, 'ends in 0'],
    [TWO_53 + 1, '2^53 + 1'],
  ])('refuses %d (%s) as ACCOUNT_INVALID, explaining Excel', (value) => {
    const [issue] = validateRow(row(NIK, value), REGION).errors;
    expect(issue).toMatchObject({ column: 'no_rekening', code: 'ACCOUNT_INVALID' });
    expect(issue?.message).toMatch(/angka ilmiah/);
    expect(issue?.message).toMatch(/Format Cells > Text/);
  });
});

/** Every data row of an XLSX, as the importer reads it (the real streaming reader and header search). */
async function readRows(body: Buffer): Promise<RawRow<ColumnName>[]> {
  const rows: RawRow<ColumnName>[] = [];
  const records = readXlsxRecords(Readable.from([body]), {
    maxUncompressedBytes: 50 * 1024 * 1024,
    maxRatio: 100,
  });
  for await (const raw of toRows(records, RECIPIENT_LAYOUT)) rows.push(raw);
  return rows;
}

describe('an XLSX with numeric NIK and account cells, through the real reader', () => {
  it('keeps the exact ones and refuses the rest with the reason', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Daftar');
    sheet.addRow(['DAFTAR PENERIMA BKK']);
    sheet.addRow(['No', 'NIK', 'Nama', 'Peran', 'Kecamatan', 'Desa', 'RT', 'No Rekening']);
    const add = (no: number, nik: number | string, account: number | string) =>
      sheet.addRow([no, nik, 'Ahmad', 'Ketua RT', 'Kumai', 'Candi', no, account]);
    add(1, 6201011203850001, 1234567890123457); // both exact
    add(2, 6201011203850010, '1000000002'); // NIK ends in 0
    add(3, TWO_53 + 1, '1000000003'); // NIK past 2^53
    add(4, '6201011203850004', 1234567890123450); // account ends in 0
    add(5, '6201011203850005', 1000000005); // account of 10 digits: exact
    add(6, 6201011203850006, TWO_53 + 1); // account past 2^53
    const body = Buffer.from(await workbook.xlsx.writeBuffer());

    const rows = await readRows(body);
    expect(rows.map((r) => [r.raw.nik, r.raw.no_rekening])).toEqual([
      ['6201011203850001', '1234567890123457'],
      ['6.20101120385001E+15', '1000000002'],
      ['9.007199254740992E+15', '1000000003'],
      ['6201011203850004', '1.23456789012345E+15'],
      ['6201011203850005', '1000000005'],
      ['6201011203850006', '9.007199254740992E+15'],
    ]);
    const results = rows.map((r) => validateRow(r.raw, REGION));
    expect(results.map((result) => result.errors.map((issue) => issue.code))).toEqual([
      [],
      ['NIK_SCIENTIFIC'],
      ['NIK_SCIENTIFIC'],
      ['ACCOUNT_INVALID'],
      [],
      ['ACCOUNT_INVALID'],
    ]);
    expect(results[0]?.recipient).toMatchObject({ nik: '6201011203850001', noRekening: '1234567890123457' });
    expect(results[4]?.recipient).toMatchObject({ nik: '6201011203850005', noRekening: '1000000005' });
  });

  it('reads a generated messy XLSX as the generator says, numeric NIKs of both kinds included', async () => {
    const options = { region: '62.03', rows: 400, seed: 5, format: 'xlsx' } as const;
    const { body, expected } = await fileBuffer(options);
    expect(expected.messyKinds['nik-exact-number']).toBeGreaterThan(0);
    expect(expected.messyKinds['nik-excel-number']).toBeGreaterThan(0);
    const logical: string[][] = [];
    for await (const cells of generateRows(options)) logical.push(cells);
    const rows = await readRows(body);
    expect(rows.map((r) => r.raw.nik ?? '')).toEqual(logical.slice(1).map((cells) => cells[1] ?? ''));

    // The real validation, file-wide duplicates included, reaches the generator's expected outcome.
    const tracker = new FileDuplicateTracker();
    const errors: Record<string, number> = {};
    let valid = 0;
    for (const r of rows) {
      const result = validateRow(r.raw, options.region);
      const issues = result.recipient
        ? [...result.errors, ...tracker.check(result.recipient, r.sourceRow)]
        : result.errors;
      const rowErrors = issues.filter((issue) => issue.severity === 'error');
      for (const issue of rowErrors) errors[issue.code] = (errors[issue.code] ?? 0) + 1;
      if (rowErrors.length === 0) valid++;
    }
    expect(valid).toBe(expected.validRows);
    expect(errors).toEqual(expected.errorsByCode);
  });
});
