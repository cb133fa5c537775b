/**
 * The card status file (issue #15, families.md "card print file / card status"): the printer's
 * report of the cards it printed, or an office's list of cards handed out (DIBAGIKAN), one row per
 * card. Blocking and replacing are not taken from a file: each needs a person and a reason, through
 * their routes. Pure: the import applies each row to the stored card (`cardStatusDecision`).
 */
import { RUNNING_NUMBER } from '../columns.ts';
import { parseDayDate } from '../dates.ts';
import { headerReader } from '../header.ts';
import type { RowProblem } from '../report.ts';
import { compactKey, foldSpaces } from '../text.ts';
import { CARD_STATUS_LABEL, type CardStatus, cardMayMove, normalizeCardNumber } from './distribution.ts';

export const CARD_STATUS_COLUMNS = ['no_kartu', 'status', 'tanggal', 'keterangan'] as const;
export type CardStatusColumn = (typeof CARD_STATUS_COLUMNS)[number];

export const CARD_STATUS_COLUMN_LABELS: Readonly<Record<CardStatusColumn, string>> = {
  no_kartu: 'Nomor Kartu',
  status: 'Status',
  tanggal: 'Tanggal',
  keterangan: 'Keterangan',
};

const CARD_STATUS_ALIASES: Readonly<Record<CardStatusColumn, readonly string[]>> = {
  no_kartu: ['Nomor Kartu', 'No Kartu', 'No. Kartu', 'Nomor Kartu KHBS', 'No Kartu KHBS', 'Kartu'],
  status: ['Status', 'Status Kartu', 'Keterangan Status'],
  tanggal: ['Tanggal', 'Tanggal Cetak', 'Tanggal Status', 'Tgl', 'Tanggal Dibagikan', 'Tanggal Penyerahan'],
  keterangan: ['Keterangan', 'Catatan', 'Ket'],
};

/** A row is the header when it names the card and its status. */
export const CARD_STATUS_LAYOUT = {
  header: headerReader<CardStatusColumn>({
    aliases: CARD_STATUS_ALIASES,
    required: ['no_kartu', 'status', 'tanggal'],
    isHeader: (found) => found.has('no_kartu') && found.has('status'),
    ignored: RUNNING_NUMBER,
  }),
  labels: CARD_STATUS_COLUMN_LABELS,
  missingAdvice: 'Tambahkan kolom tersebut (Nomor Kartu, Status, Tanggal) lalu unggah ulang.',
  headerHint: 'Pastikan ada baris berisi judul kolom Nomor Kartu, Status dan Tanggal.',
} as const;

/** The statuses a file may report; blocking and replacing need a person and a reason (routes). */
export type FileCardStatus = Extract<CardStatus, 'DICETAK' | 'DIBAGIKAN'>;

const STATUS_SPELLINGS: ReadonlyMap<string, FileCardStatus> = new Map(
  (
    [
      ['DICETAK', ['dicetak', 'cetak', 'tercetak', 'sudahdicetak', 'printed']],
      ['DIBAGIKAN', ['dibagikan', 'bagi', 'diserahkan', 'sudahdiserahkan', 'sudahdibagikan', 'diterima']],
    ] as const
  ).flatMap(([status, spellings]) => spellings.map((spelling) => [spelling, status] as const)),
);

export interface CardStatusRow {
  readonly cardNumber: string;
  readonly status: FileCardStatus;
  /** `YYYY-MM-DD`: the day it was printed or handed over. */
  readonly tanggal: string;
  readonly keterangan?: string;
}

export type CardStatusProblem = RowProblem<CardStatusColumn>;

const error = (column: CardStatusColumn, code: string, message: string): CardStatusProblem => ({
  column,
  code,
  severity: 'error',
  message,
});

/** One row checked on its own; the card itself is the import's to read. */
export function validateCardStatusRow(
  raw: Partial<Record<CardStatusColumn, string>>,
  /** The day the file is imported (`YYYY-MM-DD`): nothing happened later. */
  today: string,
): { readonly value: CardStatusRow | undefined; readonly errors: CardStatusProblem[] } {
  const errors: CardStatusProblem[] = [];
  const numberText = foldSpaces(raw.no_kartu ?? '');
  const cardNumber = normalizeCardNumber(numberText);
  if (numberText === '') errors.push(error('no_kartu', 'KARTU_KOSONG', 'Nomor kartu wajib diisi.'));
  else if (/^\d{13,19}$/.test(numberText.replace(/[\s-]/g, ''))) {
    errors.push(
      error(
        'no_kartu',
        'BUKAN_NOMOR_KHBS',
        'Kolom ini berisi nomor kartu bank, bukan nomor Kartu KHBS (HB-…). Nomor kartu bank tidak pernah disimpan; isi dengan nomor Kartu KHBS.',
      ),
    );
  } else if (!cardNumber) {
    errors.push(
      error(
        'no_kartu',
        'NOMOR_KARTU_SALAH',
        'Nomor kartu tidak sah: ditulis seperti HB-6203-0000123-4 (angka terakhir adalah angka pemeriksa).',
      ),
    );
  }
  const statusText = compactKey(raw.status ?? '');
  const status = STATUS_SPELLINGS.get(statusText);
  if (!status) {
    errors.push(
      error(
        'status',
        statusText === '' ? 'STATUS_KOSONG' : 'STATUS_TIDAK_DIKENAL',
        statusText === ''
          ? 'Status wajib diisi: DICETAK atau DIBAGIKAN.'
          : 'Status tidak dikenal: tulis DICETAK atau DIBAGIKAN. Pemblokiran dan penggantian kartu dilakukan di layar Kartu KHBS dengan alasannya.',
      ),
    );
  }
  const year = Number(today.slice(0, 4));
  const date = parseDayDate(foldSpaces(raw.tanggal ?? ''), {
    label: 'Tanggal',
    minYear: year - 1,
    maxYear: year,
    excelSerial: true,
  });
  if (!date.ok) errors.push(error('tanggal', date.code, date.message));
  else if (date.value > today) {
    errors.push(error('tanggal', 'TANGGAL_SALAH', 'Tanggal tidak boleh setelah hari ini.'));
  }
  if (errors.length > 0 || !cardNumber || !status || !date.ok) return { value: undefined, errors };
  const keterangan = foldSpaces(raw.keterangan ?? '').slice(0, 200);
  return {
    value: { cardNumber, status, tanggal: date.value, ...(keterangan ? { keterangan } : {}) },
    errors,
  };
}

export type CardStatusDecision =
  | { readonly kind: 'move' }
  /** The card already has this status (or a later one): the row changes nothing. */
  | { readonly kind: 'unchanged'; readonly message: string }
  | { readonly kind: 'refused'; readonly code: string; readonly message: string };

/**
 * What a row does to the stored card. A card of another kabupaten than the file's is unknown (a
 * file is for one kabupaten); one reported printed after it was handed out is unchanged; a blocked
 * or replaced card moves no more. A card handed out without a printed report goes straight to
 * DIBAGIKAN: it was printed all the same.
 */
export function cardStatusDecision(
  card: { readonly status: CardStatus; readonly region: string } | undefined,
  row: Pick<CardStatusRow, 'status'>,
  region: string | undefined,
): CardStatusDecision {
  if (!card || (region !== undefined && card.region !== region)) {
    return {
      kind: 'refused',
      code: 'KARTU_TIDAK_TERCATAT',
      message: 'Kartu dengan nomor ini tidak tercatat di kabupaten/kota ini.',
    };
  }
  if (card.status === row.status || (row.status === 'DICETAK' && card.status === 'DIBAGIKAN')) {
    return {
      kind: 'unchanged',
      message: `Kartu ini sudah ${CARD_STATUS_LABEL[card.status]}; baris ini tidak mengubahnya.`,
    };
  }
  if (cardMayMove(card.status, row.status) || (card.status === 'TERDAFTAR' && row.status === 'DIBAGIKAN')) {
    return { kind: 'move' };
  }
  return {
    kind: 'refused',
    code: 'KARTU_TIDAK_AKTIF',
    message: `Kartu ini ${CARD_STATUS_LABEL[card.status]}; statusnya tidak dapat diubah menjadi ${CARD_STATUS_LABEL[row.status]}.`,
  };
}
