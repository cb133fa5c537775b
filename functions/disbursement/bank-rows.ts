import {
  BANK_COLUMN_LABELS,
  type BankColumn,
  type BankHeaderMatch,
  detectBankHeader,
} from '#shared/domain/bank-report.ts';
import { HEADER_SEARCH_ROWS } from '#shared/import/rows.ts';
import { FileRejection, type SourceRecord } from '#shared/import/source.ts';

/** A data line of a bank report keyed by column, with the row number Excel shows. */
export interface BankRawRow {
  readonly sourceRow: number;
  readonly raw: Partial<Record<BankColumn, string>>;
}

/**
 * The bank report's counterpart of `toRows` (`shared/import/rows.ts`), with the bank's columns:
 * finds the header row within the first {@link HEADER_SEARCH_ROWS} rows (below any title rows),
 * then yields every following non-blank record. A report with no recognisable header, or one that
 * lacks a required column, is refused as a whole.
 */
export async function* bankRows(
  records: AsyncIterable<SourceRecord>,
  onHeader?: (header: BankHeaderMatch) => void,
): AsyncGenerator<BankRawRow> {
  let header: BankHeaderMatch | undefined;
  let searched = 0;
  let sawAnything = false;
  for await (const record of records) {
    if (header) {
      if (isBlank(record.cells)) continue;
      const raw: Partial<Record<BankColumn, string>> = {};
      for (const [index, column] of header.columns) {
        const cell = record.cells[index];
        if (cell !== undefined && cell !== '') raw[column] = cell;
      }
      yield { sourceRow: record.row, raw };
      continue;
    }
    if (searched >= HEADER_SEARCH_ROWS) break;
    searched++;
    if (isBlank(record.cells)) continue;
    sawAnything = true;
    const match = detectBankHeader(record.cells);
    if (!match) continue;
    if (match.missing.length > 0) {
      throw new FileRejection(
        'COLUMNS_MISSING',
        `Kolom wajib tidak ditemukan pada baris judul (baris ${record.row}): ${match.missing.map((column) => BANK_COLUMN_LABELS[column]).join(', ')}. ` +
          'Minta laporan penyaluran dari Bank Kalteng yang memuat kolom tersebut.',
      );
    }
    header = match;
    onHeader?.(match);
  }
  if (!header) {
    throw sawAnything
      ? new FileRejection(
          'HEADER_NOT_FOUND',
          `Baris judul kolom tidak ditemukan dalam ${HEADER_SEARCH_ROWS} baris pertama. Laporan bank harus memuat baris judul ` +
            'seperti No Referensi, No Rekening, Nama, Jumlah, Status, Tanggal Transaksi.',
        )
      : new FileRejection('EMPTY_FILE', 'Berkas kosong: tidak ada baris yang dapat dibaca.');
  }
}

const isBlank = (cells: readonly string[]) => cells.every((cell) => cell.trim() === '');
