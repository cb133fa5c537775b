import { describe, expect, it } from 'vitest';
import type { Issue } from '#shared/domain/issues.ts';
import { REPORT_COLUMNS, reportRow, safeCell } from '#shared/domain/report.ts';

describe('safeCell', () => {
  it.each([
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+62812', "'+62812"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['  =HYPERLINK("http://x")', '\'  =HYPERLINK("http://x")'],
  ])('prefixes a quote to %j', (value, safe) => {
    expect(safeCell(value)).toBe(safe);
  });

  it.each(['Kumai', '12', '', 'NIK sudah ada di baris 12', 'a=b', "'quoted"])(
    'leaves %j unchanged',
    (value) => {
      expect(safeCell(value)).toBe(value);
    },
  );
});

describe('reportRow', () => {
  it('has the Indonesian header', () => {
    expect(REPORT_COLUMNS).toEqual(['baris', 'kolom', 'kode', 'tingkat', 'pesan']);
  });

  it('writes row, column label, code, level and message', () => {
    const issue: Issue = {
      column: 'desa',
      code: 'DESA_UNKNOWN',
      severity: 'error',
      message: 'Desa "X" tidak ditemukan.',
    };
    expect(reportRow(12, issue)).toEqual([
      '12',
      'Desa/Kelurahan',
      'DESA_UNKNOWN',
      'galat',
      'Desa "X" tidak ditemukan.',
    ]);
    const warning: Issue = {
      column: 'no_rekening',
      code: 'ACCOUNT_DUPLICATE',
      severity: 'warning',
      message: 'm',
    };
    expect(reportRow(3, warning)).toEqual(['3', 'No Rekening', 'ACCOUNT_DUPLICATE', 'peringatan', 'm']);
  });

  it('leaves row and column empty for a whole-file problem', () => {
    const issue: Issue = {
      column: null,
      code: 'HEADER_NOT_FOUND',
      severity: 'error',
      message: 'Baris judul tidak ditemukan.',
    };
    expect(reportRow(null, issue)).toEqual([
      '',
      '',
      'HEADER_NOT_FOUND',
      'galat',
      'Baris judul tidak ditemukan.',
    ]);
  });

  it('makes every cell formula-safe', () => {
    const issue: Issue = {
      column: 'peran',
      code: 'ROLE_UNKNOWN',
      severity: 'error',
      message: '=cmd|"/c calc"!A1',
    };
    const row = reportRow(5, issue);
    expect(row[4]).toBe('\'=cmd|"/c calc"!A1');
    for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});
