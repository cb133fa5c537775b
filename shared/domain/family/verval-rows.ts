/**
 * One row of a verval result file (a filled verval sheet, or an office's own list with the same
 * columns), checked on its own: what the family's visit found, when, by whom, under which Musdes
 * minutes, and who the penerima is to be. Whether the family is in the tahap and the penerima an
 * adult member of it is the import's to check against the stored data (`vervalEffect`).
 */
import { parseDayDate } from '../dates.ts';
import { parseNik } from '../nik.ts';
import type { RowProblem } from '../report.ts';
import { foldSpaces } from '../text.ts';
import { parseNoKk } from './dtsen-rows.ts';
import { parseVervalResult, type VervalResult } from './verval.ts';
import type { VervalResultColumn } from './verval-sheet.ts';

export interface VervalRow {
  readonly noKk: string;
  readonly result: VervalResult;
  /** `YYYY-MM-DD`. */
  readonly tanggal: string;
  readonly relawan: string;
  readonly nomorBeritaAcara: string;
  readonly penerimaNik?: string;
  readonly keterangan?: string;
  readonly tempatLahirPenerima?: string;
  readonly namaIbuKandungPenerima?: string;
}

export type VervalRowProblem = RowProblem<VervalResultColumn>;

const error = (column: VervalResultColumn | null, code: string, message: string): VervalRowProblem => ({
  column,
  code,
  severity: 'error',
  message,
});

/** At most this long, any free text cell (a note, a name, a place). */
const MAX_TEXT = 200;

export function validateVervalRow(
  raw: Partial<Record<VervalResultColumn, string>>,
  /** The day the file is imported (`YYYY-MM-DD`): a visit cannot be later. */
  today: string,
): { readonly value: VervalRow | undefined; readonly errors: VervalRowProblem[] } {
  const cell = (column: VervalResultColumn) => foldSpaces(raw[column] ?? '').slice(0, MAX_TEXT);
  const errors: VervalRowProblem[] = [];

  const kk = parseNoKk(raw.no_kk ?? '', 'no_kk');
  if (kk.problem && kk.problem.severity === 'error') errors.push(kk.problem);

  const result = parseVervalResult(raw.hasil ?? '');
  if (!result.ok) errors.push(error('hasil', result.code, result.message));

  const year = Number(today.slice(0, 4));
  const date = parseDayDate(cell('tanggal'), {
    label: 'Tanggal verval',
    minYear: year - 1,
    maxYear: year,
    excelSerial: true,
  });
  if (!date.ok) errors.push(error('tanggal', date.code, date.message));
  else if (date.value > today) {
    errors.push(
      error('tanggal', 'DATE_INVALID', `Tanggal verval ${date.value} belum tiba; periksa penulisannya.`),
    );
  }

  const relawan = cell('relawan');
  if (relawan === '')
    errors.push(error('relawan', 'RELAWAN_WAJIB', 'Nama relawan yang berkunjung wajib diisi.'));
  const nomorBeritaAcara = cell('nomor_berita_acara');
  if (nomorBeritaAcara === '') {
    errors.push(
      error(
        'nomor_berita_acara',
        'BERITA_ACARA_WAJIB',
        'Nomor berita acara Musdes/Muskel wajib diisi: hasil verval berlaku setelah disepakati musyawarah desa.',
      ),
    );
  }

  let penerimaNik: string | undefined;
  if (cell('nik_penerima') !== '') {
    const nik = parseNik(raw.nik_penerima ?? '');
    if (nik.ok) penerimaNik = nik.nik;
    else errors.push(error('nik_penerima', nik.code, nik.message));
  }

  if (errors.length > 0 || kk.noKk === undefined || !result.ok || !date.ok)
    return { value: undefined, errors };
  const optional = (column: VervalResultColumn) => (cell(column) === '' ? undefined : cell(column));
  const keterangan = optional('keterangan');
  const tempatLahirPenerima = optional('tempat_lahir_penerima');
  const namaIbuKandungPenerima = optional('nama_ibu_kandung_penerima');
  return {
    value: {
      noKk: kk.noKk,
      result: result.value,
      tanggal: date.value,
      relawan,
      nomorBeritaAcara,
      ...(penerimaNik ? { penerimaNik } : {}),
      ...(keterangan ? { keterangan } : {}),
      ...(tempatLahirPenerima ? { tempatLahirPenerima } : {}),
      ...(namaIbuKandungPenerima ? { namaIbuKandungPenerima } : {}),
    },
    errors,
  };
}
