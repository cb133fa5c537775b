import * as z from 'zod';
import { AUDIT_ACTIONS } from './domain/audit.ts';
import { PAYMENT_STATUSES } from './domain/bank-report.ts';
import { DECREE_STATUSES } from './domain/decree.ts';
import { CARD_STATUSES, ENTITLEMENT_STATUSES } from './domain/family/distribution.ts';
import { EDC_FINDING_CODES } from './domain/family/edc.ts';
import { EXCLUSION_REASONS } from './domain/family/eligibility.ts';
import { RUN_STATUSES } from './domain/family/eligibility-summary.ts';
import { BAST_RECEIVERS, FOOD_FINDING_CODES, NOT_RECEIVED_REASONS } from './domain/family/food.ts';
import { RELATIONSHIPS } from './domain/family/hubungan.ts';
import { COMPONENTS, TAHAP_STATUSES, TahapInputSchema } from './domain/family/tahap.ts';
import { VERVAL_RESULTS } from './domain/family/verval.ts';
import { PROPOSAL_KINDS, PROPOSAL_STATUSES } from './domain/proposal.ts';
import { lazySchema } from './lazy-schema.ts';

/**
 * Shapes of the items this service stores, validated when read back (an edge like any other) and
 * shared with the API's responses.
 *
 * Each schema is built on first use ({@link lazySchema}): a function uses a few of them, and building
 * all of them at load was ~7 ms of every cold start that imports this module.
 */

export const ActorSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    sub: z.string(),
    name: z.string(),
    role: z.string(),
    /** The region of a regional role, as the person's scope had it when they acted. */
    region: z.string().optional(),
    opd: z.string().optional(),
  }),
);
export type Actor = z.infer<typeof ActorSchema>;

const PersonSchema = /* @__PURE__ */ lazySchema(() => z.object({ sub: z.string(), name: z.string() }));

export const SignoffSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    opd: z.string(),
    decision: z.literal('approve'),
    note: z.string().optional(),
    by: PersonSchema,
    at: z.string(),
  }),
);

export const ReturnNoteSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    opd: z.string(),
    note: z.string(),
    by: PersonSchema,
    at: z.string(),
  }),
);

export const ChecksSummarySchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    listId: z.string(),
    blocking: z.number().int(),
    warnings: z.number().int(),
    openBlocking: z.number().int(),
    runId: z.string(),
    startedAt: z.string().optional(),
    at: z.string(),
    /**
     * Per flag code found (codes without a finding are left out): its severity, how many recipients
     * carry it, and how many of those are still open (a blocking flag not waived; a warning is never
     * closed). Waivers keep `open` right. Absent on results recorded before it was kept.
     */
    byCode: z
      .record(
        z.string(),
        z.object({
          severity: z.enum(['blocking', 'warning']),
          count: z.number().int(),
          open: z.number().int(),
        }),
      )
      .optional(),
  }),
);

export const AuditRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    entityId: z.string(),
    seq: z.number().int().positive(),
    at: z.string(),
    actor: z.object({
      sub: z.string(),
      name: z.string(),
      role: z.string(),
      opd: z.string().optional(),
      region: z.string().optional(),
    }),
    action: z.enum(AUDIT_ACTIONS),
    fromStatus: z.string().optional(),
    toStatus: z.string().optional(),
    reason: z.string().optional(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    prevHash: z.string(),
    hash: z.string(),
  }),
);

export const UPLOAD_STATUSES = ['AWAITING_FILE', 'PROCESSING', 'COMPLETED', 'REJECTED', 'FAILED'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

export const UploadCountsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    rows: z.number().int(),
    accepted: z.number().int(),
    rejected: z.number().int(),
    warnings: z.number().int(),
  }),
);
export type UploadCounts = z.infer<typeof UploadCountsSchema>;

export const FileIssueSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ code: z.string(), message: z.string() }),
);
export type FileIssue = z.infer<typeof FileIssueSchema>;

/** How many of a file's row problems its upload record keeps (all of them are in the report). */
export const FIRST_PROBLEMS = 20;

/** A problem with one row of a file, as the import found it (the report has every one). */
export const RowProblemSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    /** The row in the source file (the header is row 1, or the sheet's own row number). */
    row: z.number().int(),
    /** The column's name in the import (`nik`, `nama`…), or null for the whole row. */
    column: z.string().nullable(),
    code: z.string(),
    severity: z.enum(['error', 'warning']),
    /** In Bahasa Indonesia; never a full NIK or account number (see `Issue`). */
    message: z.string(),
  }),
);
export type RowProblem = z.infer<typeof RowProblemSchema>;

/**
 * What every user file's import record holds (a BKK upload, a family programme file): the file,
 * who asked for it, the lease of the import (`file-claims.ts`), its counts, reasons, first problems
 * and report, and when it ran.
 */
const fileImportFields = () => ({
  filename: z.string().optional(),
  format: z.enum(['csv', 'xlsx']).optional(),
  status: z.enum(UPLOAD_STATUSES),
  createdAt: z.string(),
  createdBy: ActorSchema.optional(),
  etag: z.string().optional(),
  sizeBytes: z.number().optional(),
  sha256: z.string().optional(),
  attempts: z.number().int().default(0),
  leaseUntil: z.number().optional(),
  rowsProcessed: z.number().int().default(0),
  counts: UploadCountsSchema.optional(),
  /** Why the whole file was refused (REJECTED) or what went wrong (FAILED). */
  reasons: z.array(FileIssueSchema).default([]),
  /** The file's first {@link FIRST_PROBLEMS} row problems, errors and warnings, in file order. */
  problems: z.array(RowProblemSchema).optional(),
  reportKey: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  durationMs: z.number().optional(),
});

export const UploadRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    uploadId: z.string(),
    region: z.string(),
    period: z.string(),
    ...fileImportFields(),
    s3Key: z.string().optional(),
    proposalId: z.string().optional(),
    listId: z.string().optional(),
    /** The list did not change: this file is byte-identical to the one already applied. */
    duplicateOf: z.string().optional(),
    /** The list did not change: a newer upload had already been applied. */
    supersededBy: z.string().optional(),
  }),
);
export type UploadRecord = z.infer<typeof UploadRecordSchema>;

export const ProposalRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    proposalId: z.string(),
    /** BKK on records written before KPM lists existed. */
    kind: z.enum(PROPOSAL_KINDS).default('BKK'),
    region: z.string(),
    /** A BKK list's payment period; a KPM list's tahap (`2026-1`). */
    period: z.string(),
    revision: z.number().int(),
    status: z.enum(PROPOSAL_STATUSES),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    currentListId: z.string().optional(),
    currentUploadId: z.string().optional(),
    /** S3 event time of the applied upload: an older file never replaces a newer one. */
    currentUploadAt: z.string().optional(),
    currentSha256: z.string().optional(),
    currentEtag: z.string().optional(),
    recipientCount: z.number().int().default(0),
    countsByRole: z.record(z.string(), z.number().int()).default({}),
    warningCount: z.number().int().default(0),
    /** Hash of the newest audit record of this proposal (the chain's head, see `domain/audit.ts`). */
    lastAuditHash: z.string().optional(),
    /** Agencies (OPD) whose sign-off the proposal needs, fixed at submission. */
    requiredAgencies: z.array(z.string()).default([]),
    signoffs: z.record(z.string(), SignoffSchema).default({}),
    /** Every time an agency sent the list back, with its reasons. */
    returns: z.array(ReturnNoteSchema).default([]),
    checks: ChecksSummarySchema.optional(),
    /** Blocking flags of the current checks that are not waived. */
    openBlocking: z.number().int().default(0),
    submittedAt: z.string().optional(),
    /** Who submitted the current round: they may not review, waive or approve it. */
    submittedBy: PersonSchema.optional(),
    /** Subs of everyone who uploaded or submitted any version of the list (separation of duties). */
    authors: z.array(z.string()).optional(),
    /** Subs of everyone who signed, returned or waived in any round. */
    reviewers: z.array(z.string()).optional(),
    verifiedAt: z.string().optional(),
    decidedAt: z.string().optional(),
    decidedBy: PersonSchema.optional(),
    approvedListId: z.string().optional(),
    decreeId: z.string().optional(),
    decreedAt: z.string().optional(),
    /**
     * The last failed decree pre-flight (no number taken), also on the audit trail
     * (`DECREE_PREFLIGHT_FAILED`): a redelivered request failing for the same reason adds no record.
     */
    decreePreflightFailure: z
      .object({ listId: z.string(), codes: z.array(z.string()), reason: z.string(), at: z.string() })
      .optional(),
  }),
);
export type ProposalRecord = z.infer<typeof ProposalRecordSchema>;

/** The family of a KPM list's row: where it came from and why it is on the list. */
export const KpmFamilySchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    noKk: z.string(),
    tahapId: z.string(),
    /** The eligibility run whose verdict put the family on the list. */
    runId: z.string(),
    desil: z.number().int(),
    /** The snapshot's members (NIK, relationship, birth date): the checks' evidence. */
    members: z.array(
      z.object({ nik: z.string(), hubungan: z.enum(RELATIONSHIPS), tanggalLahir: z.string() }),
    ),
    hubunganPenerima: z.enum(RELATIONSHIPS).optional(),
    /** Drawn from the reserve list (cadangan) into a place a selected family left. */
    replacement: z.boolean().optional(),
    rank: z.number().int().optional(),
    verval: z.object({
      result: z.enum(VERVAL_RESULTS),
      tanggal: z.string(),
      nomorBeritaAcara: z.string(),
      penerimaChanged: z.boolean().optional(),
    }),
  }),
);
export type KpmFamily = z.infer<typeof KpmFamilySchema>;

export const StoredRecipientSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    recipientId: z.string(),
    row: z.number().int(),
    nik: z.string(),
    nama: z.string(),
    peran: z.string(),
    kecamatanCode: z.string(),
    kecamatan: z.string(),
    desaCode: z.string().optional(),
    desa: z.string().optional(),
    rt: z.string().optional(),
    noRekening: z.string(),
    namaRekening: z.string().optional(),
    noHp: z.string().optional(),
    warnings: z.array(z.string()).default([]),
    /** Findings of the automatic checks on this recipient (written by the checks worker). */
    flags: z
      .array(
        z.object({
          code: z.string(),
          severity: z.enum(['blocking', 'warning']),
          detail: z.string().optional(),
        }),
      )
      .optional(),
    /** Codes of `flags`, for filtering. */
    flagCodes: z.array(z.string()).optional(),
    /**
     * On a KPM list's row (issue #14), the family behind the penerima (`nik`, `nama`, `peran` KPM):
     * what the KPM checks and the decree's lampiran read. A KPM row has no account yet
     * (`noRekening` is empty): the bank opens it after the decree.
     */
    family: KpmFamilySchema.optional(),
  }),
);
export type StoredRecipient = z.infer<typeof StoredRecipientSchema>;

/** A decree (SK Gubernur): written ISSUING with its number, ISSUED once its PDF is stored. */
export const DecreeRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    decreeId: z.string(),
    /** BKK on records written before KPM decrees existed. */
    kind: z.enum(PROPOSAL_KINDS).default('BKK'),
    proposalId: z.string(),
    region: z.string(),
    /** A BKK decree's payment period; a KPM decree's tahap (`2026-1`, also in `tahapId`). */
    period: z.string(),
    /** KPM: the tahap whose families the decree fixes. */
    tahapId: z.string().optional(),
    /** The approved list the lampiran prints. */
    listId: z.string(),
    year: z.number().int(),
    seq: z.number().int().positive(),
    number: z.string(),
    status: z.enum(DECREE_STATUSES),
    verifyCode: z.string(),
    /** `YYYY-MM-DD` in WIB: the date printed on the decree. */
    decreeDate: z.string(),
    numberedAt: z.string(),
    recipientCount: z.number().int(),
    /** Filled when the lampiran is built (the amounts come from the rate table then). */
    total: z.number().int().optional(),
    byRole: z
      .array(z.object({ peran: z.string(), count: z.number().int(), amount: z.number().int() }))
      .optional(),
    ratesArePlaceholders: z.boolean().optional(),
    /** What one recipient of each role is paid under this decree (Rupiah, for the period): what reconciliation expects. */
    amountByRole: z.record(z.string(), z.number().int()).optional(),
    /** KPM: what one family receives of each component of the tahap (Rupiah), fixed with the number. */
    amountByComponent: z.record(z.string(), z.number().int()).optional(),
    /** KPM, filled when the lampiran is built: families and Rupiah per component (instead of `byRole`). */
    byComponent: z
      .array(z.object({ component: z.string(), count: z.number().int(), amount: z.number().int() }))
      .optional(),
    /** KPM: the members of every listed family together. */
    memberCount: z.number().int().optional(),
    signer: z.object({ title: z.string(), name: z.string() }),
    approvedBy: PersonSchema,
    replaces: z.object({ decreeId: z.string(), number: z.string(), revokedOn: z.string() }).optional(),
    replacedBy: z.object({ decreeId: z.string(), number: z.string() }).optional(),
    pdfKey: z.string().optional(),
    /** The version that was stored: downloads name it, so a version laid over it later is not served. */
    pdfVersionId: z.string().optional(),
    sha256: z.string().optional(),
    pages: z.number().int().optional(),
    bytes: z.number().int().optional(),
    issuedAt: z.string().optional(),
    revokedAt: z.string().optional(),
    revokedBy: PersonSchema.optional(),
    revocationReason: z.string().optional(),
  }),
);
export type DecreeRecord = z.infer<typeof DecreeRecordSchema>;

export const RECONCILIATION_STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED'] as const;

/** One reconciliation run: requested, then its summary (the report itself is in the documents bucket). */
export const ReconciliationRunSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    runId: z.string(),
    trigger: z.enum(['schedule', 'api']),
    status: z.enum(RECONCILIATION_STATUSES),
    requestedAt: z.string(),
    requestedBy: PersonSchema.optional(),
    attempt: z.number().int().default(0),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    durationMs: z.number().optional(),
    inputs: z
      .object({ decrees: z.number().int(), expected: z.number().int(), paymentLines: z.number().int() })
      .optional(),
    /** Findings per kind (`shared/domain/reconciliation.ts` FINDING_KINDS). */
    counts: z.record(z.string(), z.number().int()).optional(),
    decrees: z
      .array(
        z.object({
          decreeId: z.string(),
          number: z.string(),
          proposalId: z.string(),
          region: z.string(),
          period: z.string(),
          recipients: z.number().int(),
          expectedAmount: z.number().int(),
          paid: z.number().int(),
          paidAmount: z.number().int(),
          notPaid: z.number().int(),
          failed: z.number().int(),
          amountDiffers: z.number().int(),
          paidTwice: z.number().int(),
          toppedUp: z.number().int().default(0),
          returned: z.number().int().default(0),
          fullyPaid: z.boolean(),
        }),
      )
      .optional(),
    /** Proposals this run moved to DISBURSED. */
    disbursed: z.array(z.string()).optional(),
    reportKey: z.string().optional(),
    jsonKey: z.string().optional(),
    error: z.string().optional(),
  }),
);
export type ReconciliationRun = z.infer<typeof ReconciliationRunSchema>;

export const BANK_REPORT_STATUSES = ['PROCESSING', 'COMPLETED', 'REJECTED', 'FAILED'] as const;
export type BankReportStatus = (typeof BANK_REPORT_STATUSES)[number];

/** One payment line of a bank report, as stored (`shared/adapters/payments-repo.ts`), keyed by `bankRef`. */
export const PaymentLineSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    bankRef: z.string(),
    noRekening: z.string(),
    nik: z.string().optional(),
    nama: z.string(),
    /** Whole Rupiah. */
    amount: z.number().int(),
    /** BERHASIL, GAGAL or RETUR; a recorded status may later move (see `statusMove`). */
    status: z.enum(PAYMENT_STATUSES),
    /** `YYYY-MM-DD`. */
    transactionDate: z.string(),
    nomorSk: z.string().optional(),
    /** S3 key of the report the line was first recorded from. */
    reportKey: z.string(),
    sourceRow: z.number().int(),
  }),
);

export const BankReportCountsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    /** Data lines read (blank lines not counted). */
    lines: z.number().int(),
    /** Lines this report recorded as new payments. */
    stored: z.number().int(),
    /** Valid lines whose bank reference was already recorded with the same content: counted once. */
    duplicates: z.number().int(),
    /** Invalid lines, and lines whose reference was recorded with another amount, account or status. */
    rejected: z.number().int(),
  }),
);
export type BankReportCounts = z.infer<typeof BankReportCountsSchema>;

/** Lines of one status among those a report recorded. */
export const StatusLineCountsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    berhasil: z.number().int(),
    gagal: z.number().int(),
    retur: z.number().int(),
  }),
);

/**
 * What the lines this report recorded (`stored`: new payments and status moves) add up to, by the
 * status the report gave them: whole Rupiah per status, and the number of lines per status.
 * `gagal` is GAGAL only: a RETUR (money that reached the bank and came back) is not a failed
 * transfer, and has its own total. Records closed before `retur` and `lines` existed lack them,
 * and their `gagal` still includes RETUR amounts.
 */
export const BankReportTotalsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    /** Whole Rupiah of the lines recorded BERHASIL. */
    berhasil: z.number().int(),
    /** Whole Rupiah of the lines recorded GAGAL. */
    gagal: z.number().int(),
    /** Whole Rupiah of the lines recorded RETUR. */
    retur: z.number().int().optional(),
    /** Lines recorded, per status. */
    lines: StatusLineCountsSchema.optional(),
  }),
);
export type BankReportTotals = z.infer<typeof BankReportTotalsSchema>;

/** Versions of a report listed on its record (`redeliveries`); later ones are only counted. */
export const MAX_LISTED_REDELIVERIES = 20;

/** A different version of a completed bank report that arrived at its key: noted, never read into payments. */
export const BankReportRedeliverySchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    /** ETag of the object the event announced, without quotes. */
    etag: z.string(),
    /** Size the event announced. */
    sizeBytes: z.number(),
    /** SHA-256 of the bytes at the key when the event was handled (absent if they could not be read). */
    sha256: z.string().optional(),
    /** When S3 says the object was put (the event's time). */
    eventTime: z.string().optional(),
    /** When the import saw it. */
    seenAt: z.string(),
    /** What it means and what to do, in Bahasa Indonesia (for the operator and the auditor). */
    message: z.string(),
  }),
);
export type BankReportRedelivery = z.infer<typeof BankReportRedeliverySchema>;

/**
 * The import of one bank disbursement report, keyed by its S3 key; claimed with a lease like an
 * upload. COMPLETED is final (a repeated event changes nothing); REJECTED is re-read only when a
 * different object is put at the key; FAILED and a PROCESSING attempt whose lease ran out are retried.
 */
export const BankReportRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    /** S3 key in the uploads bucket: `disbursements/<yyyy-mm-dd>/<file>`. */
    key: z.string(),
    /** The `<yyyy-mm-dd>` folder the bank put the report in. */
    reportDate: z.string(),
    status: z.enum(BANK_REPORT_STATUSES),
    etag: z.string().optional(),
    sizeBytes: z.number().optional(),
    sha256: z.string().optional(),
    attempts: z.number().int().default(0),
    leaseUntil: z.number().optional(),
    linesProcessed: z.number().int().default(0),
    counts: BankReportCountsSchema.default({ lines: 0, stored: 0, duplicates: 0, rejected: 0 }),
    totals: BankReportTotalsSchema.default({ berhasil: 0, gagal: 0 }),
    /** The error report in the documents bucket (`reports/disbursements/…`), when there was a problem. */
    reportKey: z.string().optional(),
    /** Why the whole report was refused (REJECTED) or what went wrong (FAILED). */
    reasons: z.array(FileIssueSchema).default([]),
    createdAt: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    durationMs: z.number().optional(),
    /**
     * Events for this key after it was closed that brought nothing new (S3 redeliveries, the same
     * bytes put again): no-ops.
     */
    duplicateEvents: z.number().int().default(0),
    lastDuplicateEventAt: z.string().optional(),
    /**
     * Other versions of the report put at this key after it was COMPLETED (other bytes than the ones
     * imported): not read, the lines of the first import stay (see `BankReportsRepository.noteRedelivery`).
     * Distinct versions (by ETag), the first {@link MAX_LISTED_REDELIVERIES} listed, all counted.
     */
    redeliveries: z.array(BankReportRedeliverySchema).default([]),
    redeliveryCount: z.number().int().default(0),
    lastRedeliveryAt: z.string().optional(),
    /** Before `redeliveries`: the last different object put at this key after it was completed. */
    ignoredEtag: z.string().optional(),
  }),
);
export type BankReportRecord = z.infer<typeof BankReportRecordSchema>;

/** A family of a DTSEN snapshot, as stored (`shared/adapters/families-repo.ts`; issue #14). */
export const StoredFamilySchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    noKk: z.string(),
    /** False when the number's structure is impossible: kept, and excluded by eligibility. */
    kkValid: z.boolean(),
    kecamatanCode: z.string(),
    desaCode: z.string(),
    alamat: z.string().optional(),
    namaKepalaKeluarga: z.string().optional(),
    jumlahAnggota: z.number().int().optional(),
    desil: z.number().int(),
    /** The families file's row, as Excel shows it. */
    sourceRow: z.number().int(),
  }),
);
export type StoredFamily = z.infer<typeof StoredFamilySchema>;

/** A member of a family of a DTSEN snapshot, as stored. */
export const StoredMemberSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    noKk: z.string(),
    nik: z.string(),
    nikValid: z.boolean(),
    nama: z.string(),
    tanggalLahir: z.string(),
    jenisKelamin: z.enum(['L', 'P']).optional(),
    hubungan: z.enum(RELATIONSHIPS),
    /** The members file's row, as Excel shows it. */
    sourceRow: z.number().int(),
  }),
);
export type StoredMember = z.infer<typeof StoredMemberSchema>;

// --- Family programme files (issue #14) ---------------------------------------------------------

/**
 * The kinds of file `POST /imports` takes: the two files of a DTSEN extract (families, members), an
 * exclusion list (another programme's recipients), and later the verval results.
 */
export const IMPORT_KINDS = [
  'DTSEN_KELUARGA',
  'DTSEN_ANGGOTA',
  'PENGECUALIAN',
  'HASIL_VERVAL',
  /** The printer's (or an office's) card status file (issue #15). */
  'STATUS_KARTU',
  'BAST',
  'EDC',
  /** Bank Kalteng's answer to the account-opening requests (issue #15). */
  'JAWABAN_REKENING',
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** How an exclusion list is known: which programme, who sent it, as of which date. */
export const ExclusionListInfoSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    programme: z.string(),
    source: z.string(),
    /** `YYYY-MM-DD`: the date the list describes (a newer list of the programme, source and region replaces it). */
    asOf: z.string(),
  }),
);
export type ExclusionListInfo = z.infer<typeof ExclusionListInfoSchema>;

/** One file import of the family programme, by import id: a leased import record (`file-claims.ts`). */
export const ImportRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    importId: z.string(),
    kind: z.enum(IMPORT_KINDS),
    /** The kabupaten/kota; absent on a province-wide exclusion list. */
    region: z.string().optional(),
    ...fileImportFields(),
    s3Key: z.string(),
    /** DTSEN files: the extract's version date, `YYYY-MM-DD` (the snapshot is region + this). */
    versionDate: z.string().optional(),
    /** DTSEN members: the numbered relationship list of the source (`DUKCAPIL` by default). */
    relationshipCodes: z.string().optional(),
    /** Exclusion lists. */
    list: ExclusionListInfoSchema.optional(),
    /** Verval results: the tahap and the desa the sheet is of. */
    tahapId: z.string().optional(),
    desaCode: z.string().optional(),
  }),
);
export type ImportRecord = z.infer<typeof ImportRecordSchema>;

export const SNAPSHOT_STATUSES = ['INCOMPLETE', 'READY'] as const;
export type SnapshotStatus = (typeof SNAPSHOT_STATUSES)[number];

/** One file of a snapshot, as its import left it. */
export const SnapshotHalfSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    importId: z.string(),
    rows: z.number().int(),
    accepted: z.number().int(),
    importedAt: z.string(),
    filename: z.string().optional(),
  }),
);
export type SnapshotHalf = z.infer<typeof SnapshotHalfSchema>;

/**
 * A kabupaten's DTSEN snapshot: the pair of imports (families, members) of one version date.
 * INCOMPLETE until both are imported and cross-checked; then READY in one conditional write, and
 * from then on fixed while a tahap uses it (`usedBy`).
 */
export const SnapshotRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    region: z.string(),
    versionDate: z.string(),
    status: z.enum(SNAPSHOT_STATUSES),
    /** Incremented by every change: each write is conditional on the version it read. */
    version: z.number().int(),
    families: SnapshotHalfSchema.optional(),
    members: SnapshotHalfSchema.optional(),
    /** The cross-check of the pair now named (READY), with its findings. */
    check: z
      .object({
        families: z.number().int(),
        members: z.number().int(),
        /** Families with exactly one head and at least one member. */
        complete: z.number().int(),
        byCode: z.record(z.string(), z.number().int()),
        reportKey: z.string().optional(),
        checkedAt: z.string(),
      })
      .optional(),
    /** The tahap that use it; while any does, no import may replace a file. */
    usedBy: z.array(z.string()).optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export type SnapshotRecord = z.infer<typeof SnapshotRecordSchema>;

/** An exclusion list, once its import completed. */
export const ExclusionListRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    listId: z.string(),
    programme: z.string(),
    source: z.string(),
    asOf: z.string(),
    /** Absent on a province-wide list. */
    region: z.string().optional(),
    entries: z.number().int(),
    uploadedAt: z.string(),
    uploadedBy: ActorSchema.optional(),
    filename: z.string().optional(),
  }),
);
export type ExclusionListRecord = z.infer<typeof ExclusionListRecordSchema>;
/**
 * A tahap as stored (`shared/adapters/tahap-repo.ts`; issue #14): what the province entered
 * (`TahapInputSchema`'s fields), where it stands, and its latest eligibility run. `version` counts
 * the changes people make (creation, status, a requested run) for their conditional writes; a run's
 * own progress (`eligibility`, guarded by its run id) does not count.
 */
export const TahapRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    ...TahapInputSchema.shape,
    tahapId: z.string(),
    status: z.enum(TAHAP_STATUSES),
    version: z.number().int().positive(),
    createdAt: z.string(),
    createdBy: PersonSchema,
    /** The hash of the tahap's last audit record (the head of its chain, `AUDIT#TAHAP-<tahapId>`). */
    lastAuditHash: z.string().optional(),
    /** Who closed the tahap (SELESAI), when and why (`POST /tahap/{tahapId}/close`). */
    closed: z.object({ at: z.string(), by: PersonSchema, reason: z.string() }).optional(),
    eligibility: z
      .object({
        runId: z.string(),
        status: z.enum(RUN_STATUSES),
        requestedAt: z.string(),
        startedAt: z.string().optional(),
        finishedAt: z.string().optional(),
        families: z.number().int().optional(),
        eligible: z.number().int().optional(),
        excluded: z.number().int().optional(),
        durationMs: z.number().optional(),
        /** Why a FAILED run failed, for the people who asked (Bahasa Indonesia). */
        error: z.string().optional(),
      })
      .optional(),
  }),
);
export type TahapRecord = z.infer<typeof TahapRecordSchema>;
export type EligibilityRunState = NonNullable<TahapRecord['eligibility']>;

/** Every reason a family is excluded, as `judgeFamily` gives it (`ReasonDetail`): no NIK, positions only. */
export const ReasonDetailSchema = /* @__PURE__ */ lazySchema(() =>
  z.discriminatedUnion('reason', [
    z.object({ reason: z.literal('DESIL_DI_LUAR_RENTANG'), desil: z.number().int().nullable() }),
    z.object({
      reason: z.literal('DAFTAR_PENGECUALIAN'),
      matchedBy: z.enum(['NO_KK', 'NIK']),
      member: z.number().int().optional(),
      hubungan: z.enum(RELATIONSHIPS).optional(),
      listId: z.string(),
      programme: z.string(),
      source: z.string(),
      asOf: z.string(),
    }),
    z.object({ reason: z.literal('NO_KK_TIDAK_SAH') }),
    z.object({
      reason: z.literal('NIK_TIDAK_SAH'),
      member: z.number().int(),
      hubungan: z.enum(RELATIONSHIPS).optional(),
    }),
    z.object({
      reason: z.literal('ANGGOTA_DI_KELUARGA_LAIN'),
      member: z.number().int(),
      hubungan: z.enum(RELATIONSHIPS).optional(),
      otherNoKk: z.array(z.string()),
    }),
    z.object({ reason: z.literal('KK_DI_DUA_KABUPATEN'), otherRegions: z.array(z.string()) }),
    z.object({ reason: z.literal('TANPA_KEPALA_KELUARGA') }),
  ]),
);

/**
 * One family's verdict in one eligibility run (`shared/adapters/eligibility-repo.ts`). Where its
 * kabupaten has a quota, an eligible family also carries its rank there (1 = first) and whether it
 * falls beyond the quota (`reserve`: cadangan, drawn in rank order when a family drops out).
 */
export const EligibilityResultSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    tahapId: z.string(),
    runId: z.string(),
    noKk: z.string(),
    region: z.string(),
    kecamatanCode: z.string(),
    desaCode: z.string(),
    desil: z.number().int(),
    memberCount: z.number().int(),
    status: z.enum(['ELIGIBLE', 'EXCLUDED']),
    reasons: z.array(ReasonDetailSchema),
    rank: z.number().int().positive().optional(),
    reserve: z.boolean().optional(),
  }),
);
export type EligibilityResult = z.infer<typeof EligibilityResultSchema>;

const CountsSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    families: z.number().int(),
    eligible: z.number().int(),
    excluded: z.number().int(),
    byReason: z.partialRecord(z.enum(EXCLUSION_REASONS), z.number().int()),
  }),
);

/** One kabupaten's counts in one run (`RegionSummary` of `eligibility-summary.ts`), as stored. */
export const EligibilitySummarySchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    tahapId: z.string(),
    runId: z.string(),
    region: z.string(),
    counts: CountsSchema,
    kecamatan: z.record(z.string(), CountsSchema),
    desa: z.record(z.string(), CountsSchema),
    quota: z
      .object({ quota: z.number().int(), selected: z.number().int(), reserve: z.number().int() })
      .optional(),
  }),
);
export type EligibilitySummary = z.infer<typeof EligibilitySummarySchema>;

// --- Verval (issue #14) -------------------------------------------------------------------------

/** A relawan assigned to a desa for a tahap: data the operator keeps, not a claim in a token. */
export const AssignmentSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    tahapId: z.string(),
    desaCode: z.string(),
    region: z.string(),
    relawan: PersonSchema,
    assignedAt: z.string(),
    assignedBy: PersonSchema,
  }),
);
export type Assignment = z.infer<typeof AssignmentSchema>;

/** The verval result of one family in a tahap: the latest visit (by its date) wins. */
export const VervalRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    tahapId: z.string(),
    noKk: z.string(),
    region: z.string(),
    desaCode: z.string(),
    result: z.enum(VERVAL_RESULTS),
    /** Whether the family stays in the tahap (LAYAK, or MENINGGAL with a new penerima). */
    inTahap: z.boolean(),
    /** The penerima's NIK when the family stays in. */
    penerimaNik: z.string().optional(),
    penerimaChanged: z.boolean().optional(),
    tempatLahirPenerima: z.string().optional(),
    namaIbuKandungPenerima: z.string().optional(),
    keterangan: z.string().optional(),
    /** The visit's date, `YYYY-MM-DD`. */
    tanggal: z.string(),
    /** The relawan's name as written on the sheet. */
    relawan: z.string(),
    nomorBeritaAcara: z.string(),
    importId: z.string(),
    sourceRow: z.number().int(),
    recordedAt: z.string(),
    recordedBy: PersonSchema.optional(),
  }),
);
export type VervalRecord = z.infer<typeof VervalRecordSchema>;

// --- KPM lists (issue #14) ----------------------------------------------------------------------

export const KPM_COMPOSE_STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED'] as const;

/**
 * The composition of a kabupaten's KPM list for a tahap (`shared/adapters/kpm-repo.ts`): asked for
 * through the API, done by the families worker, which makes the list the current one of the
 * region's KPM proposal (DRAFT). One record per tahap and kabupaten, the latest request.
 */
export const KpmComposeSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    tahapId: z.string(),
    region: z.string(),
    composeId: z.string(),
    status: z.enum(KPM_COMPOSE_STATUSES),
    requestedAt: z.string(),
    /** Who asked: the list's author on the proposal's audit trail. */
    requestedBy: ActorSchema,
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    /** The eligibility run the list was composed from. */
    runId: z.string().optional(),
    proposalId: z.string().optional(),
    listId: z.string().optional(),
    counts: z
      .object({
        listed: z.number().int(),
        selected: z.number().int(),
        settled: z.number().int(),
        replacements: z.number().int(),
        notVisited: z.number().int(),
        droppedByResult: z.partialRecord(z.enum(VERVAL_RESULTS), z.number().int()),
        beyondQuota: z.number().int(),
      })
      .optional(),
    /** Why a FAILED composition failed (Bahasa Indonesia). */
    error: z.string().optional(),
  }),
);
export type KpmCompose = z.infer<typeof KpmComposeSchema>;

/** A family's row in a kabupaten's KPM list of a tahap (`KPMFAM#<noKk>`): where its history finds it. */
export const KpmPlacementSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    noKk: z.string(),
    tahapId: z.string(),
    region: z.string(),
    proposalId: z.string(),
    listId: z.string(),
    row: z.number().int(),
  }),
);
export type KpmPlacement = z.infer<typeof KpmPlacementSchema>;

// --- Distribution of a decreed tahap (issue #15) -------------------------------------------------

export const DISTRIBUTION_STATUSES = ['OPENING', 'OPEN'] as const;

/**
 * A kabupaten's distribution in a tahap (`DIST#<tahapId>` / `REGION#<region>`): opened by its KPM
 * decree (cards and entitlements made), the basis every later step conditions on.
 */
export const DistributionRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    tahapId: z.string(),
    region: z.string(),
    decreeId: z.string(),
    decreeNumber: z.string(),
    status: z.enum(DISTRIBUTION_STATUSES),
    requestedAt: z.string(),
    openedAt: z.string().optional(),
    families: z.number().int().optional(),
    /** Entitlements and Rupiah per component. */
    byComponent: z
      .array(z.object({ component: z.enum(COMPONENTS), count: z.number().int(), amount: z.number().int() }))
      .optional(),
    cards: z
      .object({
        /** Numbered now for families that had none. */
        issued: z.number().int(),
        /** Families that already held an active card (an earlier tahap). */
        kept: z.number().int(),
        /** Families whose card is blocked with no replacement: no card until one is asked for. */
        blocked: z.number().int(),
      })
      .optional(),
  }),
);
export type DistributionRecord = z.infer<typeof DistributionRecordSchema>;

/** A PANGAN handover as BULOG's BAST recorded it (issue #15): who, when, the evidence. */
export const FoodHandoverSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    tanggal: z.string(),
    /** As the KK bears it out (`judgeBastLine`), not as the line wrote it. */
    receiver: z.enum(BAST_RECEIVERS),
    receiverNik: z.string(),
    nomorSuratKuasa: z.string().optional(),
    foto: z.string().optional(),
    latitude: z.number().optional(),
    longitude: z.number().optional(),
    /** A handover after a failed attempt (GAGAL → DIULANG → DITERIMA). */
    redelivery: z.boolean(),
    importId: z.string(),
    sourceRow: z.number().int(),
  }),
);
export type FoodHandover = z.infer<typeof FoodHandoverSchema>;

/** One family's entitlement to one component in one tahap (`ENT#<tahapId>#<region>` / `<component>#<noKk>`). */
export const EntitlementSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    ref: z.string(),
    tahapId: z.string(),
    region: z.string(),
    component: z.enum(COMPONENTS),
    amount: z.number().int(),
    noKk: z.string(),
    familyId: z.string(),
    penerimaNik: z.string(),
    penerimaNama: z.string(),
    kecamatanCode: z.string(),
    desaCode: z.string(),
    decreeId: z.string(),
    decreeNumber: z.string(),
    status: z.enum(ENTITLEMENT_STATUSES),
    /** Attempts so far (payment instruction lines, distribution lists); 0 while DITETAPKAN. */
    attempts: z.number().int().default(0),
    /** TUNAI: each instruction line made for it (attempt, the account it went to, the file). */
    instructions: z
      .array(
        z.object({ attempt: z.number().int(), noRekening: z.string(), fileId: z.string(), at: z.string() }),
      )
      .optional(),
    /** The last attempt and what the bank reported of it (set by the reconciliation). */
    lastAttempt: z
      .object({ attempt: z.number().int(), outcome: z.enum(['BERHASIL', 'GAGAL', 'RETUR']).optional() })
      .optional(),
    /** TUNAI, from the last reconciliation: received net (successful lines minus returned) and returned. */
    paidAmount: z.number().int().optional(),
    returnedAmount: z.number().int().optional(),
    createdAt: z.string(),
    updatedAt: z.string().optional(),
    /** PANGAN: `bastLineKey` of every BAST line recorded for it (a line again is a no-op). */
    bastKeys: z.array(z.string()).optional(),
    /** PANGAN: the handover a BAST line recorded (DITERIMA); the receiver's NIK as read off the KTP. */
    handover: FoodHandoverSchema.optional(),
    /** PANGAN: the last failed handover (GAGAL), with BULOG's reason. */
    notReceived: z
      .object({
        tanggal: z.string(),
        reason: z.enum(NOT_RECEIVED_REASONS),
        importId: z.string(),
        sourceRow: z.number().int(),
      })
      .optional(),
  }),
);
export type Entitlement = z.infer<typeof EntitlementSchema>;

// --- Cash (TUNAI): accounts and payment instructions (issue #15) ---------------------------------

/** One penerima's account at Bank Kalteng (`ACCOUNT#<nik>`): `RecordedAccount` of `accounts.ts`. */
export const AccountRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    nik: z.string(),
    status: z.enum(['DIAJUKAN', 'AKTIF', 'GAGAL']),
    noRekening: z.string().optional(),
    alasan: z.string().optional(),
    requestedAt: z.string().optional(),
    answeredAt: z.string().optional(),
    /** The request file that last named this NIK, and the answer file that decided it. */
    requestId: z.string().optional(),
    importId: z.string().optional(),
    /** Where the request that last named this NIK placed its penerima (the dashboards count there). */
    tahapId: z.string().optional(),
    desaCode: z.string().optional(),
  }),
);
export type AccountRecord = z.infer<typeof AccountRecordSchema>;

export const BANK_FILE_STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED'] as const;

const bankFileFields = () => ({
  tahapId: z.string(),
  region: z.string(),
  status: z.enum(BANK_FILE_STATUSES),
  requestedAt: z.string(),
  requestedBy: ActorSchema,
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
  fileKey: z.string().optional(),
  sha256: z.string().optional(),
});

/**
 * A kabupaten's account-opening request of a tahap (`ACCREQ#<tahapId>#<region>` / `ACCREQ`): the
 * latest one asked for, its job's state and its file.
 */
export const AccountRequestRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    ...bankFileFields(),
    requestId: z.string(),
    /** Penerima on the file. */
    rows: z.number().int().optional(),
    /** Penerima left out for missing KYC data (listed in the job's log by masked NIK). */
    refused: z.number().int().optional(),
    /** Penerima already holding an active account, or with a request still unanswered. */
    notNeeded: z.number().int().optional(),
  }),
);
export type AccountRequestRecord = z.infer<typeof AccountRequestRecordSchema>;

/**
 * One payment instruction file of a kabupaten's tahap (`INSTR#<tahapId>#<region>` / `FILE#<seq>`):
 * its id (`instructionFileId`), its job's state, its lines, control total and files.
 */
export const InstructionRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    ...bankFileFields(),
    fileId: z.string(),
    seq: z.number().int(),
    kind: z.enum(['AWAL', 'SUSULAN']),
    controlKey: z.string().optional(),
    lines: z.number().int().optional(),
    total: z.number().int().optional(),
    /** Entitlements whose penerima has no active account yet (on a later file once one is open). */
    waitingAccount: z.number().int().optional(),
    skipped: z.record(z.string(), z.number().int()).optional(),
  }),
);
export type InstructionRecord = z.infer<typeof InstructionRecordSchema>;

/** A status change of a card: from what, when, by whom or which file, and why. */
export const CardEventSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    status: z.enum(CARD_STATUSES),
    at: z.string(),
    /** The day it happened in the field (`YYYY-MM-DD`), when the source says. */
    tanggal: z.string().optional(),
    by: PersonSchema.optional(),
    importId: z.string().optional(),
    note: z.string().optional(),
  }),
);
export type CardEvent = z.infer<typeof CardEventSchema>;

/** The province's card of one family (`CARDS#<region>` / `CARD#<cardNumber>`). */
export const CardSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    cardNumber: z.string(),
    verifyCode: z.string(),
    region: z.string(),
    noKk: z.string(),
    familyId: z.string(),
    penerimaNik: z.string(),
    penerimaNama: z.string(),
    kecamatanCode: z.string(),
    desaCode: z.string(),
    status: z.enum(CARD_STATUSES),
    /** The tahap whose decree first listed the family. */
    tahapId: z.string(),
    createdAt: z.string(),
    updatedAt: z.string().optional(),
    /** Each status it had, oldest first (the current one included). */
    history: z.array(CardEventSchema),
    /** The card this one replaced, and the one that replaced it. */
    replaces: z.string().optional(),
    replacedBy: z.string().optional(),
  }),
);
export type Card = z.infer<typeof CardSchema>;

// --- Food (PANGAN) through BULOG (issue #15) ------------------------------------------------------

export const FOOD_LIST_STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED'] as const;

/** One desa's distribution list (the titik bagi's file for BULOG), as the job wrote it. */
export const FoodListFileSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    desaCode: z.string(),
    fileKey: z.string(),
    rows: z.number().int(),
    bytes: z.number().int(),
    sha256: z.string(),
  }),
);
export type FoodListFile = z.infer<typeof FoodListFileSchema>;

/**
 * A kabupaten's distribution lists for BULOG in a tahap (`FOODLIST#<tahapId>#<region>`): the latest
 * request, where its job stands, and each desa's file.
 */
export const FoodListJobSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    tahapId: z.string(),
    region: z.string(),
    jobId: z.string(),
    status: z.enum(FOOD_LIST_STATUSES),
    requestedAt: z.string(),
    requestedBy: ActorSchema,
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    error: z.string().optional(),
    files: z.array(FoodListFileSchema).optional(),
    counts: z
      .object({
        listed: z.number().int(),
        /** Moved DITETAPKAN → DIKIRIM by this run (a re-run lists the same families, moves none). */
        sent: z.number().int(),
        /** Not listed: already DITERIMA, or GAGAL not yet put on a follow-up. */
        notListed: z.number().int(),
      })
      .optional(),
  }),
);
export type FoodListJob = z.infer<typeof FoodListJobSchema>;

/**
 * A BAST line that moved nothing (`FOODFIND#<tahapId>#<region>` / `<noKk>#<lineKey>`): the same line
 * imported again finds it there and is a no-op. Its detail names dates, references and masked NIKs.
 */
export const FoodFindingRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    tahapId: z.string(),
    region: z.string(),
    lineKey: z.string(),
    code: z.enum(FOOD_FINDING_CODES),
    label: z.string(),
    detail: z.string(),
    /** The family's titik bagi, when it has a PANGAN entitlement (a family not in the decree has none). */
    desaCode: z.string().optional(),
    importId: z.string(),
    sourceRow: z.number().int(),
    foundAt: z.string(),
  }),
);
export type FoodFindingRecord = z.infer<typeof FoodFindingRecordSchema>;

/** A finding of an EDC record (`EDCFIND#<tahapId>#<region>` / `<lineKey>#<code>`): card numbers, times, masked NIKs. */
export const EdcFindingRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    tahapId: z.string(),
    region: z.string(),
    lineKey: z.string(),
    code: z.enum(EDC_FINDING_CODES),
    label: z.string(),
    detail: z.string(),
    card: z.string(),
    component: z.enum(COMPONENTS),
    waktu: z.string(),
    importId: z.string(),
    sourceRow: z.number().int(),
    foundAt: z.string(),
  }),
);
export type EdcFindingRecord = z.infer<typeof EdcFindingRecordSchema>;

// --- Family search and its read log (issue #14, UU PDP) ------------------------------------------

/** A family's opaque id and the No KK it stands for (`FAMILY#<familyId>`, `FAMILYID#<noKk>`). */
export const FamilyIdRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ familyId: z.string(), noKk: z.string(), createdAt: z.string() }),
);
export type FamilyIdRecord = z.infer<typeof FamilyIdRecordSchema>;

/** What every read log item says: who, when, through which route, and why if they said. */
const readLogFields = () => ({
  at: z.string(),
  who: ActorSchema,
  /** The route's id: `SearchFamilies`, `GetFamily`, `GetTahapFile`, `ListRecipients`, … */
  route: z.string(),
  purpose: z.string().optional(),
});

/** One read of one family's data (`READLOG#<familyId>`). */
export const ReadLogRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ familyId: z.string(), ...readLogFields() }),
);
export type ReadLogRecord = z.infer<typeof ReadLogRecordSchema>;

/**
 * What a bulk read showed: a desa's families in a tahap (`READLOG#DESA#<tahapId>#<desaCode>`) or a
 * page of a KPM list (`READLOG#LIST#<listId>`). Never a NIK, a No KK or a name: `page` is a KPM
 * list's cursor (shard and row numbers) or, for a desa's pages, the masked No KK the page follows;
 * `filter` a status or flag; `nameSearch` says a name was searched for, never which.
 */
export const BulkReadSchema = /* @__PURE__ */ lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('DESA'),
      tahapId: z.string(),
      desaCode: z.string(),
      page: z.string().optional(),
      filter: z.string().optional(),
      families: z.number().int().nonnegative(),
    }),
    z.object({
      kind: z.literal('LIST'),
      proposalId: z.string(),
      listId: z.string(),
      page: z.string().optional(),
      filter: z.string().optional(),
      nameSearch: z.boolean().optional(),
      families: z.number().int().nonnegative(),
    }),
    /**
     * A file made from a kabupaten's families for someone outside the office (the card printer's
     * file, the bank's and BULOG's files): what it is, of which kabupaten, and how many families.
     */
    z.object({
      kind: z.literal('FILE'),
      file: z.string(),
      region: z.string(),
      tahapId: z.string().optional(),
      desaCode: z.string().optional(),
      fileKey: z.string(),
      families: z.number().int().nonnegative(),
    }),
  ]),
);
export type BulkRead = z.infer<typeof BulkReadSchema>;

/** One read of many families' data at once (a sheet, a page): keyed by what was read, not by family. */
export const BulkReadLogRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ read: BulkReadSchema, ...readLogFields() }),
);
export type BulkReadLogRecord = z.infer<typeof BulkReadLogRecordSchema>;
