import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { exactCellDigits } from '../domain/nik.ts';
import { FileRejection, formatMegabytes, type SourceRecord } from './source.ts';

export interface XlsxLimits {
  /** Sum of the uncompressed sizes of all parts of the workbook. */
  readonly maxUncompressedBytes: number;
  /** Largest compression ratio allowed for a part bigger than 1 MB (decompression bombs). */
  readonly maxRatio: number;
}

/** An XLSX record also says which worksheet it came from (header search restarts per sheet). */
export interface XlsxRecord extends SourceRecord {
  readonly sheet: number;
}

const MAX_ENTRIES = 10_000;
const RATIO_FLOOR_BYTES = 1024 * 1024;

/**
 * Reads an XLSX workbook row by row. The ZIP container needs random access (its directory is at
 * the end), so the object is first spooled to a private temporary file (bounded by the file-size
 * limit the caller already enforces); the ZIP directory is then checked against the limits before a
 * single byte is inflated, and the sheets are read with ExcelJS's streaming reader, so memory stays
 * bounded by one row plus the shared-strings table.
 */
export async function* readXlsxRecords(input: Readable, limits: XlsxLimits): AsyncGenerator<XlsxRecord> {
  const dir = await mkdtemp(join(tmpdir(), 'khbs-xlsx-'));
  const file = join(dir, 'upload.xlsx');
  try {
    await pipeline(input, createWriteStream(file, { mode: 0o600 }));
    await inspectZip(file, limits);
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'ignore',
      entries: 'ignore',
    });
    let sheet = 0;
    try {
      for await (const worksheet of reader) {
        sheet++;
        for await (const row of worksheet) {
          const values = Array.isArray(row.values) ? row.values : [];
          // ExcelJS row values are 1-based and sparse.
          const cells: string[] = [];
          for (let column = 1; column < values.length; column++) cells.push(cellText(values[column]));
          yield { sheet, row: row.number, cells };
        }
      }
    } catch (error) {
      if (error instanceof FileRejection) throw error;
      throw unreadable();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Refuses a workbook whose ZIP directory announces more than the limits allow, before anything is
 * inflated: too many parts, too large in total, or a part that inflates more than `maxRatio` times.
 */
export async function inspectZip(file: string, limits: XlsxLimits): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (error, opened) =>
      error || !opened ? reject(notXlsx()) : resolve(opened),
    ),
  );
  let total = 0;
  let entries = 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (rejection: FileRejection) => {
      zip.close();
      reject(rejection);
    };
    zip.on('error', () => fail(notXlsx()));
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      entries++;
      total += entry.uncompressedSize;
      if (entries > MAX_ENTRIES) return fail(unsafe(`berisi lebih dari ${MAX_ENTRIES} bagian`));
      if (entry.isEncrypted()) return fail(unsafe('terenkripsi atau dilindungi kata sandi'));
      if (total > limits.maxUncompressedBytes) {
        return fail(
          unsafe(`isinya melebihi ${formatMegabytes(limits.maxUncompressedBytes)} setelah diekstrak`),
        );
      }
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
      if (entry.uncompressedSize > RATIO_FLOOR_BYTES && ratio > limits.maxRatio) {
        return fail(unsafe(`rasio kompresinya tidak wajar (${Math.round(ratio)}:1)`));
      }
      zip.readEntry();
    });
    zip.readEntry();
  });
  if (entries === 0) throw notXlsx();
}

/** The text an operator sees in the cell, whatever ExcelJS made of it. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) {
      return value.richText.map((part: unknown) => cellText((part as { text?: unknown }).text)).join('');
    }
    if ('result' in value) return cellText(value.result);
    if ('text' in value) return cellText(value.text);
    if ('error' in value) return '';
  }
  return String(value);
}

/**
 * The text of a number cell. A whole number whose digits are certainly the ones meant
 * ({@link exactCellDigits}: up to 15 digits, or 16 digits below 2^53 not ending in 0, as a program
 * writes a NIK or an account number) comes out digit for digit, so `6203011203850001` stays that
 * NIK. A long one that may have lost its last digit to Excel (16 digits ending in 0, or 2^53 and
 * above) comes out in scientific form, `6.20301120385E+15`, so that validation refuses it with the
 * Excel explanation instead of accepting a wrong NIK or account. Never `Number#toString()` for those:
 * it would print `6203011203850000` for a damaged NIK and look like a real one.
 */
export function numberText(value: number): string {
  if (!Number.isInteger(value)) return String(value);
  const exact = exactCellDigits(value);
  if (exact !== undefined) return exact;
  if (Math.abs(value) < 1e15) return String(value); // a negative whole number: shown as it is
  return value.toExponential().toUpperCase();
}

const unsafe = (why: string) =>
  new FileRejection(
    'XLSX_UNSAFE',
    `Berkas XLSX ditolak karena ${why}. Simpan ulang dari Excel sebagai .xlsx biasa.`,
  );

const notXlsx = () =>
  new FileRejection(
    'FORMAT_UNSUPPORTED',
    'Berkas bukan XLSX yang sah (mungkin format .xls lama atau rusak). Buka di Excel dan simpan sebagai "Excel Workbook (.xlsx)" atau CSV.',
  );

const unreadable = () =>
  new FileRejection(
    'FILE_UNREADABLE',
    'Isi berkas XLSX tidak dapat dibaca. Buka di Excel, simpan ulang sebagai .xlsx, lalu unggah kembali.',
  );
