import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BAST_LAYOUT } from '#shared/domain/family/food.ts';
import type { ReportWriter } from '#shared/import/report-writer.ts';
import { RowFile } from '#shared/import/row-file.ts';

/**
 * `RowFile` with several rows in flight (the BAST import, issue #15): rows may end in any order,
 * yet the report, the first problems and the counts come out in the file's order, and no more rows
 * run at once than asked.
 */
const HEADER = 'No KK;NIK Penerima;Nama Penerima;Hubungan;Tanggal Serah Terima;Status';
const csv = (rows: number) =>
  [HEADER, ...Array.from({ length: rows }, (_, index) => `${index + 1};;;;;DITERIMA`)].join('\n');

function rowFile(text: string, inFlight: number) {
  const reported: string[][] = [];
  const report = {
    useDelimiter: () => undefined,
    addCells: async (cells: readonly string[]) => {
      reported.push([...cells]);
    },
  } as unknown as ReportWriter;
  const file = new RowFile({
    objects: { read: async () => Readable.from([Buffer.from(text)]) },
    limits: { maxFileBytes: 1_000_000, maxRows: 1_000, xlsxMaxUncompressedBytes: 1, xlsxMaxRatio: 1 },
    format: 'csv',
    layout: BAST_LAYOUT,
    report,
    heartbeat: async () => undefined,
    inFlight,
  });
  const object = { bucket: 'b', key: 'k', size: text.length, etag: 'e', eventTime: '' };
  return { file, object, reported };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RowFile with rows in flight', () => {
  it('accounts rows in file order whatever order they end in, never more than inFlight at once', async () => {
    const { file, object, reported } = rowFile(csv(12), 4);
    let running = 0;
    let most = 0;
    const result = await file.read(object, async ({ sourceRow }) => {
      running++;
      most = Math.max(most, running);
      // Later rows end first within a window.
      await tick(40 - (sourceRow % 4) * 10);
      running--;
      return {
        accepted: sourceRow % 3 !== 0,
        problems: [
          {
            column: 'no_kk',
            code: `ROW_${sourceRow}`,
            severity: sourceRow % 3 === 0 ? 'error' : 'warning',
            message: 'x',
          },
        ],
      };
    });
    expect(most).toBe(4);
    expect(result.counts).toEqual({ rows: 12, accepted: 8, rejected: 4, warnings: 8 });
    expect(result.problems.map((problem) => problem.row)).toEqual(
      Array.from({ length: 12 }, (_, index) => index + 2),
    );
    expect(reported.map((cells) => cells.find((cell) => cell.startsWith('ROW_')))).toEqual(
      Array.from({ length: 12 }, (_, index) => `ROW_${index + 2}`),
    );
  });

  it('fails with a row that fails, once the rows already started have settled', async () => {
    const { file, object } = rowFile(csv(10), 4);
    const started: number[] = [];
    let settled = 0;
    await expect(
      file.read(object, async ({ sourceRow }) => {
        started.push(sourceRow);
        await tick(sourceRow === 3 ? 1 : 20);
        settled++;
        if (sourceRow === 3) throw new Error('row 3 failed');
        return { accepted: true, problems: [] };
      }),
    ).rejects.toThrow('row 3 failed');
    expect(settled).toBe(started.length);
  });
});
