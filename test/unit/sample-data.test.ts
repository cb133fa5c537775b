import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  AMBIGUOUS_ROLE_TEXT,
  DESA_LEVEL_ROLES,
  type Expected,
  fileBuffer,
  type GenerateOptions,
  generateRows,
  MESSY_KINDS,
  messyKinds,
  normalizeName,
  ROLE_SPELLINGS,
  type RoleCode,
} from '../../local/sample-data.ts';

/** Every code of the importer's contract that a messy file must exercise. */
const CONTRACT_ERRORS = [
  'NIK_SCIENTIFIC',
  'NIK_LENGTH',
  'NIK_DATE',
  'NIK_SERIAL',
  'NIK_DUPLICATE',
  'NAME_REQUIRED',
  'NAME_INVALID',
  'ROLE_UNKNOWN',
  'KECAMATAN_UNKNOWN',
  'DESA_UNKNOWN',
  'DESA_REQUIRED',
  'RT_REQUIRED',
  'ACCOUNT_INVALID',
];
const CONTRACT_WARNINGS = ['NIK_CLEANED', 'NIK_OTHER_REGION', 'ACCOUNT_NAME_MISMATCH'];

const base = { region: '62.03', rows: 200, seed: 7 } as const;
const csv = (extra: Partial<GenerateOptions> = {}): GenerateOptions => ({ ...base, format: 'csv', ...extra });
const xlsx = (extra: Partial<GenerateOptions> = {}): GenerateOptions => ({
  ...base,
  format: 'xlsx',
  ...extra,
});

// ─── Reading the files back ───────────────────────────────────────────────────────────────────────

/** Records of a CSV below its header row (found by the NIK column), blank ones dropped. */
function csvRows(body: Buffer, delimiter: ';' | ',' = ';'): { header: string[]; rows: string[][] } {
  const records: string[][] = parse(body, { delimiter, bom: true, relax_column_count: true });
  const at = records.findIndex((cells) => cells.some((cell) => /^(no\. )?nik$|induk/i.test(cell)));
  const header = records[at] ?? [];
  return { header, rows: records.slice(at + 1).filter((cells) => cells.some((cell) => cell.trim() !== '')) };
}

/** XLSX rows below the header as the importer sees them, plus the raw NIK cell values. */
async function xlsxRows(
  body: Buffer,
): Promise<{ header: string[]; rows: string[][]; nikCells: unknown[]; sheet: ExcelJS.Worksheet }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('no worksheet');
  const all: { values: unknown[] }[] = [];
  sheet.eachRow((row) => {
    const values = Array.isArray(row.values) ? row.values.slice(1) : [];
    all.push({ values: Array.from({ length: 11 }, (_, i) => values[i]) });
  });
  const at = all.findIndex((row) =>
    row.values.some((value) => typeof value === 'string' && /nik|induk/i.test(value)),
  );
  const body_ = all.slice(at + 1);
  return {
    header: (all[at]?.values ?? []).map(text),
    rows: body_.map((row) => row.values.map(text)),
    nikCells: body_.map((row) => row.values[1]),
    sheet,
  };
}

/**
 * The text the importer reads from a cell: a number of 16 digits comes out digit for digit when it
 * is certainly exact (below 2^53, last digit not 0), else in E-notation.
 */
function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1e15) return String(value);
    const exact = Number.isSafeInteger(value) && value % 10 !== 0;
    return exact ? String(value) : value.toExponential().toUpperCase();
  }
  return String(value);
}

// ─── An independent oracle: the contract's rules, applied to the file's content ──────────────────

interface Wilayah {
  kecamatan: Map<string, Set<string>>;
}
const wilayahCache = new Map<string, Wilayah>();
function loadWilayah(region: string): Wilayah {
  const cached = wilayahCache.get(region);
  if (cached) return cached;
  const kecamatan = new Map<string, Set<string>>();
  const names = new Map<string, string>();
  for (const line of readFileSync('shared/data/wilayah-62.csv', 'utf8').split(/\r?\n/)) {
    const [code = '', name = ''] = line.split(',');
    if (!code.startsWith(`${region}.`)) continue;
    if (code.length === 8) {
      names.set(code, norm(name));
      kecamatan.set(norm(name), new Set());
    } else if (code.length === 13) {
      kecamatan.get(names.get(code.slice(0, 8)) ?? '')?.add(norm(name));
    }
  }
  const wilayah = { kecamatan };
  wilayahCache.set(region, wilayah);
  return wilayah;
}
const norm = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]/g, '');
const stripPrefix = (name: string, prefixes: RegExp) => norm(name.trim().replace(prefixes, ''));

const ROLE_BY_TEXT = new Map<string, RoleCode>(
  Object.entries(ROLE_SPELLINGS).flatMap(([code, texts]) =>
    texts.map((t) => [t.toLowerCase(), code as RoleCode]),
  ),
);

/** Checks every row with the contract's rules; each row must have at most one problem. */
function oracle(header: string[], rows: string[][], region: string): Omit<Expected, 'messyKinds'> {
  const wilayah = loadWilayah(region);
  const col = (pattern: RegExp) => header.findIndex((h) => pattern.test(h));
  const c = {
    nik: col(/nik|induk/i),
    nama: col(/^nama( lengkap| penerima)?$/i),
    peran: col(/^(jabatan|peran|unsur)$/i),
    kec: col(/^kecamatan$/i),
    desa: col(/^desa/i),
    rt: col(/rt$/i),
    rek: col(/^(no|nomor) rekening|rekening bank/i),
    namaRek: col(/^(nama rekening|atas nama)$/i),
  };
  expect(Object.values(c).every((index) => index >= 0)).toBe(true);
  const seen = new Set<string>();
  const overloaded: string[] = [];
  const out: Omit<Expected, 'messyKinds'> = {
    rows: rows.length,
    validRows: 0,
    errorRows: 0,
    warningRows: 0,
    errorsByCode: {},
    warningsByCode: {},
    byRole: {},
  };
  for (const cells of rows) {
    const get = (index: number) => (cells[index] ?? '').trim();
    const errors: string[] = [];
    const warnings: string[] = [];
    // NIK
    const rawNik = get(c.nik);
    const nik = rawNik.replace(/^'/, '').replace(/[\s.]/g, '');
    if (/^\d[.,]\d+E\+\d+$/i.test(rawNik)) errors.push('NIK_SCIENTIFIC');
    else if (!/^\d{16}$/.test(nik)) errors.push('NIK_LENGTH');
    else {
      const day = Number(nik.slice(6, 8));
      const month = Number(nik.slice(8, 10));
      if (!((day >= 1 && day <= 31) || (day >= 41 && day <= 71)) || month < 1 || month > 12) {
        errors.push('NIK_DATE');
      } else if (nik.endsWith('0000')) errors.push('NIK_SERIAL');
      else if (seen.has(nik)) errors.push('NIK_DUPLICATE');
      else {
        if (nik !== rawNik) warnings.push('NIK_CLEANED');
        if (nik.slice(0, 4) !== region.replace('.', '')) warnings.push('NIK_OTHER_REGION');
      }
    }
    // Name
    const nama = get(c.nama);
    if (nama === '') errors.push('NAME_REQUIRED');
    else if (/^[=@+-]/.test(nama)) errors.push('NAME_INVALID');
    // Role and place
    const role = ROLE_BY_TEXT.get(get(c.peran).toLowerCase());
    if (!role) errors.push('ROLE_UNKNOWN');
    const desaSet = wilayah.kecamatan.get(stripPrefix(get(c.kec), /^(kec\.|kecamatan)\s*/i));
    if (!desaSet) errors.push('KECAMATAN_UNKNOWN');
    else if (role && DESA_LEVEL_ROLES.has(role)) {
      const desa = get(c.desa);
      if (desa === '') errors.push('DESA_REQUIRED');
      else if (!desaSet.has(stripPrefix(desa, /^(desa|kel\.|kelurahan)\s*/i))) errors.push('DESA_UNKNOWN');
    }
    if (role === 'KETUA_RT' && get(c.rt) === '') errors.push('RT_REQUIRED');
    // Account
    if (!/^\d{10,13}$/.test(get(c.rek))) errors.push('ACCOUNT_INVALID');
    const namaRek = get(c.namaRek);
    if (namaRek !== '' && nama !== '' && normalizeName(namaRek) !== normalizeName(nama)) {
      warnings.push('ACCOUNT_NAME_MISMATCH');
    }

    if (errors.length + warnings.length > 1) overloaded.push(`row ${cells[0]}: ${[...errors, ...warnings]}`);
    if (errors[0]) {
      out.errorRows++;
      out.errorsByCode[errors[0]] = (out.errorsByCode[errors[0]] ?? 0) + 1;
      continue;
    }
    seen.add(nik);
    out.validRows++;
    if (role) out.byRole[role] = (out.byRole[role] ?? 0) + 1;
    if (warnings[0]) {
      out.warningRows++;
      out.warningsByCode[warnings[0]] = (out.warningsByCode[warnings[0]] ?? 0) + 1;
    }
  }
  expect(overloaded, 'rows with more than one problem').toEqual([]);
  return out;
}

const withoutKinds = ({ messyKinds: _kinds, ...rest }: Expected) => rest;
const sortKeys = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).sort());
const comparable = (e: Omit<Expected, 'messyKinds'>) => ({
  ...e,
  errorsByCode: sortKeys(e.errorsByCode),
  warningsByCode: sortKeys(e.warningsByCode),
  byRole: sortKeys(e.byRole),
});

// ─── Tests ────────────────────────────────────────────────────────────────────────────────────────

describe('sample recipient files: CSV', () => {
  it('is byte-identical for the same options, and differs with the seed', async () => {
    const a = await fileBuffer(csv());
    const b = await fileBuffer(csv());
    const c = await fileBuffer(csv({ seed: 8 }));
    expect(a.body.equals(b.body)).toBe(true);
    expect(a.expected).toEqual(b.expected);
    expect(a.body.equals(c.body)).toBe(false);
  });

  it('starts with a BOM and title rows, uses CRLF, and parses back to the expected rows', async () => {
    const { body, expected } = await fileBuffer(csv({ rows: 500 }));
    const content = body.toString('utf8');
    expect(content.startsWith('\uFEFFDAFTAR PENERIMA BANTUAN KEUANGAN KHUSUS (BKK) KHBS;')).toBe(true);
    expect(content).toContain('KABUPATEN KAPUAS TAHUN 2026');
    expect(content.replace(/"[^"]*"/g, '').match(/[^\r]\n/)).toBeNull(); // every record ends with CRLF
    expect(content).toMatch(/\r\n\r\n/); // a blank line in the middle
    const { header, rows } = csvRows(body);
    expect(rows).toHaveLength(500);
    expect(expected.rows).toBe(500);
    expect(expected.validRows + expected.errorRows).toBe(500);
    expect(comparable(oracle(header, rows, '62.03'))).toEqual(comparable(withoutKinds(expected)));
  });

  it('contains every kind of damage and every contract code from 200 rows, about 3% at scale', async () => {
    const { body, expected } = await fileBuffer(csv());
    expect(Object.keys(expected.messyKinds).sort()).toEqual(messyKinds('csv').sort());
    expect(Object.keys(expected.errorsByCode).sort()).toEqual([...CONTRACT_ERRORS].sort());
    expect(Object.keys(expected.warningsByCode).sort()).toEqual([...CONTRACT_WARNINGS].sort());
    const content = body.toString('utf8');
    expect(content).toContain('Kepala Suku');
    expect(content).toMatch(new RegExp(`;${AMBIGUOUS_ROLE_TEXT};`, 'i'));
    expect(content).toContain('"=HYPERLINK(""http://x"",""Klik"")"');
    expect(content).toMatch(/;@SUM\(1\+1\);/);
    expect(content).toMatch(/;6\.\d+E\+15;/);

    const large = await fileBuffer(csv({ rows: 2000, seed: 3 }));
    const damaged = Object.values(large.expected.messyKinds).reduce((sum, n) => sum + n, 0);
    expect(damaged).toBe(60); // 3%
    const { header, rows } = csvRows(large.body);
    expect(comparable(oracle(header, rows, '62.03'))).toEqual(comparable(withoutKinds(large.expected)));
  });

  it('quotes a field holding the delimiter and a line break, with either delimiter', async () => {
    for (const delimiter of [';', ','] as const) {
      const { body, expected } = await fileBuffer(csv({ delimiter, region: '62.01', seed: 11 }));
      const { header, rows } = csvRows(body, delimiter);
      expect(rows).toHaveLength(200);
      const remark = rows.find((cells) => (cells[10] ?? '').includes('\n'));
      expect(remark?.[10]).toContain(delimiter);
      expect(comparable(oracle(header, rows, '62.01'))).toEqual(comparable(withoutKinds(expected)));
    }
  });

  it('works for every kabupaten/kota, and the oracle agrees with Expected for each', async () => {
    const codes = [...'01 02 03 04 05 06 07 08 09 10 11 12 13 71'.split(' ')].map((nn) => `62.${nn}`);
    for (const [i, region] of codes.entries()) {
      const { body, expected } = await fileBuffer(csv({ region, seed: 100 + i }));
      const { header, rows } = csvRows(body);
      expect(rows, region).toHaveLength(200);
      expect(comparable(oracle(header, rows, region)), region).toEqual(comparable(withoutKinds(expected)));
    }
  });

  it('clean mode: official spellings, unique valid NIKs of the region, no problems at all', async () => {
    const { body, expected } = await fileBuffer(
      csv({ messy: false, rows: 3000, region: '62.71', bom: false }),
    );
    expect(body.subarray(0, 3).toString()).toBe('No;');
    expect(expected).toMatchObject({ rows: 3000, validRows: 3000, errorRows: 0, warningRows: 0 });
    expect(expected.errorsByCode).toEqual({});
    expect(expected.warningsByCode).toEqual({});
    const { header, rows } = csvRows(body);
    const niks = rows.map((cells) => cells[1] ?? '');
    expect(new Set(niks).size).toBe(3000);
    expect(niks.every((nik) => /^6271\d{12}$/.test(nik))).toBe(true);
    const accounts = rows.map((cells) => cells[7] ?? '');
    expect(new Set(accounts).size).toBe(3000);
    expect(comparable(oracle(header, rows, '62.71'))).toEqual(comparable(withoutKinds(expected)));
    const roles = expected.byRole;
    expect((roles.KETUA_RT ?? 0) > (roles.MANTIR_DESA ?? 0)).toBe(true);
    expect((roles.DAMANG ?? 0) < (roles.MANTIR_KECAMATAN ?? 0)).toBe(true);
  });

  it('generateRows yields the header and the rows, and returns the same Expected as the file', async () => {
    const rows: string[][] = [];
    const iterator = generateRows(csv());
    let result = await iterator.next();
    while (!result.done) {
      rows.push(result.value);
      result = await iterator.next();
    }
    expect(rows).toHaveLength(201);
    expect(rows[0]?.[1]).toMatch(/nik|induk/i);
    expect(result.value).toEqual((await fileBuffer(csv())).expected);
  });
});

describe('sample recipient files: XLSX', () => {
  it('has the same cell contents for the same options, with title rows above the header', async () => {
    const a = await fileBuffer(xlsx());
    const b = await fileBuffer(xlsx());
    expect(a.expected).toEqual(b.expected);
    const ra = await xlsxRows(a.body);
    const rb = await xlsxRows(b.body);
    expect(ra.rows).toEqual(rb.rows);
    expect(ra.rows).toHaveLength(200);
    const sheet = ra.sheet;
    expect(sheet.getCell('A1').value).toBe('DAFTAR PENERIMA BANTUAN KEUANGAN KHUSUS (BKK) KHBS');
    expect(sheet.getCell('A2').value).toBe('KABUPATEN KAPUAS TAHUN 2026');
  });

  it('stores NIKs as text except the numeric ones (Excel-damaged or exact), and matches the oracle', async () => {
    const { body, expected } = await fileBuffer(xlsx({ rows: 400 }));
    expect(Object.keys(expected.messyKinds).sort()).toEqual(messyKinds('xlsx').sort());
    const { header, rows, nikCells } = await xlsxRows(body);
    const numeric = nikCells.filter((cell): cell is number => typeof cell === 'number');
    // Excel-damaged: 16 digits, the last zeroed. Exact: 16 digits below 2^53, the last not 0.
    const damaged = numeric.filter((cell) => cell % 10 === 0);
    const exact = numeric.filter((cell) => cell % 10 !== 0);
    expect(damaged).toHaveLength(expected.messyKinds['nik-excel-number'] ?? -1);
    expect(exact).toHaveLength(expected.messyKinds['nik-exact-number'] ?? -1);
    expect(damaged.length).toBeGreaterThan(0);
    expect(exact.length).toBeGreaterThan(0);
    for (const cell of numeric) {
      expect(Number.isSafeInteger(cell) && cell >= 1e15 && cell < 1e16).toBe(true);
    }
    expect(nikCells.every((cell) => typeof cell === 'string' || typeof cell === 'number')).toBe(true);
    expect(comparable(oracle(header, rows, '62.03'))).toEqual(comparable(withoutKinds(expected)));
    // generateRows shows what the importer reads, so it agrees with the file cell for cell.
    const logical: string[][] = [];
    for await (const cells of generateRows(xlsx({ rows: 400 }))) logical.push(cells);
    expect(rows).toEqual(logical.slice(1));
  });
});

describe('messy kinds', () => {
  it('name one importer code each (or none for the tricky valid row)', () => {
    const codes = new Set<string | null>(Object.values(MESSY_KINDS).map((kind) => kind.code));
    for (const code of [...CONTRACT_ERRORS, ...CONTRACT_WARNINGS]) expect(codes.has(code)).toBe(true);
  });
});
