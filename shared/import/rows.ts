import type { HeaderMatch, HeaderReader } from '../domain/header.ts';
import { FileRejection, type SourceRecord } from './source.ts';

/** A data row keyed by column, with the row number the operator sees in Excel. */
export interface RawRow<C extends string> {
  readonly sourceRow: number;
  readonly raw: Partial<Record<C, string>>;
}

/** How far down a sheet the header row may sit (title rows, letterheads and blank lines above it). */
export const HEADER_SEARCH_ROWS = 30;

/** What one kind of file looks like to {@link toRows}: its header and what to say when it is wrong. */
export interface RowLayout<C extends string> {
  readonly header: HeaderReader<C>;
  /** Column names as the operator knows them, for the list of missing columns. */
  readonly labels: Readonly<Record<C, string>>;
  /** Said after the missing columns: how to get a file that has them. */
  readonly missingAdvice: string;
  /** Said when no header is found: which header row the file must have. */
  readonly headerHint: string;
}

/**
 * Finds the header row (below any title rows; in XLSX, on the first sheet that has one), then turns
 * every following non-blank record into a {@link RawRow}. A file with no recognisable header, or one
 * that lacks a required column, is refused as a whole: guessing columns would import wrong data.
 * One reader for every kind of file; `layout` says which.
 */
export async function* toRows<C extends string>(
  records: AsyncIterable<SourceRecord & { readonly sheet?: number }>,
  layout: RowLayout<C>,
  onHeader?: (header: HeaderMatch<C>) => void,
): AsyncGenerator<RawRow<C>> {
  let header: HeaderMatch<C> | undefined;
  let headerSheet: number | undefined;
  let currentSheet: number | undefined;
  let searched = 0;
  let sawAnything = false;

  for await (const record of records) {
    if (header) {
      if (record.sheet !== headerSheet) break; // only the sheet that holds the list
      if (isBlank(record.cells)) continue;
      const raw: Partial<Record<C, string>> = {};
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
    if (searched >= HEADER_SEARCH_ROWS) {
      // A CSV has one "sheet": nothing further down can be its header.
      if (record.sheet === undefined) break;
      continue; // keep looking on the next sheet
    }
    searched++;
    if (isBlank(record.cells)) continue;
    sawAnything = true;
    const match = layout.header.detect(record.cells);
    if (!match) continue;
    if (match.missing.length > 0) {
      throw new FileRejection(
        'COLUMNS_MISSING',
        `Kolom wajib tidak ditemukan pada baris judul (baris ${record.row}): ${match.missing.map((column) => layout.labels[column]).join(', ')}. ${layout.missingAdvice}`,
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
          `Baris judul kolom tidak ditemukan dalam ${HEADER_SEARCH_ROWS} baris pertama. ${layout.headerHint}`,
        )
      : new FileRejection('EMPTY_FILE', 'Berkas kosong: tidak ada baris yang dapat dibaca.');
  }
}

const isBlank = (cells: readonly string[]) => cells.every((cell) => cell.trim() === '');
