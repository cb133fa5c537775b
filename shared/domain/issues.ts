import type { ColumnName } from './columns.ts';

/**
 * Every problem the import can find, by a stable English code; the operator reads the Indonesian
 * `message` next to it. Row-level codes come from {@link validateRow} and the duplicate tracker;
 * file-level codes refuse a whole file.
 */
export const ISSUE_CODES = [
  // NIK
  'NIK_REQUIRED',
  'NIK_SCIENTIFIC',
  'NIK_LENGTH',
  'NIK_INVALID_CHARS',
  'NIK_DATE',
  'NIK_SERIAL',
  'NIK_PROVINCE',
  /** Warning: registered in another region (officers move) or outside the province. */
  'NIK_OTHER_REGION',
  'NIK_DUPLICATE',
  /** Warning: the NIK was readable after removing spaces, dots or a leading apostrophe. */
  'NIK_CLEANED',
  // Name, role, place
  'NAME_REQUIRED',
  'NAME_INVALID',
  'ROLE_REQUIRED',
  'ROLE_UNKNOWN',
  'KECAMATAN_REQUIRED',
  'KECAMATAN_UNKNOWN',
  'DESA_REQUIRED',
  'DESA_UNKNOWN',
  'RT_REQUIRED',
  'RT_INVALID',
  // Account and contact
  'ACCOUNT_REQUIRED',
  'ACCOUNT_INVALID',
  /** Warning: the account holder's name differs from the recipient's. */
  'ACCOUNT_NAME_MISMATCH',
  /** Warning: another NIK in the same file has the same account. */
  'ACCOUNT_DUPLICATE',
  /** Warning: the phone number does not look Indonesian; it is left out. */
  'PHONE_INVALID',
  'REGION_MISMATCH',
  // Whole file
  'HEADER_NOT_FOUND',
  'COLUMNS_MISSING',
  'FILE_TOO_LARGE',
  'TOO_MANY_ROWS',
  'XLSX_UNSAFE',
  'FILE_UNREADABLE',
  'FORMAT_UNSUPPORTED',
  'EMPTY_FILE',
  'PROPOSAL_LOCKED',
  'UPLOAD_NOT_ALLOWED',
  'NO_VALID_ROWS',
  'INTERNAL',
] as const;

export type IssueCode = (typeof ISSUE_CODES)[number];

/**
 * The codes a row can be accepted with (warnings): what a stored recipient's `warnings` may hold,
 * and so what its list can be filtered by besides the checks' flag codes. {@link issueWarning} takes
 * only these, so a new warning cannot be added without listing it here.
 */
export const WARNING_CODES = [
  'NIK_OTHER_REGION',
  'NIK_CLEANED',
  'NAME_INVALID',
  'RT_INVALID',
  'ACCOUNT_NAME_MISMATCH',
  'ACCOUNT_DUPLICATE',
  'PHONE_INVALID',
] as const satisfies readonly IssueCode[];

export type WarningCode = (typeof WARNING_CODES)[number];

export type Severity = 'error' | 'warning';

/**
 * One problem with one row (or with the whole file, when `column` is null). An error keeps the row
 * out of the list; a warning lets it in and is shown to the operator and the verifiers.
 */
export interface Issue {
  /** The column the problem is in, or null for a whole-row or whole-file problem. */
  readonly column: ColumnName | null;
  readonly code: IssueCode;
  readonly severity: Severity;
  /**
   * In Bahasa Indonesia, specific, and saying how to fix it. Quotes the value the operator typed
   * when it is not personal data (a kecamatan, a role); never a full NIK or account number.
   */
  readonly message: string;
}

export const issueError = (column: ColumnName | null, code: IssueCode, message: string): Issue => ({
  column,
  code,
  severity: 'error',
  message,
});

export const issueWarning = (column: ColumnName | null, code: WarningCode, message: string): Issue => ({
  column,
  code,
  severity: 'warning',
  message,
});
