/**
 * A dashboard table (`dashboardSheet`) as XLSX, with ExcelJS as the verval sheet is written: a header
 * row in bold, codes as text, counts as numbers, the totals row in bold. A province's ~1,600 desa
 * are a few tens of KB: written in memory.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';

export async function dashboardXlsx(
  sheet: { readonly header: readonly string[]; readonly rows: readonly (readonly (string | number)[])[] },
  title: string,
  createdAt: Date,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  workbook.creator = 'KHBS';
  workbook.created = createdAt;
  const worksheet = workbook.addWorksheet('Dasbor', { views: [{ state: 'frozen', ySplit: 2 }] });
  worksheet.columns = sheet.header.map((_, index) => ({ width: index === 1 ? 32 : index === 0 ? 16 : 14 }));
  const titleRow = worksheet.addRow([title]);
  titleRow.font = { bold: true };
  titleRow.commit();
  const header = worksheet.addRow([...sheet.header]);
  header.font = { bold: true };
  header.commit();
  sheet.rows.forEach((cells, index) => {
    const row = worksheet.addRow([...cells]);
    row.getCell(1).numFmt = '@';
    if (index === sheet.rows.length - 1) row.font = { bold: true };
    row.commit();
  });
  worksheet.commit();
  await workbook.commit();
  return Buffer.concat(chunks);
}
