/**
 * The pipeline watchdog as plain rules: which proposals are stuck, which files no import picked up,
 * which decree PDFs are gone or changed, and how each is reported. No AWS here: the job
 * (`functions/watchdog/`) reads the state through its adapters and asks these rules.
 *
 * The watchdog is not the ledger (`shared/domain/reconciliation.ts`): it never looks at money, and
 * its findings hold no personal data (ids, regions, periods, statuses and S3 keys only).
 */
import { type ProposalStatus, STATUS_LABEL } from './proposal.ts';
import { safeCell } from './report.ts';

export const WATCHDOG_FINDING_KINDS = [
  'PROPOSAL_STUCK',
  'UPLOAD_NOT_IMPORTED',
  'DECREE_PDF_MISSING',
  'DECREE_PDF_MISMATCH',
] as const;
export type WatchdogFindingKind = (typeof WATCHDOG_FINDING_KINDS)[number];

/** What each kind means, in the words of the report's readers. */
export const WATCHDOG_FINDING_LABEL: Readonly<Record<WatchdogFindingKind, string>> = {
  PROPOSAL_STUCK: 'Usulan tertahan terlalu lama pada satu status',
  UPLOAD_NOT_IMPORTED: 'Berkas di bucket tanpa hasil impor (event S3 hilang atau impor gagal)',
  DECREE_PDF_MISSING: 'Berkas PDF SK tidak ditemukan',
  DECREE_PDF_MISMATCH: 'Berkas PDF SK tidak sama dengan SHA-256 yang tercatat',
};

/** The statuses a proposal waits in for someone else's work; longer than `stuckAfterDays` is reported. */
export const WATCHED_STATUSES = ['SUBMITTED', 'IN_REVIEW', 'VERIFIED', 'APPROVED'] as const;

/** Whole days between two instants (floor). */
export const daysBetween = (from: Date, to: Date): number =>
  Math.floor((to.getTime() - from.getTime()) / 86_400_000);

/** A line of the watchdog's report. */
export interface WatchdogFinding {
  readonly kind: WatchdogFindingKind;
  readonly region?: string | undefined;
  readonly period?: string | undefined;
  readonly proposalId?: string | undefined;
  readonly decreeNumber?: string | undefined;
  /** The proposal's status, or where an import stopped. */
  readonly status?: string | undefined;
  /** `YYYY-MM-DD`: since when the proposal waits, or when the file was put. */
  readonly since?: string | undefined;
  readonly days?: number | undefined;
  /** `s3://bucket/key` of the file or PDF concerned. */
  readonly object?: string | undefined;
  readonly detail?: string | undefined;
}

/**
 * A proposal waiting in a watched status for `stuckAfterDays` or longer, as a finding; undefined
 * when it is not watched or not late. Report only: hand-offs (checks, decree) are transactional
 * (an outbox written with the status change), so a message is never lost and nothing is re-sent.
 */
export function stuckProposal(
  proposal: {
    readonly proposalId: string;
    readonly region: string;
    readonly period: string;
    readonly status: ProposalStatus;
    readonly updatedAt: string;
  },
  now: Date,
  stuckAfterDays: number,
): WatchdogFinding | undefined {
  if (!(WATCHED_STATUSES as readonly string[]).includes(proposal.status)) return undefined;
  const since = new Date(proposal.updatedAt);
  if (Number.isNaN(since.getTime())) return undefined;
  const days = daysBetween(since, now);
  if (days < stuckAfterDays) return undefined;
  return {
    kind: 'PROPOSAL_STUCK',
    region: proposal.region,
    period: proposal.period,
    proposalId: proposal.proposalId,
    status: STATUS_LABEL[proposal.status],
    since: since.toISOString().slice(0, 10),
    days,
    detail: `Berstatus "${STATUS_LABEL[proposal.status]}" sejak ${since.toISOString().slice(0, 10)} (${days} hari)`,
  };
}

/** What the import record of a file says, as far as the watchdog is concerned. */
export type ImportState =
  /** Imported, or refused for good (REJECTED), or an import is running within its time. */
  | 'imported'
  /** No record: the ObjectCreated event never reached the import. */
  | 'none'
  /** Not a key the imports take (nothing to re-drive). */
  | 'foreign'
  /** Final: the import stopped after its last allowed attempt (reported, never re-driven). */
  | 'FAILED'
  /** Where an import stopped without finishing: re-driven. */
  | 'AWAITING_FILE'
  | 'PROCESSING';

/**
 * The state of a file's import from its record: `before` is the instant before which a PROCESSING
 * import is dead (longer than any import may run).
 */
export function importStateOf(
  record: { readonly status: string; readonly startedAt?: string | undefined } | undefined | 'foreign',
  before: number,
): ImportState {
  if (record === 'foreign') return 'foreign';
  if (!record) return 'none';
  if (record.status === 'FAILED' || record.status === 'AWAITING_FILE') return record.status;
  if (record.status === 'PROCESSING') {
    const since = Date.parse(record.startedAt ?? '');
    return Number.isNaN(since) || since < before ? 'PROCESSING' : 'imported';
  }
  return 'imported';
}

/** Whether a file in that state is handed to its import again (FAILED is final; imported and foreign need nothing). */
export const shouldRedrive = (state: ImportState): boolean =>
  state === 'none' || state === 'AWAITING_FILE' || state === 'PROCESSING';

/** A file no import finished, as a finding (undefined when nothing is wrong with it). */
export function lostFile(
  object: { readonly bucket: string; readonly key: string; readonly lastModified: Date },
  state: ImportState,
  redriven: boolean,
): WatchdogFinding | undefined {
  if (state === 'imported' || state === 'foreign') return undefined;
  return {
    kind: 'UPLOAD_NOT_IMPORTED',
    status: state === 'none' ? '' : state,
    since: object.lastModified.toISOString().slice(0, 10),
    object: `s3://${object.bucket}/${object.key}`,
    detail:
      (state === 'none' ? 'Tidak ada catatan impor' : `Impor berhenti pada status ${state}`) +
      (state === 'FAILED' ? ' (final: periksa alasannya pada catatan impor)' : '') +
      (redriven ? ', dikirim ulang ke fungsi impor' : ''),
  };
}

/** The report's columns (Indonesian, as the readers name them). */
export const WATCHDOG_REPORT_COLUMNS = [
  'jenis',
  'uraian',
  'wilayah',
  'periode',
  'usulan',
  'nomor_sk',
  'status',
  'sejak',
  'hari',
  'berkas',
  'keterangan',
] as const;

/**
 * A report line, every cell formula-safe. The findings carry no personal data (no NIK, name or
 * account), so nothing needs masking.
 */
export function watchdogReportLine(finding: WatchdogFinding): string[] {
  const cells = [
    finding.kind,
    WATCHDOG_FINDING_LABEL[finding.kind],
    finding.region ?? '',
    finding.period ?? '',
    finding.proposalId ?? '',
    finding.decreeNumber ?? '',
    finding.status ?? '',
    finding.since ?? '',
    finding.days === undefined ? '' : String(finding.days),
    finding.object ?? '',
    finding.detail ?? '',
  ];
  return cells.map(safeCell);
}
