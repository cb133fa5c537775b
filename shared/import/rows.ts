import { COLUMN_LABELS, type ColumnName, detectHeader, type HeaderMatch } from '../domain/columns.ts';
import { FileRejection, type SourceRecord } from './source.ts';

/** A data row keyed by column, with the row number the operator sees in Excel. */
export interface RawRow {
  readonly sourceRow: number;
  readonly raw: Partial<Record<ColumnName, string>>;
}

/** How far down a sheet the header row may sit (title rows, letterheads and blank lines above it). */
export const HEADER_SEARCH_ROWS = 30;

/**
 * Finds the header row (below any title rows; in XLSX, on the first sheet that has one), then turns
 * every following non-blank record into a {@link RawRow}. A file with no recognisable header, or one
 * that lacks a required column, is refused as a whole: guessing columns would import wrong data.
 */
export async function* toRows(
  records: AsyncIterable<SourceRecord & { readonly sheet?: number }>,
  onHeader?: (header: HeaderMatch) => void,
): AsyncGenerator<RawRow> {
  let header: HeaderMatch | undefined;
  let headerSheet: number | undefined;
  let currentSheet: number | undefined;
  let searched = 0;
  let sawAnything = false;

  for await (const record of records) {
    if (header) {
      if (record.sheet !== headerSheet) break; // only the sheet that holds the list
      if (isBlank(record.cells)) continue;
      const raw: Partial<Record<ColumnName, string>> = {};
      for (const [index, column] of header.columns) {
        const cell = record.cells[index];
        if (cell !== undefined && cell !== '') raw[column] = cell;
      }
      yield { sourceRow: record.row, raw };
      continue;
    }
    if (record.sheet !== currentSheet) {
      currentSheet = record.sheet;
      searched = 0;
    }
    if (searched >= HEADER_SEARCH_ROWS) continue; // keep looking on the next sheet
    searched++;
    if (isBlank(record.cells)) continue;
    sawAnything = true;
    const match = detectHeader(record.cells);
    if (!match) continue;
    if (match.missing.length > 0) {
      throw new FileRejection(
        'COLUMNS_MISSING',
        `Kolom wajib tidak ditemukan pada baris judul (baris ${record.row}): ${match.missing.map((column) => COLUMN_LABELS[column]).join(', ')}. ` +
          'Tambahkan kolom tersebut dengan judul yang sesuai templat, lalu unggah ulang.',
      );
    }
    header = match;
    headerSheet = record.sheet;
    onHeader?.(match);
  }

  if (!header) {
    throw sawAnything
      ? new FileRejection(
          'HEADER_NOT_FOUND',
          `Baris judul kolom tidak ditemukan dalam ${HEADER_SEARCH_ROWS} baris pertama. Pastikan ada baris berisi judul ` +
            'kolom seperti NIK, Nama, Peran, Kecamatan, Desa, No Rekening.',
        )
      : new FileRejection('EMPTY_FILE', 'Berkas kosong: tidak ada baris yang dapat dibaca.');
  }
}

const isBlank = (cells: readonly string[]) => cells.every((cell) => cell.trim() === '');
