/**
 * One line of each DTSEN file, checked: what is kept, what is refused and why, in Bahasa Indonesia.
 * Like the recipient import, every problem of a row is reported (one round of corrections), an
 * error keeps the row out and a warning lets it in. Numbers that make a family ineligible but are
 * still the family's key (a No KK or a NIK with an impossible date part) are kept and marked, so
 * that eligibility can say why the family is out instead of the family silently missing.
 *
 * Personal data: messages never quote a NIK, a No KK or a name.
 */
import { parseDayDate } from '../dates.ts';
import { cleanDigits, isScientificNotation, parseNik } from '../nik.ts';
import { nameProblem } from '../recipient-row.ts';
import type { RowProblem } from '../report.ts';
import { foldSpaces } from '../text.ts';
import type { RegionCode } from '../wilayah.ts';
import type { FamilyColumn, MemberColumn } from './dtsen-columns.ts';
import {
  DUKCAPIL_SHDK,
  parseRelationship,
  type Relationship,
  type RelationshipCodeList,
} from './hubungan.ts';
import { placeFamily } from './place.ts';

export type FamilyProblem = RowProblem<FamilyColumn>;
export type MemberProblem = RowProblem<MemberColumn>;

export interface FamilyRow {
  readonly noKk: string;
  /** False when the number has a KK's length but not its structure: kept, and excluded by eligibility. */
  readonly kkValid: boolean;
  readonly kecamatanCode: string;
  readonly desaCode: string;
  readonly alamat?: string;
  readonly namaKepalaKeluarga?: string;
  readonly jumlahAnggota?: number;
  readonly desil: number;
}

export interface MemberRow {
  readonly noKk: string;
  readonly kkValid: boolean;
  readonly nik: string;
  readonly nikValid: boolean;
  readonly nama: string;
  /** ISO `YYYY-MM-DD`. */
  readonly tanggalLahir: string;
  readonly jenisKelamin?: 'L' | 'P';
  readonly hubungan: Relationship;
}

export interface Checked<T, P> {
  /** Undefined when an error keeps the row out. */
  readonly value: T | undefined;
  readonly errors: P[];
  readonly warnings: P[];
}

const error = <C extends string>(column: C | null, code: string, message: string): RowProblem<C> => ({
  column,
  code,
  severity: 'error',
  message,
});
const warning = <C extends string>(column: C | null, code: string, message: string): RowProblem<C> => ({
  column,
  code,
  severity: 'warning',
  message,
});

/** Rows older than this many years of birth are not people (a typo in the year). */
const OLDEST_BIRTH_YEAR = 1900;

/**
 * A No KK: `PP KK CC DDMMYY SSSS` like a NIK (families.md), the date part the day the card was
 * issued (no +40). Refused when it cannot be a key (empty, Excel's scientific notation, not 16
 * digits); kept but marked invalid when its structure is impossible.
 */
export function parseNoKk<C extends string>(
  raw: string,
  column: C,
): { readonly noKk?: string; readonly valid: boolean; readonly problem?: RowProblem<C> } {
  const { value } = cleanDigits(raw);
  if (value === '')
    return {
      valid: false,
      problem: error(column, 'NO_KK_REQUIRED', 'No KK wajib diisi: 16 angka sesuai Kartu Keluarga.'),
    };
  if (isScientificNotation(raw) || isScientificNotation(value)) {
    return {
      valid: false,
      problem: error(
        column,
        'NO_KK_SCIENTIFIC',
        'No KK tertulis sebagai angka ilmiah (seperti 6.2031E+15) karena kolomnya di Excel berformat angka; angka terakhirnya sudah hilang. Ambil ulang ekstrak dengan kolom No KK sebagai teks.',
      ),
    };
  }
  if (!/^\d{16}$/.test(value)) {
    return {
      valid: false,
      problem: error(
        column,
        /^\d+$/.test(value) ? 'NO_KK_LENGTH' : 'NO_KK_INVALID_CHARS',
        /^\d+$/.test(value)
          ? `No KK harus 16 angka, tetapi yang tertulis ${value.length} angka.`
          : 'No KK hanya boleh berisi angka.',
      ),
    };
  }
  const day = Number(value.slice(6, 8));
  const month = Number(value.slice(8, 10));
  const structureOk =
    value.slice(2, 4) !== '00' &&
    value.slice(4, 6) !== '00' &&
    day >= 1 &&
    day <= 31 &&
    month >= 1 &&
    month <= 12 &&
    !value.endsWith('0000');
  if (!structureOk) {
    return {
      noKk: value,
      valid: false,
      problem: warning(
        column,
        'NO_KK_TIDAK_SAH',
        'Susunan No KK tidak mungkin (kode wilayah 00, tanggal terbit tidak ada, atau nomor urut 0000). Baris disimpan, tetapi keluarga ini tidak akan lolos kelayakan sampai No KK diperbaiki di Dukcapil.',
      ),
    };
  }
  return { noKk: value, valid: true };
}

/** Checks one line of the families file of `region`'s extract. */
export function validateFamilyRow(
  raw: Partial<Record<FamilyColumn, string>>,
  region: RegionCode,
): Checked<FamilyRow, FamilyProblem> {
  const cell = (column: FamilyColumn) => foldSpaces(raw[column] ?? '');
  const errors: FamilyProblem[] = [];
  const warnings: FamilyProblem[] = [];
  const add = (problem: FamilyProblem | undefined) => {
    if (problem) (problem.severity === 'error' ? errors : warnings).push(problem);
  };

  const kk = parseNoKk(raw.no_kk ?? '', 'no_kk');
  add(kk.problem);

  const placed = placeFamily(region, {
    kabupatenCode: cell('kode_kabupaten'),
    kabupatenName: cell('kabupaten'),
    kecamatanCode: cell('kode_kecamatan'),
    kecamatanName: cell('kecamatan'),
    desaCode: cell('kode_desa'),
    desaName: cell('desa'),
  });
  if (!placed.ok) {
    const column: FamilyColumn = placed.code.startsWith('KABUPATEN')
      ? 'kabupaten'
      : placed.code.startsWith('KECAMATAN')
        ? 'kecamatan'
        : 'desa';
    add(error(column, placed.code, placed.message));
  } else {
    for (const note of placed.notes) {
      add(
        warning(
          note.code === 'KODE_KECAMATAN_DIABAIKAN'
            ? 'kode_kecamatan'
            : note.code === 'KODE_DESA_DIABAIKAN'
              ? 'kode_desa'
              : 'desa',
          note.code,
          note.message,
        ),
      );
    }
  }

  const desilText = cell('desil_nasional');
  const desil = /^(?:10|[1-9])(?:\.0+)?$/.test(desilText) ? Number.parseInt(desilText, 10) : undefined;
  if (desil === undefined) {
    add(
      error(
        'desil_nasional',
        desilText === '' ? 'DESIL_REQUIRED' : 'DESIL_INVALID',
        desilText === ''
          ? 'Desil nasional wajib diisi (1–10) sesuai DTSEN.'
          : `Desil nasional "${desilText.slice(0, 10)}" tidak sah: harus bilangan bulat 1–10 sesuai DTSEN.`,
      ),
    );
  }

  const countText = cell('jumlah_anggota');
  let jumlahAnggota: number | undefined;
  if (countText !== '') {
    jumlahAnggota = /^\d{1,2}$/.test(countText) && Number(countText) >= 1 ? Number(countText) : undefined;
    if (jumlahAnggota === undefined) {
      add(
        warning(
          'jumlah_anggota',
          'JUMLAH_ANGGOTA_INVALID',
          `Jumlah anggota "${countText.slice(0, 10)}" tidak sah dan diabaikan; jumlah dihitung dari berkas anggota.`,
        ),
      );
    }
  }

  const head = cell('nama_kepala_keluarga');
  const headProblem = head === '' ? undefined : nameProblem(head);
  if (headProblem)
    add(
      warning(
        'nama_kepala_keluarga',
        'NAMA_KEPALA_TIDAK_SAH',
        `${headProblem.message} Nama diabaikan; nama kepala keluarga diambil dari berkas anggota.`,
      ),
    );

  if (errors.length > 0 || kk.noKk === undefined || !placed.ok || desil === undefined) {
    return { value: undefined, errors, warnings };
  }
  const alamat = cell('alamat');
  return {
    value: {
      noKk: kk.noKk,
      kkValid: kk.valid,
      kecamatanCode: placed.kecamatan.code,
      desaCode: placed.desa.code,
      ...(alamat !== '' ? { alamat: alamat.slice(0, 200) } : {}),
      ...(head !== '' && !headProblem ? { namaKepalaKeluarga: head } : {}),
      ...(jumlahAnggota !== undefined ? { jumlahAnggota } : {}),
      desil,
    },
    errors,
    warnings,
  };
}

const SEX: Readonly<Record<string, 'L' | 'P'>> = {
  l: 'L',
  lk: 'L',
  laki: 'L',
  lakilaki: 'L',
  pria: 'L',
  '1': 'L',
  p: 'P',
  pr: 'P',
  perempuan: 'P',
  wanita: 'P',
  '2': 'P',
};

export interface MemberRules {
  /** The numbered relationship list of the extract's source (Dukcapil SHDK by default). */
  readonly relationships?: RelationshipCodeList;
  /** The last year a birth date may carry (the extract's year). */
  readonly latestBirthYear: number;
}

/** Checks one line of the members file. */
export function validateMemberRow(
  raw: Partial<Record<MemberColumn, string>>,
  rules: MemberRules,
): Checked<MemberRow, MemberProblem> {
  const cell = (column: MemberColumn) => foldSpaces(raw[column] ?? '');
  const errors: MemberProblem[] = [];
  const warnings: MemberProblem[] = [];
  const add = (problem: MemberProblem | undefined) => {
    if (problem) (problem.severity === 'error' ? errors : warnings).push(problem);
  };

  const kk = parseNoKk(raw.no_kk ?? '', 'no_kk');
  add(kk.problem);

  // A NIK that cannot be read is refused; one whose structure is impossible is kept, marked.
  const parsed = parseNik(raw.nik ?? '');
  let nik: string | undefined;
  let nikValid = true;
  if (parsed.ok) nik = parsed.nik;
  else if (parsed.code === 'NIK_PROVINCE' || parsed.code === 'NIK_DATE' || parsed.code === 'NIK_SERIAL') {
    nik = cleanDigits(raw.nik ?? '').value;
    nikValid = false;
    add(
      warning(
        'nik',
        'NIK_TIDAK_SAH',
        `${parsed.message} Baris disimpan, tetapi keluarganya tidak akan lolos kelayakan sampai NIK diperbaiki.`,
      ),
    );
  } else add(error('nik', parsed.code, parsed.message));

  const nama = cell('nama');
  const problem = nameProblem(nama);
  if (problem) add(error('nama', problem.code, problem.message));

  const born = parseDayDate(cell('tanggal_lahir'), {
    label: 'Tanggal lahir',
    minYear: OLDEST_BIRTH_YEAR,
    maxYear: rules.latestBirthYear,
    excelSerial: true,
  });
  if (!born.ok) add(error('tanggal_lahir', born.code, born.message));

  const sexText = cell('jenis_kelamin');
  const jenisKelamin = SEX[sexText.toLowerCase().replace(/[^a-z0-9]/g, '')];
  if (sexText !== '' && jenisKelamin === undefined) {
    add(
      warning(
        'jenis_kelamin',
        'JENIS_KELAMIN_TIDAK_SAH',
        `Jenis kelamin "${sexText.slice(0, 12)}" tidak dikenal (L/P) dan diabaikan.`,
      ),
    );
  }

  const relationship = parseRelationship(cell('hubungan_keluarga'), rules.relationships ?? DUKCAPIL_SHDK);
  if (!relationship.ok) add(error('hubungan_keluarga', relationship.code, relationship.message));

  if (
    errors.length > 0 ||
    kk.noKk === undefined ||
    nik === undefined ||
    !born.ok ||
    !relationship.ok ||
    problem
  ) {
    return { value: undefined, errors, warnings };
  }
  return {
    value: {
      noKk: kk.noKk,
      kkValid: kk.valid,
      nik,
      nikValid,
      nama,
      tanggalLahir: born.value,
      ...(jenisKelamin ? { jenisKelamin } : {}),
      hubungan: relationship.value,
    },
    errors,
    warnings,
  };
}
