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
import {
  type EligibilityVerdictLike,
  type MemberOfFamily,
  needsVisit,
  parseVervalResult,
  type VervalResult,
  vervalEffect,
} from './verval.ts';
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

/** Why a checked visit cannot be recorded against the family the run and the snapshot hold. */
export interface VisitRefusal {
  readonly column: 'no_kk' | 'nik_penerima';
  readonly code: string;
  readonly message: string;
}

/**
 * The answer for a No KK that is not a family of this desa in this tahap. Also the answer for a
 * family of another kabupaten, whatever desa it was sent with: the same words, so that no answer
 * tells whether a No KK exists elsewhere.
 */
export const KK_NOT_IN_DESA: VisitRefusal = {
  column: 'no_kk',
  code: 'KK_TIDAK_DI_DESA',
  message: 'No KK ini tidak termasuk keluarga desa ini pada tahap ini; periksa No KK-nya.',
};

/** A visit dated before (or as) one already recorded for the family: it changes nothing. */
export const LATER_VISIT_RECORDED = {
  code: 'HASIL_LEBIH_BARU_ADA',
  message: 'Hasil kunjungan yang lebih baru untuk keluarga ini sudah tercatat; baris ini tidak mengubahnya.',
} as const;

/**
 * Whether a family's verdict in the tahap's run is one a visit is recorded for: a family of the
 * desa that a relawan visits ({@link needsVisit}). The file import and the field route alike.
 */
export function visitRefusal(verdict: EligibilityVerdictLike | undefined): VisitRefusal | undefined {
  if (!verdict) return KK_NOT_IN_DESA;
  if (!needsVisit(verdict)) {
    return {
      column: 'no_kk',
      code: 'KK_TIDAK_DIVERVAL',
      message:
        'Keluarga ini tidak lolos pemeriksaan kelayakan karena alasan yang tidak diputuskan oleh verval (mis. desil atau daftar program lain); hasil kunjungan tidak mengubahnya.',
    };
  }
  return undefined;
}

/** What a visit records about the family: its place in the tahap and the penerima, or why not. */
export type VisitOutcome =
  | {
      readonly ok: true;
      readonly fields: {
        readonly result: VervalResult;
        readonly inTahap: boolean;
        readonly penerimaNik?: string;
        readonly penerimaChanged?: boolean;
        readonly tempatLahirPenerima?: string;
        readonly namaIbuKandungPenerima?: string;
        readonly keterangan?: string;
        readonly tanggal: string;
        readonly relawan: string;
        readonly nomorBeritaAcara: string;
      };
    }
  | ({ readonly ok: false } & VisitRefusal);

/**
 * A checked visit against the family's members (as the verval reads them on the visit's date,
 * `memberOn`): the fields of its verval record (`vervalEffect`: who the penerima is, whether the
 * family stays in), or the refusal. One definition for the file import and the field route.
 */
export function visitOutcome(visit: VervalRow, members: readonly MemberOfFamily[]): VisitOutcome {
  const effect = vervalEffect(visit.result, members, visit.penerimaNik);
  if (!effect.ok) return { ok: false, column: 'nik_penerima', code: effect.code, message: effect.message };
  return {
    ok: true,
    fields: {
      result: visit.result,
      inTahap: effect.inTahap,
      ...(effect.inTahap ? { penerimaNik: effect.penerimaNik, penerimaChanged: effect.penerimaChanged } : {}),
      ...(visit.tempatLahirPenerima ? { tempatLahirPenerima: visit.tempatLahirPenerima } : {}),
      ...(visit.namaIbuKandungPenerima ? { namaIbuKandungPenerima: visit.namaIbuKandungPenerima } : {}),
      ...(visit.keterangan ? { keterangan: visit.keterangan } : {}),
      tanggal: visit.tanggal,
      relawan: visit.relawan,
      nomorBeritaAcara: visit.nomorBeritaAcara,
    },
  };
}
