/**
 * The contract of the distribution's routes (issue #15): cards, entitlements, distribution records.
 * Kept beside `requests.ts` and `responses.ts` so the distribution's shapes read together.
 */
import * as z from 'zod';
import { DASHBOARD_LEVELS } from '../domain/family/dashboard.ts';
import { CARD_STATUSES } from '../domain/family/distribution.ts';
import { EDC_FINDING_CODES } from '../domain/family/edc.ts';
import { BAST_RECEIVERS, FOOD_FINDING_CODES, NOT_RECEIVED_REASONS } from '../domain/family/food.ts';
import { COMPONENTS } from '../domain/family/tahap.ts';
import { lazySchema } from '../lazy-schema.ts';
import {
  AccountRequestRecordSchema,
  DistributionRecordSchema,
  FOOD_LIST_STATUSES,
  InstructionRecordSchema,
} from '../model.ts';

// ─── Requests ──────────────────────────────────────────────────────────────────────────────────

export const CardCodeParamsSchema = /* @__PURE__ */ lazySchema(() => z.object({ code: z.string().max(40) }));

/** A kabupaten named in a query (`?region=62.03`). */
export const CardRegionQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ region: z.string().regex(/^62\.\d{2}$/, 'Kode kabupaten/kota ditulis seperti 62.03.') }),
);

/** A card named in a body (never in a URL: it points at one family). */
const CardNumberSchema = z.string().trim().min(1).max(40);

export const CardActionBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    cardNumber: CardNumberSchema,
    reason: z
      .string()
      .trim()
      .min(5, 'Tuliskan alasannya (paling sedikit 5 karakter).')
      .max(500, 'Alasan paling banyak 500 karakter.'),
  }),
);

const RegionSchema = z.string().regex(/^62\.\d{2}$/, 'Kode kabupaten/kota ditulis seperti 62.03.');

/** `POST /tahap/{tahapId}/accounts/requests`: the kabupaten whose account-opening request to write. */
export const AccountRequestBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ region: RegionSchema }),
);

/** `POST /tahap/{tahapId}/payments/instructions`: a first instruction, or a follow-up for failed payments. */
export const InstructionBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ region: RegionSchema, followUp: z.boolean().optional() }),
);

// ─── Responses ─────────────────────────────────────────────────────────────────────────────────

/** `GET /verify/card/{code}`: genuine, active or not; nothing about anyone. */
export const CardVerificationSchema = z.object({
  code: z.string(),
  genuine: z.literal(true),
  active: z.boolean(),
  status: z.enum(CARD_STATUSES),
  statusLabel: z.string(),
  message: z.string(),
});

/** A tahap's distribution per kabupaten (the caller's own for a regional role). */
export const DistributionViewSchema = z.object({
  tahapId: z.string(),
  items: z.array(DistributionRecordSchema),
});

/** A generated file, handed out as a short-lived link. */
export const GeneratedFileSchema = z.object({
  kind: z.string(),
  region: z.string(),
  rows: z.number().int(),
  fileKey: z.string(),
  downloadUrl: z.string(),
  expiresAt: z.string(),
});

/** A card as staff see it (the penerima's NIK masked for an auditor). */
export const CardViewSchema = z.object({
  cardNumber: z.string(),
  region: z.string(),
  familyId: z.string(),
  penerimaNama: z.string(),
  penerimaNik: z.string(),
  desaCode: z.string(),
  status: z.enum(CARD_STATUSES),
  statusLabel: z.string(),
  tahapId: z.string(),
  replaces: z.string().optional(),
  replacedBy: z.string().optional(),
  history: z.array(
    z.object({
      status: z.enum(CARD_STATUSES),
      at: z.string(),
      tanggal: z.string().optional(),
      by: z.object({ sub: z.string(), name: z.string() }).optional(),
      note: z.string().optional(),
    }),
  ),
});

/** A card action's result: the card acted on, and the new card of a replacement. */
export const CardActionResultSchema = z.object({
  card: CardViewSchema,
  replacement: CardViewSchema.optional(),
});

/** `POST /cards/handovers`: what a relawan's phone queued, sent in one go when back online. */
export const CardHandoversBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    records: z
      .array(
        z.strictObject({
          tahapId: z.string().regex(/^\d{4}-\d{1,2}$/, 'Tahap ditulis seperti 2026-1.'),
          noKk: z.string().regex(/^\d{16}$/, 'No KK harus 16 angka.'),
          /** The day the card was handed over (`YYYY-MM-DD`, WIB). */
          tanggal: z.iso.date('Tanggal ditulis YYYY-MM-DD.'),
          /** The number on the card handed over, when the relawan typed or scanned it. */
          cardNumber: z.string().trim().max(40).optional(),
        }),
      )
      .min(1, 'Kirim minimal satu catatan.')
      .max(100, 'Paling banyak 100 catatan sekali kirim.'),
  }),
);

/** Each record's outcome, in the order sent: the phone drops RECORDED and UNCHANGED ones from its queue. */
export const CardHandoversResultSchema = z.object({
  results: z.array(
    z.object({
      tahapId: z.string(),
      noKk: z.string(),
      outcome: z.enum(['RECORDED', 'UNCHANGED', 'REFUSED']),
      code: z.string().optional(),
      message: z.string(),
    }),
  ),
});

// ─── Food (PANGAN) through BULOG ───────────────────────────────────────────────────────────────

/** `POST /tahap/{tahapId}/food/lists`: write this kabupaten's distribution lists for BULOG. */
export const FoodListsBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ region: z.string().regex(/^62\.\d{2}$/, 'Kode kabupaten/kota ditulis seperti 62.03.') }),
);

/** A kabupaten's lists job and each desa's file (a short-lived link). */
export const FoodListsViewSchema = z.object({
  tahapId: z.string(),
  region: z.string(),
  job: z
    .object({
      jobId: z.string(),
      status: z.enum(FOOD_LIST_STATUSES),
      requestedAt: z.string(),
      requestedBy: z.object({ sub: z.string(), name: z.string() }),
      startedAt: z.string().optional(),
      finishedAt: z.string().optional(),
      error: z.string().optional(),
      counts: z
        .object({ listed: z.number().int(), sent: z.number().int(), notListed: z.number().int() })
        .optional(),
    })
    .optional(),
  files: z.array(
    z.object({
      desaCode: z.string(),
      desaName: z.string(),
      rows: z.number().int(),
      sha256: z.string(),
      fileKey: z.string(),
      downloadUrl: z.string(),
      expiresAt: z.string(),
    }),
  ),
});

const countsBy = <K extends readonly [string, ...string[]]>(keys: K) =>
  z.partialRecord(z.enum(keys), z.number().int());

/** One titik bagi's tally (`FoodReconciliation`). */
export const TitikBagiTallySchema = z.object({
  desaCode: z.string(),
  desaName: z.string(),
  entitled: z.object({ families: z.number().int(), packages: z.number().int(), rupiah: z.number().int() }),
  delivered: z.object({
    packages: z.number().int(),
    byReceiver: countsBy(BAST_RECEIVERS),
    withoutPhoto: z.number().int(),
  }),
  notReceived: z.object({ packages: z.number().int(), byReason: countsBy(NOT_RECEIVED_REASONS) }),
  notReported: z.number().int(),
  findings: z.object({ total: z.number().int(), byCode: countsBy(FOOD_FINDING_CODES) }),
});

/** `GET /tahap/{tahapId}/food/reconciliation`: per titik bagi, and the basis of BULOG's invoice. */
export const FoodReconciliationViewSchema = z.object({
  tahapId: z.string(),
  region: z.string(),
  package: z.object({
    label: z.string(),
    price: z.number().int(),
    items: z.array(z.object({ name: z.string(), quantity: z.number(), unit: z.string() })),
  }),
  titikBagi: z.array(TitikBagiTallySchema),
  invoice: z.object({
    region: z.string(),
    titikBagi: z.number().int(),
    packagesEntitled: z.number().int(),
    packagesDelivered: z.number().int(),
    packagesNotReceived: z.number().int(),
    packagesNotReported: z.number().int(),
    findings: z.number().int(),
    price: z.number().int(),
    total: z.number().int(),
    totalLabel: z.string(),
  }),
  /** The BAST findings of the kabupaten (no name; NIKs masked): what the province settles with BULOG. */
  findings: z.array(
    z.object({
      code: z.enum(FOOD_FINDING_CODES),
      label: z.string(),
      detail: z.string(),
      desaCode: z.string().optional(),
      importId: z.string(),
      sourceRow: z.number().int(),
      foundAt: z.string(),
    }),
  ),
});

/** `GET /tahap/{tahapId}/edc/findings`: the EDC findings of a kabupaten (card numbers, times, masked NIKs). */
export const EdcFindingsViewSchema = z.object({
  tahapId: z.string(),
  region: z.string(),
  items: z.array(
    z.object({
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
  ),
});

/** A file's short-lived link. */
const FileLinkSchema = z.object({ fileKey: z.string(), downloadUrl: z.string(), expiresAt: z.string() });

/** A kabupaten's latest account-opening request of a tahap, and its file once written. */
export const AccountRequestViewSchema = z.object({
  tahapId: z.string(),
  region: z.string(),
  request: AccountRequestRecordSchema.omit({ requestedBy: true })
    .extend({ requestedBy: z.object({ sub: z.string(), name: z.string() }) })
    .optional(),
  file: FileLinkSchema.optional(),
});

/** A kabupaten's latest payment instruction file of a tahap, and its files once written. */
export const InstructionViewSchema = z.object({
  tahapId: z.string(),
  region: z.string(),
  instruction: InstructionRecordSchema.omit({ requestedBy: true })
    .extend({ requestedBy: z.object({ sub: z.string(), name: z.string() }) })
    .optional(),
  file: FileLinkSchema.optional(),
  control: FileLinkSchema.optional(),
});

const MoneySchema = z.object({ count: z.number().int(), amount: z.number().int() });

/** `GET /tahap/{tahapId}/finance?region`: the BKAD money view of a kabupaten's cash (`FinanceFold`). */
export const FinanceViewSchema = z.object({
  tahapId: z.string(),
  region: z.string(),
  distributionClosed: z.boolean(),
  entitlements: MoneySchema,
  notInstructed: MoneySchema,
  instructed: MoneySchema,
  paid: MoneySchema,
  failed: MoneySchema,
  returned: MoneySchema,
  returnedTotal: z.number().int(),
  inFlight: MoneySchema,
  short: MoneySchema,
  awaitingReinstruction: MoneySchema,
  overpaid: MoneySchema,
  balanceToReturn: z.number().int(),
});

// ─── Dashboards ────────────────────────────────────────────────────────────────────────────────

/** `GET /tahap/{tahapId}/dashboard?region&level`: a kabupaten (default: all, or a regional role's own) at a level. */
export const DashboardQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    region: RegionSchema.optional(),
    level: z.enum(DASHBOARD_LEVELS).optional(),
  }),
);

/** The same, and the file's format (`GET /tahap/{tahapId}/dashboard/export`). */
export const DashboardExportQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    region: RegionSchema.optional(),
    level: z.enum(DASHBOARD_LEVELS).optional(),
    format: z.enum(['csv', 'xlsx']),
  }),
);

const DashboardCountsSchema = z.object({
  decreed: z.number().int(),
  cardsDistributed: z.number().int(),
  accountsOpened: z.number().int(),
  cashPaid: z.number().int(),
  cashFailed: z.number().int(),
  foodDelivered: z.number().int(),
  complaintsOpen: z.number().int(),
  complaintsOverdue: z.number().int(),
});

/** A tahap's counters at one level (rows by code, named from the wilayah data) and their totals. */
export const DashboardViewSchema = z.object({
  tahapId: z.string(),
  region: z.string().optional(),
  level: z.enum(DASHBOARD_LEVELS),
  rows: z.array(z.object({ code: z.string(), name: z.string(), counts: DashboardCountsSchema })),
  totals: DashboardCountsSchema,
  /** When the answer was read (the counters are exact as of then; complaints overdue as of that day, WIB). */
  asOf: z.string(),
});

/** The same table as a file, handed out as a short-lived link. */
export const DashboardExportSchema = z.object({
  format: z.enum(['csv', 'xlsx']),
  level: z.enum(DASHBOARD_LEVELS),
  rows: z.number().int(),
  filename: z.string(),
  url: z.string(),
  expiresAt: z.string(),
});
