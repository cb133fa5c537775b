/**
 * The rules for one row of an uploaded recipient file: from the raw cells to a {@link Recipient}, or
 * to the list of everything wrong with the row, each problem with a message that tells the operator
 * how to fix it. Plus the file-wide check for NIKs and accounts that appear twice.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import type { ColumnName } from './columns.ts';
import { COLUMN_LABELS } from './columns.ts';
import { type Issue, issueError, issueWarning } from './issues.ts';
import { maskAccount } from './mask.ts';
import { cleanDigits, isScientificNotation, nikRegion, parseNik, quoteNonDigits } from './nik.ts';
import { parseRole, ROLE_CODES, ROLE_LIST_TEXT, ROLES, type RoleCode, roleHint } from './roles.ts';
import { compactKey, foldSpaces } from './text.ts';
import {
  findDesa,
  findDesaInRegion,
  findKecamatan,
  findKecamatanInProvince,
  kecamatanName,
  matchesRegion,
  type Place,
  type RegionCode,
  regionName,
  regionOfPlace,
  suggestDesa,
  suggestKecamatan,
} from './wilayah.ts';

/** An accepted row: every value cleaned and every place resolved to its official code and name. */
export interface Recipient {
  /** 16 digits. */
  readonly nik: string;
  /** As written, whitespace folded. */
  readonly nama: string;
  readonly peran: RoleCode;
  /** Kemendagri code, `62.01.01`. */
  readonly kecamatanCode: string;
  /** Official name, `Kumai`. */
  readonly kecamatan: string;
  /** Kemendagri code, `62.01.01.1011`; present for desa- and RT-level roles. */
  readonly desaCode?: string;
  /** Official name, `Candi`. */
  readonly desa?: string;
  /** Three digits, `003`; present for Ketua RT. */
  readonly rt?: string;
  /** Bank Kalteng account, 10–16 digits. */
  readonly noRekening: string;
  /** Account holder's name as written, when the file gives it. */
  readonly namaRekening?: string;
  /** National form, `081234567890` (mobile) or `0536…` (landline). */
  readonly noHp?: string;
}

/** Longest name accepted: real names with titles fit well within it; more means a paste gone wrong. */
const NAME_MAX_LENGTH = 100;

export const RecipientSchema = /* @__PURE__ */ lazySchema(
  () =>
    z.object({
      nik: z.string().regex(/^\d{16}$/),
      nama: z.string().min(1).max(NAME_MAX_LENGTH),
      peran: z.enum(ROLE_CODES),
      kecamatanCode: z.string().regex(/^62\.\d{2}\.\d{2}$/),
      kecamatan: z.string().min(1),
      desaCode: z
        .string()
        .regex(/^62\.\d{2}\.\d{2}\.\d{4}$/)
        .optional(),
      desa: z.string().min(1).optional(),
      rt: z
        .string()
        .regex(/^\d{3}$/)
        .optional(),
      noRekening: z.string().regex(/^\d{10,16}$/),
      namaRekening: z.string().min(1).optional(),
      noHp: z.string().optional(),
    }) satisfies z.ZodType<Recipient>,
);

/** Validation of one row. `recipient` is present exactly when `errors` is empty. */
export interface RowResult {
  readonly recipient?: Recipient;
  readonly errors: Issue[];
  readonly warnings: Issue[];
}

/** Letters (any script, with accents), spaces, and the punctuation of titles: "Drs. H. Ahmad, S.Pd.". */
const NAME_PATTERN = /^[\p{L}\p{M}][\p{L}\p{M} .,'’`-]*$/u;
const NAME_ALLOWED_CHAR = /[\p{L}\p{M} .,'’`-]/u;

/** Longest text quoted back in a message: enough to recognise it, not a whole pasted cell. */
const QUOTE_MAX = 40;

/**
 * Text the operator typed, quoted for a message. Long digit runs are masked in case a NIK or an
 * account number landed in the wrong column.
 */
function quote(text: string): string {
  const masked = text.replace(/\d{8,}/g, (digits) => maskAccount(digits));
  const short = masked.length > QUOTE_MAX ? `${masked.slice(0, QUOTE_MAX - 1)}…` : masked;
  return `"${short}"`;
}

const regionLabel = (region: RegionCode): string => regionName(region) ?? `wilayah ${region}`;

/**
 * Validates one data row for the region the file was uploaded for. Every cell is trimmed and its
 * whitespace folded first. Reports every problem of the row, not just the first, so one round of
 * corrections is enough.
 */
export function validateRow(raw: Partial<Record<ColumnName, string>>, region: RegionCode): RowResult {
  const cell = (column: ColumnName): string => foldSpaces(raw[column] ?? '');
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const add = (issue: Issue | undefined) => {
    if (issue) (issue.severity === 'error' ? errors : warnings).push(issue);
  };

  const nik = checkNik(cell('nik'), region, add);
  const nama = checkName(cell('nama'), add);
  const peran = checkRole(cell('peran'), add);
  const kecamatan = checkKecamatan(cell('kecamatan'), region, add);
  const level = peran ? ROLES[peran].level : undefined;
  const desa = checkDesa(cell('desa'), kecamatan, region, peran, add);
  const rt = checkRt(cell('rt'), peran, add);
  const noRekening = checkAccount(cell('no_rekening'), add);
  const namaRekening = checkHolderName(cell('nama_rekening'), add);
  if (namaRekening && nama && !sameHolder(nama, namaRekening)) {
    add(
      issueWarning(
        'nama_rekening',
        'ACCOUNT_NAME_MISMATCH',
        'Nama pemilik rekening berbeda dengan nama penerima. Pastikan rekening ini milik penerima sendiri; bila benar, peringatan ini dapat diabaikan.',
      ),
    );
  }
  const noHp = checkPhone(cell('no_hp'), add);
  const kabupaten = cell('kabupaten');
  if (kabupaten && !matchesRegion(region, kabupaten)) {
    add(
      issueError(
        'kabupaten',
        'REGION_MISMATCH',
        `Kolom Kabupaten/Kota berisi ${quote(kabupaten)}, padahal berkas ini diunggah untuk ${regionLabel(region)}. ` +
          'Setiap kabupaten/kota mengunggah daftarnya sendiri: pindahkan baris ini ke berkas kabupaten/kota yang benar, atau perbaiki isi kolomnya.',
      ),
    );
  }

  if (errors.length > 0 || !nik || !nama || !peran || !kecamatan || !noRekening) return { errors, warnings };
  // Desa is kept for a desa- or RT-level role, and for a kecamatan-level one that names it.
  const recipient: Recipient = {
    nik,
    nama,
    peran,
    kecamatanCode: kecamatan.code,
    kecamatan: kecamatan.name,
    ...(desa ? { desaCode: desa.code, desa: desa.name } : {}),
    ...(rt && level === 'rt' ? { rt } : {}),
    noRekening,
    ...(namaRekening ? { namaRekening } : {}),
    ...(noHp ? { noHp } : {}),
  };
  return { recipient, errors, warnings };
}

type Add = (issue: Issue | undefined) => void;

function checkNik(text: string, region: RegionCode, add: Add): string | undefined {
  if (text === '') {
    add(issueError('nik', 'NIK_REQUIRED', 'NIK wajib diisi: 16 angka sesuai KTP/KK.'));
    return undefined;
  }
  const parsed = parseNik(text);
  if (!parsed.ok) {
    add(issueError('nik', parsed.code, parsed.message));
    return undefined;
  }
  if (parsed.cleaned) {
    add(
      issueWarning(
        'nik',
        'NIK_CLEANED',
        'NIK dibersihkan dari spasi, titik, tanda hubung atau tanda petik, lalu diterima. Tidak perlu tindakan; ke depan cukup tulis 16 angka saja.',
      ),
    );
  }
  const registered = nikRegion(parsed.nik);
  if (registered !== region) {
    const where = registered.startsWith('62.')
      ? `${regionName(registered) ?? `wilayah berkode ${registered}`} (${registered})`
      : `luar Kalimantan Tengah (kode provinsi ${registered.slice(0, 2)})`;
    add(
      issueWarning(
        'nik',
        'NIK_OTHER_REGION',
        `NIK ini pertama kali terdaftar di ${where}, bukan di ${regionLabel(region)}. ` +
          'Hal ini boleh (misalnya penerima pindah domisili atau tugas), tetapi pastikan NIK sudah benar sesuai KTP/KK.',
      ),
    );
  }
  return parsed.nik;
}

function checkName(text: string, add: Add): string | undefined {
  const problem = nameProblem(text);
  if (problem) {
    add(issueError('nama', problem.code, problem.message));
    return undefined;
  }
  return text;
}

/**
 * What is wrong with a person's name as written (empty, too long, characters no name has), or
 * undefined. Shared by every file that names people (recipient lists, DTSEN members).
 */
export function nameProblem(
  text: string,
): { readonly code: 'NAME_REQUIRED' | 'NAME_INVALID'; readonly message: string } | undefined {
  if (text === '') return { code: 'NAME_REQUIRED', message: 'Nama wajib diisi sesuai KTP.' };
  if (text.length > NAME_MAX_LENGTH) {
    return {
      code: 'NAME_INVALID',
      message: `Nama terlalu panjang (${text.length} karakter, paling banyak ${NAME_MAX_LENGTH}). Periksa apakah isi kolom lain ikut tertempel ke kolom Nama.`,
    };
  }
  if (!NAME_PATTERN.test(text)) {
    const bad = [...new Set([...text].filter((char) => !NAME_ALLOWED_CHAR.test(char)))].slice(0, 5);
    const what =
      bad.length > 0 ? `memuat karakter ${bad.map((char) => `"${char}"`).join(', ')}` : 'harus diawali huruf';
    return {
      code: 'NAME_INVALID',
      message:
        `Nama ${what}. Nama hanya boleh berisi huruf, spasi, titik, koma, tanda petik dan tanda hubung (mis. "Drs. H. Ahmad, S.Pd."). ` +
        'Periksa apakah kolom tertukar, lalu tulis nama sesuai KTP.',
    };
  }
  return undefined;
}

/** The optional account holder's name: kept when it reads as a name, else left out with a warning. */
function checkHolderName(text: string, add: Add): string | undefined {
  if (text === '') return undefined;
  if (text.length <= NAME_MAX_LENGTH && NAME_PATTERN.test(text)) return text;
  add(
    issueWarning(
      'nama_rekening',
      'NAME_INVALID',
      'Nama Rekening tidak tampak seperti nama (hanya boleh huruf, spasi, titik, koma, tanda petik dan tanda hubung), sehingga tidak disimpan. ' +
        'Baris tetap diterima; tulis nama pemilik rekening sesuai buku tabungan.',
    ),
  );
  return undefined;
}

function checkRole(text: string, add: Add): RoleCode | undefined {
  if (text === '') {
    add(issueError('peran', 'ROLE_REQUIRED', `Peran wajib diisi, salah satu dari: ${ROLE_LIST_TEXT}.`));
    return undefined;
  }
  const role = parseRole(text);
  if (!role) {
    const hint = roleHint(text);
    add(
      issueError(
        'peran',
        'ROLE_UNKNOWN',
        `Peran ${quote(text)} tidak dikenali. ${hint ? `${hint} ` : ''}Gunakan salah satu: ${ROLE_LIST_TEXT}.`,
      ),
    );
  }
  return role;
}

function checkKecamatan(text: string, region: RegionCode, add: Add): Place | undefined {
  if (text === '') {
    add(
      issueError(
        'kecamatan',
        'KECAMATAN_REQUIRED',
        `Kecamatan wajib diisi dengan nama kecamatan di ${regionLabel(region)}.`,
      ),
    );
    return undefined;
  }
  const place = findKecamatan(region, text);
  if (place) return place;
  let advice: string;
  const elsewhere = findKecamatanInProvince(text).filter((other) => regionOfPlace(other.code) !== region);
  const suggestion = suggestKecamatan(region, text);
  if (elsewhere.length > 0) {
    const regions = [...new Set(elsewhere.map((other) => regionLabel(regionOfPlace(other.code))))].join(
      ' dan ',
    );
    advice = `Kecamatan dengan nama itu ada di ${regions}. Penerima dari kabupaten/kota lain diunggah oleh kabupaten/kota tersebut.`;
  } else if (suggestion) {
    advice = `Maksud Anda: ${suggestion}?`;
  } else {
    advice = 'Tulis nama kecamatan sesuai daftar resmi Kemendagri.';
  }
  add(
    issueError(
      'kecamatan',
      'KECAMATAN_UNKNOWN',
      `Kecamatan ${quote(text)} tidak ditemukan di ${regionLabel(region)}. ${advice}`,
    ),
  );
  return undefined;
}

function checkDesa(
  text: string,
  kecamatan: Place | undefined,
  region: RegionCode,
  role: RoleCode | undefined,
  add: Add,
): Place | undefined {
  const needsDesa = role !== undefined && ROLES[role].level !== 'kecamatan';
  if (text === '') {
    if (needsDesa && role) {
      add(
        issueError(
          'desa',
          'DESA_REQUIRED',
          `Desa/Kelurahan wajib diisi untuk peran ${ROLES[role].label}, dengan nama desa/kelurahan tempat ia bertugas.`,
        ),
      );
    }
    return undefined;
  }
  // Without a known kecamatan the desa cannot be checked; the kecamatan's own error says what to fix.
  if (!kecamatan) return undefined;
  const place = findDesa(kecamatan.code, text);
  if (place) return place;
  let advice: string;
  const elsewhere = findDesaInRegion(region, text);
  const suggestion = suggestDesa(kecamatan.code, text);
  if (elsewhere.length > 0) {
    const names = [...new Set(elsewhere.map((other) => kecamatanName(other.code.slice(0, 8)) ?? other.code))];
    advice = `Desa/kelurahan dengan nama itu ada di Kecamatan ${names.join(' dan ')}: periksa kolom Kecamatan atau Desa.`;
  } else if (suggestion) {
    advice = `Maksud Anda: ${suggestion}?`;
  } else {
    advice = 'Tulis nama desa/kelurahan sesuai daftar resmi Kemendagri.';
  }
  add(
    issueError(
      'desa',
      'DESA_UNKNOWN',
      `Desa/kelurahan ${quote(text)} tidak ditemukan di Kecamatan ${kecamatan.name}. ${advice}`,
    ),
  );
  return undefined;
}

/** `3`, `003`, `RT 03`, `RT.003`, `rt3`, `003/002` (RT/RW): the RT's number, 1–999. */
const RT_PATTERN = /^(?:rt\s*[.:]?\s*)?(\d{1,3})(?:\s*\/\s*(?:rw\s*[.:]?\s*)?\d{1,3})?$/i;

/** The RT number as three digits (`003`), or undefined when `text` is not one. */
export function parseRt(text: string): string | undefined {
  const match = RT_PATTERN.exec(foldSpaces(text));
  const value = match ? Number(match[1]) : 0;
  return value >= 1 && value <= 999 ? String(value).padStart(3, '0') : undefined;
}

function checkRt(text: string, role: RoleCode | undefined, add: Add): string | undefined {
  const needsRt = role !== undefined && ROLES[role].level === 'rt';
  if (text === '') {
    if (needsRt)
      add(issueError('rt', 'RT_REQUIRED', 'Nomor RT wajib diisi untuk peran Ketua RT (mis. 003).'));
    return undefined;
  }
  const rt = parseRt(text);
  if (rt) return rt;
  const message = `RT ${quote(text)} tidak dapat dibaca. Tulis nomor RT saja, 1–999 (mis. 3, 003 atau RT 03).`;
  // The RT matters only for a Ketua RT; for other roles it is not kept, so a bad value only warns.
  add(
    needsRt
      ? issueError('rt', 'RT_INVALID', message)
      : issueWarning('rt', 'RT_INVALID', `${message} Kolom ini diabaikan untuk peran selain Ketua RT.`),
  );
  return undefined;
}

/**
 * An account number cell of an XLSX held as a NUMBER arrives here as its digits when they are
 * certainly exact, and in E-notation (refused below) when not: the rule of `exactCellDigits` (nik.ts),
 * the same as for NIKs. Up to 15 digits are exact (Excel keeps 15 significant digits); 16 digits
 * below 2^53 are exact unless the last is 0, which Excel typing may have zeroed; a Bank Kalteng
 * account is at most 16 digits, and anything longer is 2^53 or more, which no number cell holds
 * exactly. A leading 0 lost in a number cell is caught by the length check.
 */
function checkAccount(text: string, add: Add): string | undefined {
  if (text === '') {
    add(issueError('no_rekening', 'ACCOUNT_REQUIRED', 'No rekening Bank Kalteng wajib diisi.'));
    return undefined;
  }
  const { value } = cleanDigits(text);
  const invalid = (message: string) => add(issueError('no_rekening', 'ACCOUNT_INVALID', message));
  if (isScientificNotation(text)) {
    invalid(
      'No rekening tertulis sebagai angka ilmiah (seperti 1.2345E+12) karena kolomnya di Excel berformat angka; angka-angkanya sudah berubah. ' +
        'Di Excel, blok kolom No Rekening, pilih Format Cells > Text, lalu ketik atau tempel ulang nomornya dari buku rekening.',
    );
    return undefined;
  }
  if (!/^\d+$/.test(value)) {
    invalid(
      `No rekening hanya boleh berisi angka, tetapi memuat ${quoteNonDigits(value)}. Tulis nomor rekening sesuai buku tabungan.`,
    );
    return undefined;
  }
  if (value.length < 10 || value.length > 16) {
    invalid(
      `No rekening Bank Kalteng terdiri dari 10–16 angka, tetapi yang tertulis ${value.length} angka. ` +
        'Periksa kembali sesuai buku tabungan (angka 0 di depan dapat hilang bila kolom berformat angka di Excel).',
    );
    return undefined;
  }
  if (/^0+$/.test(value)) {
    invalid('No rekening tidak boleh berisi angka 0 saja. Tulis nomor rekening sesuai buku tabungan.');
    return undefined;
  }
  return value;
}

/** Phone in national form: mobile `08` + 8–11 digits, or a landline `0` + area code + number. */
const NATIONAL_PHONE = /^(?:08\d{8,11}|0[2-7]\d{7,10})$/;

/**
 * The phone number in national form, or undefined when it does not look Indonesian. Accepts
 * `+62…`, `62…`, `0…`, and a mobile number whose leading 0 Excel dropped (`812…`).
 */
export function parsePhone(text: string): string | undefined {
  const digits = text.replace(/^['‘’`]+/, '').replace(/[\s.()\u2010-\u2015-]+/g, '');
  let national: string;
  if (digits.startsWith('+62')) national = `0${digits.slice(3)}`;
  else if (digits.startsWith('62')) national = `0${digits.slice(2)}`;
  else if (digits.startsWith('8')) national = `0${digits}`;
  else national = digits;
  return NATIONAL_PHONE.test(national) ? national : undefined;
}

function checkPhone(text: string, add: Add): string | undefined {
  if (text === '') return undefined;
  const phone = parsePhone(text);
  if (!phone) {
    add(
      issueWarning(
        'no_hp',
        'PHONE_INVALID',
        'No HP tidak tampak seperti nomor Indonesia (mis. 081234567890 atau +6281234567890), sehingga tidak disimpan. Baris tetap diterima; perbaiki bila nomor diperlukan.',
      ),
    );
  }
  return phone;
}

// ---------------------------------------------------------------------------------------------
// Name comparison for the account holder

/** Titles written before a name. */
const PRE_TITLES: ReadonlySet<string> = new Set([
  'drs',
  'dra',
  'dr',
  'ir',
  'h',
  'hj',
  'haji',
  'hajjah',
  'prof',
  'kh',
  'ust',
  'ustadz',
  'ustad',
  'ustazah',
  'pdt',
  'pendeta',
  'romo',
  'pastor',
  'bapak',
  'bpk',
  'bp',
  'ibu',
  'sdr',
  'sdri',
  'ny',
  'nn',
  'tn',
]);

/** Degrees written after a name without a comma ("Ahmad S.Pd"). */
const POST_TITLES: ReadonlySet<string> = new Set([
  'spd',
  'spdi',
  'sh',
  'se',
  'st',
  'sag',
  'ssos',
  'sip',
  'skom',
  'skm',
  'sked',
  'skep',
  'sthi',
  'sp',
  'ssi',
  'mpd',
  'msi',
  'mm',
  'mh',
  'mag',
  'amd',
  'ama',
  'apd',
]);

/** Words of a name without titles: "Drs. H. Ahmad Yani, S.Pd." → `['ahmad', 'yani']`. */
export function nameWords(name: string): string[] {
  // Degrees follow the first comma in Indonesian usage ("Ahmad, S.Pd., M.Si.").
  const beforeComma = name.split(',')[0] ?? '';
  const tokens = beforeComma
    .split(/\s+/)
    .map((token) => compactKey(token))
    .filter((token) => token !== '');
  let start = 0;
  let end = tokens.length;
  while (end - start > 1 && PRE_TITLES.has(tokens[start] ?? '')) start++;
  while (end - start > 1 && POST_TITLES.has(tokens[end - 1] ?? '')) end--;
  return tokens.slice(start, end);
}

/**
 * Whether two spellings name the same person, ignoring case, punctuation, spacing ("Nur Haliza" /
 * "Nurhaliza"), titles, and initials ("M. Yani" / "Muhammad Yani"). Only feeds a warning.
 */
export function sameHolder(a: string, b: string): boolean {
  const left = nameWords(a);
  const right = nameWords(b);
  if (left.join('') === right.join('')) return true;
  if (left.length !== right.length) return false;
  return left.every((word, i) => {
    const other = right[i] ?? '';
    return (
      word === other ||
      (word.length === 1 && other.startsWith(word)) ||
      (other.length === 1 && word.startsWith(other))
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Duplicates within one file

/**
 * A set of integer keys (each below 2^53) with an int value per key, in typed arrays with open
 * addressing: about 12 bytes per slot, against 50–80 bytes per entry for a `Map` whose large number
 * keys are boxed. Measured for 300,000 rows: ~6 MB per index, against ~18 MB for a `Map<number, number>`.
 */
class IntegerIndex {
  private keys: Float64Array;
  /** Value + 1; 0 marks an empty slot. */
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1 << 12) {
    this.keys = new Float64Array(initialCapacity);
    this.values = new Int32Array(initialCapacity);
    this.mask = initialCapacity - 1;
  }

  /** The value stored under `key`, or else stores `value` there and returns undefined. */
  claim(key: number, value: number): number | undefined {
    let slot = hashInteger(key) & this.mask;
    for (;;) {
      const stored = this.values[slot] ?? 0;
      if (stored === 0) break;
      if (this.keys[slot] === key) return stored - 1;
      slot = (slot + 1) & this.mask;
    }
    this.keys[slot] = key;
    this.values[slot] = value + 1;
    this.count++;
    if (this.count * 10 > this.values.length * 7) this.grow();
    return undefined;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Float64Array(oldKeys.length * 2);
    this.values = new Int32Array(oldValues.length * 2);
    this.mask = this.values.length - 1;
    for (let i = 0; i < oldValues.length; i++) {
      const stored = oldValues[i] ?? 0;
      if (stored === 0) continue;
      const key = oldKeys[i] ?? 0;
      let slot = hashInteger(key) & this.mask;
      while ((this.values[slot] ?? 0) !== 0) slot = (slot + 1) & this.mask;
      this.keys[slot] = key;
      this.values[slot] = stored;
    }
  }
}

/** Mixes both 32-bit halves of an integer below 2^53 (murmur3 finaliser). */
function hashInteger(key: number): number {
  let h = Math.imul(key >>> 0, 0x9e3779b1) ^ Math.imul((key / 0x1_0000_0000) >>> 0, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h;
}

/**
 * Digit strings → first row. A string becomes an exact integer key when it fits below 2^53: a NIK
 * as itself (16 digits, never a leading zero, and below 2^53 for every province up to 89), an
 * account with a `1` in front so that leading zeros and length still count. Anything longer goes to
 * a string-keyed Map (NIKs of Papua, 16-digit accounts), which stays small in practice.
 */
class DigitIndex {
  private readonly numbers = new IntegerIndex();
  private readonly strings = new Map<string, number>();

  constructor(private readonly keepLeadingZeros: boolean) {}

  claim(digits: string, row: number): number | undefined {
    const key = Number(this.keepLeadingZeros ? `1${digits}` : digits);
    if (Number.isSafeInteger(key)) return this.numbers.claim(key, row);
    const first = this.strings.get(digits);
    if (first === undefined) this.strings.set(digits, row);
    return first;
  }
}

/**
 * Finds, across one file, a NIK that appears twice (an error on the later row: a person is listed
 * once) and an account used by two different NIKs (a warning: usually a copy-paste slip, sometimes
 * a family sharing an account, which the verifiers should see). Feed it the accepted rows in file
 * order. Memory stays small for 300,000 rows (see {@link IntegerIndex}).
 */
export class FileDuplicateTracker {
  private readonly niks = new DigitIndex(false);
  private readonly accounts = new DigitIndex(true);

  /** Problems of this row against the rows seen before; records the row when its NIK is new. */
  check(recipient: Recipient, sourceRow: number): Issue[] {
    const firstNikRow = this.niks.claim(recipient.nik, sourceRow);
    if (firstNikRow !== undefined) {
      return [
        issueError(
          'nik',
          'NIK_DUPLICATE',
          `NIK sudah ada di baris ${firstNikRow}. Setiap penerima hanya boleh tercantum satu kali dalam daftar: hapus salah satu baris, atau perbaiki NIK bila salah ketik.`,
        ),
      ];
    }
    // This NIK is new, so an account seen before belongs to another NIK.
    const firstAccountRow = this.accounts.claim(recipient.noRekening, sourceRow);
    if (firstAccountRow !== undefined) {
      return [
        issueWarning(
          'no_rekening',
          'ACCOUNT_DUPLICATE',
          `${COLUMN_LABELS.no_rekening} yang sama sudah dipakai penerima lain (NIK berbeda) di baris ${firstAccountRow}. Pastikan setiap penerima memakai rekening atas namanya sendiri.`,
        ),
      ];
    }
    return [];
  }
}
