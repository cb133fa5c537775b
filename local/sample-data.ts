import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { ROLE_CODES, ROLES, type RoleCode } from '#shared/domain/roles.ts';
import { WILAYAH_CSV_PATH } from '../scripts/wilayah-csv.ts';

/**
 * Deterministic generator of realistic BKK recipient files, as the 13 kabupaten and 1 kota of
 * Kalimantan Tengah upload them (CSV from Indonesian Excel, or XLSX with title rows), for demos,
 * benchmarks and import tests.
 *
 * In messy mode about 3% of the rows are damaged the way real files are damaged (Excel scientific
 * NIKs, unknown roles, villages in the wrong kecamatan, formula injection…). Every damaged row
 * carries exactly one problem, and the generator returns {@link Expected}: what the importer must
 * report for the file, code by code. The same options always give the same bytes (CSV) or the same
 * cell contents (XLSX: the ZIP container stamps entry times).
 *
 * Reads the official region list `shared/data/wilayah-62.csv` itself (not the domain module), so it
 * can be used to test the importer independently of that module.
 */

// ─── Public contract ──────────────────────────────────────────────────────────────────────────────

export interface GenerateOptions {
  /** Kemendagri code of the uploading kabupaten/kota, e.g. `62.03`. */
  region: string;
  /** Data rows (not counting title, header and blank lines). */
  rows: number;
  seed: number;
  /** Damage ~3% of rows, add title rows and blank lines, vary spellings. Default true. */
  messy?: boolean;
  format: 'csv' | 'xlsx';
  /** CSV only. Default `;`, as Excel with Indonesian regional settings writes it. */
  delimiter?: ',' | ';';
  /** Title rows above the header. Default: true when messy, and always for XLSX. */
  titleRows?: boolean;
  /** CSV only: start with a UTF-8 BOM, as Excel's "CSV UTF-8" does. Default true. */
  bom?: boolean;
}

/** What the importer must report for a generated file. */
export interface Expected {
  /** Non-blank data rows below the header. */
  rows: number;
  /** Rows without any error (rows with only a warning count here too). */
  validRows: number;
  errorRows: number;
  /** Valid rows that carry a warning. */
  warningRows: number;
  errorsByCode: Record<string, number>;
  warningsByCode: Record<string, number>;
  /** Valid rows by role code (DAMANG, KETUA_RT, …). */
  byRole: Record<string, number>;
  /** How many rows got each kind of damage ({@link MESSY_KINDS}); for tests of the generator itself. */
  messyKinds: Record<string, number>;
}

export { ROLE_CODES, type RoleCode };

/** Roles that belong to a desa/kelurahan (the row needs a desa); the others belong to a kecamatan. */
export const DESA_LEVEL_ROLES: ReadonlySet<RoleCode> = new Set(
  ROLE_CODES.filter((code) => ROLES[code].level !== 'kecamatan'),
);

/**
 * Role texts the generator writes for valid rows; the first is the one used in clean files. The
 * importer must map every one of them (matching case-insensitively).
 */
export const ROLE_SPELLINGS: Readonly<Record<RoleCode, readonly string[]>> = {
  DAMANG: ['Damang', 'Damang Kepala Adat', 'DAMANG'],
  SEKRETARIS_DAMANG: ['Sekretaris Damang', 'SEKRETARIS DAMANG'],
  MANTIR_KECAMATAN: ['Mantir Kecamatan', 'Mantir Adat Kecamatan', 'MANTIR KECAMATAN'],
  MANTIR_DESA: ['Mantir Desa', 'Mantir Adat Desa', 'mantir desa'],
  KETUA_RT: ['Ketua RT', 'KETUA RT'],
  BABINSA: ['Babinsa', 'BABINSA'],
  BHABINKAMTIBMAS: ['Bhabinkamtibmas', 'Bhabin Kamtibmas'],
  PEMUKA_AGAMA: ['Pemuka Agama', 'Pemuka Agama/Tokoh Agama', 'Tokoh Agama'],
};

/** Role texts that are not one of the eight roles ('Mantir Adat' is ambiguous: desa or kecamatan). */
export const UNKNOWN_ROLE_TEXTS = ['Kepala Suku', 'Kader Posyandu', 'Linmas'] as const;
export const AMBIGUOUS_ROLE_TEXT = 'Mantir Adat';

/** Column keys in file order, and the header texts used for them (first = clean files). */
export const COLUMNS = [
  { key: 'no', headers: ['No', 'No.', 'NO'] },
  { key: 'nik', headers: ['NIK', 'No. NIK', 'Nomor Induk Kependudukan'] },
  { key: 'nama', headers: ['Nama Lengkap', 'Nama', 'Nama Penerima'] },
  { key: 'peran', headers: ['Jabatan', 'Peran', 'Unsur'] },
  { key: 'kecamatan', headers: ['Kecamatan'] },
  { key: 'desa', headers: ['Desa/Kelurahan', 'Desa'] },
  { key: 'rt', headers: ['RT', 'No RT'] },
  { key: 'no_rekening', headers: ['No Rekening', 'Nomor Rekening', 'Rekening Bank Kalteng'] },
  { key: 'nama_rekening', headers: ['Nama Rekening', 'Atas Nama'] },
  { key: 'no_hp', headers: ['No HP', 'Telepon'] },
  // Not an import column: real lists have it, and it carries the multi-line quoted field.
  { key: 'keterangan', headers: ['Keterangan', 'Ket.'] },
] as const;
export type ColumnKey = (typeof COLUMNS)[number]['key'];

/**
 * Academic and religious titles that a bank drops from the account name. An account name that
 * equals the name once these, case, punctuation and spacing are ignored is NOT a mismatch.
 */
export const NAME_TITLES = [
  'H.',
  'Hj.',
  'Drs.',
  'Dra.',
  'Ir.',
  'S.Pd.',
  'S.Ag.',
  'S.Sos.',
  'S.H.',
  'S.E.',
  'S.Th.',
  'A.Md.',
  'M.Pd.',
] as const;

type Severity = 'error' | 'warning';
interface KindInfo {
  /** The importer's code for this damage; null for a row that is tricky but valid. */
  readonly code: string | null;
  readonly severity: Severity | null;
  readonly formats: readonly ('csv' | 'xlsx')[];
  readonly what: string;
}
const BOTH = ['csv', 'xlsx'] as const;

/** The kinds of damage in messy files, each with the one problem the importer must report. */
export const MESSY_KINDS = {
  'nik-scientific': {
    code: 'NIK_SCIENTIFIC',
    severity: 'error',
    formats: BOTH,
    what: "NIK as Excel shows a number: '6.20301E+15' (Indonesian Excel: '6,20301E+15')",
  },
  'nik-excel-number': {
    code: 'NIK_SCIENTIFIC',
    severity: 'error',
    formats: ['xlsx'],
    what: 'NIK typed into a Number cell: 15 significant digits kept, the 16th became 0',
  },
  'nik-exact-number': {
    code: null,
    severity: null,
    formats: ['xlsx'],
    what: 'valid NIK that a program stored as a number (16 digits, last one not 0: exact, accepted)',
  },
  'nik-15-digits': { code: 'NIK_LENGTH', severity: 'error', formats: BOTH, what: 'NIK with 15 digits' },
  'nik-spaces': {
    code: 'NIK_CLEANED',
    severity: 'warning',
    formats: BOTH,
    what: "NIK '6203 01 150580 0001'",
  },
  'nik-dots': { code: 'NIK_CLEANED', severity: 'warning', formats: BOTH, what: "NIK '62.03.01.150580.0001'" },
  'nik-apostrophe': {
    code: 'NIK_CLEANED',
    severity: 'warning',
    formats: BOTH,
    what: 'NIK "\'6203011505800001"',
  },
  'nik-bad-date': { code: 'NIK_DATE', severity: 'error', formats: BOTH, what: 'NIK with birth day 35' },
  'nik-serial-zero': { code: 'NIK_SERIAL', severity: 'error', formats: BOTH, what: 'NIK with serial 0000' },
  'nik-duplicate': {
    code: 'NIK_DUPLICATE',
    severity: 'error',
    formats: BOTH,
    what: 'NIK (and name) of an earlier valid row; the later row is the error',
  },
  'nik-other-region': {
    code: 'NIK_OTHER_REGION',
    severity: 'warning',
    formats: BOTH,
    what: 'NIK registered in another kabupaten/kota of province 62',
  },
  'role-unknown': {
    code: 'ROLE_UNKNOWN',
    severity: 'error',
    formats: BOTH,
    what: "role 'Kepala Suku' and the like",
  },
  'role-ambiguous': { code: 'ROLE_UNKNOWN', severity: 'error', formats: BOTH, what: "role 'Mantir Adat'" },
  'kecamatan-unknown': {
    code: 'KECAMATAN_UNKNOWN',
    severity: 'error',
    formats: BOTH,
    what: 'kecamatan of another region (kecamatan-level role, no desa)',
  },
  'desa-unknown': {
    code: 'DESA_UNKNOWN',
    severity: 'error',
    formats: BOTH,
    what: 'desa of another kecamatan of the region',
  },
  'desa-missing': {
    code: 'DESA_REQUIRED',
    severity: 'error',
    formats: BOTH,
    what: 'desa-level role, desa empty',
  },
  'rt-missing': { code: 'RT_REQUIRED', severity: 'error', formats: BOTH, what: 'Ketua RT with RT empty' },
  'account-scientific': {
    code: 'ACCOUNT_INVALID',
    severity: 'error',
    formats: BOTH,
    what: "account number '1.03123E+12'",
  },
  'name-empty': { code: 'NAME_REQUIRED', severity: 'error', formats: BOTH, what: 'name empty' },
  'name-formula': {
    code: 'NAME_INVALID',
    severity: 'error',
    formats: BOTH,
    what: 'name \'=HYPERLINK("http://x","Klik")\' (formula injection)',
  },
  'name-at-formula': { code: 'NAME_INVALID', severity: 'error', formats: BOTH, what: "name '@SUM(1+1)'" },
  'account-name-mismatch': {
    code: 'ACCOUNT_NAME_MISMATCH',
    severity: 'warning',
    formats: BOTH,
    what: "account in another person's name",
  },
  'multiline-remark': {
    code: null,
    severity: null,
    formats: BOTH,
    what: 'valid desa-level row whose Keterangan holds both delimiters and a line break (quoted in CSV)',
  },
} as const satisfies Record<string, KindInfo>;
export type MessyKind = keyof typeof MESSY_KINDS;

/** The kinds of damage a messy file of this format contains (all of them once rows ≥ 200). */
export function messyKinds(format: 'csv' | 'xlsx'): MessyKind[] {
  return (Object.keys(MESSY_KINDS) as MessyKind[]).filter((kind) =>
    (MESSY_KINDS[kind].formats as readonly string[]).includes(format),
  );
}

/**
 * The file's logical rows: the header, then one array per data row in column order
 * ({@link COLUMNS}). Title rows and blank lines are not yielded (the writers add them). A NIK that
 * an XLSX stores as a number is yielded as the text the importer reads from it: its 16 digits when
 * they are exact, `6.2030115058E+15` when the last one is 0 (maybe zeroed by Excel).
 * The generator's return value is the {@link Expected} result.
 */
export async function* generateRows(opts: GenerateOptions): AsyncGenerator<string[], Expected, undefined> {
  const lines = new Plan(opts);
  for (const line of lines) {
    if (line.type === 'header' || line.type === 'data') yield line.cells;
  }
  return lines.expected();
}

/** Writes the file (streamed; XLSX through ExcelJS's streaming writer) and returns what to expect. */
export async function writeRecipientFile(opts: GenerateOptions, path: string): Promise<Expected> {
  if (opts.format === 'xlsx') return writeXlsx(opts, { filename: path });
  const out = createWriteStream(path);
  try {
    return await writeCsv(opts, out);
  } finally {
    out.destroy();
  }
}

/** The whole file in memory, for tests (keep it small). */
export async function fileBuffer(opts: GenerateOptions): Promise<{ body: Buffer; expected: Expected }> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  const expected =
    opts.format === 'xlsx' ? await writeXlsx(opts, { stream: sink }) : await writeCsv(opts, sink);
  return { body: Buffer.concat(chunks), expected };
}

// ─── Writers ──────────────────────────────────────────────────────────────────────────────────────

const CHUNK_CHARS = 64 * 1024;

/** Quotes a CSV cell when it holds the delimiter, a quote or a line break (as Excel does). */
export function csvField(delimiter: ',' | ';' | '|'): (value: string) => string {
  const needsQuotes = new RegExp(`["${delimiter === '|' ? '\\|' : delimiter}\\r\\n]`);
  return (value) => (needsQuotes.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
}

async function writeCsv(opts: GenerateOptions, out: Writable): Promise<Expected> {
  const delimiter = opts.delimiter ?? ';';
  const field = csvField(delimiter);
  const emptyLine = `${delimiter.repeat(COLUMNS.length - 1)}\r\n`;

  let chunk = (opts.bom ?? true) ? '\uFEFF' : '';
  const flush = async () => {
    const ok = out.write(chunk);
    chunk = '';
    if (!ok) await once(out, 'drain');
  };

  const lines = new Plan(opts);
  for (const line of lines) {
    if (line.type === 'blank') {
      // Excel writes a blank row inside the used range as delimiters only; other tools as nothing.
      chunk += line.delimiters ? emptyLine : '\r\n';
    } else {
      const cells = line.cells;
      let text = field(cells[0] ?? '');
      for (let i = 1; i < cells.length; i++) text += delimiter + field(cells[i] ?? '');
      chunk += `${text}\r\n`;
    }
    if (chunk.length >= CHUNK_CHARS) await flush();
  }
  if (chunk) await flush();
  out.end();
  await finished(out);
  return lines.expected();
}

/** Columns stored as text in XLSX (so leading zeros and 16 digits survive). */
const TEXT_COLUMNS: ReadonlySet<ColumnKey> = new Set(['nik', 'rt', 'no_rekening', 'no_hp']);
const COLUMN_WIDTHS: Readonly<Record<ColumnKey, number>> = {
  no: 6,
  nik: 20,
  nama: 30,
  peran: 24,
  kecamatan: 20,
  desa: 22,
  rt: 6,
  no_rekening: 18,
  nama_rekening: 30,
  no_hp: 15,
  keterangan: 30,
};
/** Fixed document dates: the same options give the same cell contents and properties. */
export const DOC_DATE = new Date(Date.UTC(2026, 0, 5, 8, 0, 0));

async function writeXlsx(
  opts: GenerateOptions,
  target: { filename: string } | { stream: Writable },
): Promise<Expected> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    ...target,
    useSharedStrings: true,
    useStyles: true,
  });
  workbook.creator = 'Dinas Sosial';
  workbook.lastModifiedBy = 'Dinas Sosial';
  workbook.created = DOC_DATE;
  workbook.modified = DOC_DATE;
  const sheet = workbook.addWorksheet('Penerima BKK');
  sheet.columns = COLUMNS.map((column) => ({
    key: column.key,
    width: COLUMN_WIDTHS[column.key],
    style: TEXT_COLUMNS.has(column.key) ? { numFmt: '@' } : {},
  }));
  const lastColumn = String.fromCharCode(64 + COLUMNS.length);

  let rowNumber = 0;
  let written = 0;
  const lines = new Plan(opts);
  for (const line of lines) {
    rowNumber++;
    if (line.type === 'blank') continue; // Excel stores no element for an empty row
    const row = sheet.getRow(rowNumber);
    if (line.type === 'title') {
      row.values = [line.cells[0] ?? ''];
      row.font = { bold: true, size: 13 };
      sheet.mergeCells(`A${rowNumber}:${lastColumn}${rowNumber}`);
    } else if (line.type === 'header') {
      row.values = line.cells;
      row.font = { bold: true };
    } else {
      const values: (string | number | null)[] = line.cells.map((cell) => (cell === '' ? null : cell));
      values[0] = Number(line.cells[0]);
      if (line.nikNumber !== undefined) values[1] = line.nikNumber;
      row.values = values;
      if (line.nikNumber !== undefined) row.getCell(2).numFmt = '0';
    }
    row.commit();
    // Let the ZIP stream drain now and then: the streaming writer has no back-pressure of its own.
    if (++written % 2000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  sheet.commit();
  await workbook.commit();
  return lines.expected();
}

// ─── The plan: every line of the file, and what the importer must say about it ───────────────────

type Line =
  | { readonly type: 'title'; readonly cells: string[] }
  | { readonly type: 'blank'; readonly delimiters: boolean }
  | { readonly type: 'header'; readonly cells: string[] }
  | { readonly type: 'data'; readonly cells: string[]; readonly nikNumber?: number };

interface Settings {
  readonly region: Region;
  readonly rows: number;
  readonly seed: number;
  readonly messy: boolean;
  readonly format: 'csv' | 'xlsx';
  readonly delimiter: ',' | ';';
  readonly titleRows: boolean;
}

function settings(opts: GenerateOptions): Settings {
  if (!Number.isSafeInteger(opts.rows) || opts.rows < 0)
    throw new RangeError('rows must be a whole number ≥ 0');
  if (!Number.isSafeInteger(opts.seed)) throw new RangeError('seed must be a whole number');
  const messy = opts.messy ?? true;
  return {
    region: region(opts.region),
    rows: opts.rows,
    seed: opts.seed,
    messy,
    format: opts.format,
    delimiter: opts.delimiter ?? ';',
    titleRows: opts.titleRows ?? (messy || opts.format === 'xlsx'),
  };
}

/** Share of damaged rows in messy mode. */
const MESSY_SHARE = 0.03;
/** Below this many rows not every kind of damage fits. */
export const ALL_KINDS_FROM_ROWS = 200;

function* plan(opts: GenerateOptions): Generator<Line, Expected, undefined> {
  const s = settings(opts);
  const rng = mulberry32(s.seed);
  const tally = new Tally();
  const people = new People(s, mulberry32(s.seed ^ 0x5bd1e995));
  const slots = naturalSlots(s.region, rng);
  const style = fileStyle(s, rng);

  if (s.titleRows) {
    const pad = (text: string) => [text, ...Array<string>(COLUMNS.length - 1).fill('')];
    yield { type: 'title', cells: pad('DAFTAR PENERIMA BANTUAN KEUANGAN KHUSUS (BKK) KHBS') };
    yield { type: 'title', cells: pad(`${s.region.name.toUpperCase()} TAHUN 2026`) };
    yield { type: 'blank', delimiters: true };
  }
  yield { type: 'header', cells: style.header };

  // Damaged rows: evenly spread, kinds in a seeded order, every kind at least once from 200 rows.
  const kinds = s.messy ? shuffle(messyKinds(s.format), rng) : [];
  const damaged = !s.messy
    ? 0
    : s.rows >= ALL_KINDS_FROM_ROWS
      ? Math.max(kinds.length, Math.round(s.rows * MESSY_SHARE))
      : Math.round(s.rows * MESSY_SHARE);
  let slot = 0;
  let nextDamage = damaged > 0 ? damagePosition(0, damaged, s.rows) : -1;
  const blanks = s.messy && s.rows >= 10 ? [Math.floor(s.rows / 3), Math.floor((2 * s.rows) / 3)] : [];

  let lastClean: { nik: string; nama: string } | undefined;
  for (let index = 0; index < s.rows; index++) {
    if (index === blanks[0]) yield { type: 'blank', delimiters: false };
    if (index === blanks[1]) {
      yield { type: 'blank', delimiters: true };
      yield { type: 'blank', delimiters: false };
    }
    const natural = slots.next().value;
    const row = people.row(natural, index + 1, style);
    if (index !== nextDamage) {
      tally.add(row.role, null, null);
      lastClean = { nik: row.cells.nik, nama: row.cells.nama }; // valid, no warning: a duplicate may copy it
      yield { type: 'data', cells: toCells(row.cells) };
      continue;
    }
    let kind = kinds[slot % kinds.length] as MessyKind;
    if (kind === 'nik-duplicate' && !lastClean) kind = 'nik-serial-zero';
    slot++;
    nextDamage = slot < damaged ? damagePosition(slot, damaged, s.rows) : -1;
    const nikNumber = damage(kind, row, { s, rng, people, style, lastClean, occurrence: tally.kind(kind) });
    const info: KindInfo = MESSY_KINDS[kind];
    tally.add(row.role, info.code, info.severity);
    yield nikNumber === undefined
      ? { type: 'data', cells: toCells(row.cells) }
      : { type: 'data', cells: toCells(row.cells), nikNumber };
  }
  return tally.result();
}

/** The lines of one file, iterated once; afterwards, what the importer must report for them. */
class Plan implements Iterable<Line> {
  private result: Expected | undefined;

  constructor(private readonly opts: GenerateOptions) {}

  *[Symbol.iterator](): Iterator<Line> {
    this.result = yield* plan(this.opts);
  }

  expected(): Expected {
    if (!this.result) throw new Error('the plan has not been run to its end');
    return this.result;
  }
}

const damagePosition = (slot: number, damaged: number, rows: number) =>
  Math.min(rows - 1, Math.floor(((slot + 0.5) * rows) / damaged));

interface Cells {
  no: string;
  nik: string;
  nama: string;
  peran: string;
  kecamatan: string;
  desa: string;
  rt: string;
  no_rekening: string;
  nama_rekening: string;
  no_hp: string;
  keterangan: string;
}
const toCells = (c: Cells): string[] => [
  c.no,
  c.nik,
  c.nama,
  c.peran,
  c.kecamatan,
  c.desa,
  c.rt,
  c.no_rekening,
  c.nama_rekening,
  c.no_hp,
  c.keterangan,
];

interface DamageContext {
  readonly s: Settings;
  readonly rng: Rng;
  readonly people: People;
  readonly style: FileStyle;
  readonly lastClean: { nik: string; nama: string } | undefined;
  /** How many rows already had this kind (alternates the variants). */
  readonly occurrence: number;
}

/**
 * Damages one row in place so that it has exactly one problem. Returns the number to store in the
 * NIK cell when the damage is an XLSX numeric NIK.
 */
function damage(kind: MessyKind, row: PlannedRow, ctx: DamageContext): number | undefined {
  const c = row.cells;
  const { rng, people, style, s } = ctx;
  const nik = c.nik;
  switch (kind) {
    case 'nik-scientific':
      c.nik = excelScientific(nik, decimalMark(ctx));
      return undefined;
    case 'nik-excel-number': {
      // Excel keeps 15 significant digits: the 16th becomes 0. A 16-digit number ending in 0 may be
      // such a damaged NIK, so the reader gives it in E-notation and the importer refuses it.
      const stored = Number(`${nik.slice(0, 15)}0`);
      c.nik = stored.toExponential().toUpperCase();
      return stored;
    }
    case 'nik-exact-number': {
      // A program (not Excel typing) wrote the NIK as a number: exact below 2^53, and its last digit
      // shows it was not zeroed by Excel. One that really ends in 0 would be refused: take another.
      let exact = nik;
      while (exact.endsWith('0')) exact = people.nik(s.region.code, row.kecamatan.code, row.female);
      c.nik = exact;
      return Number(exact);
    }
    case 'nik-15-digits':
      c.nik = nik.slice(0, 15);
      return undefined;
    case 'nik-spaces':
      c.nik = `${nik.slice(0, 4)} ${nik.slice(4, 6)} ${nik.slice(6, 12)} ${nik.slice(12)}`;
      return undefined;
    case 'nik-dots':
      c.nik = `${nik.slice(0, 2)}.${nik.slice(2, 4)}.${nik.slice(4, 6)}.${nik.slice(6, 12)}.${nik.slice(12)}`;
      return undefined;
    case 'nik-apostrophe':
      c.nik = `'${nik}`;
      return undefined;
    case 'nik-bad-date':
      c.nik = `${nik.slice(0, 6)}35${nik.slice(8)}`;
      return undefined;
    case 'nik-serial-zero':
      c.nik = `${nik.slice(0, 12)}0000`;
      return undefined;
    case 'nik-duplicate': {
      // The same person listed twice (e.g. as Mantir Desa and as Ketua RT): same NIK and name.
      const earlier = ctx.lastClean;
      if (!earlier) throw new Error('nik-duplicate needs an earlier clean row');
      c.nik = earlier.nik;
      c.nama = earlier.nama;
      c.nama_rekening = earlier.nama;
      return undefined;
    }
    case 'nik-other-region':
      c.nik = people.otherRegionNik(row.female);
      return undefined;
    case 'role-unknown':
      c.peran = UNKNOWN_ROLE_TEXTS[ctx.occurrence % UNKNOWN_ROLE_TEXTS.length] ?? 'Kepala Suku';
      c.rt = '';
      return undefined;
    case 'role-ambiguous':
      c.peran = ctx.occurrence % 2 === 0 ? AMBIGUOUS_ROLE_TEXT : AMBIGUOUS_ROLE_TEXT.toUpperCase();
      c.rt = '';
      return undefined;
    case 'kecamatan-unknown':
      setRole(row, 'MANTIR_KECAMATAN', style, rng);
      c.kecamatan = pick(rng, s.region.foreignKecamatan);
      c.desa = '';
      c.rt = '';
      return undefined;
    case 'desa-unknown':
      if (!DESA_LEVEL_ROLES.has(row.role)) setRole(row, 'MANTIR_DESA', style, rng);
      c.desa = foreignDesa(row.kecamatan, s.region, rng);
      return undefined;
    case 'desa-missing':
      if (!DESA_LEVEL_ROLES.has(row.role)) setRole(row, 'MANTIR_DESA', style, rng);
      c.desa = '';
      return undefined;
    case 'rt-missing':
      if (row.role !== 'KETUA_RT') {
        if (!c.desa) c.desa = style.desa(pick(rng, row.kecamatan.desa), rng);
        setRole(row, 'KETUA_RT', style, rng);
      }
      c.rt = '';
      return undefined;
    case 'account-scientific':
      // Excel's General format shows at most 11 digits: a 12–13 digit account becomes E-notation.
      c.no_rekening = excelScientific(people.account(12 + (ctx.occurrence % 2)), decimalMark(ctx));
      return undefined;
    case 'name-empty':
      c.nama = '';
      c.nama_rekening = '';
      return undefined;
    case 'name-formula':
      c.nama = '=HYPERLINK("http://x","Klik")';
      c.nama_rekening = '';
      return undefined;
    case 'name-at-formula':
      c.nama = '@SUM(1+1)';
      c.nama_rekening = '';
      return undefined;
    case 'account-name-mismatch':
      // Typically the spouse's account.
      c.nama_rekening = people.otherName(row.female, c.nama);
      return undefined;
    case 'multiline-remark':
      if (!DESA_LEVEL_ROLES.has(row.role)) {
        c.desa = style.desa(pick(rng, row.kecamatan.desa), rng);
        setRole(row, 'MANTIR_DESA', style, rng);
      }
      c.keterangan = 'Pengganti antar waktu; SK Kepala Desa No. 141/12/2025,\nberlaku 1 Januari 2026';
      return undefined;
  }
}

/**
 * Excel with Indonesian regional settings (the one that writes `;`) shows the decimal comma:
 * every other E-notation value in such a CSV uses it, the others the point of the contract's example.
 */
const decimalMark = (ctx: DamageContext): '.' | ',' =>
  ctx.s.format === 'csv' && ctx.s.delimiter === ';' && ctx.occurrence % 2 === 1 ? ',' : '.';

function setRole(row: PlannedRow, role: RoleCode, style: FileStyle, rng: Rng): void {
  row.role = role;
  row.cells.peran = style.role(role, rng);
  if (role !== 'KETUA_RT') row.cells.rt = '';
  if (!DESA_LEVEL_ROLES.has(role)) row.cells.desa = '';
}

/** How Excel's General format shows a large whole number: 6 significant digits, E-notation. */
export function excelScientific(digits: string, decimal: '.' | ','): string {
  const [mantissa = '', exponent = ''] = Number(digits).toExponential(5).split('e');
  const trimmed = mantissa.replace(/\.?0+$/, '');
  return `${trimmed.replace('.', decimal)}E${exponent}`.toUpperCase();
}

/** A desa of another kecamatan of the region that no spelling or typo of this kecamatan's desa reaches. */
function foreignDesa(kecamatan: Kecamatan, region: Region, rng: Rng): string {
  const own = kecamatan.desa.map((desa) => placeKey(desa.name));
  for (let attempt = 0; attempt < 100; attempt++) {
    const other = pick(rng, region.kecamatan);
    if (other === kecamatan) continue;
    const candidate = pick(rng, other.desa).name;
    if (farFromAll(placeKey(candidate), own)) return candidate;
  }
  throw new Error(`no desa outside ${kecamatan.name} is distinct enough`);
}

// ─── The natural order of a list: per kecamatan its officers, then desa by desa ──────────────────

interface Slot {
  readonly role: RoleCode;
  readonly kecamatan: Kecamatan;
  readonly desa?: Desa;
  readonly rt?: number;
}

/**
 * Endless: cycles through the region's kecamatan and desa, as many times as the row count needs.
 * Later cycles stay plausible for the checks: one Damang and one Sekretaris Damang per kecamatan
 * (their slots become Mantir), and RT numbers continue where the desa's last cycle stopped.
 */
function* naturalSlots(region: Region, rng: Rng): Generator<Slot, never, undefined> {
  const nextRt = new Map<Desa, number>();
  for (let cycle = 0; ; cycle++) {
    for (const kecamatan of region.kecamatan) {
      yield { role: cycle === 0 ? 'DAMANG' : 'MANTIR_KECAMATAN', kecamatan };
      yield { role: cycle === 0 ? 'SEKRETARIS_DAMANG' : 'MANTIR_KECAMATAN', kecamatan };
      for (let i = 3 + rng.int(3); i > 0; i--) yield { role: 'MANTIR_KECAMATAN', kecamatan };
      for (const desa of kecamatan.desa) {
        for (let i = 2 + rng.int(3); i > 0; i--) yield { role: 'MANTIR_DESA', kecamatan, desa };
        const first = nextRt.get(desa) ?? 1;
        const last = Math.min(999, first + 2 + rng.int(6));
        nextRt.set(desa, last + 1);
        for (let rt = first; rt <= last; rt++) yield { role: 'KETUA_RT', kecamatan, desa, rt };
        yield { role: 'BABINSA', kecamatan, desa };
        yield { role: 'BHABINKAMTIBMAS', kecamatan, desa };
        for (let i = 1 + rng.int(2); i > 0; i--) yield { role: 'PEMUKA_AGAMA', kecamatan, desa };
      }
    }
  }
}

// ─── How this office writes its list ──────────────────────────────────────────────────────────────

interface FileStyle {
  readonly header: string[];
  role(role: RoleCode, rng: Rng): string;
  kecamatan(kecamatan: Kecamatan, rng: Rng): string;
  desa(desa: Desa, rng: Rng): string;
  rt(rt: number, rng: Rng): string;
}

function fileStyle(s: Settings, rng: Rng): FileStyle {
  if (!s.messy) {
    return {
      header: COLUMNS.map((column) => column.headers[0]),
      role: (role) => ROLE_SPELLINGS[role][0] ?? role,
      kecamatan: (kecamatan) => kecamatan.name,
      desa: (desa) => desa.name,
      rt: (rt) => String(rt).padStart(3, '0'),
    };
  }
  const upperHeader = rng.chance(0.3);
  const header = COLUMNS.map((column) => {
    const text = pick(rng, column.headers);
    return upperHeader ? text.toUpperCase() : text;
  });
  // Each office has its habits, and deviates from them now and then.
  const kecamatanForms: ((name: string) => string)[] = [
    (name) => name,
    (name) => name.toUpperCase(),
    (name) => `Kec. ${name}`,
    (name) => `Kecamatan ${name}`,
  ];
  const usualKecamatan = rng.int(kecamatanForms.length);
  const usualDesa = rng.int(3);
  const rtWidth = 1 + rng.int(3);
  return {
    header,
    role: (role, r) => {
      const spellings = ROLE_SPELLINGS[role];
      return (r.chance(0.6) ? spellings[0] : pick(r, spellings)) ?? role;
    },
    kecamatan: (kecamatan, r) => {
      const form = kecamatanForms[r.chance(0.9) ? usualKecamatan : r.int(kecamatanForms.length)];
      return form ? form(kecamatan.name) : kecamatan.name;
    },
    desa: (desa, r) => {
      const form = r.chance(0.9) ? usualDesa : r.int(3);
      if (form === 1) return desa.name.toUpperCase();
      if (form === 2)
        return `${desa.kelurahan ? (r.chance(0.5) ? 'Kel.' : 'Kelurahan') : 'Desa'} ${desa.name}`;
      return desa.name;
    },
    rt: (rt, r) => String(rt).padStart(r.chance(0.95) ? rtWidth : 3, '0'),
  };
}

// ─── People: names, NIKs, accounts ────────────────────────────────────────────────────────────────

interface PlannedRow {
  role: RoleCode;
  readonly kecamatan: Kecamatan;
  readonly female: boolean;
  readonly cells: Cells;
}

const MALE_SHARE: Readonly<Record<RoleCode, number>> = {
  DAMANG: 0.92,
  SEKRETARIS_DAMANG: 0.7,
  MANTIR_KECAMATAN: 0.85,
  MANTIR_DESA: 0.8,
  KETUA_RT: 0.75,
  BABINSA: 1,
  BHABINKAMTIBMAS: 0.95,
  PEMUKA_AGAMA: 0.85,
};

/** Birth dates of people aged about 25–70 in 2026 (no 29 February: two-digit years are ambiguous). */
const BIRTH_DATES: readonly string[] = (() => {
  const dates: string[] = [];
  for (let t = Date.UTC(1956, 0, 1); t <= Date.UTC(2000, 11, 31); t += 86_400_000) {
    const d = new Date(t);
    const day = d.getUTCDate();
    const month = d.getUTCMonth() + 1;
    if (day === 29 && month === 2) continue;
    dates.push(`${pad2(day)}${pad2(month)}${pad2(d.getUTCFullYear() % 100)}`);
  }
  return dates;
})();
/** NIK serials drawn within blocks of this size keep every (kecamatan, birth date, serial) unique. */
const SERIAL_BLOCK = 20;

class People {
  private readonly nikCounters = new Map<string, { k: number; offset: number }>();
  private readonly accountCounters = [0, 0, 0, 0];
  private readonly accountOffsets: readonly bigint[];
  private readonly stride: number;
  private readonly otherRegions: readonly Region[];

  constructor(
    private readonly s: Settings,
    private readonly rng: Rng,
  ) {
    const pool = BIRTH_DATES.length;
    this.stride = [7919, 10007, 12553, 5381, 9103].find((p) => gcd(p, pool) === 1 && p % pool !== 0) ?? 1;
    this.otherRegions = regions().filter((other) => other.code !== s.region.code);
    this.accountOffsets = ACCOUNT_SPACES.map((_, i) => BigInt(hash(`accounts:${i}:${s.seed}`)));
  }

  row(slot: Slot, no: number, style: FileStyle): PlannedRow {
    const { rng } = this;
    const female = !rng.chance(MALE_SHARE[slot.role]);
    const person = personName(rng, female, slot.role);
    const nama = person.full;
    const r = rng.next();
    // Banks write names in capitals and without titles; many offices copy the name as is.
    const namaRekening =
      r < 0.7
        ? nama
        : r < 0.82
          ? nama.toUpperCase()
          : r < 0.93
            ? person.plain
            : r < 0.97
              ? person.plain.toUpperCase()
              : '';
    const cells: Cells = {
      no: String(no),
      nik: this.nik(this.s.region.code, slot.kecamatan.code, female),
      nama,
      peran: style.role(slot.role, rng),
      kecamatan: style.kecamatan(slot.kecamatan, rng),
      desa: slot.desa ? style.desa(slot.desa, rng) : '',
      rt: slot.rt !== undefined ? style.rt(slot.rt, rng) : '',
      no_rekening: this.account(),
      nama_rekening: namaRekening,
      no_hp: rng.chance(0.8) ? phone(rng) : '',
      keterangan: rng.chance(0.06) ? pick(rng, REMARKS) : '',
    };
    return { role: slot.role, kecamatan: slot.kecamatan, female, cells };
  }

  /**
   * A unique NIK: per (kecamatan, sex) a counter k walks a permutation of the birth dates (stride
   * coprime to their number), and each pass over them uses its own block of serials.
   */
  nik(regionCode: string, kecamatanCode: string, female: boolean): string {
    const kk = regionCode.slice(3, 5);
    const cc = kecamatanCode.slice(6, 8);
    const key = `${kk}${cc}${female ? 'P' : 'L'}`;
    let counter = this.nikCounters.get(key);
    if (!counter) {
      counter = { k: 0, offset: hash(`${key}:${this.s.seed}`) % BIRTH_DATES.length };
      this.nikCounters.set(key, counter);
    }
    const k = counter.k++;
    const date = BIRTH_DATES[(k * this.stride + counter.offset) % BIRTH_DATES.length] ?? '010170';
    const serial = 1 + Math.floor(k / BIRTH_DATES.length) * SERIAL_BLOCK + this.rng.int(SERIAL_BLOCK);
    if (serial > 9999) throw new RangeError('too many people in one kecamatan for unique NIKs');
    const day = Number(date.slice(0, 2)) + (female ? 40 : 0);
    return `62${kk}${cc}${pad2(day)}${date.slice(2)}${String(serial).padStart(4, '0')}`;
  }

  otherRegionNik(female: boolean): string {
    const other = pick(this.rng, this.otherRegions);
    return this.nik(other.code, pick(this.rng, other.kecamatan).code, female);
  }

  /**
   * A unique Bank Kalteng account number of 10–13 digits: branch prefix `1<kk>`, then a per-length
   * counter times a large number coprime to 10, modulo 10^n (a bijection, so no repeats, and
   * consecutive accounts look unrelated).
   */
  account(length?: number): string {
    const r = this.rng.next();
    const digits = length ?? (r < 0.4 ? 10 : r < 0.5 ? 11 : r < 0.7 ? 12 : 13);
    const index = digits - 10;
    const counter = this.accountCounters[index] ?? 0;
    this.accountCounters[index] = counter + 1;
    const space = ACCOUNT_SPACES[index] ?? 1n;
    if (BigInt(counter) >= space) throw new RangeError('account numbers exhausted');
    const suffix =
      (BigInt(counter) * (ACCOUNT_MULTIPLIERS[index] ?? 1n) + (this.accountOffsets[index] ?? 0n)) % space;
    return `1${this.s.region.code.slice(3, 5)}${suffix.toString().padStart(digits - 3, '0')}`;
  }

  /** A name that is clearly someone else's (for the account-name mismatch). */
  otherName(female: boolean, notLike: string): string {
    for (;;) {
      const candidate = personName(this.rng, !female, 'KETUA_RT').plain;
      if (normalizeName(candidate) !== normalizeName(notLike)) return candidate;
    }
  }
}

/** 10^n for the 7–10 digits after the branch prefix, and a multiplier near 0.618·10^n coprime to 10. */
const ACCOUNT_SPACES = [7, 8, 9, 10].map((n) => 10n ** BigInt(n));
const ACCOUNT_MULTIPLIERS = ACCOUNT_SPACES.map((space) => ((space * 618_034n) / 1_000_000n) | 1n).map((m) =>
  m % 5n === 0n ? m + 2n : m,
);

const REMARKS = ['Baru', 'Lama', 'Pengganti', 'Perpanjangan', 'Pindahan dari desa lain'];

const PHONE_PREFIXES = [
  '0811',
  '0812',
  '0813',
  '0821',
  '0822',
  '0823',
  '0852',
  '0853',
  '0857',
  '0858',
  '0877',
];
function phone(rng: Rng): string {
  let text = pick(rng, PHONE_PREFIXES);
  const rest = 7 + rng.int(2);
  for (let i = 0; i < rest; i++) text += String(rng.int(10));
  return text;
}

// Names as they appear in Kalimantan Tengah: Banjar, Javanese (transmigrants) and Dayak.
const list = (names: string): readonly string[] => names.split(', ');
const BANJAR_MALE = list(
  'Rahmadi, Ahmad Fauzi, Muhammad Ramli, Abdul Hamid, Mahmud, Rusdiansyah, Samsul Bahri, ' +
    'Syahrani, Jumadi, Hasanudin, Arbain, Saidi, Rahmat Hidayat, Ismail, Anang Syahrir, ' +
    'Gusti Rusdi, Syamsuri, Taufik Rahman, Masrani, Norhadi, Akhmad Yani, Fahrul Razi',
);
const BANJAR_FEMALE = list(
  'Siti Aminah, Norhasanah, Rusmini, Jumiati, Halimah, Mariani, Rabiatul Adawiyah, Fatimah, ' +
    'Salamah, Nurhayati, Masliana, Rahmawati, Norjanah, Aisyah, Siti Khadijah, Rusnawati, ' +
    'Mahmudah, Noorlatifah',
);
const JAVANESE_MALE = list(
  'Yohanes Suparto, Bambang Adi Nugroho, Sutrisno, Eko Prasetyo, Agus Santoso, Joko Susilo, ' +
    'Slamet Riyadi, Budi Hartono, Wahyu Hidayat, Heru Purnomo, Sugiyanto, Teguh Wibowo, Suyatno, ' +
    'Dedi Kurniawan, Sumarno',
);
const JAVANESE_FEMALE = list(
  'Dwi Lestari, Sri Wahyuni, Endang Sulistyowati, Tri Handayani, Sumarni, Wartini, Yuliana Dewi, ' +
    'Ratna Sari, Siti Rohmah, Sulastri, Puji Astuti, Suharti',
);
const DAYAK_MALE = list(
  'Kardinal, Simpei, Yulius, Kristian, Darwan, Lewis, Untung, Sahari, Liber, Ruslan, Sabran, ' +
    'Natalis, Agustinus, Petrus, Markus, Hendrik, Rinaldi, Asang, Injel, Yansen, Dimas, Elyas, ' +
    'Hardi, Tamanggung',
);
const DAYAK_FEMALE = list(
  'Natalia, Yusiana, Herlina, Elisabeth, Maria, Kristina, Lusiana, Debora, Evi, Rosita, Nopi, ' +
    'Desi, Yunita, Merry, Seri, Mariati, Nelly',
);
const DAYAK_FAMILY = list(
  'Tarung, Minggu, Bungai, Tambun, Riwut, Narang, Lambung, Penyang, Anom, Djaman, Nyahu, Toeweh, ' +
    'Utus, Rangkap, Kanton, Ingan, Sangen, Hanyi, Sahay, Mihing, Dohong, Ludji, Ngabut, Nahan, ' +
    'Ilas, Tinggang, Jinu, Kuhing, Saleh, Sandan',
);
const SUFFIX_TITLES = ['S.Pd.', 'S.Ag.', 'S.Sos.', 'S.H.', 'S.E.', 'A.Md.', 'M.Pd.'];

/** A person's name as written in the list (`full`, maybe with titles) and without titles (`plain`). */
function personName(rng: Rng, female: boolean, role: RoleCode): { full: string; plain: string } {
  const { plain, muslim } = plainPersonName(rng, female);
  const titled = rng.chance(role === 'PEMUKA_AGAMA' || role === 'DAMANG' ? 0.35 : 0.1);
  if (!titled) return { full: plain, plain };
  const t = rng.next();
  if (t < 0.35 && muslim) return { full: `${female ? 'Hj.' : 'H.'} ${plain}`, plain };
  if (t < 0.55) return { full: `${female ? 'Dra.' : 'Drs.'} ${plain}`, plain };
  if (role === 'PEMUKA_AGAMA' && !muslim) return { full: `${plain}, S.Th.`, plain };
  return { full: `${plain}, ${pick(rng, SUFFIX_TITLES)}`, plain };
}

/**
 * A name as people of Kalimantan Tengah carry it, without titles: Dayak (often with a family name),
 * Banjar or Javanese; `muslim` says whether an Islamic title (H./Hj.) would fit.
 */
export function plainPersonName(rng: Rng, female: boolean): { plain: string; muslim: boolean } {
  const culture = rng.next();
  if (culture < 0.4) {
    let plain = pick(rng, female ? DAYAK_FEMALE : DAYAK_MALE);
    if (rng.chance(0.8)) plain += ` ${pick(rng, DAYAK_FAMILY)}`;
    return { plain, muslim: false };
  }
  if (culture < 0.75) return { plain: pick(rng, female ? BANJAR_FEMALE : BANJAR_MALE), muslim: true };
  return { plain: pick(rng, female ? JAVANESE_FEMALE : JAVANESE_MALE), muslim: rng.chance(0.7) };
}

/** Compares names as a bank would: without titles, case, punctuation or extra spaces. */
export function normalizeName(name: string): string {
  let text = ` ${name.toUpperCase().replace(/,/g, ' ')} `;
  for (const title of NAME_TITLES) text = text.replaceAll(` ${title.toUpperCase()} `, ' ');
  return text.replace(/[^A-Z]/g, '');
}

// ─── The official region list ─────────────────────────────────────────────────────────────────────

export interface Desa {
  readonly code: string;
  readonly name: string;
  /** Codes `…1xxx` are kelurahan, `…2xxx` desa. */
  readonly kelurahan: boolean;
}
export interface Kecamatan {
  readonly code: string;
  readonly name: string;
  readonly desa: readonly Desa[];
}
export interface Region {
  readonly code: string;
  readonly name: string;
  readonly kecamatan: readonly Kecamatan[];
  /** Kecamatan names of other regions that match none of this region's (for KECAMATAN_UNKNOWN). */
  readonly foreignKecamatan: readonly string[];
}

let cachedRegions: Region[] | undefined;

/** The 14 kabupaten/kota of Kalimantan Tengah with their kecamatan and desa, from the official list. */
export function regions(): readonly Region[] {
  if (cachedRegions) return cachedRegions;
  const byCode = new Map<string, { code: string; name: string; kecamatan: Kecamatan[] }>();
  const kecamatanByCode = new Map<string, { code: string; name: string; desa: Desa[] }>();
  for (const line of readFileSync(WILAYAH_CSV_PATH, 'utf8').split(/\r?\n/).slice(1)) {
    const comma = line.indexOf(',');
    if (comma < 0) continue;
    const code = line.slice(0, comma).trim();
    const name = line.slice(comma + 1).trim();
    if (/^62\.\d\d$/.test(code)) byCode.set(code, { code, name, kecamatan: [] });
    else if (/^62\.\d\d\.\d\d$/.test(code)) {
      const kecamatan = { code, name, desa: [] };
      kecamatanByCode.set(code, kecamatan);
      byCode.get(code.slice(0, 5))?.kecamatan.push(kecamatan);
    } else if (/^62\.\d\d\.\d\d\.\d{4}$/.test(code)) {
      kecamatanByCode.get(code.slice(0, 8))?.desa.push({ code, name, kelurahan: code[9] === '1' });
    }
  }
  const all = [...byCode.values()].filter((region) => region.kecamatan.some((k) => k.desa.length > 0));
  cachedRegions = all.map((region) => {
    const own = region.kecamatan.map((k) => placeKey(k.name));
    const foreignKecamatan = all
      .filter((other) => other.code !== region.code)
      .flatMap((other) => other.kecamatan.map((k) => k.name))
      .filter((name) => farFromAll(placeKey(name), own));
    return { ...region, kecamatan: region.kecamatan.filter((k) => k.desa.length > 0), foreignKecamatan };
  });
  return cachedRegions;
}

/**
 * Abbreviations that place names are written with (the official list itself mixes "Sei." and
 * "Sungai"); an importer matches names through them, so a "foreign" name must differ after them.
 */
const PLACE_WORDS: Readonly<Record<string, string>> = {
  sei: 'sungai',
  sui: 'sungai',
  sg: 'sungai',
  gn: 'gunung',
  tbg: 'tumbang',
  tb: 'tumbang',
  tj: 'tanjung',
  tg: 'tanjung',
  i: '1',
  ii: '2',
  iii: '3',
  iv: '4',
  v: '5',
};
const placeKey = (name: string): string =>
  name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => PLACE_WORDS[word] ?? word)
    .join('');

/**
 * Whether `key` is neither contained in, nor contains, nor is within 3 typing mistakes of any of
 * `keys`: an unknown name in a damaged row must not be one an importer could reasonably fix.
 */
function farFromAll(key: string, keys: readonly string[]): boolean {
  return keys.every((other) => !other.includes(key) && !key.includes(other) && editDistance(key, other) > 3);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(
        Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function region(code: string): Region {
  const found = regions().find((r) => r.code === code);
  if (!found) {
    throw new RangeError(
      `unknown region ${code}: use one of ${regions()
        .map((r) => r.code)
        .join(', ')}`,
    );
  }
  return found;
}

// ─── Counting what the importer must report ───────────────────────────────────────────────────────

class Tally {
  private rows = 0;
  private valid = 0;
  private errors = 0;
  private warnings = 0;
  private readonly errorsByCode: Record<string, number> = {};
  private readonly warningsByCode: Record<string, number> = {};
  private readonly byRole: Record<string, number> = {};
  private readonly kinds: Record<string, number> = {};

  add(role: RoleCode, code: string | null, severity: Severity | null): void {
    this.rows++;
    if (severity === 'error' && code) {
      this.errors++;
      bump(this.errorsByCode, code);
      return;
    }
    this.valid++;
    bump(this.byRole, role);
    if (severity === 'warning' && code) {
      this.warnings++;
      bump(this.warningsByCode, code);
    }
  }

  /** Counts one more row of this kind; returns how many there were before. */
  kind(kind: MessyKind): number {
    const before = this.kinds[kind] ?? 0;
    this.kinds[kind] = before + 1;
    return before;
  }

  result(): Expected {
    return {
      rows: this.rows,
      validRows: this.valid,
      errorRows: this.errors,
      warningRows: this.warnings,
      errorsByCode: sorted(this.errorsByCode),
      warningsByCode: sorted(this.warningsByCode),
      byRole: sorted(this.byRole),
      messyKinds: sorted(this.kinds),
    };
  }
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};
const sorted = (counts: Record<string, number>) =>
  Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

// ─── Small deterministic helpers ──────────────────────────────────────────────────────────────────

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  chance(p: number): boolean;
}

/** mulberry32: tiny, fast, good enough for test data, and the same on every machine. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), chance: (p) => next() < p };
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[rng.int(items.length)];
  if (item === undefined) throw new RangeError('pick from an empty list');
  return item;
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items;
}

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
