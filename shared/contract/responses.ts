import * as z from 'zod';
import { COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS, COMPLAINT_STATUSES } from '../domain/complaints.ts';
import { DECREE_STATUSES } from '../domain/decree.ts';
import {
  EXCHANGE_ANSWER_KIND_NAMES,
  EXCHANGE_FILE_KIND_NAMES,
  EXCHANGE_IMPORT_KINDS,
  EXCHANGE_PARTIES,
} from '../domain/exchange.ts';
import { CARD_STATUSES, ENTITLEMENT_STATUSES } from '../domain/family/distribution.ts';
import { RELATIONSHIPS } from '../domain/family/hubungan.ts';
import { COMPONENTS, TAHAP_STATUSES } from '../domain/family/tahap.ts';
import { VERVAL_RESULTS } from '../domain/family/verval.ts';
import { PROPOSAL_KINDS, PROPOSAL_STATUSES } from '../domain/proposal.ts';
import { ERROR_CODES } from '../errors.ts';
import {
  AssignmentSchema,
  AuditRecordSchema,
  BulkReadLogRecordSchema,
  ChecksSummarySchema,
  DecreeRecordSchema,
  EligibilityResultSchema,
  EligibilitySummarySchema,
  ExclusionListRecordSchema,
  IMPORT_KINDS,
  ImportRecordSchema,
  KpmComposeSchema,
  ProposalRecordSchema,
  ReadLogRecordSchema,
  ReasonDetailSchema,
  ReconciliationRunSchema,
  ReturnNoteSchema,
  SignoffSchema,
  SnapshotRecordSchema,
  StoredRecipientSchema,
  TahapRecordSchema,
  UploadCountsSchema,
  UploadRecordSchema,
  VervalRecordSchema,
} from '../model.ts';

/**
 * What the API answers: one schema per response body. The route handlers build their answers with
 * view functions typed by these schemas (`z.infer`), so a field the contract does not know does not
 * compile; the OpenAPI document and the typed client are generated from them. Answers are not
 * parsed at run time (they are built from parsed items), which costs a request nothing.
 */

/** Every error answer: `{ error: { code, message, details? } }`, the message in Bahasa Indonesia. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z
      .union([
        /** 400: each field refused, with why (at most 20). */
        z.array(z.object({ path: z.string(), message: z.string() })),
        /** 409 and others: `reason` names the rule (e.g. SEPARATION_OF_DUTIES, NOT_VERIFIED). */
        z.record(z.string(), z.unknown()),
      ])
      .optional(),
  }),
});

/** What API Gateway itself answers (no token, throttled, unknown route): `{ message }`. */
export const GatewayErrorSchema = z.object({ message: z.string() });

export const HealthSchema = z.object({ status: z.literal('ok'), service: z.string(), time: z.string() });

// ─── Uploads ───────────────────────────────────────────────────────────────────────────────────

export const UploadCreatedSchema = z.object({
  uploadId: z.string(),
  region: z.string(),
  period: z.string(),
  method: z.literal('PUT'),
  /** Presigned: PUT the file's bytes here, as they are, before `expiresAt`. */
  uploadUrl: z.string(),
  expiresAt: z.string(),
  statusUrl: z.string(),
});

export const UploadViewSchema = UploadRecordSchema.pick({
  uploadId: true,
  region: true,
  period: true,
  filename: true,
  status: true,
  rowsProcessed: true,
  counts: true,
  reasons: true,
  problems: true,
  proposalId: true,
  duplicateOf: true,
  supersededBy: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  durationMs: true,
}).extend({
  createdBy: z.object({ name: z.string() }).optional(),
  /** Presigned, short-lived: the error report (CSV for Excel). */
  reportUrl: z.string().optional(),
});

// ─── Family programme files ────────────────────────────────────────────────────────────────────

export const ImportCreatedSchema = z.object({
  importId: z.string(),
  kind: z.enum(IMPORT_KINDS),
  region: z.string().optional(),
  method: z.literal('PUT'),
  /** Presigned: PUT the file's bytes here, as they are, before `expiresAt`. */
  uploadUrl: z.string(),
  expiresAt: z.string(),
  statusUrl: z.string(),
});

export const SnapshotViewSchema = SnapshotRecordSchema.pick({
  region: true,
  versionDate: true,
  status: true,
  families: true,
  members: true,
  usedBy: true,
  createdAt: true,
  updatedAt: true,
}).extend({
  regionName: z.string().optional(),
  check: SnapshotRecordSchema.shape.check.unwrap().omit({ reportKey: true }).optional(),
  /** Presigned, short-lived: the cross-check's findings (CSV for Excel), when there are any. */
  reportUrl: z.string().optional(),
});

export const ImportViewSchema = ImportRecordSchema.pick({
  importId: true,
  kind: true,
  region: true,
  filename: true,
  status: true,
  rowsProcessed: true,
  counts: true,
  reasons: true,
  problems: true,
  versionDate: true,
  relationshipCodes: true,
  list: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  durationMs: true,
}).extend({
  createdBy: z.object({ name: z.string() }).optional(),
  /** Presigned, short-lived: the error report (CSV for Excel). */
  reportUrl: z.string().optional(),
  /** A DTSEN file's snapshot as it stands now (READY once both files are imported and cross-checked). */
  snapshot: SnapshotViewSchema.omit({ reportUrl: true }).optional(),
});
export const ImportListSchema = z.object({ items: z.array(ImportViewSchema.omit({ snapshot: true })) });
export const SnapshotListSchema = z.object({ items: z.array(SnapshotViewSchema.omit({ reportUrl: true })) });
export const ExclusionListsSchema = z.object({
  items: z.array(
    ExclusionListRecordSchema.omit({ uploadedBy: true }).extend({
      uploadedBy: z.object({ name: z.string() }).optional(),
      /** Whether eligibility uses it: the newest list of its programme, source and region. */
      inForce: z.boolean(),
    }),
  ),
});

// ─── Tahap and eligibility ─────────────────────────────────────────────────────────────────────

export const TahapViewSchema = TahapRecordSchema.omit({
  lastAuditHash: true,
  createdBy: true,
  closed: true,
}).extend({
  createdBy: z.object({ name: z.string() }),
  label: z.string(),
  /** Who closed the tahap (by name), when and why. */
  closed: z.object({ at: z.string(), by: z.object({ name: z.string() }), reason: z.string() }).optional(),
});
export const TahapListSchema = z.object({ items: z.array(TahapViewSchema) });
export const EligibilityRequestedSchema = z.object({
  tahapId: z.string(),
  runId: z.string(),
  status: z.literal('QUEUED'),
  requestedAt: z.string(),
});
/** A kabupaten's KPM list composition for a tahap, and the proposal it made (absent before any). */
export const KpmComposeViewSchema = z.object({
  tahapId: z.string(),
  region: z.string(),
  compose: KpmComposeSchema.optional(),
  proposal: z
    .object({ proposalId: z.string(), status: z.enum(PROPOSAL_STATUSES), recipientCount: z.number().int() })
    .optional(),
});
export const TahapSummarySchema = z.object({
  tahapId: z.string(),
  /** The run the counts are of: the tahap's latest completed one (absent before any). */
  run: TahapRecordSchema.shape.eligibility.unwrap().optional(),
  items: z.array(EligibilitySummarySchema),
});
export const TahapFamilyPageSchema = z.object({
  items: z.array(EligibilityResultSchema.omit({ tahapId: true, runId: true })),
  /** Send it back as `cursor` for the next page; absent on the last. */
  nextCursor: z.string().optional(),
});

// ─── Families (search, history, read log) ───────────────────────────────────────────────────────

/** A DTSEN snapshot that holds the family: its kabupaten and version date. */
const FamilySnapshotRefSchema = z.object({ region: z.string(), versionDate: z.string() });

/**
 * A family as a search finds it, from the newest READY snapshot that holds it (within the caller's
 * kabupaten for a regional role). `noKk` is masked for readers of masked data (auditors).
 */
export const FamilySummarySchema = z.object({
  familyId: z.string(),
  noKk: z.string(),
  region: z.string(),
  regionName: z.string().optional(),
  kecamatanCode: z.string(),
  kecamatanName: z.string().optional(),
  desaCode: z.string(),
  desaName: z.string().optional(),
  namaKepalaKeluarga: z.string().optional(),
  memberCount: z.number().int(),
  desil: z.number().int(),
  /** Every READY snapshot (the caller may see) that holds the family, newest first. */
  snapshots: z.array(FamilySnapshotRefSchema),
});
export const FamilySearchAnswerSchema = z.object({
  items: z.array(FamilySummarySchema),
  /** True when a name matched more families than one answer holds: narrow the name. */
  more: z.boolean(),
});

const FamilyMemberViewSchema = z.object({
  /** Masked for readers of masked data. */
  nik: z.string(),
  nama: z.string(),
  hubungan: z.enum(RELATIONSHIPS),
  jenisKelamin: z.enum(['L', 'P']).optional(),
  /** Age in whole years today (absent when the date of birth is unreadable). */
  umur: z.number().int().optional(),
});

export const FamilyHistorySchema = z.object({
  family: FamilySummarySchema,
  /** Each READY snapshot holding the family (newest first): the family as that extract had it. */
  snapshots: z.array(
    FamilySnapshotRefSchema.extend({
      kecamatanCode: z.string(),
      desaCode: z.string(),
      alamat: z.string().optional(),
      namaKepalaKeluarga: z.string().optional(),
      desil: z.number().int(),
      members: z.array(FamilyMemberViewSchema),
    }),
  ),
  /** Per tahap whose snapshots hold the family (newest first): its latest run's verdict, its verval. */
  tahap: z.array(
    z.object({
      tahapId: z.string(),
      label: z.string(),
      status: z.string(),
      region: z.string(),
      /** The verdict of the tahap's latest run when it has completed; null while none has (or a newer one runs). */
      eligibility: z
        .object({
          runId: z.string(),
          status: z.enum(['ELIGIBLE', 'EXCLUDED']),
          reasons: z.array(ReasonDetailSchema),
          rank: z.number().int().optional(),
          reserve: z.boolean().optional(),
        })
        .nullable(),
      verval: z
        .object({
          result: z.enum(VERVAL_RESULTS),
          inTahap: z.boolean(),
          tanggal: z.string(),
          relawan: z.string(),
          nomorBeritaAcara: z.string(),
          keterangan: z.string().optional(),
          penerimaChanged: z.boolean().optional(),
          /** Masked for readers of masked data. */
          penerimaNik: z.string().optional(),
        })
        .nullable(),
    }),
  ),
  /** The KPM proposals whose current or approved list holds the family, and the decrees that fixed them. */
  proposals: z.array(
    z.object({
      proposalId: z.string(),
      status: z.string(),
      tahapId: z.string().optional(),
      region: z.string().optional(),
    }),
  ),
  decrees: z.array(
    z.object({ decreeId: z.string(), number: z.string().optional(), status: z.string().optional() }),
  ),
  /**
   * The family's card and what it was owed per tahap and component (issue #15), for a caller who
   * may read the distribution (a regional role: in its own kabupaten). Absent for anyone else.
   */
  distribution: z
    .object({
      card: z
        .object({
          cardNumber: z.string(),
          status: z.enum(CARD_STATUSES),
          statusLabel: z.string(),
          replaces: z.string().optional(),
          history: z.array(
            z.object({
              status: z.enum(CARD_STATUSES),
              at: z.string(),
              tanggal: z.string().optional(),
              by: z.string().optional(),
              note: z.string().optional(),
            }),
          ),
        })
        .nullable(),
      entitlements: z.array(
        z.object({
          ref: z.string(),
          tahapId: z.string(),
          region: z.string(),
          component: z.enum(COMPONENTS),
          amount: z.number().int(),
          status: z.enum(ENTITLEMENT_STATUSES),
          statusLabel: z.string(),
          decreeNumber: z.string(),
        }),
      ),
    })
    .optional(),
  /**
   * The family's complaints (newest first), for a caller who may read complaints: a regional role
   * sees those its own office handles (never a PUNGLI complaint). Absent for anyone else.
   */
  complaints: z
    .array(
      z.object({
        complaintId: z.string(),
        category: z.enum(COMPLAINT_CATEGORIES),
        categoryLabel: z.string(),
        status: z.enum(COMPLAINT_STATUSES),
        statusLabel: z.string(),
        lodgedAt: z.string(),
        dueDate: z.string(),
        closedAt: z.string().optional(),
      }),
    )
    .optional(),
});

export const FamilyReadsPageSchema = z.object({
  items: z.array(ReadLogRecordSchema.omit({ familyId: true })),
  /** Send it back as `cursor` for the next (older) page; absent on the last. */
  nextCursor: z.string().optional(),
  /**
   * The newest bulk reads (at most 100, newest first) that showed the family among others: a desa's
   * verval sheet, families or verval progress in a tahap whose snapshot holds it, and pages of a KPM
   * list that holds it. Each says the route and what was read (`read`); not paged.
   */
  covering: z.array(BulkReadLogRecordSchema),
});

// ─── Verval ─────────────────────────────────────────────────────────────────────────────────────

export const AssignmentListSchema = z.object({
  items: z.array(
    AssignmentSchema.omit({ assignedBy: true }).extend({ assignedBy: z.object({ name: z.string() }) }),
  ),
});
/** `GET /verval/assignments`: the caller's own desa, in every tahap still open. */
export const MyAssignmentsSchema = z.object({
  items: z.array(
    z.object({
      tahapId: z.string(),
      tahapLabel: z.string(),
      tahapStatus: z.enum(TAHAP_STATUSES),
      desaCode: z.string(),
      region: z.string(),
      assignedAt: z.string(),
    }),
  ),
});
export const TahapFileSchema = z.object({
  /** Presigned, short-lived: the generated file. */
  url: z.string(),
  filename: z.string(),
  expiresAt: z.string(),
  /** How many families the file lists. */
  families: z.number().int(),
});
export const VervalProgressSchema = z.object({
  tahapId: z.string(),
  desa: z.string(),
  /** Families a relawan visits (eligible, or excluded only for what a visit settles). */
  toVisit: z.number().int(),
  /** The No KK of the families to visit, in order (masked for an auditor): the field page's list. */
  toVisitKk: z.array(z.string()),
  visited: z.number().int(),
  byResult: z.partialRecord(z.enum(VERVAL_RESULTS), z.number().int()),
  results: z.array(
    VervalRecordSchema.pick({
      noKk: true,
      result: true,
      inTahap: true,
      penerimaChanged: true,
      tanggal: true,
      relawan: true,
      nomorBeritaAcara: true,
      keterangan: true,
    }),
  ),
});

// ─── Proposals ─────────────────────────────────────────────────────────────────────────────────

export const ProposalSummarySchema = ProposalRecordSchema.pick({
  proposalId: true,
  kind: true,
  region: true,
  period: true,
  status: true,
  version: true,
  recipientCount: true,
  warningCount: true,
  openBlocking: true,
  currentUploadId: true,
  decreeId: true,
  createdAt: true,
  updatedAt: true,
}).extend({
  regionName: z.string().optional(),
  /** The agencies whose sign-off the list needs, and those that have given it (a verifier's queue). */
  requiredAgencies: z.array(z.string()),
  signedBy: z.array(z.string()),
});

const RoleAmountSchema = z.object({ count: z.number().int(), amount: z.number().int() });

export const ProposalDetailSchema = ProposalSummarySchema.extend({
  countsByRole: z.record(z.string(), z.number().int()),
  totals: z.object({
    months: z.number().int(),
    byRole: z.record(z.string(), RoleAmountSchema),
    /** KPM: families × what each receives of every component of the tahap (`months` is 0 then). */
    byComponent: z.record(z.string(), RoleAmountSchema).optional(),
    total: z.number().int(),
    ratesArePlaceholders: z.boolean(),
  }),
  signoffs: z.array(SignoffSchema),
  returns: z.array(ReturnNoteSchema),
  checks: ChecksSummarySchema.optional(),
  submittedAt: z.string().optional(),
  verifiedAt: z.string().optional(),
  decidedAt: z.string().optional(),
  decidedBy: z.string().optional(),
  decreedAt: z.string().optional(),
  /** Why the approved list has no decree yet: the last failed pre-flight (no number was taken). */
  decreePreflightFailure: z
    .object({ codes: z.array(z.string()), reason: z.string(), at: z.string() })
    .optional(),
});

export const ProposalPageSchema = ProposalDetailSchema.extend({
  uploads: z.array(
    z.object({
      uploadId: z.string(),
      filename: z.string().optional(),
      status: UploadRecordSchema.shape.status,
      counts: UploadCountsSchema.optional(),
      applied: z.boolean(),
      createdAt: z.string(),
      finishedAt: z.string().optional(),
    }),
  ),
  history: z.array(
    z.object({
      seq: z.number().int(),
      at: z.string(),
      action: AuditRecordSchema.shape.action,
      by: z.object({ name: z.string(), role: z.string(), opd: z.string().optional() }),
      fromStatus: z.string().optional(),
      toStatus: z.string().optional(),
      reason: z.string().optional(),
      /** A waiver (FLAG_WAIVED): which recipient's flag it set aside (ids, never personal data). */
      waived: z.object({ recipientId: z.string(), flag: z.string() }).optional(),
    }),
  ),
});

/** A waiver's answer: the proposal as it now stands, and what was waived. */
export const WaivedSchema = ProposalDetailSchema.extend({
  waived: z.object({ recipientId: z.string(), flag: z.string() }),
});

export const ProposalListSchema = z.object({ items: z.array(ProposalSummarySchema) });

/** A recipient as stored; auditors get NIK and account masked and no phone number. */
export const RecipientSchema = StoredRecipientSchema;
export const RecipientPageSchema = z.object({
  items: z.array(RecipientSchema),
  /** Opaque; null on the last page. Rows come in storage order (by shard), not by row number. */
  nextCursor: z.string().nullable(),
});

/** A page of a name search: as a page of the list, and how many entries it read to find them. */
export const RecipientSearchPageSchema = RecipientPageSchema.extend({
  /** Recipients (or, with `flag`, flag index entries) read by this request: at most the read budget. */
  examined: z.number().int().min(0),
});

export const AuditAnswerSchema = z.object({
  entityId: z.string(),
  chain: z.union([
    z.object({ valid: z.literal(true), length: z.number().int() }),
    z.object({ valid: z.literal(false), brokenAt: z.number().int(), problem: z.string() }),
  ]),
  records: z.array(AuditRecordSchema),
});

// ─── Decrees ───────────────────────────────────────────────────────────────────────────────────

export const DecreeSummarySchema = DecreeRecordSchema.pick({
  decreeId: true,
  kind: true,
  tahapId: true,
  number: true,
  status: true,
  proposalId: true,
  region: true,
  period: true,
  decreeDate: true,
  recipientCount: true,
  total: true,
  ratesArePlaceholders: true,
  sha256: true,
  replaces: true,
  replacedBy: true,
  issuedAt: true,
  revokedAt: true,
}).extend({
  statusLabel: z.string(),
  regionName: z.string().optional(),
  /** `Semester I Tahun 2026` for BKK, `Tahap 1 Tahun 2026` for KPM. */
  periodLabel: z.string().optional(),
  /** The decree's subject, as after `tentang` in its title. */
  title: z.string(),
});

export const DecreeDetailSchema = DecreeSummarySchema.extend({
  verifyCode: z.string(),
  byRole: DecreeRecordSchema.shape.byRole,
  /** KPM: families and Rupiah per component of the tahap, and the members of the families. */
  byComponent: DecreeRecordSchema.shape.byComponent,
  memberCount: z.number().int().optional(),
  pages: z.number().int().optional(),
  bytes: z.number().int().optional(),
  signer: DecreeRecordSchema.shape.signer,
  approvedBy: z.string(),
  revokedBy: z.string().optional(),
  revocationReason: z.string().optional(),
  /** Presigned, short-lived: the PDF as issued. */
  pdfUrl: z.string().optional(),
});

export const DecreeListSchema = z.object({ year: z.number().int(), items: z.array(DecreeSummarySchema) });

/** The public answer for a printed code: what the paper shows, never a person. */
export const VerificationSchema = z.object({
  code: z.string(),
  genuine: z.literal(true),
  inForce: z.boolean(),
  status: z.enum(DECREE_STATUSES),
  statusLabel: z.string(),
  message: z.string(),
  /** BKK: recipients of the special transfer; KPM: families of a tahap (`recipientCount` families). */
  kind: z.enum(PROPOSAL_KINDS),
  number: z.string(),
  decreeDate: z.string(),
  /** The decree's subject, as printed after `tentang`. */
  title: z.string(),
  regionName: z.string().optional(),
  periodLabel: z.string().optional(),
  recipientCount: z.number().int(),
  /** What the decree fixes in Rupiah, once issued. */
  total: z.number().int().optional(),
  sha256: z.string().optional(),
  revokedAt: z.string().optional(),
  replacedBy: z.string().optional(),
  replaces: z.string().optional(),
});

// ─── Reconciliation ────────────────────────────────────────────────────────────────────────────

export const ReconciliationSummarySchema = ReconciliationRunSchema.pick({
  runId: true,
  trigger: true,
  status: true,
  requestedAt: true,
  startedAt: true,
  finishedAt: true,
  durationMs: true,
  inputs: true,
  counts: true,
  disbursed: true,
}).extend({ requestedBy: z.string().optional() });

export const ReconciliationDetailSchema = ReconciliationSummarySchema.extend({
  decrees: ReconciliationRunSchema.shape.decrees,
  error: z.string().optional(),
  reportUrl: z.string().optional(),
  jsonUrl: z.string().optional(),
});

export const ReconciliationListSchema = z.object({ items: z.array(ReconciliationSummarySchema) });
export const ReconciliationStartedSchema = z.object({
  runId: z.string(),
  status: z.literal('QUEUED'),
  requestedAt: z.string(),
});

// ─── Complaints (pengaduan) ────────────────────────────────────────────────────────────────────

/** `POST /complaints`: the code and nothing about anyone (the same answer whatever the NIK or No KK). */
export const ComplaintLodgedSchema = z.object({
  code: z.string(),
  status: z.enum(COMPLAINT_STATUSES),
  /** The answer's due date (WIB). */
  dueDate: z.string(),
  message: z.string(),
});

/** `GET /complaints/status/{code}` (public): the status and the answer for the citizen, nothing else. */
export const ComplaintStatusSchema = z.object({
  code: z.string(),
  status: z.enum(COMPLAINT_STATUSES),
  statusLabel: z.string(),
  category: z.enum(COMPLAINT_CATEGORIES),
  categoryLabel: z.string(),
  lodgedAt: z.string(),
  dueDate: z.string(),
  answeredAt: z.string().optional(),
  answer: z.string().optional(),
  closedAt: z.string().optional(),
});

/** `POST /complaints/entries`: the code to tell the citizen, and the staff id when the caller may open it. */
export const ComplaintEnteredSchema = ComplaintLodgedSchema.extend({
  /** Absent when the complaint goes to a queue the caller cannot see (PUNGLI entered by an operator). */
  complaintId: z.string().optional(),
});

const StaffPersonSchema = z.object({ sub: z.string(), name: z.string() });

/** A complaint in a staff list: no personal data beyond the desa. */
export const ComplaintSummarySchema = z.object({
  complaintId: z.string(),
  category: z.enum(COMPLAINT_CATEGORIES),
  categoryLabel: z.string(),
  channel: z.enum(COMPLAINT_CHANNELS),
  status: z.enum(COMPLAINT_STATUSES),
  statusLabel: z.string(),
  region: z.string(),
  unit: z.string(),
  kecamatanCode: z.string(),
  desaCode: z.string(),
  desaName: z.string().optional(),
  lodgedAt: z.string(),
  dueDate: z.string(),
  overdue: z.boolean(),
  answeredAt: z.string().optional(),
  closedAt: z.string().optional(),
  assignee: StaffPersonSchema.optional(),
});

export const ComplaintListSchema = z.object({
  items: z.array(ComplaintSummarySchema),
  /** Send it back as `cursor` for the next (older) page; absent on the last. */
  nextCursor: z.string().optional(),
});

/** A complaint as staff read it: its text, the numbers given (masked for auditors), its history. */
export const ComplaintViewSchema = ComplaintSummarySchema.extend({
  text: z.string(),
  nik: z.string().optional(),
  noKk: z.string().optional(),
  telepon: z.string().optional(),
  pelapor: z.string().optional(),
  familyId: z.string().optional(),
  publicationId: z.string().optional(),
  answer: z.string().optional(),
  answeredBy: StaffPersonSchema.optional(),
  closedBy: StaffPersonSchema.optional(),
  enteredBy: StaffPersonSchema.optional(),
  assignedAt: z.string().optional(),
  version: z.number().int(),
  history: z.array(
    z.object({
      at: z.string(),
      action: z.string(),
      label: z.string(),
      by: z.string(),
      role: z.string(),
      fromStatus: z.string().optional(),
      toStatus: z.string().optional(),
      note: z.string().optional(),
    }),
  ),
});

/** `POST /tahap/{id}/kpm/publications`: the published list's id, to print on the notice. */
export const PublicationCreatedSchema = z.object({
  publicationId: z.string(),
  tahapId: z.string(),
  region: z.string(),
  desaCode: z.string(),
  until: z.string(),
  families: z.number().int(),
});

/**
 * `GET /publications/{publicationId}` (public): while the window is open, the desa's penerima by name
 * with their NIK masked; once it closes, that it is closed and nothing else about anyone.
 */
export const PublicationViewSchema = z.object({
  publicationId: z.string(),
  status: z.enum(['DIBUKA', 'DITUTUP']),
  tahapId: z.string(),
  desaCode: z.string(),
  desaName: z.string().optional(),
  until: z.string(),
  message: z.string(),
  entries: z.array(z.object({ nama: z.string(), nik: z.string() })).optional(),
});

export type Health = z.infer<typeof HealthSchema>;
export type ImportView = z.infer<typeof ImportViewSchema>;
export type TahapView = z.infer<typeof TahapViewSchema>;
export type SnapshotView = z.infer<typeof SnapshotViewSchema>;
export type UploadCreated = z.infer<typeof UploadCreatedSchema>;
export type UploadView = z.infer<typeof UploadViewSchema>;
export type ProposalSummary = z.infer<typeof ProposalSummarySchema>;
export type ProposalDetail = z.infer<typeof ProposalDetailSchema>;
export type ProposalPage = z.infer<typeof ProposalPageSchema>;
export type ProposalList = z.infer<typeof ProposalListSchema>;
export type RecipientPage = z.infer<typeof RecipientPageSchema>;
export type AuditAnswer = z.infer<typeof AuditAnswerSchema>;
export type DecreeSummary = z.infer<typeof DecreeSummarySchema>;
export type DecreeDetail = z.infer<typeof DecreeDetailSchema>;
export type DecreeList = z.infer<typeof DecreeListSchema>;
export type Verification = z.infer<typeof VerificationSchema>;
export type ReconciliationSummary = z.infer<typeof ReconciliationSummarySchema>;
export type ReconciliationDetail = z.infer<typeof ReconciliationDetailSchema>;
export type ReconciliationList = z.infer<typeof ReconciliationListSchema>;
export type ReconciliationStarted = z.infer<typeof ReconciliationStartedSchema>;

/** A file made for Bank Kalteng or BULOG, as its party lists it (no personal data: what and how many). */
export const ExchangeFileViewSchema = z.object({
  fileId: z.string(),
  party: z.enum(EXCHANGE_PARTIES),
  kind: z.enum(EXCHANGE_FILE_KIND_NAMES),
  tahapId: z.string(),
  region: z.string(),
  desaCode: z.string().optional(),
  filename: z.string(),
  rows: z.number().int(),
  controlTotal: z.number().int().optional(),
  sha256: z.string(),
  createdAt: z.string(),
});
export const ExchangeFileListSchema = z.object({
  items: z.array(ExchangeFileViewSchema),
  /** Present when more files may follow: ask again with it as `cursor`. */
  nextCursor: z.string().optional(),
});
export const ExchangeFileDownloadSchema = ExchangeFileViewSchema.extend({
  /** Presigned, short-lived: GET the file's bytes (check them against `sha256`). */
  url: z.string(),
  expiresAt: z.string(),
});
/** Where to PUT an answer: the file lands where its import is triggered. */
export const ExchangeAnswerCreatedSchema = z.object({
  kind: z.enum(EXCHANGE_ANSWER_KIND_NAMES),
  /** The file's place, e.g. `2026-12-06/laporan.csv` (a bank report's date folder and name). */
  reportKey: z.string(),
  method: z.literal('PUT'),
  uploadUrl: z.string(),
  expiresAt: z.string(),
});

/** An answer that is a family import: where to PUT it, and where its import is followed. */
export const ExchangeImportCreatedSchema = z.object({
  kind: z.enum(EXCHANGE_IMPORT_KINDS),
  importId: z.string(),
  region: z.string().optional(),
  tahapId: z.string().optional(),
  method: z.literal('PUT'),
  uploadUrl: z.string(),
  expiresAt: z.string(),
  /** The party's own status route of the import (`/exchange/<party>/imports/<importId>`). */
  statusUrl: z.string(),
});

/** A bank report's import, as the bank reads it back: its status, counts, totals and error report. */
export const BankReportStatusSchema = z.object({
  reportKey: z.string(),
  status: z.enum(['PROCESSING', 'COMPLETED', 'REJECTED', 'FAILED']),
  counts: z.object({
    lines: z.number().int(),
    stored: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
  }),
  totals: z.object({
    berhasil: z.number().int(),
    gagal: z.number().int(),
    retur: z.number().int().optional(),
  }),
  /** Why the whole report was refused (REJECTED) or what went wrong (FAILED). */
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
  /** Presigned: the Excel-ready report of the lines refused, when there were any. */
  reportUrl: z.string().optional(),
  /** Other versions put under this name after it was imported: noted, never read. */
  redeliveryCount: z.number().int(),
  finishedAt: z.string().optional(),
});

/**
 * `POST /tahap/{tahapId}/verval/records`: each record's outcome, in the order sent (the phone drops
 * RECORDED and UNCHANGED ones from its queue, and shows the REFUSED with their reason).
 */
export const VervalRecordsResultSchema = z.object({
  results: z.array(
    z.object({
      noKk: z.string(),
      desaCode: z.string(),
      outcome: z.enum(['RECORDED', 'UNCHANGED', 'REFUSED']),
      code: z.string().optional(),
      message: z.string(),
    }),
  ),
});
