/**
 * Writes a desa's verval sheet (`shared/domain/family/verval-sheet.ts`) as XLSX with ExcelJS's
 * streaming writer: each row is committed to the ZIP stream as it is written, strings are inline (a
 * shared-strings table would hold every NIK and No KK until the end), so memory holds the sorted
 * rows of one desa and little else.
 *
 * NIK and No KK columns are Text (`@`) and written as strings, so Excel neither rounds a 16-digit
 * number nor turns it into `6.2E+15`, and a NIK the relawan types into `NIK Penerima` stays text.
 * `Hasil Verval` carries a list validation of the seven results, `Tanggal Verval` a format hint;
 * nothing is locked (the relawan
 * fills the sheet, and a protected sheet only makes them copy it to a fresh one).
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { VERVAL_RESULTS } from '../domain/family/verval.ts';
import {
  cellValue,
  type SheetColumn,
  VERVAL_DATE_HINT,
  type VervalSheet,
} from '../domain/family/verval-sheet.ts';

export const VERVAL_SHEET_NAME = 'Verval';
export const VERVAL_GUIDE_SHEET_NAME = 'Petunjuk';

/** The list validation of `Hasil Verval`: the seven result codes, and what Excel says otherwise. */
export const HASIL_VALIDATION: ExcelJS.DataValidation = {
  type: 'list',
  allowBlank: true,
  formulae: [`"${VERVAL_RESULTS.join(',')}"`],
  showErrorMessage: true,
  errorStyle: 'stop',
  errorTitle: 'Hasil verval tidak dikenal',
  error: `Pilih salah satu: ${VERVAL_RESULTS.join(', ')}. Lihat lembar Petunjuk untuk artinya.`,
  showInputMessage: true,
  promptTitle: 'Hasil verval',
  prompt: 'Pilih hasil kunjungan dari daftar.',
};

/**
 * `Tanggal Verval` is a Text cell, not a date cell: Excel reads a typed `05-01-2027` by the
 * computer's locale (5 January in Indonesian, May 1 in English), while text keeps what the relawan
 * wrote, which the import reads day first. A date pasted from elsewhere still arrives as a date
 * (a serial, for the streaming reader), which the import reads too. The check only warns.
 */
const TANGGAL_VALIDATION: ExcelJS.DataValidation = {
  type: 'textLength',
  operator: 'between',
  allowBlank: true,
  formulae: [8, 10],
  showErrorMessage: true,
  errorStyle: 'warning',
  errorTitle: 'Tanggal verval',
  error: `Tulis tanggal sebagai ${VERVAL_DATE_HINT}, mis. 15-01-2027.`,
  showInputMessage: true,
  promptTitle: 'Tanggal verval',
  prompt: `Tulis sebagai ${VERVAL_DATE_HINT}, mis. 15-01-2027.`,
};

const FILL_COLOR: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF9DB' } };
const HEADER_COLOR: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E2F3' } };
const THIN: ExcelJS.Border = { style: 'thin', color: { argb: 'FFBFBFBF' } };
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/** Rows between drains of the ZIP stream (the streaming writer has no back-pressure of its own). */
const DRAIN_EVERY = 500;

/** Writes `sheet` to `out` and resolves once the workbook is complete. */
export async function writeVervalSheetXlsx(
  sheet: VervalSheet,
  out: Writable,
  meta: { readonly createdAt: Date } = { createdAt: new Date() },
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: true,
  });
  workbook.creator = 'KHBS';
  workbook.created = meta.createdAt;
  workbook.modified = meta.createdAt;

  const headerRow = sheet.titleRows.length + 2; // the title lines, one blank line, the header
  const worksheet = workbook.addWorksheet(VERVAL_SHEET_NAME, {
    views: [{ state: 'frozen', xSplit: 3, ySplit: headerRow, topLeftCell: `D${headerRow + 1}` }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  worksheet.columns = sheet.columns.map((column) => ({
    width: column.width,
    style: columnStyle(column),
  }));

  sheet.titleRows.forEach((text, index) => {
    const row = worksheet.getRow(index + 1);
    row.getCell(1).value = text;
    row.font = { bold: index === 0, size: index === 0 ? 13 : 11 };
    row.commit();
  });

  const header = worksheet.getRow(headerRow);
  sheet.columns.forEach((column, index) => {
    const cell = header.getCell(index + 1);
    cell.value = column.header;
    cell.font = { bold: true };
    cell.fill = column.fill ? FILL_COLOR : HEADER_COLOR;
    cell.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
    cell.border = BORDER;
    cell.numFmt = '@';
  });
  header.height = 32;
  header.commit();

  let rowNumber = headerRow;
  for (const data of sheet.rows) {
    rowNumber++;
    const row = worksheet.getRow(rowNumber);
    sheet.columns.forEach((column, index) => {
      const cell = row.getCell(index + 1);
      const value = cellValue(data, column.key);
      // Every cell of the table gets its style explicitly: the streaming writer does not apply the
      // column's style to cells it writes, and the relawan's cells must already be Text.
      cell.style = columnStyle(column);
      if (value !== undefined && value !== '') {
        cell.value = column.kind === 'id' || column.kind === 'lines' ? String(value) : value;
      }
      if (column.kind === 'result') cell.dataValidation = HASIL_VALIDATION;
      if (column.kind === 'date') cell.dataValidation = TANGGAL_VALIDATION;
    });
    row.commit();
    if (rowNumber % DRAIN_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  worksheet.commit();

  writeGuide(workbook, sheet);
  await workbook.commit();
}

function columnStyle(column: SheetColumn): Partial<ExcelJS.Style> {
  const style: Partial<ExcelJS.Style> = {
    border: BORDER,
    alignment: { vertical: 'top', wrapText: column.kind === 'lines' || column.kind === 'text' },
  };
  // Everything but the two counts is Text, so Excel reformats nothing the system or the relawan writes.
  if (column.kind !== 'number' && column.kind !== 'count') style.numFmt = '@';
  if (column.kind === 'number' || column.kind === 'count') style.numFmt = '0';
  if (column.fill) style.fill = FILL_COLOR;
  return style;
}

function writeGuide(workbook: ExcelJS.stream.xlsx.WorkbookWriter, sheet: VervalSheet): void {
  const guide = workbook.addWorksheet(VERVAL_GUIDE_SHEET_NAME);
  guide.columns = [{ width: 20 }, { width: 30 }, { width: 90 }];
  let rowNumber = 0;
  const line = (values: string[], font?: Partial<ExcelJS.Font>) => {
    const row = guide.getRow(++rowNumber);
    values.forEach((value, index) => {
      const cell = row.getCell(index + 1);
      cell.value = value;
      cell.alignment = { wrapText: true, vertical: 'top' };
    });
    if (font) row.font = font;
    row.commit();
  };
  line([sheet.guide.title], { bold: true, size: 13 });
  rowNumber++;
  line(['Kode Hasil', 'Arti', 'Ketentuan'], { bold: true });
  for (const result of sheet.guide.results) line([result.code, result.meaning, result.rule]);
  rowNumber++;
  line(['Aturan pengisian'], { bold: true });
  for (const [index, rule] of sheet.guide.rules.entries()) {
    guide.mergeCells(`B${rowNumber + 1}:C${rowNumber + 1}`);
    line([`${index + 1}.`, rule]);
  }
  guide.commit();
}
