/**
 * The lines of the operator's error report (interfaces.md §1): one line per problem, opened in
 * Excel, so no cell may ever run as a formula.
 */
import { COLUMN_LABELS } from './columns.ts';
import type { Issue, Severity } from './issues.ts';

/** Header of the report: row, column, code, level, message. */
export const REPORT_COLUMNS = ['baris', 'kolom', 'kode', 'tingkat', 'pesan'] as const;

/** How the report names each severity. */
export const SEVERITY_LABELS: Readonly<Record<Severity, string>> = { error: 'galat', warning: 'peringatan' };

/**
 * Characters that make a spreadsheet treat a cell as a formula (OWASP, CSV injection): `=`, `+`,
 * `-`, `@`, tab and carriage return. Leading spaces are looked through, since some spreadsheet
 * programs trim them before reading the cell.
 */
const FORMULA_START = /^(?:[\t\r]|[ ]*[=+\-@])/;

/**
 * Makes a CSV cell formula-safe by prefixing a single quote to a value that starts like a formula
 * (OWASP's advice); the quote shows in the cell, and every other value passes unchanged. Quoting of
 * delimiters and double quotes is the CSV writer's job.
 */
export function safeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** A problem with one row (or the whole file, `column` null) of any kind of imported file. */
export interface RowProblem<C extends string> {
  readonly column: C | null;
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
}

/**
 * One report line for a problem: the source row as the operator sees it in Excel (empty for a
 * whole-file problem), the column by its header label (`NIK`, `Desa/Kelurahan`; `labels` of the
 * file's kind), the code, the level and the message. Every cell goes through {@link safeCell}.
 */
export function problemRow<C extends string>(
  sourceRow: number | null,
  issue: RowProblem<C>,
  labels: Readonly<Record<C, string>>,
): string[] {
  return [
    sourceRow === null ? '' : String(sourceRow),
    issue.column === null ? '' : labels[issue.column],
    issue.code,
    SEVERITY_LABELS[issue.severity],
    issue.message,
  ].map(safeCell);
}

/** {@link problemRow} of a recipient file. */
export const reportRow = (sourceRow: number | null, issue: Issue): string[] =>
  problemRow(sourceRow, issue, COLUMN_LABELS);
